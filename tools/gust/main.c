/* main.c — `gust SUBCOMMAND ...`: dispatches to the subcommands. */
#include "commands.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} subcommand;

static const subcommand subcommands[] = {
    {"local", gust_cmd_local, "run a Flux topology in this process, as `storm local` does"},
    {"demo", gust_cmd_demo, "run a word-count pipeline on the engine and print its metrics"},
    {"kafka-mock", gust_cmd_kafka_mock, "run an embedded Kafka broker (librdkafka's mock cluster)"},
    {"kafka-console", gust_cmd_kafka_console,
     "produce, consume or read committed offsets of a topic"},
};

static void usage(FILE *out)
{
  fprintf(out, "usage: gust SUBCOMMAND [OPTIONS]\n\nsubcommands:\n");
  for (size_t i = 0; i < G_N_ELEMENTS(subcommands); i++)
    fprintf(out, "  %-13s %s\n", subcommands[i].name, subcommands[i].summary);
}

int main(int argc, char **argv)
{
  g_log_writer_default_set_use_stderr(TRUE); /* every log line to stderr; stdout is for results */
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(subcommands); i++)
    if (!strcmp(argv[1], subcommands[i].name)) return subcommands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "gust: unknown subcommand '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
