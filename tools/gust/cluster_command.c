/* cluster_command.c — the common frame of the Nimbus commands (see
 * cluster_command.h): parse, check, load the configuration, connect, run
 * the body, free.  One command per process, on its main thread.
 */
#define G_LOG_DOMAIN "gust-cli"

#include "cluster_command.h"

#include "daemon_conf.h"
#include "log_writer.h"

#include <string.h>

int gust_cluster_command_fail(GError *error)
{
  gust_log_error("%s", error->message);
  g_error_free(error);
  return 1;
}

gboolean gust_topology_name_check(const char *name, GError **error)
{
  if (*name && !strpbrk(name, "/.:\\")) return TRUE;
  g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
              "Topology name '%s' is not valid. It can't be null and it must match ^[^/.:\\\\]+$",
              name);
  return FALSE;
}

static gboolean count_arguments(const gust_cluster_command *command, int n, GError **error)
{
  if (n >= command->min_args && (command->max_args < 0 || n <= command->max_args)) return TRUE;
  g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "usage: %s%s%s (gust help %s)",
              g_get_prgname(), *command->parameters ? " " : "", command->parameters,
              g_get_prgname() + strlen("gust "));
  return FALSE;
}

int gust_cluster_command_run(const gust_cluster_command *command, int argc, char **argv, void *data)
{
  gust_daemon_conf_args conf_args = {0};
  g_autoptr(GOptionContext) context = g_option_context_new(command->parameters);
  g_option_context_set_summary(context, command->summary);
  if (command->entries) g_option_context_add_main_entries(context, command->entries, NULL);
  gust_daemon_conf_add_options(context, &conf_args);
  GError *error = NULL;
  int status = 2;
  if (!g_option_context_parse(context, &argc, &argv, &error) ||
      !count_arguments(command, argc - 1, &error) ||
      (command->check && !command->check(argc - 1, argv + 1, data, &error))) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    goto done;
  }
  json_t *conf = gust_daemon_conf_load_args(&conf_args, &error);
  if (conf && command->prepare && !command->prepare(argc - 1, argv + 1, &conf_args, data, &error))
    g_clear_pointer(&conf, json_decref);
  if (!conf) {
    status = gust_cluster_command_fail(error);
    goto done;
  }
  gust_nimbus_client *client = gust_nimbus_client_connect(conf, &error);
  if (!client)
    status = gust_cluster_command_fail(error);
  else
    status = command->body(client, conf, argc - 1, argv + 1, data);
  gust_nimbus_client_free(client);
  json_decref(conf);
done:
  gust_daemon_conf_args_clear(&conf_args);
  return status;
}
