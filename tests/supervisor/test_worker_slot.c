/* test_worker_slot.c — one slot's worker process, on real subprocesses:
 * launched for an assignment, relaunched after a back-off when it dies
 * (counting restarts), stopped with SIGTERM when unassigned, SIGKILLed
 * when it ignores SIGTERM past the bound, restarted on a new assignment
 * version, and its process group (children included) killed with it. */
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "supervisor_private.h"

typedef struct {
  const char *script; /* what the "worker" runs (sh -c) */
  int launches;
  gboolean fail_launch;
} fake_launcher;

static void lead_group(gpointer unused)
{
  setpgid(0, 0);
}

static gboolean launch(sv_slot *slot, GPid *pid, void *data, GError **error)
{
  fake_launcher *l = data;
  if (l->fail_launch) {
    g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_DOWNLOAD, "no Nimbus");
    return FALSE;
  }
  char *argv[] = {"/bin/sh", "-c", (char *)l->script, NULL};
  if (!g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, lead_group, NULL, pid, error))
    return FALSE;
  setpgid(*pid, *pid);
  l->launches++;
  return TRUE;
}

static sv_slot_policy policy_for(fake_launcher *l)
{
  return (sv_slot_policy){.stop_timeout_ms = 500,
                          .backoff_max_ms = 2000,
                          .backoff_reset_ms = 60000,
                          .launch = launch,
                          .data = l};
}

/* Ticks until pred holds; the bound only catches a hang. */
static void tick_until(sv_slot *slot, const sv_slot_policy *policy,
                       gboolean (*pred)(sv_slot *slot, void *data), void *data, const char *what)
{
  gint64 until = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
  while (!pred(slot, data)) {
    if (g_get_monotonic_time() > until) g_error("timed out waiting for %s", what);
    sv_slot_tick(slot, policy);
    g_usleep(20 * 1000);
  }
}

static gboolean is_running(sv_slot *slot, void *unused)
{
  return slot->state == SV_SLOT_RUNNING && slot->pid > 0;
}

static gboolean is_idle(sv_slot *slot, void *unused)
{
  return slot->state == SV_SLOT_IDLE && slot->pid == 0;
}

static gboolean has_restarts(sv_slot *slot, void *n)
{
  return slot->restarts == GPOINTER_TO_INT(n) && is_running(slot, NULL);
}

static void assign(sv_slot *slot, const char *topology, gint64 version)
{
  g_free(slot->want_topology);
  slot->want_topology = g_strdup(topology);
  slot->want_version = version;
}

static void test_dead_worker_is_relaunched_after_a_backoff_counting_restarts(void)
{
  fake_launcher l = {.script = "exec sleep 600"};
  sv_slot_policy policy = policy_for(&l);
  sv_slot slot = {.port = 6700};
  assign(&slot, "wc-1-1", 1);
  tick_until(&slot, &policy, is_running, NULL, "the first launch");
  g_assert_cmpstr(sv_slot_state_name(&slot), ==, "starting");
  GPid first = slot.pid;
  kill(first, SIGKILL);
  tick_until(&slot, &policy, has_restarts, GINT_TO_POINTER(1), "the relaunch");
  g_assert_cmpint(slot.pid, !=, first);
  g_assert_cmpint(l.launches, ==, 2);
  g_assert_cmpint(slot.backoff_ms, ==, 2000); /* doubled by the quick death */
  kill(slot.pid, SIGKILL);
  tick_until(&slot, &policy, has_restarts, GINT_TO_POINTER(2), "the second relaunch");
  g_assert_cmpint(slot.backoff_ms, ==, 2000); /* bounded by backoff_max_ms */
  assign(&slot, NULL, 0);
  tick_until(&slot, &policy, is_idle, NULL, "the stop");
  sv_slot_clear(&slot);
}

static void test_unassigned_worker_gets_sigterm_and_its_group_goes(void)
{
  /* a "worker" with a child of its own in its group, both waiting */
  fake_launcher l = {.script = "sleep 600 & wait"};
  sv_slot_policy policy = policy_for(&l);
  sv_slot slot = {.port = 6700};
  assign(&slot, "wc-1-1", 1);
  tick_until(&slot, &policy, is_running, NULL, "the launch");
  GPid pid = slot.pid;
  g_usleep(200 * 1000); /* the child starts */
  assign(&slot, NULL, 0);
  tick_until(&slot, &policy, is_idle, NULL, "the stop");
  g_assert_cmpint(slot.restarts, ==, 0);
  g_assert_null(slot.topology);
  /* nothing of its process group is left */
  gint64 until = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
  while (kill(-pid, 0) == 0 && g_get_monotonic_time() < until)
    g_usleep(20 * 1000);
  g_assert_cmpint(kill(-pid, 0), ==, -1);
  sv_slot_clear(&slot);
}

