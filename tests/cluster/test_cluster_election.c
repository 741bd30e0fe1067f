/* test_cluster_election.c — leader election over /leader-lock on a real
 * ZooKeeper server: one leader among members, the next takes over when the
 * leader's client is freed, when its session expires, and when the process
 * holding leadership is killed with SIGKILL (this program run again as
 * `--lead ROOT MEMBER` is that process).
 */
#include "cluster_test.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What a member's leader callback saw. */
typedef struct {
  pthread_mutex_t lock;
  gboolean leader;
  int changes;
} member_state;

static void on_leadership(gust_cluster *c, gboolean is_leader, void *data)
{
  member_state *state = data;
  pthread_mutex_lock(&state->lock);
  g_assert_true(state->leader != is_leader); /* told of changes only */
  state->leader = is_leader;
  state->changes++;
  pthread_mutex_unlock(&state->lock);
}

typedef struct {
  gust_cluster *c;
  member_state state;
} member;

static member *member_new(const char *root, const char *name)
{
  member *m = g_new0(member, 1);
  fc_mutex_init(&m->state.lock);
  m->c = cluster_test_connect(root);
  GError *error = NULL;
  g_assert_true(gust_cluster_elect(m->c, name, on_leadership, &m->state, &error));
  g_assert_no_error(error);
  return m;
}

static void member_free(member *m)
{
  gust_cluster_free(m->c);
  pthread_mutex_destroy(&m->state.lock);
  g_free(m);
}

static gboolean member_leads(void *data)
{
  member *m = data;
  pthread_mutex_lock(&m->state.lock);
  gboolean leads = m->state.leader;
  pthread_mutex_unlock(&m->state.lock);
  return leads && gust_cluster_is_leader(m->c);
}

static int member_changes(member *m)
{
  pthread_mutex_lock(&m->state.lock);
  int changes = m->state.changes;
  pthread_mutex_unlock(&m->state.lock);
  return changes;
}

static gboolean member_follows(void *data)
{
  return !member_leads(data);
}

static void assert_leader_is(gust_cluster *c, const char *expected)
{
  GError *error = NULL;
  char *leader = gust_cluster_leader(c, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(leader, ==, expected);
  g_free(leader);
}

typedef struct {
  gust_cluster *c;
  const char *expected;
} leader_check;

static gboolean leader_is(void *data)
{
  leader_check *check = data;
  char *leader = gust_cluster_leader(check->c, NULL);
  gboolean ok = g_strcmp0(leader, check->expected) == 0;
  g_free(leader);
  return ok;
}

/* The first member of a fresh root: it leads. */
static member *first_leader(const char *root, const char *name)
{
  member *m = member_new(root, name);
  cluster_test_wait_until(member_leads, m, "the first member to lead");
  return m;
}

/* A member standing behind the current leader, once it sees that leader. */
static member *standby(const char *root, const char *name, const char *leader)
{
  member *m = member_new(root, name);
  leader_check seen = {m->c, leader};
  cluster_test_wait_until(leader_is, &seen, "a standby member to see the leader");
  g_assert_false(member_leads(m));
  return m;
}

static void test_two_members_elect_one_leader_and_the_other_takes_over_when_it_is_freed(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *observer = cluster_test_connect(root);
  GError *error = NULL;
  g_assert_null(gust_cluster_leader(observer, &error)); /* no candidates yet */
  g_assert_no_error(error);

  member *a = first_leader(root, "127.0.0.1:6627");
  member *b = standby(root, "127.0.0.1:6628", "127.0.0.1:6627"); /* must not lead while a does */
  assert_leader_is(observer, "127.0.0.1:6627");
  g_assert_true(member_leads(a));

  /* A second candidacy on one client is refused. */
  g_assert_false(gust_cluster_elect(a->c, "again", on_leadership, NULL, &error));
  g_assert_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_EXISTS);
  g_clear_error(&error);

  member_free(a);
  cluster_test_wait_until(member_leads, b, "the second member to take over");
  assert_leader_is(observer, "127.0.0.1:6628");
  g_assert_cmpint(member_changes(b), ==, 1);
  member_free(b);
  g_assert_null(gust_cluster_leader(observer, &error));
  g_assert_no_error(error);
  gust_cluster_free(observer);
  g_free(root);
}

/* Members watch only their predecessor: when a middle member goes, the
 * leader stays and the last one still waits; when the leader goes, the
 * last one (now second) takes over. */
