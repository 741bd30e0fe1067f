/* election.c — leader election over /leader-lock.
 *
 * Each candidate creates an ephemeral sequential node /leader-lock/n-<seq>
 * holding its member name ("host:port").  The lowest sequence leads.  Every
 * other candidate watches only the node just before its own (no herd when
 * the leader goes: one member wakes).  When that node goes, the member
 * checks again: it leads if it is now the lowest, else it watches its new
 * predecessor.  The node vanishes with its session, so a dead leader's
 * successor takes over within the session timeout.
 *
 * Leadership is given up (fn(FALSE)) as soon as the connection is lost: a
 * member cut off from ZooKeeper cannot know whether its session still holds
 * the lock.  It is claimed again by the check that follows a reconnection;
 * after a session expiry the candidacy is created again with a new sequence.
 *
 * Threads: gust_cluster_elect from any thread creates the node and queues a
 * check; checks and fn calls run on the event thread only.  The election
 * fields are guarded by state_lock; is_leader is also read atomically.
 */
#include "cluster_internal.h"

#include <string.h>

#define LEADER_LOCK "/leader-lock"
#define CANDIDATE_PREFIX LEADER_LOCK "/n-"

/* ZooKeeper's completion thread: the predecessor changed. */
static void predecessor_watcher(zhandle_t *zh, int type, int state, const char *path, void *context)
{
  if (type == ZOO_SESSION_EVENT || type == ZOO_NOTWATCHING_EVENT) return;
  cluster_push_event((gust_cluster *)zoo_get_context(zh), CLUSTER_EVENT_ELECTION_CHECK, 0);
}

/* The sequence of a candidate name "n-0000000012" (the number after the
 * last '-'); names without one sort last. */
static gint64 sequence_of(const char *name)
{
  const char *dash = strrchr(name, '-');
  if (!dash || !g_ascii_isdigit(dash[1])) return G_MAXINT64;
  return g_ascii_strtoll(dash + 1, NULL, 10);
}

static gint compare_candidates(gconstpointer a, gconstpointer b)
{
  gint64 x = sequence_of(*(char *const *)a), y = sequence_of(*(char *const *)b);
  return x < y ? -1 : x > y;
}

/* The candidates in order of sequence, or NULL with error. */
static GPtrArray *candidates(gust_cluster *c, GError **error)
{
  GPtrArray *names = gust_cluster_children(c, LEADER_LOCK, error);
  if (names) g_ptr_array_sort(names, compare_candidates);
  return names;
}

/* Event thread: tells the user when leadership changes. */
static void set_leader(gust_cluster *c, gboolean leader)
{
  if (g_atomic_int_get(&c->is_leader) == leader) return;
  g_atomic_int_set(&c->is_leader, leader);
  pthread_mutex_lock(&c->state_lock);
  gust_cluster_leader_fn fn = c->leader_fn;
  void *data = c->leader_data;
  char *member = g_strdup(c->member);
  pthread_mutex_unlock(&c->state_lock);
  if (leader)
    g_message("%s is the leader (ZooKeeper %s)", member, c->servers);
  else
    g_message("%s is no longer the leader", member);
  g_free(member);
  pthread_mutex_lock(&c->dispatch_lock);
  if (fn) fn(c, leader, data);
  pthread_mutex_unlock(&c->dispatch_lock);
}

/* Creates this member's candidate node; returns its name or NULL. */
static char *create_candidate(gust_cluster *c, const char *member, GError **error)
{
  char *created = NULL;
  if (!gust_cluster_put(c, CANDIDATE_PREFIX, member, strlen(member), GUST_NODE_EPHEMERAL_SEQUENTIAL,
                        &created, error))
    return NULL;
  /* The candidacy is not one of the ephemeral nodes recreated by name: the
   * election makes a new one after a renewal. */
  pthread_mutex_lock(&c->state_lock);
  g_hash_table_remove(c->ephemerals, created);
  g_hash_table_remove(c->sequentials, created);
  pthread_mutex_unlock(&c->state_lock);
  char *name = g_strdup(created + strlen(LEADER_LOCK "/"));
  g_free(created);
  return name;
}

/* Event thread: sets a watch on the candidate just before ours; FALSE if
 * it is gone already (the caller looks again). */
static gboolean watch_predecessor(gust_cluster *c, const char *predecessor, const char *mine)
{
  char *path = g_strconcat(c->root, LEADER_LOCK "/", predecessor, NULL);
  struct Stat stat;
  zhandle_t *zh = cluster_handle_acquire(c);
  int rc = zoo_wexists(zh, path, predecessor_watcher, c, &stat);
  cluster_handle_release(c);
  g_free(path);
  if (rc != ZOK && rc != ZNONODE)
    g_warning("cannot watch the leader candidate before %s: %s (checked again on reconnection)",
              mine, zerror(rc));
  return rc != ZNONODE;
}

/* Event thread: one round of the election.  Returns TRUE when settled
 * (leading, watching the predecessor, or failed with a warning: the next
 * reconnection checks again); FALSE to look again. */
