/* watches.c — persistent watches on top of ZooKeeper's one-shot ones.
 *
 * A gust watch on a path arms two ZooKeeper watches: an exists-watch (the
 * node is created, deleted or its data changes) and, when the node exists,
 * a children-watch.  Both carry the watch id as context; the raw watcher
 * runs on ZooKeeper's completion thread and only queues the id.  The event
 * thread then arms the watch again (before calling, so that no change made
 * during the call is missed) and calls the user's function under
 * dispatch_lock.  Several firings queued together for one id are folded into
 * one call; ZooKeeper itself keeps one registration per (path, context).
 *
 * Threads: gust_cluster_watch/unwatch from any thread; everything else on
 * the event thread.  The table of watches is guarded by state_lock; a fire
 * for an id no longer in the table is dropped.
 */
#include "cluster_internal.h"

/* ZooKeeper's completion thread. */
static void node_watcher(zhandle_t *zh, int type, int state, const char *path, void *context)
{
  if (type == ZOO_SESSION_EVENT || type == ZOO_NOTWATCHING_EVENT) return;
  gust_cluster *c = (gust_cluster *)zoo_get_context(zh);
  cluster_push_event(c, CLUSTER_EVENT_WATCH_FIRED, GPOINTER_TO_UINT(context));
}

/* Sets ZooKeeper's watches for the gust watch id on path.  A node created
 * between the exists and the children call fires the exists-watch, so no
 * change goes unseen. */
static void arm(gust_cluster *c, guint id, const char *path)
{
  char *full = cluster_full_path(c, path);
  struct Stat stat;
  zhandle_t *zh = cluster_handle_acquire(c);
  int rc = zoo_wexists(zh, full, node_watcher, GUINT_TO_POINTER(id), &stat);
  if (rc == ZOK) {
    struct String_vector children = {0};
    rc = zoo_wget_children(zh, full, node_watcher, GUINT_TO_POINTER(id), &children);
    if (rc == ZOK) deallocate_String_vector(&children);
    if (rc == ZNONODE) rc = ZOK; /* deleted meanwhile: the exists-watch fires */
  }
  cluster_handle_release(c);
  if (rc != ZOK && rc != ZNONODE)
    g_warning("cannot watch ZooKeeper node '%s%s' (servers '%s'): %s; it is watched again when the "
              "connection "
              "comes back",
              c->root, path, c->servers, zerror(rc));
  g_free(full);
}

guint gust_cluster_watch(gust_cluster *c, const char *path, gust_cluster_watch_fn fn, void *data)
{
  g_return_val_if_fail(fn != NULL, 0);
  g_return_val_if_fail(cluster_check_path(path, NULL), 0);
  cluster_watch *watch = g_new0(cluster_watch, 1);
  watch->path = g_strdup(path);
  watch->fn = fn;
  watch->data = data;
  pthread_mutex_lock(&c->state_lock);
  watch->id = c->next_watch_id++;
  g_hash_table_insert(c->watches, GUINT_TO_POINTER(watch->id), watch);
  pthread_mutex_unlock(&c->state_lock);
  arm(c, watch->id, path);
  return watch->id;
}

static void watch_free(cluster_watch *watch)
{
  g_free(watch->path);
  g_free(watch);
}

void gust_cluster_unwatch(gust_cluster *c, guint id)
{
  pthread_mutex_lock(&c->state_lock);
  cluster_watch *watch = g_hash_table_lookup(c->watches, GUINT_TO_POINTER(id));
  g_hash_table_remove(c->watches, GUINT_TO_POINTER(id));
  pthread_mutex_unlock(&c->state_lock);
  /* Wait for a call in progress on the event thread (unless this is it). */
  pthread_mutex_lock(&c->dispatch_lock);
  pthread_mutex_unlock(&c->dispatch_lock);
  if (!watch) return;
  /* The client would keep its registrations until the node next changes;
   * removed locally (no server round trip needed to stop calls: a firing
   * for a removed id is dropped anyway). */
  char *full = cluster_full_path(c, watch->path);
  zhandle_t *zh = cluster_handle_acquire(c);
  zoo_remove_watches(zh, full, ZWATCHTYPE_ANY, node_watcher, GUINT_TO_POINTER(id), 1);
  cluster_handle_release(c);
  g_free(full);
  watch_free(watch);
}

/* Event thread: the watch's path and function as they are now, or FALSE if
 * it was removed. */
static gboolean lookup(gust_cluster *c, guint id, char **path, gust_cluster_watch_fn *fn,
                       void **data)
{
  pthread_mutex_lock(&c->state_lock);
  cluster_watch *watch = g_hash_table_lookup(c->watches, GUINT_TO_POINTER(id));
  if (watch) {
    *path = g_strdup(watch->path);
    *fn = watch->fn;
    *data = watch->data;
  }
  pthread_mutex_unlock(&c->state_lock);
  return watch != NULL;
}

/* Event thread: arm again and call, unless removed meanwhile (checked under
 * dispatch_lock, which unwatch waits for). */
static void rearm_and_call(gust_cluster *c, guint id)
{
  char *path;
  gust_cluster_watch_fn fn;
  void *data;
  if (!lookup(c, id, &path, &fn, &data)) return;
  arm(c, id, path);
  pthread_mutex_lock(&c->dispatch_lock);
  pthread_mutex_lock(&c->state_lock);
  gboolean still_there = g_hash_table_contains(c->watches, GUINT_TO_POINTER(id));
  pthread_mutex_unlock(&c->state_lock);
  if (still_there) fn(c, path, data);
  pthread_mutex_unlock(&c->dispatch_lock);
  g_free(path);
}

/* Event thread: one call for id, however many of its firings are queued
 * right behind it. */
void cluster_watch_fired(gust_cluster *c, guint id)
{
  cluster_drop_watch_events(c, id);
  rearm_and_call(c, id);
}

static gint compare_ids(gconstpointer a, gconstpointer b)
{
  guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);
  return x < y ? -1 : x > y;
}

/* Event thread, after a reconnection or a new session: every watch once,
 * oldest first. */
void cluster_watches_fire_all(gust_cluster *c)
{
  pthread_mutex_lock(&c->state_lock);
  GList *ids = g_list_sort(g_hash_table_get_keys(c->watches), compare_ids);
  pthread_mutex_unlock(&c->state_lock);
  for (GList *l = ids; l; l = l->next)
    rearm_and_call(c, GPOINTER_TO_UINT(l->data));
  g_list_free(ids);
}

void cluster_watches_free(gust_cluster *c)
{
  GHashTableIter iter;
  gpointer watch;
  g_hash_table_iter_init(&iter, c->watches);
  while (g_hash_table_iter_next(&iter, NULL, &watch))
    watch_free(watch);
  g_hash_table_remove_all(c->watches);
}
