/* jar_flux.c — Storm's Flux main class as gust runs it (see jar_flux.h).
 *
 * Flux's options are read here and handed on as the options of `gust
 * local` or `gust submit`, whose own parsers then run:
 *   --local (or `gust jar --local`)  gust local FILE --jar JAR, for
 *       --local-ttl seconds, else --sleep MS (Flux's run time), else 20;
 *   --dry-run                        gust local --check FILE --jar JAR:
 *       the Java classes are built and the topology validated, not run;
 *   otherwise (--remote)             gust submit FILE --jar JAR with
 *       --inactive and the cluster's --config / -c options (-c also
 *       after the main class, where `storm jar` accepts it too).
 * --no-detail, --no-splash and --zookeeper are accepted and ignored (gust
 * prints no splash and finds Nimbus by nimbus.seeds); --resource is
 * refused: the file must be a file, not a class path resource.
 */
#define G_LOG_DOMAIN "gust-jar"

#include "jar_flux.h"

#include "commands.h"
#include "log_writer.h"

#include <string.h>

typedef struct {
  gboolean local, remote, dry_run, env_filter, inactive, ignored, resource;
  char *filter, *sleep_ms, *zookeeper;
  char **overrides; /* -c after the main class, as `storm jar` takes them anywhere */
} flux_flags;

/* The command's option parser takes words out of the vector it gets: it
 * gets a copy, argv keeps owning them. */
static int run(GPtrArray *argv, int (*command)(int, char **))
{
  g_ptr_array_add(argv, NULL);
  g_autofree char *line = g_strjoinv(" ", (char **)argv->pdata);
  g_debug("running as: gust %s", line);
  g_autofree char **view = g_memdup2(argv->pdata, sizeof(char *) * argv->len);
  return command((int)argv->len - 1, view);
}

static void add(GPtrArray *argv, const char *word)
{
  g_ptr_array_add(argv, g_strdup(word));
}

/* The options `gust local` and `gust submit` both take: the Flux file's
 * substitution and the JVM that builds the jar's classes. */
static void add_file_and_jvm_options(GPtrArray *argv, const flux_flags *f,
                                     const gust_jar_flux_options *o)
{
  if (f->filter) {
    add(argv, "--filter");
    add(argv, f->filter);
  }
  if (f->env_filter) add(argv, "--env-filter");
  if (o->java) {
    add(argv, "--java");
    add(argv, o->java);
  }
  if (o->jvm_opts) {
    add(argv, "--jvm-opts");
    add(argv, o->jvm_opts);
  }
}

