/* cmd_list.c — `gust list`, as `storm list`: getTopologySummaries, printed
 * on stdout in Storm's columns, or "No topologies running.". */
#define G_LOG_DOMAIN "gust-cli"

#include "cluster_command.h"
#include "commands.h"

#include <stdio.h>

/* Storm's ListTopologies format, column for column. */
#define LIST_FORMAT "%-20s %-10s %-10s %-12s %-12s %-20s %-20s\n"

static int list_body(gust_nimbus_client *client, const json_t *conf, int n_args, char **args,
                     void *data)
{
  GPtrArray *summaries = g_ptr_array_new_with_free_func(g_object_unref);
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL, *error = NULL;
  gboolean ok = gust_storm_nimbus_if_get_topology_summaries(gust_nimbus_client_nimbus(client),
                                                            &summaries, &aze, &call_error);
  if (!gust_nimbus_client_outcome(client, ok, call_error, &error, 1, aze)) {
    g_ptr_array_unref(summaries);
    return gust_cluster_command_fail(error);
  }
  if (summaries->len == 0) {
    printf("No topologies running.\n");
  } else {
    printf(LIST_FORMAT, "Topology_name", "Status", "Num_tasks", "Num_workers", "Uptime_secs",
           "Topology_Id", "Owner");
    printf("----------------------------------------------------------------------------------"
           "------\n");
    for (guint i = 0; i < summaries->len; i++) {
      const GustStormTopologySummary *t = g_ptr_array_index(summaries, i);
      g_autofree char *tasks = g_strdup_printf("%d", t->num_tasks);
      g_autofree char *workers = g_strdup_printf("%d", t->num_workers);
      g_autofree char *uptime = g_strdup_printf("%d", t->uptime_secs);
      printf(LIST_FORMAT, t->name ? t->name : "null", t->status ? t->status : "null", tasks,
             workers, uptime, t->id ? t->id : "null",
             t->__isset_owner && t->owner ? t->owner : "null");
    }
  }
  g_ptr_array_unref(summaries);
  return 0;
}

int gust_cmd_list(int argc, char **argv)
{
  static const gust_cluster_command command = {
      .parameters = "",
      .summary = "Lists the running topologies (Storm's `storm list`).",
      .min_args = 0,
      .max_args = 0,
      .body = list_body,
  };
  return gust_cluster_command_run(&command, argc, argv, NULL);
}
