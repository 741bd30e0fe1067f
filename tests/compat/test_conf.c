/* test_conf.c — configuration as Storm reads it: ints from numbers and
 * numeric strings, booleans only as booleans, Storm's defaults, range
 * errors naming key and value, the key table against README's table.
 */
#include "../readme_table.h"
#include "compat_test.h"

#include <gust/conf.h>
#include <gust/runtime.h>
#include <gust/topology.h>
#include <pthread.h>

static json_t *conf_of(const char *text)
{
  json_error_t jerr;
  json_t *conf = json_loads(text, JSON_DECODE_ANY, &jerr);
  g_assert_nonnull(conf);
  return conf;
}

/* The message gust_conf_check() gives conf, or NULL when it passes. */
static char *check_message(const char *text)
{
  json_t *conf = conf_of(text);
  GError *error = NULL;
  gboolean ok = gust_conf_check(conf, &error);
  json_decref(conf);
  if (ok) return NULL;
  g_assert_error(error, GUST_CONF_ERROR, GUST_CONF_ERROR_INVALID);
  char *message = g_strdup(error->message);
  g_error_free(error);
  return message;
}

static void test_ints_are_read_from_numbers_and_numeric_strings(void)
{
  const struct {
    const char *json;
    gboolean ok;
    gint value;
  } cases[] = {
      {"42", TRUE, 42},
      {"\"42\"", TRUE, 42},
      {"\"-7\"", TRUE, -7},
      {"\"+7\"", TRUE, 7},
      {"4.0", TRUE, 4},
      {"2147483647", TRUE, G_MAXINT},
      {"-2147483648", TRUE, G_MININT},
      {"2147483648", FALSE, 0},
      {"4294967296", FALSE, 0},
      {"10000000000", FALSE, 0},
      {"\"2147483648\"", FALSE, 0},
      {"0.5", FALSE, 0},
      {"1e300", FALSE, 0},
      {"\" 42\"", FALSE, 0},
      {"\"42 \"", FALSE, 0},
      {"\"0x10\"", FALSE, 0},
      {"\"\"", FALSE, 0},
      {"\"-\"", FALSE, 0},
      {"\"four\"", FALSE, 0},
      {"true", FALSE, 0},
      {"null", FALSE, 0},
      {"[1]", FALSE, 0},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    json_t *value = conf_of(cases[i].json);
    gint out = -12345;
    gboolean ok = gust_conf_value_to_int(value, G_MININT, G_MAXINT, &out);
    if (ok != cases[i].ok)
      g_error("%s: expected %s", cases[i].json, cases[i].ok ? "an int" : "none");
    if (ok) g_assert_cmpint(out, ==, cases[i].value);
    json_decref(value);
  }
  g_assert_false(gust_conf_value_to_int(NULL, 0, 10, &(gint){0}));
}

static void test_storm_defaults_apply_when_a_key_is_unset_or_null(void)
{
  json_t *conf = conf_of("{\"topology.message.timeout.secs\": null}");
  g_assert_cmpint(gust_conf_int(conf, "topology.message.timeout.secs"), ==, 30);
  g_assert_cmpint(gust_conf_int(conf, "topology.shellbolt.max.pending"), ==, 100);
  g_assert_cmpint(gust_conf_int(conf, "topology.acker.executors"), ==, 1);
  g_assert_cmpint(gust_conf_int(conf, "supervisor.worker.timeout.secs"), ==, 30);
  g_assert_false(gust_conf_bool(conf, "topology.debug"));
  g_assert_true(gust_conf_bool(conf, "topology.gust.checkpoint.resume"));
  g_assert_cmpstr(gust_conf_string(conf, "topology.multilang.serializer"), ==,
                  "org.apache.storm.multilang.JsonSerializer");
  g_assert_cmpstr(gust_conf_string(conf, "topology.gust.reliability"), ==, "checkpoint");
  g_assert_null(gust_conf_string(conf, "topology.gust.checkpoint.dir"));
  gint unset = -1;
  g_assert_false(gust_conf_lookup_int(conf, "topology.max.spout.pending", &unset));
  g_assert_false(gust_conf_lookup_int(conf, "topology.tick.tuple.freq.secs", &unset));
  g_assert_false(gust_conf_lookup_int(NULL, "topology.tasks", &unset));
  json_decref(conf);
}

