/* worker_slot.c — the life of the worker process in one slot.
 *
 * Each tick compares what the slot runs (topology, version, pid) with
 * what is assigned (want_topology, want_version) and takes one step:
 *   - a process that exited is reaped (waitpid, WNOHANG) and what is left
 *     of its process group (multilang subprocesses of a worker killed with
 *     SIGKILL) is killed;  if the exit was not asked for, the death is
 *     counted and the relaunch waits a back-off (1 s, doubled per quick
 *     death up to backoff_max_ms; afresh after a worker that lived
 *     backoff_reset_ms);
 *   - a process whose assignment is gone or has a new version (rebalance)
 *     gets SIGTERM (its final checkpoint) and SIGKILL at stop_timeout_ms;
 *   - no process and an assignment wanted: launch (fetching files first);
 *     a launch that fails is retried after the back-off.
 * A worker is started as the leader of its own process group, so signals
 * reach its multilang subprocesses too.  Locality: the supervisor's
 * thread only.
 */
#define G_LOG_DOMAIN "gust-supervisor"

#include "supervisor_private.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

enum { BACKOFF_FIRST_MS = 1000 };

const char *sv_slot_state_name(const sv_slot *slot)
{
  switch (slot->state) {
  case SV_SLOT_RUNNING:
    return slot->heartbeat_seen ? "running" : "starting";
  case SV_SLOT_BACKOFF:
    return "restarting";
  case SV_SLOT_STOPPING:
    return "stopping";
  default:
    return "idle";
  }
}

void sv_slot_signal(sv_slot *slot, int signo)
{
  if (slot->pid > 0 && kill(-slot->pid, signo) < 0 && errno != ESRCH)
    g_warning("slot %d: cannot signal worker process group %d: %s", slot->port, (int)slot->pid,
              g_strerror(errno));
}

static char *describe_exit(int status)
{
  if (WIFEXITED(status)) return g_strdup_printf("exited with status %d", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return g_strdup_printf("was killed by signal %d", WTERMSIG(status));
  return g_strdup("ended");
}

static gboolean wanted_matches(const sv_slot *slot)
{
  return slot->want_topology && slot->topology && !strcmp(slot->want_topology, slot->topology) &&
         slot->want_version == slot->version;
}

/* The process ended: leftovers of its group go too. */
static void reap(sv_slot *slot, int status, gint64 now)
{
  sv_slot_signal(slot, SIGKILL);
  g_autofree char *how = describe_exit(status);
  gboolean asked = slot->state == SV_SLOT_STOPPING;
  slot->pid = 0;
  slot->heartbeat_seen = FALSE;
  if (asked) {
    g_message("slot %d: worker of %s (assignment version %" G_GINT64_FORMAT ") stopped: it %s",
              slot->port, slot->topology, slot->version, how);
    g_clear_pointer(&slot->topology, g_free);
    slot->state = SV_SLOT_IDLE;
    slot->restarts = 0; /* counted per assignment version */
    slot->next_start_us = now;
    return;
  }
  slot->restarts++;
  slot->state = SV_SLOT_BACKOFF;
  g_warning("slot %d: worker of %s %s; relaunching in %" G_GINT64_FORMAT
            " ms (restart %d of this assignment)",
            slot->port, slot->topology, how, slot->backoff_ms, slot->restarts);
  slot->next_start_us = now + slot->backoff_ms * 1000;
}

static void grow_backoff(sv_slot *slot, const sv_slot_policy *policy)
{
  slot->backoff_ms = MIN(slot->backoff_ms * 2, policy->backoff_max_ms);
}

static void launch(sv_slot *slot, const sv_slot_policy *policy, gint64 now)
{
  if (!slot->topology || strcmp(slot->topology, slot->want_topology) ||
      slot->version != slot->want_version) {
    if (slot->topology) slot->restarts = 0;
    g_free(slot->topology);
    slot->topology = g_strdup(slot->want_topology);
    slot->version = slot->want_version;
  }
  GError *error = NULL;
  GPid pid = 0;
  if (!policy->launch(slot, &pid, policy->data, &error)) {
    g_critical("slot %d: cannot start the worker of %s: %s; trying again in %" G_GINT64_FORMAT
               " ms",
               slot->port, slot->want_topology, error->message, slot->backoff_ms);
    g_error_free(error);
    slot->state = SV_SLOT_BACKOFF;
    slot->next_start_us = now + slot->backoff_ms * 1000;
    grow_backoff(slot, policy);
    return;
  }
  slot->pid = pid;
  slot->state = SV_SLOT_RUNNING;
  slot->launched_us = now;
  slot->start_time_secs = g_get_real_time() / G_USEC_PER_SEC;
  g_message("slot %d: launched worker pid %d for %s (assignment version %" G_GINT64_FORMAT ")",
            slot->port, (int)pid, slot->topology, slot->version);
}

void sv_slot_tick(sv_slot *slot, const sv_slot_policy *policy)
{
  gint64 now = g_get_monotonic_time();
  if (slot->backoff_ms <= 0) slot->backoff_ms = BACKOFF_FIRST_MS;
  if (slot->pid > 0) {
    int status;
    pid_t r = waitpid(slot->pid, &status, WNOHANG);
    if (r == slot->pid || (r < 0 && errno == ECHILD)) {
      if (slot->state == SV_SLOT_RUNNING) {
        if (now - slot->launched_us >= policy->backoff_reset_ms * 1000)
          slot->backoff_ms = BACKOFF_FIRST_MS;
        reap(slot, r < 0 ? 0 : status, now);
        grow_backoff(slot, policy);
      } else {
        reap(slot, r < 0 ? 0 : status, now);
      }
      return;
    }
  }
  if (slot->state == SV_SLOT_STOPPING) {
    if (now >= slot->kill_at_us) {
      g_warning("slot %d: worker pid %d did not stop within %" G_GINT64_FORMAT
                " ms of SIGTERM; sending SIGKILL",
                slot->port, (int)slot->pid, policy->stop_timeout_ms);
      sv_slot_signal(slot, SIGKILL);
      slot->kill_at_us = G_MAXINT64;
    }
    return;
  }
  if (slot->state == SV_SLOT_RUNNING && !wanted_matches(slot)) {
    if (slot->want_topology && slot->topology && !strcmp(slot->want_topology, slot->topology))
      g_message("slot %d: assignment of %s changed to version %" G_GINT64_FORMAT
                "; stopping its worker pid %d to start it again",
                slot->port, slot->topology, slot->want_version, (int)slot->pid);
    else
      g_message("slot %d: %s is no longer assigned here; stopping its worker pid %d", slot->port,
                slot->topology, (int)slot->pid);
    sv_slot_signal(slot, SIGTERM);
    slot->state = SV_SLOT_STOPPING;
    slot->kill_at_us = now + policy->stop_timeout_ms * 1000;
    return;
  }
  if (slot->state == SV_SLOT_BACKOFF && !slot->want_topology) {
    slot->state = SV_SLOT_IDLE;
    g_clear_pointer(&slot->topology, g_free);
    slot->restarts = 0;
  }
  if (slot->pid == 0 && slot->want_topology && now >= slot->next_start_us)
    launch(slot, policy, now);
}

void sv_slot_clear(sv_slot *slot)
{
  g_clear_pointer(&slot->want_topology, g_free);
  g_clear_pointer(&slot->topology, g_free);
}
