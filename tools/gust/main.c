/* main.c — `gust SUBCOMMAND ...`: installs the log format every
 * subcommand prints with, then dispatches.  `gust --version` names gust's
 * version and the Storm release it follows; `gust help CMD` is
 * `gust CMD --help`. */
#include "commands.h"
#include "log_writer.h"

#include <gust/storm.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} subcommand;

static const subcommand subcommands[] = {
    {"local", gust_cmd_local, "run a Flux topology in this process, as `storm local` does"},
    {"jar", gust_cmd_jar,
     "run a Java topology's main, as `storm jar` does (--local: here, as `storm local`)"},
    {"demo", gust_cmd_demo, "run a word-count pipeline on the engine and print its metrics"},
    {"kafka-mock", gust_cmd_kafka_mock, "run an embedded Kafka broker (librdkafka's mock cluster)"},
    {"kafka-console", gust_cmd_kafka_console,
     "produce, consume or read committed offsets of a topic"},
    {"nimbus", gust_cmd_nimbus,
     "run Storm's Nimbus Thrift service (submit, list, kill topologies)"},
    {"submit", gust_cmd_submit, "submit a Flux topology to Nimbus, as `storm jar` does"},
    {"list", gust_cmd_list, "list the topologies running on the cluster"},
    {"activate", gust_cmd_activate, "activate a topology's spouts"},
    {"deactivate", gust_cmd_deactivate, "deactivate a topology's spouts"},
    {"rebalance", gust_cmd_rebalance, "change a running topology's parallelism"},
    {"kill", gust_cmd_kill, "kill running topologies"},
    {"monitor", gust_cmd_monitor, "print a component's throughput every few seconds"},
    {"supervisor", gust_cmd_supervisor,
     "run a supervisor: start, watch and stop the workers Nimbus assigns here"},
    {"dev-cluster", gust_cmd_dev_cluster,
     "run ZooKeeper, a Nimbus and a supervisor on this machine; Ctrl-C stops all"},
    {"ui", gust_cmd_ui,
     "serve Storm UI's REST API, web pages and /metrics for the cluster (from Nimbus)"},
    {"report", gust_cmd_report,
     "compare the CPU, memory and throughput of a topology on gust and on a Storm cluster"},
    {"validate", gust_cmd_validate,
     "compare what a topology's sinks received on two sides: local, shadow or offline"},
    {"worker", gust_cmd_worker, "run a cluster topology's worker (started by gust supervisor)"},
};

static void usage(FILE *out)
{
  fprintf(out, "usage: gust SUBCOMMAND [OPTIONS]\n"
               "       gust help SUBCOMMAND     the options of a subcommand\n"
               "       gust --version\n\nsubcommands:\n");
  for (size_t i = 0; i < G_N_ELEMENTS(subcommands); i++)
    fprintf(out, "  %-13s %s\n", subcommands[i].name, subcommands[i].summary);
}

static const subcommand *find_subcommand(const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS(subcommands); i++)
    if (!strcmp(name, subcommands[i].name)) return &subcommands[i];
  return NULL;
}

static int unknown_subcommand(const char *name)
{
  gust_log_error("unknown subcommand '%s' (gust --help lists them)", name);
  return 2;
}

int main(int argc, char **argv)
{
  gust_log_writer_install();
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
    printf("gust %s (Storm %s compatible: Flux, multilang protocol, Config keys)\n", GUST_VERSION,
           GUST_STORM_VERSION);
    return 0;
  }
  if (!strcmp(argv[1], "help")) {
    if (argc < 3) {
      usage(stdout);
      return 0;
    }
    const subcommand *cmd = find_subcommand(argv[2]);
    if (!cmd) return unknown_subcommand(argv[2]);
    char *help_argv[] = {argv[2], "--help", NULL};
    g_autofree char *prgname = g_strconcat("gust ", cmd->name, NULL); /* GOption's usage line */
    g_set_prgname(prgname);                                           /* copies */
    return cmd->run(2, help_argv);
  }
  const subcommand *cmd = find_subcommand(argv[1]);
  if (!cmd) return unknown_subcommand(argv[1]);
  g_autofree char *prgname = g_strconcat("gust ", cmd->name, NULL);
  g_set_prgname(prgname);
  return cmd->run(argc - 1, argv + 1);
}