static void test_set_values_are_read_with_storm_coercions(void)
{
  json_t *conf = conf_of("{\"topology.message.timeout.secs\": \"45\", \"topology.debug\": true,"
                         " \"topology.max.spout.pending\": 7.0,"
                         " \"topology.gust.reliability\": \"acker\"}");
  g_assert_true(gust_conf_check(conf, NULL));
  g_assert_cmpint(gust_conf_int(conf, "topology.message.timeout.secs"), ==, 45);
  g_assert_true(gust_conf_bool(conf, "topology.debug"));
  gint pending = 0;
  g_assert_true(gust_conf_lookup_int(conf, "topology.max.spout.pending", &pending));
  g_assert_cmpint(pending, ==, 7);
  g_assert_cmpstr(gust_conf_string(conf, "topology.gust.reliability"), ==, "acker");
  json_decref(conf);
}

static void test_out_of_range_values_are_refused_naming_key_and_value(void)
{
  const struct {
    const char *json, *message;
  } cases[] = {
      {"{\"topology.message.timeout.secs\": 10000000000}",
       "'topology.message.timeout.secs' must be an integer from 1 to 2147483647 (got "
       "10000000000)"},
      {"{\"topology.acker.executors\": 4294967296}",
       "'topology.acker.executors' must be an integer from 0 to 2147483647 (got 4294967296)"},
      {"{\"topology.acker.executors\": -1}",
       "'topology.acker.executors' must be an integer from 0 to 2147483647 (got -1)"},
      {"{\"topology.tick.tuple.freq.secs\": -5}",
       "'topology.tick.tuple.freq.secs' must be an integer from 0 to 2147483647 (got -5)"},
      {"{\"topology.max.spout.pending\": \"-10\"}",
       "'topology.max.spout.pending' must be an integer from 0 to 2147483647 (got \"-10\")"},
      {"{\"topology.shellbolt.max.pending\": 0}",
       "'topology.shellbolt.max.pending' must be an integer from 1 to 2147483647 (got 0)"},
      {"{\"topology.subprocess.timeout.secs\": 0.5}",
       "'topology.subprocess.timeout.secs' must be an integer from 1 to 2147483647 (got 0.5)"},
      {"{\"topology.debug\": \"true\"}", "'topology.debug' must be true or false (got \"true\")"},
      {"{\"topology.gust.reliability\": \"xor\"}",
       "'topology.gust.reliability' must be one of \"checkpoint\", \"acker\" (got \"xor\")"},
      {"{\"topology.gust.state.dir\": \"\"}",
       "'topology.gust.state.dir' must be a non-empty string (got \"\")"},
      {"{\"topology.gust.checkpoint.dir\": 7}",
       "'topology.gust.checkpoint.dir' must be a non-empty string (got 7)"},
      {"{\"topology.worker.childopts\": 512}",
       "'topology.worker.childopts' must be a string or a list of strings (got 512)"},
      {"{\"topology.worker.childopts\": [\"-Xmx1g\", 2]}",
       "'topology.worker.childopts' must be a string or a list of strings (got [\"-Xmx1g\",2])"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *message = check_message(cases[i].json);
    assert_contains(message, cases[i].message);
  }
  g_assert_null(check_message("{\"topology.message.timeout.secs\": 2147483647,"
                              " \"topology.workers\": \"many\", \"my.own.key\": [1]}"));
  g_assert_null(check_message("{\"topology.worker.childopts\": \"-Xmx1g -Dx=%ID%\"}"));
  g_assert_null(check_message("{\"topology.worker.childopts\": [\"-Xmx1g\", \"-Dx=a b\"]}"));
}

static void test_component_conf_overrides_topology_conf(void)
{
  json_t *topology = conf_of("{\"topology.tick.tuple.freq.secs\": 5}");
  json_t *component = conf_of("{\"topology.tick.tuple.freq.secs\": 2}");
  json_t *nulled = conf_of("{\"topology.tick.tuple.freq.secs\": null}");
  g_assert_true(gust_conf_pick(component, topology, "topology.tick.tuple.freq.secs") == component);
  g_assert_true(gust_conf_pick(nulled, topology, "topology.tick.tuple.freq.secs") == topology);
  g_assert_true(gust_conf_pick(NULL, topology, "topology.tick.tuple.freq.secs") == topology);
  json_decref(topology);
  json_decref(component);
  json_decref(nulled);
}

static void test_unhonoured_storm_keys_are_named_and_own_keys_are_not(void)
{
  json_t *conf = conf_of("{\"topology.workers\": 2, \"topology.debug\": false,"
                         " \"storm.zookeeper.servers\": [\"a\"], \"wordcount.window\": 5,"
                         " \"topology.enable.message.timeouts\": true}");
  g_autofree char *keys = gust_conf_unhonoured_keys(conf);
  g_assert_cmpstr(keys, ==,
                  "storm.zookeeper.servers, topology.enable.message.timeouts, topology.workers");
  json_decref(conf);
  json_t *honoured = conf_of("{\"topology.debug\": true, \"my.key\": 1}");
  g_assert_null(gust_conf_unhonoured_keys(honoured));
  json_decref(honoured);
}

/* ---- validation of a topology ---- */

/* TestWordSpout -> TestWordCounter, shuffle; conf values set by the test. */
static gust_topology *word_count(void)
{
  static const char *const word_fields[] = {"word", NULL};
  static const char *const count_fields[] = {"word", "count", NULL};
  gust_topology *t = gust_topology_new("wordcount");
  gust_component *spout = gust_topology_add_component(t, "words", GUST_COMPONENT_SPOUT);
  gust_component_set_impl(spout, gust_impl_new_builtin("org.apache.storm.testing.TestWordSpout"));
  g_assert_true(gust_component_declare_stream(spout, "default", word_fields, FALSE, NULL));
  gust_component *bolt = gust_topology_add_component(t, "count", GUST_COMPONENT_BOLT);
  gust_component_set_impl(bolt, gust_impl_new_builtin("org.apache.storm.testing.TestWordCounter"));
  g_assert_true(gust_component_declare_stream(bolt, "default", count_fields, FALSE, NULL));
  gust_component_add_input(bolt, "words", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE),
                           NULL);
  return t;
}

