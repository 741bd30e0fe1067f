/* cmd_kill.c — `gust kill NAME... [-w SECS] [-i]`, as `storm kill`:
 * killTopologyWithOpts for each name, in order (KillOptions.wait_secs set
 * only when -w is given: Nimbus then deactivates, waits and stops; unset,
 * it waits the topology's topology.message.timeout.secs).  The first
 * failure stops the command unless -i (--ignore-errors), which goes on and
 * counts the failures; any failure makes the exit status 1. */
#define G_LOG_DOMAIN "gust-cli"

#include "cluster_command.h"
#include "commands.h"
#include "log_writer.h"
#include "number_options.h"

typedef struct {
  char *wait_text;
  int wait_secs; /* -1: not given */
  gboolean ignore_errors;
} kill_options;

static gboolean kill_check(int n_args, char **args, void *data, GError **error)
{
  kill_options *o = data;
  if (!gust_option_int("--wait", o->wait_text, 0, G_MAXINT32, &o->wait_secs, error)) return FALSE;
  for (int i = 0; i < n_args; i++)
    if (!gust_topology_name_check(args[i], error)) return FALSE;
  return TRUE;
}

static int kill_body(gust_nimbus_client *client, const json_t *conf, int n_args, char **args,
                     void *data)
{
  const kill_options *o = data;
  GustStormKillOptions *options = g_object_new(GUST_STORM_TYPE_KILL_OPTIONS, NULL);
  if (o->wait_secs >= 0) {
    options->wait_secs = o->wait_secs;
    options->__isset_wait_secs = TRUE;
  }
  int failures = 0;
  for (int i = 0; i < n_args; i++) {
    GustStormNotAliveException *e = NULL;
    GustStormAuthorizationException *aze = NULL;
    GError *call_error = NULL, *error = NULL;
    gboolean ok = gust_storm_nimbus_if_kill_topology_with_opts(
        gust_nimbus_client_nimbus(client), args[i], options, &e, &aze, &call_error);
    if (gust_nimbus_client_outcome(client, ok, call_error, &error, 2, e, aze)) {
      g_info("Killed topology: %s", args[i]);
      continue;
    }
    failures++;
    if (!o->ignore_errors) {
      g_object_unref(options);
      return gust_cluster_command_fail(error);
    }
    gust_log_error("Caught error killing topology '%s'; continuing as -i was passed: %s", args[i],
                   error->message);
    g_error_free(error);
  }
  g_object_unref(options);
  if (!failures) return 0;
  gust_log_error("Failed to successfully kill %d topologies.", failures);
  return 1;
}

int gust_cmd_kill(int argc, char **argv)
{
  kill_options o = {.wait_secs = -1};
  const GOptionEntry entries[] = {
      {"wait", 'w', 0, G_OPTION_ARG_STRING, &o.wait_text,
       "seconds between deactivating and stopping (default: the topology's "
       "topology.message.timeout.secs)",
       "SECS"},
      {"ignore-errors", 'i', 0, G_OPTION_ARG_NONE, &o.ignore_errors,
       "go on with the next name when one cannot be killed", NULL},
      G_OPTION_ENTRY_NULL,
  };
  const gust_cluster_command command = {
      .parameters = "NAME...",
      .summary = "Kills the running topologies named (Storm's `storm kill`): each is "
                 "deactivated, given the wait to finish its tuples, then stopped.",
      .entries = entries,
      .min_args = 1,
      .max_args = -1,
      .check = kill_check,
      .body = kill_body,
  };
  int status = gust_cluster_command_run(&command, argc, argv, &o);
  g_free(o.wait_text);
  return status;
}