int gust_jar_flux(const gust_jar_flux_options *o)
{
  flux_flags f = {0};
  GOptionEntry entries[] = {
      {"local", 'l', 0, G_OPTION_ARG_NONE, &f.local, "run the topology in this process", NULL},
      {"remote", 'r', 0, G_OPTION_ARG_NONE, &f.remote, "submit it to the cluster (default)", NULL},
      {"dry-run", 'd', 0, G_OPTION_ARG_NONE, &f.dry_run,
       "build the Java classes and validate the topology, then exit", NULL},
      {"filter", 'f', 0, G_OPTION_ARG_FILENAME, &f.filter,
       "a .properties file for ${key} placeholders", "FILE"},
      {"env-filter", 'e', 0, G_OPTION_ARG_NONE, &f.env_filter, "replace ${ENV-NAME} placeholders",
       NULL},
      {"sleep", 's', 0, G_OPTION_ARG_STRING, &f.sleep_ms,
       "with --local: milliseconds to run (default: --local-ttl, 20 s)", "MS"},
      {"inactive", 'i', 0, G_OPTION_ARG_NONE, &f.inactive, "submit with the spouts deactivated",
       NULL},
      {"no-detail", 'q', 0, G_OPTION_ARG_NONE, &f.ignored, "accepted, ignored", NULL},
      {"no-splash", 'n', 0, G_OPTION_ARG_NONE, &f.ignored, "accepted, ignored", NULL},
      {"zookeeper", 'z', 0, G_OPTION_ARG_STRING, &f.zookeeper, "accepted, ignored", "HOST:PORT"},
      {"resource", 'R', 0, G_OPTION_ARG_NONE, &f.resource, "refused: give a file", NULL},
      {"override", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &f.overrides,
       "set a configuration key of the submission (repeatable)", "KEY=VALUE"},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new(
      "FILE.yaml - Storm's Flux main class: run (--local) or submit (--remote) a Flux file "
      "whose spouts and bolts may name the jar's classes");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
  add(args, GUST_FLUX_MAIN_CLASS);
  for (char **a = o->flux_args; a && *a; a++)
    add(args, *a);
  g_ptr_array_add(args, NULL);
  int argc = (int)args->len - 1;
  char **argv = (char **)args->pdata;
  g_autofree char **view = g_memdup2(argv, sizeof(char *) * (argc + 1)); /* parse shuffles it */
  GError *error = NULL;
  int status = 2;
  gboolean parsed = g_option_context_parse(ctx, &argc, &view, &error);
  gboolean local = o->local || f.local;
  if (!parsed) {
    gust_log_error("%s: %s", GUST_FLUX_MAIN_CLASS, error->message);
    g_clear_error(&error);
  } else if (argc != 2) {
    gust_log_error("%s needs exactly one Flux file (got %d)", GUST_FLUX_MAIN_CLASS, argc - 1);
  } else if (f.resource) {
    gust_log_error("%s --resource: gust reads the Flux file from the file system, not from the "
                   "class path; give the file's path",
                   GUST_FLUX_MAIN_CLASS);
  } else if (local && f.remote) {
    gust_log_error("%s: --local and --remote exclude each other", GUST_FLUX_MAIN_CLASS);
  } else if (local || f.dry_run) {
    if (o->conf_args->config_file || o->conf_args->overrides || f.overrides)
      g_warning("--config and -c configure a submission to a cluster; ignored with --local");
    g_autoptr(GPtrArray) run_argv = g_ptr_array_new_with_free_func(g_free);
    add(run_argv, "local");
    add(run_argv, view[1]);
    add(run_argv, "--jar");
    add(run_argv, o->jar);
    if (f.dry_run) add(run_argv, "--check");
    if (o->ttl_text || f.sleep_ms) {
      char *end = NULL;
      double ms = f.sleep_ms ? g_ascii_strtod(f.sleep_ms, &end) : 0;
      if (!o->ttl_text && (end == f.sleep_ms || *end || ms < 0)) {
        gust_log_error("%s --sleep: '%s' is not a number of milliseconds", GUST_FLUX_MAIN_CLASS,
                       f.sleep_ms);
        goto out;
      }
      char seconds[G_ASCII_DTOSTR_BUF_SIZE];
      add(run_argv, "--duration");
      add(run_argv, o->ttl_text ? o->ttl_text : g_ascii_dtostr(seconds, sizeof seconds, ms / 1000));
    }
    add_file_and_jvm_options(run_argv, &f, o);
    if (o->verbose) add(run_argv, "--verbose");
    status = run(run_argv, gust_cmd_local);
  } else {
    g_autoptr(GPtrArray) run_argv = g_ptr_array_new_with_free_func(g_free);
    add(run_argv, "submit");
    add(run_argv, view[1]);
    add(run_argv, "--jar");
    add(run_argv, o->jar);
    if (f.inactive) add(run_argv, "--inactive");
    add_file_and_jvm_options(run_argv, &f, o);
    if (o->conf_args->config_file) {
      add(run_argv, "--config");
      add(run_argv, o->conf_args->config_file);
    }
    for (char **c = o->conf_args->overrides; c && *c; c++) {
      add(run_argv, "-c");
      add(run_argv, *c);
    }
    for (char **c = f.overrides; c && *c; c++) {
      add(run_argv, "-c");
      add(run_argv, *c);
    }
    status = run(run_argv, gust_cmd_submit);
  }
out:
  g_free(f.filter);
  g_free(f.sleep_ms);
  g_free(f.zookeeper);
  g_strfreev(f.overrides);
  return status;
}