/* Validates t (then frees it); the error message, or NULL when valid. */
static char *validation_message(gust_topology *t, gint expected_code)
{
  GError *error = NULL;
  gboolean ok = gust_topology_validate(t, &error);
  gust_topology_free(t);
  if (ok) return NULL;
  g_assert_error(error, GUST_TOPOLOGY_ERROR, expected_code);
  char *message = g_strdup(error->message);
  g_error_free(error);
  return message;
}

static void test_bad_values_stop_validation_naming_key_and_value(void)
{
  gust_topology *t = word_count();
  gust_topology_set_conf_value(t, "topology.message.timeout.secs", json_integer(10000000000));
  g_autofree char *timeout = validation_message(t, GUST_TOPOLOGY_ERROR_INVALID_CONF);
  assert_contains(timeout, "topology conf: 'topology.message.timeout.secs' must be an integer "
                           "from 1 to 2147483647 (got 10000000000)");

  t = word_count();
  gust_topology_set_conf_value(t, "topology.acker.executors", json_integer(4294967296));
  g_autofree char *ackers = validation_message(t, GUST_TOPOLOGY_ERROR_INVALID_CONF);
  assert_contains(ackers, "'topology.acker.executors' must be an integer from 0 to 2147483647 "
                          "(got 4294967296)");

  t = word_count();
  gust_component_set_conf_value(gust_topology_lookup(t, "count"), "topology.tick.tuple.freq.secs",
                                json_integer(-1));
  g_autofree char *tick = validation_message(t, GUST_TOPOLOGY_ERROR_INVALID_CONF);
  assert_contains(tick, "bolt 'count': conf 'topology.tick.tuple.freq.secs' must be an integer "
                        "from 0 to 2147483647 (got -1)");

  t = word_count();
  gust_component_set_conf_value(gust_topology_lookup(t, "words"), "topology.max.spout.pending",
                                json_integer(-100));
  g_autofree char *pending = validation_message(t, GUST_TOPOLOGY_ERROR_INVALID_CONF);
  assert_contains(pending, "spout 'words': conf 'topology.max.spout.pending' must be an integer "
                           "from 0 to 2147483647 (got -100)");

  t = word_count();
  gust_topology_set_conf_value(t, "topology.tick.tuple.freq.secs", json_string("5"));
  gust_topology_set_conf_value(t, "topology.debug", json_true());
  g_assert_null(validation_message(t, 0));
}

