/* event_queue.c — the queue between ZooKeeper's threads and the cluster's
 * event thread.
 *
 * Producers: ZooKeeper's completion thread (watchers), user threads
 * (gust_cluster_elect, gust_cluster_free).  One consumer: the event thread.
 * A pthread mutex and condition variable rather than GAsyncQueue: GLib's
 * locks are raw futexes ThreadSanitizer cannot see, and this hand-off is
 * what the TSan tests check.
 */
#include "cluster_internal.h"

void cluster_events_init(gust_cluster *c)
{
  fc_mutex_init(&c->events_lock);
  fc_cond_init(&c->events_cond);
  g_queue_init(&c->events);
}

void cluster_events_clear(gust_cluster *c)
{
  g_queue_clear_full(&c->events, g_free);
  pthread_cond_destroy(&c->events_cond);
  pthread_mutex_destroy(&c->events_lock);
}

void cluster_push_event(gust_cluster *c, cluster_event_type type, guint watch_id)
{
  cluster_event *event = g_new0(cluster_event, 1);
  event->type = type;
  event->watch_id = watch_id;
  pthread_mutex_lock(&c->events_lock);
  g_queue_push_tail(&c->events, event);
  pthread_cond_signal(&c->events_cond);
  pthread_mutex_unlock(&c->events_lock);
}

cluster_event *cluster_pop_event(gust_cluster *c, gint64 deadline_us)
{
  pthread_mutex_lock(&c->events_lock);
  while (g_queue_is_empty(&c->events)) {
    if (deadline_us < 0)
      pthread_cond_wait(&c->events_cond, &c->events_lock);
    else if (!fc_cond_wait_until(&c->events_cond, &c->events_lock, deadline_us))
      break;
  }
  cluster_event *event = g_queue_pop_head(&c->events);
  pthread_mutex_unlock(&c->events_lock);
  return event;
}

gboolean cluster_stop_pending(gust_cluster *c)
{
  pthread_mutex_lock(&c->events_lock);
  gboolean stop = FALSE;
  for (GList *l = c->events.head; l && !stop; l = l->next)
    stop = ((cluster_event *)l->data)->type == CLUSTER_EVENT_STOP;
  pthread_mutex_unlock(&c->events_lock);
  return stop;
}

void cluster_drop_watch_events(gust_cluster *c, guint watch_id)
{
  pthread_mutex_lock(&c->events_lock);
  for (GList *l = c->events.head, *next; l; l = next) {
    next = l->next;
    cluster_event *event = l->data;
    if (event->type == CLUSTER_EVENT_WATCH_FIRED && event->watch_id == watch_id) {
      g_free(event);
      g_queue_delete_link(&c->events, l);
    }
  }
  pthread_mutex_unlock(&c->events_lock);
}
