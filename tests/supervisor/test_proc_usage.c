/* test_proc_usage.c — a worker's CPU seconds and RSS read from /proc,
 * summed over its process group (real subprocesses). */
#include <glib.h>
#include <gust/supervisor.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_usage.h"

static void lead_group(gpointer unused)
{
  setpgid(0, 0);
}

/* A shell that burns CPU in a child of its own, in a new process group,
 * with a descendant in a session (and group) of its own, as a worker's
 * multilang subprocesses are. */
static GPid spawn_busy_group(const char *script)
{
  char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
  GPid pid;
  GError *error = NULL;
  g_assert_true(
      g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, lead_group, NULL, &pid, &error));
  g_assert_no_error(error);
  return pid;
}

static void test_tree_usage_counts_the_group_and_every_descendant(void)
{
  GPid pid = spawn_busy_group(
      "(while :; do :; done) & setsid sleep 30 </dev/null >/dev/null 2>&1 & while :; do :; done");
  gust_proc_usage usage = {0};
  GError *error = NULL;
  /* the group has its second process and used CPU time within a bound */
  for (int i = 0; i < 600; i++) {
    g_assert_true(gust_proc_tree_usage(pid, &usage, &error));
    if (usage.processes == 3 && usage.cpu_secs > 0.05) break;
    g_usleep(50 * 1000);
  }
  g_assert_cmpuint(usage.processes, ==, 3);
  g_assert_cmpfloat(usage.cpu_secs, >, 0.05);
  g_assert_cmpuint(usage.rss_bytes, >, 100 * 1024);
  gust_proc_usage one;
  pid_t pgrp = 0;
  g_assert_true(gust_proc_usage_of(pid, &one, NULL, &pgrp, &error));
  g_assert_cmpint(pgrp, ==, pid);
  g_assert_cmpuint(one.rss_bytes, <, usage.rss_bytes);
  kill(-pid, SIGKILL);
  waitpid(pid, NULL, 0);
}

static void test_a_group_with_no_process_is_an_error(void)
{
  GPid pid = spawn_busy_group("(while :; do :; done) & while :; do :; done");
  kill(-pid, SIGKILL);
  waitpid(pid, NULL, 0);
  gust_proc_usage usage;
  GError *error = NULL;
  /* the orphaned child may take a moment to vanish */
  gboolean found = TRUE;
  for (int i = 0; i < 600 && found; i++) {
    found = gust_proc_tree_usage(pid, &usage, &error);
    if (found) g_usleep(50 * 1000);
  }
  g_assert_false(found);
  g_assert_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_PROC);
  g_error_free(error);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/proc/tree_usage_counts_the_group_and_every_descendant",
                  test_tree_usage_counts_the_group_and_every_descendant);
  g_test_add_func("/proc/a_group_with_no_process_is_an_error",
                  test_a_group_with_no_process_is_an_error);
  return g_test_run();
}
