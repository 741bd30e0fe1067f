/* cluster_command.h — what the commands that talk to Nimbus (submit, list,
 * kill, activate, deactivate, rebalance, monitor) share: their options
 * parsed with --config and -c (daemon_conf.h), the positional arguments
 * counted, the configuration loaded, the leader Nimbus connected
 * (nimbus_client.h), and one way to report a failure.
 *
 * Exit statuses: 0 done, 1 the configuration, the connection or Nimbus
 * refused (the message is logged as ERROR, Storm's exception text for
 * Nimbus's declared exceptions), 2 a bad command line.
 */
#ifndef GUST_CLUSTER_COMMAND_H
#define GUST_CLUSTER_COMMAND_H

#include "daemon_conf.h"
#include "nimbus_client.h"

typedef struct {
  const char *parameters;      /* positional arguments for the usage line, "NAME" */
  const char *summary;         /* the help's description */
  const GOptionEntry *entries; /* the command's own options, NULL-terminated, or NULL */
  int min_args, max_args;      /* how many positional arguments (max -1: any) */
  /* Checks the options and arguments before anything connects; NULL: none.
   * FALSE + error: a bad command line. */
  gboolean (*check)(int n_args, char **args, void *data, GError **error);
  /* Work before connecting that can fail for reasons other than the
   * command line (reading files); NULL: none.  FALSE + error: exit 1.
   * conf_args: the --config and -c options as given. */
  gboolean (*prepare)(int n_args, char **args, const gust_daemon_conf_args *conf_args, void *data,
                      GError **error);
  /* The command's work; returns the exit status. */
  int (*body)(gust_nimbus_client *client, const json_t *conf, int n_args, char **args, void *data);
} gust_cluster_command;

/* Runs command on argv (argv[0] is the subcommand); data goes to check and
 * body (the options' storage). */
int gust_cluster_command_run(const gust_cluster_command *command, int argc, char **argv,
                             void *data);

/* Logs error's message as ERROR, frees it, returns 1. */
int gust_cluster_command_fail(GError *error);

/* Storm's topology name rule (Utils.validateTopologyName): not empty, none
 * of / . : \ . */
gboolean gust_topology_name_check(const char *name, GError **error);

#endif
