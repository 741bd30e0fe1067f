/* cmd_activate.c — `gust activate NAME` and `gust deactivate NAME`, as
 * `storm activate` / `storm deactivate`: Nimbus's activate and deactivate
 * calls; a topology that is not running is Storm's NotAliveException. */
#define G_LOG_DOMAIN "gust-cli"

#include "cluster_command.h"
#include "commands.h"

static int activate_body(gust_nimbus_client *client, const json_t *conf, int n_args, char **args,
                         void *data)
{
  GustStormNotAliveException *e = NULL;
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL, *error = NULL;
  gboolean ok = gust_storm_nimbus_if_activate(gust_nimbus_client_nimbus(client), args[0], &e, &aze,
                                              &call_error);
  if (!gust_nimbus_client_outcome(client, ok, call_error, &error, 2, e, aze))
    return gust_cluster_command_fail(error);
  g_info("Activated topology: %s", args[0]);
  return 0;
}

static int deactivate_body(gust_nimbus_client *client, const json_t *conf, int n_args, char **args,
                           void *data)
{
  GustStormNotAliveException *e = NULL;
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL, *error = NULL;
  gboolean ok = gust_storm_nimbus_if_deactivate(gust_nimbus_client_nimbus(client), args[0], &e,
                                                &aze, &call_error);
  if (!gust_nimbus_client_outcome(client, ok, call_error, &error, 2, e, aze))
    return gust_cluster_command_fail(error);
  g_info("Deactivated topology: %s", args[0]);
  return 0;
}

int gust_cmd_activate(int argc, char **argv)
{
  static const gust_cluster_command command = {
      .parameters = "NAME",
      .summary = "Activates the spouts of the running topology NAME (Storm's `storm activate`).",
      .min_args = 1,
      .max_args = 1,
      .body = activate_body,
  };
  return gust_cluster_command_run(&command, argc, argv, NULL);
}

int gust_cmd_deactivate(int argc, char **argv)
{
  static const gust_cluster_command command = {
      .parameters = "NAME",
      .summary = "Deactivates the spouts of the running topology NAME: they stop emitting until "
                 "`gust activate NAME` (Storm's `storm deactivate`).",
      .min_args = 1,
      .max_args = 1,
      .body = deactivate_body,
  };
  return gust_cluster_command_run(&command, argc, argv, NULL);
}
