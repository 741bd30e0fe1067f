/* cmd_monitor.c — `gust monitor NAME [-i SECS] [-m COMPONENT] [-s STREAM]
 * [-w emitted|transferred]`, as `storm monitor`: every interval it asks
 * getTopologyInfoByNameWithOpts (errors: NONE), adds up the all-time
 * emitted (or transferred) count of STREAM over COMPONENT's executors and
 * prints, tab-separated as Storm does, the change since the last poll and
 * the throughput in thousands of tuples a second.  Without -m it lists the
 * components.  It runs until interrupted, or for --count polls (a gust
 * addition, for scripts).  Polls are aligned to the interval from the
 * start, as Storm's Poller aligns them. */
#define G_LOG_DOMAIN "gust-cli"

#include "cluster_command.h"
#include "commands.h"
#include "number_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *interval_text, *count_text;
  char *component, *stream, *watch;
  int interval_secs, count;
} monitor_options;

static gboolean monitor_check(int n_args, char **args, void *data, GError **error)
{
  monitor_options *o = data;
  if (!gust_option_int("--interval", o->interval_text, 1, 86400, &o->interval_secs, error) ||
      !gust_option_int("--count", o->count_text, 0, G_MAXINT, &o->count, error))
    return FALSE;
  if (!o->stream) o->stream = g_strdup("default");
  if (!o->watch) o->watch = g_strdup("emitted");
  if (!*o->stream) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "stream name must be something");
    return FALSE;
  }
  if (strcmp(o->watch, "emitted") && strcmp(o->watch, "transferred")) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "watch item must either be transferred or emitted");
    return FALSE;
  }
  return TRUE;
}

/* A double as Java's Double.toString writes it: the shortest digits that
 * read back to the same value, "0.0" style between 1e-3 and 1e7, else
 * "1.0E7" style. */
static char *java_double(double value)
{
  if (value == 0) return g_strdup("0.0");
  char digits[40];
  for (int precision = 1; precision <= 17; precision++) {
    g_snprintf(digits, sizeof digits, "%.*e", precision - 1, value);
    if (strtod(digits, NULL) == value) break;
  }
  /* digits: [-]D[.DDD]e[+-]XX */
  char *e = strchr(digits, 'e');
  int exponent = atoi(e + 1);
  *e = '\0';
  GString *mantissa = g_string_new(NULL);
  gboolean negative = digits[0] == '-';
  for (const char *c = digits + negative; *c; c++)
    if (*c != '.') g_string_append_c(mantissa, *c);
  GString *out = g_string_new(negative ? "-" : "");
  double magnitude = negative ? -value : value;
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      while ((int)mantissa->len <= exponent + 1)
        g_string_append_c(mantissa, '0');
      g_string_append_len(out, mantissa->str, exponent + 1);
      g_string_append_c(out, '.');
      const char *fraction = mantissa->str + exponent + 1;
      g_string_append(out, *fraction && strspn(fraction, "0") < strlen(fraction) ? fraction : "0");
    } else {
      g_string_append(out, "0.");
      for (int i = -1; i > exponent; i--)
        g_string_append_c(out, '0');
      g_string_append(out, mantissa->str);
    }
  } else {
    g_string_append_c(out, mantissa->str[0]);
    g_string_append_c(out, '.');
    g_string_append(out, mantissa->len > 1 ? mantissa->str + 1 : "0");
    g_string_append_printf(out, "E%d", exponent);
  }
  g_string_free(mantissa, TRUE);
  return g_string_free(out, FALSE);
}

static void print_components(const char *name, const GustStormTopologyInfo *info)
{
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  printf("Available components for %s :\n------------------\n", name);
  for (guint i = 0; i < info->executors->len; i++) {
    const GustStormExecutorSummary *executor = g_ptr_array_index(info->executors, i);
    if (executor->component_id && g_hash_table_add(seen, executor->component_id))
      printf("%s\n", executor->component_id);
  }
  printf("------------------\n");
}

typedef struct {
  gint64 last_time_ms, last_count;
} monitor_state;