static void test_a_standby_leaving_changes_nothing_and_the_next_in_line_takes_over(void)
{
  char *root = cluster_test_new_root();
  member *a = first_leader(root, "a:1");
  member *b = standby(root, "b:2", "a:1");
  member *c = standby(root, "c:3", "a:1");
  GPtrArray *candidates = gust_cluster_children(a->c, "/leader-lock", NULL);
  g_assert_cmpuint(candidates->len, ==, 3);
  g_ptr_array_unref(candidates);
  /* ZooKeeper tells c of b's going before the barrier's creation, and c's
   * event thread handles them in that order: once the barrier's watch was
   * called, c has looked at the election again. */
  cluster_test_counter barrier;
  cluster_test_counter_init(&barrier);
  gust_cluster_watch(c->c, "/barrier", cluster_test_count_watch, &barrier);
  member_free(b);
  g_assert_true(gust_cluster_put(a->c, "/barrier", "", 0, GUST_NODE_PERSISTENT, NULL, NULL));
  cluster_test_counter_wait(&barrier, 1);
  leader_check still_a = {c->c, "a:1"};
  g_assert_true(leader_is(&still_a));
  g_assert_true(member_leads(a));
  g_assert_true(member_follows(c));
  member_free(a);
  cluster_test_wait_until(member_leads, c, "c to take over");
  g_assert_cmpint(member_changes(c), ==, 1);
  member_free(c);
  cluster_test_counter_clear(&barrier);
  g_free(root);
}

static void test_leader_whose_session_expires_steps_down_and_the_standby_takes_over(void)
{
  char *root = cluster_test_new_root();
  member *a = first_leader(root, "a:1");
  member *b = standby(root, "b:2", "a:1");

  cluster_test_expire_session(a->c);
  cluster_test_wait_until(member_leads, b, "b to take over from the expired leader");
  cluster_test_wait_until(member_follows, a, "a to step down");
  /* a stands again with its new session, behind b. */
  leader_check a_sees_b = {a->c, "b:2"};
  cluster_test_wait_until(leader_is, &a_sees_b, "a, renewed, to see b as leader");
  GPtrArray *candidates = NULL;
  for (gint64 deadline = g_get_monotonic_time() + CLUSTER_TEST_WAIT_US;; g_usleep(20 * 1000)) {
    candidates = gust_cluster_children(b->c, "/leader-lock", NULL);
    if (candidates->len == 2 || g_get_monotonic_time() > deadline) break;
    g_ptr_array_unref(candidates);
  }
  g_assert_cmpuint(candidates->len, ==, 2);
  g_ptr_array_unref(candidates);
  g_assert_false(member_leads(a));

  member_free(b);
  cluster_test_wait_until(member_leads, a, "a to lead again");
  member_free(a);
  g_free(root);
}

/* `--lead ROOT MEMBER`: stand for leader with a short session, say
 * "leading" on stdout when leading, then wait to be killed. */
static void on_child_leadership(gust_cluster *c, gboolean is_leader, void *data)
{
  if (is_leader) {
    printf("leading\n");
    fflush(stdout);
  }
}

static int lead_until_killed(const char *root, const char *name)
{
  GError *error = NULL;
  gust_cluster *c = gust_cluster_connect(cluster_test_servers(), root, 2000, &error);
  if (!c || !gust_cluster_elect(c, name, on_child_leadership, NULL, &error)) {
    fprintf(stderr, "--lead: %s\n", error->message);
    return 1;
  }
  for (;;)
    pause();
}

static void test_standby_takes_over_when_the_leading_process_is_killed(void)
{
  char *root = cluster_test_new_root();
  char *self = g_file_read_link("/proc/self/exe", NULL);
  char *argv[] = {self, "--lead", root, "child:1", NULL};
  GPid pid;
  int out;
  GError *error = NULL;
  g_assert_true(g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                         &pid, NULL, &out, NULL, &error));
  g_assert_no_error(error);
  char line[64] = {0};
  FILE *from_child = fdopen(out, "r");
  g_assert_nonnull(fgets(line, sizeof line, from_child)); /* bounded by the test's timeout */
  g_assert_cmpstr(line, ==, "leading\n");

  member *b = standby(root, "b:2", "child:1");
  g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
  int status;
  g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
  g_assert_true(WIFSIGNALED(status));
  /* The child's node goes when its session times out (2 s). */
  cluster_test_wait_until(member_leads, b, "b to take over from the killed process");
  assert_leader_is(b->c, "b:2");
  member_free(b);
  fclose(from_child);
  g_spawn_close_pid(pid);
  g_free(self);
  g_free(root);
}

int main(int argc, char **argv)
{
  if (argc == 4 && !strcmp(argv[1], "--lead")) return lead_until_killed(argv[2], argv[3]);
  cluster_test_init(&argc, &argv);
  g_test_add_func("/cluster/two_members_elect_one_leader_and_the_other_takes_over_when_it_is_freed",
                  test_two_members_elect_one_leader_and_the_other_takes_over_when_it_is_freed);
  g_test_add_func("/cluster/a_standby_leaving_changes_nothing_and_the_next_in_line_takes_over",
                  test_a_standby_leaving_changes_nothing_and_the_next_in_line_takes_over);
  g_test_add_func("/cluster/leader_whose_session_expires_steps_down_and_the_standby_takes_over",
                  test_leader_whose_session_expires_steps_down_and_the_standby_takes_over);
  g_test_add_func("/cluster/standby_takes_over_when_the_leading_process_is_killed",
                  test_standby_takes_over_when_the_leading_process_is_killed);
  return g_test_run();
}