static void test_implausible_task_counts_are_refused_naming_component_and_limit(void)
{
  gust_topology *t = word_count();
  gust_component_set_parallelism(gust_topology_lookup(t, "count"), 1000000);
  g_autofree char *message = validation_message(t, GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM);
  assert_contains(message, "bolt 'count': 1000000 tasks are more than gust runs for one "
                           "component (topology.gust.max.component.tasks: 1024)");

  /* topology.tasks counts, not the parallelism; max.task.parallelism caps it first */
  t = word_count();
  gust_component_set_tasks(gust_topology_lookup(t, "words"), 5000);
  g_autofree char *tasks = validation_message(t, GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM);
  assert_contains(tasks, "spout 'words': 5000 tasks");
  t = word_count();
  gust_component_set_parallelism(gust_topology_lookup(t, "count"), 1000000);
  gust_topology_set_conf_value(t, "topology.max.task.parallelism", json_integer(8));
  g_assert_null(validation_message(t, 0));

  /* the limit is a setting */
  t = word_count();
  gust_component_set_parallelism(gust_topology_lookup(t, "count"), 2000);
  gust_topology_set_conf_value(t, "topology.gust.max.component.tasks", json_integer(4096));
  g_assert_null(validation_message(t, 0));
  t = word_count();
  gust_component_set_parallelism(gust_topology_lookup(t, "count"), 3);
  gust_topology_set_conf_value(t, "topology.gust.max.component.tasks", json_integer(2));
  g_autofree char *lowered = validation_message(t, GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM);
  assert_contains(lowered, "(topology.gust.max.component.tasks: 2)");

  t = word_count();
  gust_topology_set_conf_value(t, "topology.acker.executors", json_integer(100000));
  g_autofree char *ackers = validation_message(t, GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM);
  assert_contains(ackers, "topology.acker.executors 100000 is more than gust runs");
}

/* ---- what the runtime does with the conf ---- */

static struct {
  pthread_mutex_t lock;
  GPtrArray *lines; /* every message logged while a test runs */
} logged = {PTHREAD_MUTEX_INITIALIZER, NULL};

static void record_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                       gpointer data)
{
  pthread_mutex_lock(&logged.lock);
  if (logged.lines) g_ptr_array_add(logged.lines, g_strdup(message));
  pthread_mutex_unlock(&logged.lock);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    g_log_default_handler(domain, level, message, data); /* visible in the test log */
}

/* Lines logged so far that start with prefix. */
static guint count_logged(const char *prefix)
{
  guint n = 0;
  pthread_mutex_lock(&logged.lock);
  for (guint i = 0; i < logged.lines->len; i++)
    if (g_str_has_prefix(g_ptr_array_index(logged.lines, i), prefix)) n++;
  pthread_mutex_unlock(&logged.lock);
  return n;
}

/* The first logged line starting with prefix (a copy), or NULL. */
static char *first_logged(const char *prefix)
{
  char *found = NULL;
  pthread_mutex_lock(&logged.lock);
  for (guint i = 0; i < logged.lines->len && !found; i++)
    if (g_str_has_prefix(g_ptr_array_index(logged.lines, i), prefix))
      found = g_strdup(g_ptr_array_index(logged.lines, i));
  pthread_mutex_unlock(&logged.lock);
  return found;
}

/* Runs t until the counter has logged an emit, which it does only for
 * words the spout emitted (or 60 s, a bound on a hang only), then stops
 * it.  Frees t. */