/* One poll: prints a line, or fails naming what is missing. */
static gboolean poll_once(gust_nimbus_client *client, const char *name, const monitor_options *o,
                          gint64 now_ms, monitor_state *state, GError **error)
{
  GustStormTopologyInfo *info = gust_nimbus_client_topology_info(client, name, error);
  if (!info) return FALSE;
  gint64 total = 0;
  int parallelism = 0;
  gboolean stream_found = FALSE;
  for (guint i = 0; i < info->executors->len; i++) {
    const GustStormExecutorSummary *executor = g_ptr_array_index(info->executors, i);
    if (g_strcmp0(executor->component_id, o->component)) continue;
    parallelism++;
    if (!executor->__isset_stats || !executor->stats) continue;
    GHashTable *windows =
        strcmp(o->watch, "emitted") ? executor->stats->transferred : executor->stats->emitted;
    GHashTable *streams = windows ? g_hash_table_lookup(windows, ":all-time") : NULL;
    const gint64 *count = streams ? g_hash_table_lookup(streams, o->stream) : NULL;
    if (count) {
      stream_found = TRUE;
      total += *count;
    }
  }
  if (parallelism == 0) print_components(name, info);
  g_object_unref(info);
  if (parallelism == 0) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "component: %s not found",
                o->component);
    return FALSE;
  }
  if (!stream_found) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "stream: %s not found", o->stream);
    return FALSE;
  }
  gint64 time_delta = now_ms - state->last_time_ms, count_delta = total - state->last_count;
  state->last_time_ms = now_ms;
  state->last_count = total;
  double throughput =
      count_delta == 0 || time_delta == 0 ? 0.0 : (double)count_delta / (double)time_delta;
  g_autofree char *throughput_text = java_double(throughput);
  printf("%s\t%s\t%d\t%s\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%s\n", name, o->component,
         parallelism, o->stream, time_delta, count_delta, throughput_text);
  fflush(stdout);
  return TRUE;
}

static int monitor_body(gust_nimbus_client *client, const json_t *conf, int n_args, char **args,
                        void *data)
{
  const monitor_options *o = data;
  GError *error = NULL;
  if (!o->component || !*o->component) {
    GustStormTopologyInfo *info = gust_nimbus_client_topology_info(client, args[0], &error);
    if (!info) return gust_cluster_command_fail(error);
    print_components(args[0], info);
    printf("Please use -m to specify one component\n");
    g_object_unref(info);
    return 0;
  }
  printf("topology\tcomponent\tparallelism\tstream\ttime-diff ms\t%s\tthroughput (Kt/s)\n",
         o->watch);
  gint64 interval_ms = (gint64)o->interval_secs * 1000;
  gint64 start_ms = g_get_monotonic_time() / 1000, now_ms = start_ms;
  monitor_state state = {.last_time_ms = now_ms};
  for (int polls = 0; o->count == 0 || polls < o->count; polls++) {
    if (polls > 0) { /* sleep to the next multiple of the interval since the start */
      gint64 wakeup_ms = start_ms + interval_ms * ((now_ms - start_ms) / interval_ms + 1);
      gint64 sleep_ms = wakeup_ms - g_get_monotonic_time() / 1000;
      if (sleep_ms > 0) g_usleep((gulong)sleep_ms * 1000);
      now_ms = g_get_monotonic_time() / 1000;
    }
    if (!poll_once(client, args[0], o, now_ms, &state, &error))
      return gust_cluster_command_fail(error);
  }
  return 0;
}

int gust_cmd_monitor(int argc, char **argv)
{
  monitor_options o = {.interval_secs = 4};
  const GOptionEntry entries[] = {
      {"interval", 'i', 0, G_OPTION_ARG_STRING, &o.interval_text,
       "seconds between polls (default 4)", "SECS"},
      {"component", 'm', 0, G_OPTION_ARG_STRING, &o.component,
       "the component to watch (without it: list the components)", "COMPONENT"},
      {"stream", 's', 0, G_OPTION_ARG_STRING, &o.stream, "the stream to count (default: default)",
       "STREAM"},
      {"watch", 'w', 0, G_OPTION_ARG_STRING, &o.watch, "emitted or transferred (default: emitted)",
       "ITEM"},
      {"count", 0, 0, G_OPTION_ARG_STRING, &o.count_text,
       "stop after N polls (default 0: until interrupted)", "N"},
      G_OPTION_ENTRY_NULL,
  };
  const gust_cluster_command command = {
      .parameters = "NAME",
      .summary = "Prints the throughput of one component of the running topology NAME every "
                 "interval (Storm's `storm monitor`).",
      .entries = entries,
      .min_args = 1,
      .max_args = 1,
      .check = monitor_check,
      .body = monitor_body,
  };
  int status = gust_cluster_command_run(&command, argc, argv, &o);
  g_free(o.interval_text);
  g_free(o.count_text);
  g_free(o.component);
  g_free(o.stream);
  g_free(o.watch);
  return status;
}