static gboolean election_round(gust_cluster *c, const char *member)
{
  pthread_mutex_lock(&c->state_lock);
  char *mine = g_strdup(c->candidate_node);
  pthread_mutex_unlock(&c->state_lock);
  GError *error = NULL;
  if (!mine) {
    mine = create_candidate(c, member, &error);
    if (!mine) {
      g_warning("cannot stand for leader: %s (tried again on reconnection)", error->message);
      g_error_free(error);
      return TRUE;
    }
    pthread_mutex_lock(&c->state_lock);
    g_free(c->candidate_node);
    c->candidate_node = g_strdup(mine);
    pthread_mutex_unlock(&c->state_lock);
  }
  GPtrArray *names = candidates(c, &error);
  if (!names) {
    g_warning("cannot read the leader candidates: %s (checked again on reconnection)",
              error->message);
    g_error_free(error);
    g_free(mine);
    return TRUE;
  }
  guint index;
  gboolean settled = TRUE;
  if (!g_ptr_array_find_with_equal_func(names, mine, g_str_equal, &index)) {
    /* Our node is gone (deleted by hand, or an old session's): stand again. */
    pthread_mutex_lock(&c->state_lock);
    g_clear_pointer(&c->candidate_node, g_free);
    pthread_mutex_unlock(&c->state_lock);
    set_leader(c, FALSE);
    settled = FALSE;
  } else if (index == 0) {
    set_leader(c, TRUE);
  } else {
    set_leader(c, FALSE);
    settled = watch_predecessor(c, names->pdata[index - 1], mine);
  }
  g_ptr_array_unref(names);
  g_free(mine);
  return settled;
}

/* Event thread: lead, or watch the predecessor; looks again while the
 * predecessor vanishes before its watch is set. */
void cluster_election_check(gust_cluster *c)
{
  pthread_mutex_lock(&c->state_lock);
  char *member = g_strdup(c->member);
  pthread_mutex_unlock(&c->state_lock);
  if (!member) return;
  int round = 0;
  while (!election_round(c, member) && ++round < 100)
    ;
  if (round == 100)
    g_warning("leader election did not settle after 100 rounds; checked again at the next change");
  g_free(member);
}

/* Event thread: the connection or the session is lost. */
void cluster_election_lost_session(gust_cluster *c)
{
  set_leader(c, FALSE);
}

/* Event thread, after a new session: the old candidate node died with the
 * old session; the next check creates a new one. */
void cluster_election_session_renewed(gust_cluster *c)
{
  pthread_mutex_lock(&c->state_lock);
  g_clear_pointer(&c->candidate_node, g_free);
  pthread_mutex_unlock(&c->state_lock);
  cluster_election_check(c);
}

gboolean gust_cluster_elect(gust_cluster *c, const char *member, gust_cluster_leader_fn fn,
                            void *data, GError **error)
{
  g_return_val_if_fail(member != NULL, FALSE);
  pthread_mutex_lock(&c->state_lock);
  gboolean already = c->member != NULL;
  if (!already) {
    c->member = g_strdup(member);
    c->leader_fn = fn;
    c->leader_data = data;
  }
  pthread_mutex_unlock(&c->state_lock);
  if (already) {
    g_set_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_EXISTS,
                "this ZooKeeper client already stands for leader (one candidacy per connection)");
    return FALSE;
  }
  char *mine = create_candidate(c, member, error);
  if (!mine) {
    pthread_mutex_lock(&c->state_lock);
    g_clear_pointer(&c->member, g_free);
    pthread_mutex_unlock(&c->state_lock);
    return FALSE;
  }
  pthread_mutex_lock(&c->state_lock);
  c->candidate_node = mine;
  pthread_mutex_unlock(&c->state_lock);
  cluster_push_event(c, CLUSTER_EVENT_ELECTION_CHECK, 0);
  return TRUE;
}

gboolean gust_cluster_is_leader(gust_cluster *c)
{
  return g_atomic_int_get(&c->is_leader);
}

char *gust_cluster_leader(gust_cluster *c, GError **error)
{
  for (int attempt = 0; attempt < 10; attempt++) {
    GPtrArray *names = candidates(c, error);
    if (!names) return NULL;
    if (names->len == 0) {
      g_ptr_array_unref(names);
      return NULL;
    }
    char *path = g_strconcat(LEADER_LOCK "/", (char *)names->pdata[0], NULL);
    g_ptr_array_unref(names);
    char *member = NULL;
    GError *local = NULL;
    gboolean ok = gust_cluster_get(c, path, &member, NULL, &local);
    g_free(path);
    if (ok) return member;
    if (!g_error_matches(local, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_NOT_FOUND)) {
      g_propagate_error(error, local);
      return NULL;
    }
    g_error_free(local); /* the leader went between the two reads: look again */
  }
  g_set_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED,
              "the leader changed ten times while it was being read (ZooKeeper %s)", c->servers);
  return NULL;
}

void cluster_election_free(gust_cluster *c)
{
  g_clear_pointer(&c->member, g_free);
  g_clear_pointer(&c->candidate_node, g_free);
}
