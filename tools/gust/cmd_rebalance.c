/* cmd_rebalance.c — `gust rebalance NAME [-w SECS] [-n WORKERS]
 * [-e COMPONENT=N]... [-t JSON]`, as `storm rebalance`: one rebalance call
 * whose RebalanceOptions set only what was given (wait_secs, num_workers,
 * num_executors, a component named twice taking the last count;
 * topology_conf_overrides, a JSON object of topology conf keys, passed as
 * written: Nimbus checks it).  Nimbus deactivates the topology, waits, and
 * restarts it with the new counts and conf. */
#define G_LOG_DOMAIN "gust-cli"

#include "cluster_command.h"
#include "commands.h"
#include "number_options.h"

#include <string.h>

typedef struct {
  char *wait_text, *workers_text;
  char **executor_texts;
  char *conf_overrides;       /* -t, as given (NULL: not given) */
  int wait_secs, num_workers; /* -1: not given */
  GHashTable *num_executors;  /* component -> gint32*, the form the generated struct holds */
} rebalance_options;

/* "COMPONENT=N", split at the last '=' as Storm does. */
static gboolean parse_executor(const char *text, GHashTable *into, GError **error)
{
  const char *equals = strrchr(text, '=');
  int count = 0;
  GError *number_error = NULL;
  if (!equals || equals == text ||
      !gust_option_int("-e", equals + 1, 1, G_MAXINT32, &count, &number_error)) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "Failed to parse '%s' correctly. Expected in <component>=<parallelism> format%s%s",
                text, number_error ? ": " : "", number_error ? number_error->message : "");
    g_clear_error(&number_error);
    return FALSE;
  }
  gint32 *value = g_new(gint32, 1);
  *value = count;
  g_hash_table_insert(into, g_strndup(text, (gsize)(equals - text)), value);
  return TRUE;
}

static gboolean rebalance_check(int n_args, char **args, void *data, GError **error)
{
  rebalance_options *o = data;
  if (!gust_option_int("--wait", o->wait_text, 0, G_MAXINT32, &o->wait_secs, error) ||
      !gust_option_int("--num-workers", o->workers_text, 1, G_MAXINT32, &o->num_workers, error) ||
      !gust_topology_name_check(args[0], error))
    return FALSE;
  for (char **e = o->executor_texts; e && *e; e++) {
    if (!o->num_executors)
      o->num_executors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (!parse_executor(*e, o->num_executors, error)) return FALSE;
  }
  return TRUE;
}

static int rebalance_body(gust_nimbus_client *client, const json_t *conf, int n_args, char **args,
                          void *data)
{
  rebalance_options *o = data;
  GustStormRebalanceOptions *options = g_object_new(GUST_STORM_TYPE_REBALANCE_OPTIONS, NULL);
  if (o->wait_secs >= 0) {
    options->wait_secs = o->wait_secs;
    options->__isset_wait_secs = TRUE;
  }
  if (o->num_workers >= 0) {
    options->num_workers = o->num_workers;
    options->__isset_num_workers = TRUE;
  }
  if (o->num_executors) {
    g_hash_table_unref(options->num_executors);
    options->num_executors = g_steal_pointer(&o->num_executors);
    options->__isset_num_executors = TRUE;
  }
  if (o->conf_overrides) {
    g_free(options->topology_conf_overrides);
    options->topology_conf_overrides = g_strdup(o->conf_overrides);
    options->__isset_topology_conf_overrides = TRUE;
  }
  GustStormNotAliveException *e = NULL;
  GustStormInvalidTopologyException *ite = NULL;
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL, *error = NULL;
  gboolean ok = gust_storm_nimbus_if_rebalance(gust_nimbus_client_nimbus(client), args[0], options,
                                               &e, &ite, &aze, &call_error);
  g_object_unref(options);
  if (!gust_nimbus_client_outcome(client, ok, call_error, &error, 3, e, ite, aze))
    return gust_cluster_command_fail(error);
  g_info("Topology %s is rebalancing", args[0]);
  return 0;
}

int gust_cmd_rebalance(int argc, char **argv)
{
  rebalance_options o = {.wait_secs = -1, .num_workers = -1};
  const GOptionEntry entries[] = {
      {"wait", 'w', 0, G_OPTION_ARG_STRING, &o.wait_text,
       "seconds between deactivating and restarting (default: the topology's "
       "topology.message.timeout.secs)",
       "SECS"},
      {"num-workers", 'n', 0, G_OPTION_ARG_STRING, &o.workers_text,
       "workers to spread the topology over (gust runs a topology in one worker)", "N"},
      {"executor", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &o.executor_texts,
       "new parallelism of a component (repeatable)", "COMPONENT=N"},
      {"topology-conf", 't', 0, G_OPTION_ARG_STRING, &o.conf_overrides,
       "topology conf keys to change, a JSON object (as '{\"topology.message.timeout.secs\": 60}')",
       "JSON"},
      G_OPTION_ENTRY_NULL,
  };
  const gust_cluster_command command = {
      .parameters = "NAME",
      .summary = "Changes the parallelism or the conf of the running topology NAME (Storm's "
                 "`storm rebalance`): it is deactivated, given the wait, then restarted from a "
                 "savepoint with the new counts and conf; keyed state moves with its keys.",
      .entries = entries,
      .min_args = 1,
      .max_args = 1,
      .check = rebalance_check,
      .body = rebalance_body,
  };
  int status = gust_cluster_command_run(&command, argc, argv, &o);
  g_free(o.wait_text);
  g_free(o.workers_text);
  g_free(o.conf_overrides);
  g_strfreev(o.executor_texts);
  if (o.num_executors) g_hash_table_unref(o.num_executors);
  return status;
}