static void run_until_count_emits(gust_topology *t)
{
  GError *error = NULL;
  gust_runtime_options opts = {.threads = 2};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  for (int waited_ms = 0; waited_ms < 60000; waited_ms += 20) {
    if (count_logged("Emitting Tuple: taskId=1 componentId=count ") > 0) break;
    g_usleep(20000);
  }
  g_assert_true(gust_runtime_stop(rt, 30000, &error));
  g_assert_no_error(error);
  gust_runtime_free(rt);
  gust_topology_free(t);
}

static void start_recording(void)
{
  pthread_mutex_lock(&logged.lock);
  logged.lines = g_ptr_array_new_with_free_func(g_free);
  pthread_mutex_unlock(&logged.lock);
}

static void stop_recording(void)
{
  pthread_mutex_lock(&logged.lock);
  g_clear_pointer(&logged.lines, g_ptr_array_unref);
  pthread_mutex_unlock(&logged.lock);
}

static void test_debug_logs_every_emitted_tuple_as_storm_does(void)
{
  start_recording();
  gust_topology *t = word_count();
  gust_topology_set_conf_value(t, "topology.debug", json_true());
  run_until_count_emits(t);
  /* task ids as Storm numbers them: components in id order, count then words */
  g_autofree char *spout = first_logged("Emitting Tuple: taskId=2 componentId=words ");
  g_autofree char *bolt = first_logged("Emitting Tuple: taskId=1 componentId=count ");
  g_assert_nonnull(spout);
  g_assert_nonnull(bolt);
  g_assert_true(g_regex_match_simple(
      "^Emitting Tuple: taskId=2 componentId=words stream=default values=\\[[a-z]+\\]$", spout, 0,
      0));
  g_assert_true(g_regex_match_simple(
      "^Emitting Tuple: taskId=1 componentId=count stream=default values=\\[[a-z]+, [0-9]+\\]$",
      bolt, 0, 0));
  stop_recording();

  start_recording(); /* off by default: nothing logged */
  t = word_count();
  gust_component_set_conf_value(gust_topology_lookup(t, "count"), "topology.debug", json_true());
  run_until_count_emits(t);
  g_assert_cmpuint(count_logged("Emitting Tuple: taskId=1 componentId=count "), >, 0);
  g_assert_cmpuint(count_logged("Emitting Tuple: taskId=2 "), ==, 0);
  stop_recording();
}

static void test_unhonoured_storm_keys_are_logged_once_at_start(void)
{
  start_recording();
  gust_topology *t = word_count();
  gust_topology_set_conf_value(t, "topology.debug", json_true());
  gust_topology_set_conf_value(t, "topology.workers", json_integer(4));
  gust_topology_set_conf_value(t, "wordcount.window", json_integer(5));
  gust_component_set_conf_value(gust_topology_lookup(t, "count"),
                                "topology.component.resources.onheap.memory.mb", json_real(256));
  run_until_count_emits(t);
  const char *prefix = "topology wordcount: Storm settings gust does not honour (ignored): ";
  g_assert_cmpuint(count_logged(prefix), ==, 1);
  g_autofree char *line = first_logged(prefix);
  g_assert_cmpstr(line + strlen(prefix), ==,
                  "topology.component.resources.onheap.memory.mb, topology.workers");
  stop_recording();
}

static void test_runtime_refuses_a_bad_value_before_building_anything(void)
{
  gust_topology *t = word_count();
  gust_component_set_parallelism(gust_topology_lookup(t, "count"), 1000000);
  GError *error = NULL;
  g_assert_null(gust_runtime_new(t, NULL, &error));
  assert_error_contains(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM,
                        "bolt 'count': 1000000 tasks are more than gust runs");
  g_clear_error(&error);
  gust_topology_free(t);

  t = word_count();
  gust_topology_set_conf_value(t, "topology.gust.checkpoint.interval.ms", json_string("-5"));
  g_assert_null(gust_runtime_new(t, NULL, &error));
  assert_error_contains(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_CONF,
                        "'topology.gust.checkpoint.interval.ms' must be an integer from 1 to "
                        "2147483647 (got \"-5\")");
  g_clear_error(&error);
  gust_topology_free(t);
}