static void test_worker_ignoring_sigterm_is_killed_at_the_bound(void)
{
  fake_launcher l = {.script = "trap '' TERM; while :; do sleep 0.05; done"};
  sv_slot_policy policy = policy_for(&l);
  sv_slot slot = {.port = 6700};
  assign(&slot, "wc-1-1", 1);
  tick_until(&slot, &policy, is_running, NULL, "the launch");
  g_usleep(200 * 1000); /* the trap is set */
  assign(&slot, NULL, 0);
  sv_slot_tick(&slot, &policy);
  g_assert_cmpint(slot.state, ==, SV_SLOT_STOPPING);
  tick_until(&slot, &policy, is_idle, NULL, "the SIGKILL");
  sv_slot_clear(&slot);
}

static void test_new_assignment_version_restarts_the_worker(void)
{
  fake_launcher l = {.script = "exec sleep 600"};
  sv_slot_policy policy = policy_for(&l);
  sv_slot slot = {.port = 6700};
  assign(&slot, "wc-1-1", 1);
  tick_until(&slot, &policy, is_running, NULL, "the launch");
  GPid first = slot.pid;
  assign(&slot, "wc-1-1", 2);
  gint64 until = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
  while (!(is_running(&slot, NULL) && slot.version == 2)) {
    g_assert_cmpint(g_get_monotonic_time(), <, until);
    sv_slot_tick(&slot, &policy);
    g_usleep(20 * 1000);
  }
  g_assert_cmpint(slot.pid, !=, first);
  g_assert_cmpint(slot.restarts, ==, 0); /* a rebalance is not a death */
  g_assert_cmpint(l.launches, ==, 2);
  assign(&slot, NULL, 0);
  tick_until(&slot, &policy, is_idle, NULL, "the stop");
  sv_slot_clear(&slot);
}

static void test_failed_launch_is_retried_after_a_backoff(void)
{
  fake_launcher l = {.script = "exec sleep 600", .fail_launch = TRUE};
  sv_slot_policy policy = policy_for(&l);
  sv_slot slot = {.port = 6700};
  assign(&slot, "wc-1-1", 1);
  g_test_expect_message("gust-supervisor", G_LOG_LEVEL_CRITICAL,
                        "slot 6700: cannot start the worker of wc-1-1: no Nimbus*");
  sv_slot_tick(&slot, &policy);
  g_test_assert_expected_messages();
  g_assert_cmpint(slot.state, ==, SV_SLOT_BACKOFF);
  g_assert_cmpstr(sv_slot_state_name(&slot), ==, "restarting");
  l.fail_launch = FALSE;
  tick_until(&slot, &policy, is_running, NULL, "the launch after the back-off");
  assign(&slot, NULL, 0);
  tick_until(&slot, &policy, is_idle, NULL, "the stop");
  sv_slot_clear(&slot);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  /* the slot warns about every death and stop: expected here */
  g_log_set_always_fatal(G_LOG_FATAL_MASK);
  g_test_add_func("/worker_slot/dead_worker_is_relaunched_after_a_backoff_counting_restarts",
                  test_dead_worker_is_relaunched_after_a_backoff_counting_restarts);
  g_test_add_func("/worker_slot/unassigned_worker_gets_sigterm_and_its_group_goes",
                  test_unassigned_worker_gets_sigterm_and_its_group_goes);
  g_test_add_func("/worker_slot/worker_ignoring_sigterm_is_killed_at_the_bound",
                  test_worker_ignoring_sigterm_is_killed_at_the_bound);
  g_test_add_func("/worker_slot/new_assignment_version_restarts_the_worker",
                  test_new_assignment_version_restarts_the_worker);
  g_test_add_func("/worker_slot/failed_launch_is_retried_after_a_backoff",
                  test_failed_launch_is_retried_after_a_backoff);
  return g_test_run();
}