/* ---- the table and README ---- */

/* The README row of one key: | `key` | type | default | range | meaning | */
static char *readme_row(const gust_conf_key *k)
{
  static const char *const type_names[] = {"int", "bool", "string", "string or list"};
  GString *row = g_string_new(NULL);
  g_string_append_printf(row, "| `%s` | %s | ", k->key, type_names[k->type]);
  if (k->default_value)
    g_string_append_printf(row, "`%s` | ", k->default_value);
  else
    g_string_append(row, "unset | ");
  if (k->type == GUST_CONF_INT)
    g_string_append_printf(row, "%d..%d", k->min, k->max);
  else if (k->type == GUST_CONF_BOOL)
    g_string_append(row, "`true`, `false`");
  else if (k->type == GUST_CONF_STRINGS)
    g_string_append(row, "text, or a list of texts");
  else if (!k->choices)
    g_string_append(row, "non-empty text");
  for (const char *const *c = k->choices; c && *c; c++)
    g_string_append_printf(row, "%s`%s`", c == k->choices ? "" : ", ", *c);
  g_string_append_printf(row, " | %s |", k->meaning);
  return g_string_free(row, FALSE);
}

static void test_readme_lists_exactly_the_keys_of_the_table(void)
{
  gsize n;
  const gust_conf_key *keys = gust_conf_keys(&n);
  g_autoptr(GString) expected = g_string_new(NULL);
  for (gsize i = 0; i < n; i++) {
    g_autofree char *row = readme_row(&keys[i]);
    g_string_append_printf(expected, "%s\n", row);
  }
  g_autofree char *actual = readme_table_rows(
      GUST_README, "| key | type | default | range | meaning |\n|---|---|---|---|---|\n");
  if (g_strcmp0(actual, expected->str))
    g_error("README's configuration table differs from compat/model/conf_keys.c; "
            "the table's rows are:\n%s",
            expected->str);
  for (gsize i = 0; i < n; i++)
    g_assert_true(gust_conf_key_find(keys[i].key) == &keys[i]);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_setenv("G_MESSAGES_DEBUG", "all", TRUE); /* the debug lines are INFO, as in Storm */
  g_log_set_default_handler(record_log, NULL);
  g_test_add_func("/conf/ints_are_read_from_numbers_and_numeric_strings",
                  test_ints_are_read_from_numbers_and_numeric_strings);
  g_test_add_func("/conf/storm_defaults_apply_when_a_key_is_unset_or_null",
                  test_storm_defaults_apply_when_a_key_is_unset_or_null);
  g_test_add_func("/conf/set_values_are_read_with_storm_coercions",
                  test_set_values_are_read_with_storm_coercions);
  g_test_add_func("/conf/out_of_range_values_are_refused_naming_key_and_value",
                  test_out_of_range_values_are_refused_naming_key_and_value);
  g_test_add_func("/conf/component_conf_overrides_topology_conf",
                  test_component_conf_overrides_topology_conf);
  g_test_add_func("/conf/unhonoured_storm_keys_are_named_and_own_keys_are_not",
                  test_unhonoured_storm_keys_are_named_and_own_keys_are_not);
  g_test_add_func("/conf/bad_values_stop_validation_naming_key_and_value",
                  test_bad_values_stop_validation_naming_key_and_value);
  g_test_add_func("/conf/implausible_task_counts_are_refused_naming_component_and_limit",
                  test_implausible_task_counts_are_refused_naming_component_and_limit);
  g_test_add_func("/conf/debug_logs_every_emitted_tuple_as_storm_does",
                  test_debug_logs_every_emitted_tuple_as_storm_does);
  g_test_add_func("/conf/unhonoured_storm_keys_are_logged_once_at_start",
                  test_unhonoured_storm_keys_are_logged_once_at_start);
  g_test_add_func("/conf/runtime_refuses_a_bad_value_before_building_anything",
                  test_runtime_refuses_a_bad_value_before_building_anything);
  g_test_add_func("/conf/readme_lists_exactly_the_keys_of_the_table",
                  test_readme_lists_exactly_the_keys_of_the_table);
  return g_test_run();
}
