/* test_flux_load.c — the example Flux files in examples/flux/ load into the
 * topology they describe: components with the right kind, implementation,
 * parallelism, tasks, conf and streams; inputs with the right grouping and
 * the line of their stream; includes, properties and environment applied.
 */
#include <gust/flux.h>

#include "compat_test.h"

static gust_topology *load_example(const char *relative, const gust_flux_options *options)
{
  char *path = example_path(relative);
  GError *error = NULL;
  gust_topology *topology = gust_flux_load_file(path, options, &error);
  g_assert_no_error(error);
  g_assert_nonnull(topology);
  g_free(path);
  return topology;
}

static gust_component *component(const gust_topology *t, const char *id)
{
  gust_component *c = gust_topology_lookup(t, id);
  if (!c) g_error("component '%s' missing", id);
  return c;
}

static const gust_input *only_input(const gust_component *c)
{
  g_assert_cmpuint(gust_component_n_inputs(c), ==, 1);
  return gust_component_input(c, 0);
}

static void assert_builtin(const gust_component *c, const char *class_name)
{
  const gust_impl *impl = gust_component_impl(c);
  g_assert_nonnull(impl);
  g_assert_cmpint(impl->kind, ==, GUST_IMPL_BUILTIN);
  g_assert_cmpstr(impl->builtin.class_name, ==, class_name);
}

static void assert_strv(const char *const *got, const char *const *expected)
{
  for (gsize i = 0; expected[i]; i++)
    g_assert_cmpstr(got[i], ==, expected[i]);
  g_assert_null(got[g_strv_length((char **)expected)]);
}

static void test_wordcount_example_builds_builtin_components(void)
{
  gust_topology *t = load_example("wordcount.yaml", NULL);
  g_assert_cmpstr(gust_topology_name(t), ==, "builtin-wordcount");
  json_t *conf = gust_topology_conf(t);
  g_assert_true(json_is_integer(json_object_get(conf, "topology.workers")));
  g_assert_cmpint(json_integer_value(json_object_get(conf, "topology.workers")), ==, 1);
  g_assert_true(json_is_false(json_object_get(conf, "topology.debug")));

  g_assert_cmpuint(gust_topology_n_components(t), ==, 3);
  const gust_component *words = gust_topology_component(t, 0);
  g_assert_cmpstr(gust_component_id(words), ==, "words");
  g_assert_cmpint(gust_component_get_kind(words), ==, GUST_COMPONENT_SPOUT);
  assert_builtin(words, "org.apache.storm.testing.TestWordSpout");
  g_assert_cmpint(gust_component_parallelism(words), ==, 2);
  g_assert_cmpint(gust_component_tasks(words), ==, 2);
  const char *word[] = {"word", NULL};
  assert_strv(gust_stream_fields(gust_component_lookup_stream(words, "default")), word);
  g_assert_true(g_str_has_suffix(gust_component_location(words)->file, "wordcount.yaml"));
  g_assert_cmpuint(gust_component_location(words)->line, ==, 15);

  const gust_component *counter = component(t, "counter");
  assert_builtin(counter, "org.apache.storm.testing.TestWordCounter");
  g_assert_cmpint(gust_component_parallelism(counter), ==, 2);
  g_assert_cmpint(gust_topology_component_tasks(t, counter), ==, 4);
  const char *word_count[] = {"word", "count", NULL};
  assert_strv(gust_stream_fields(gust_component_lookup_stream(counter, "default")), word_count);
  const gust_input *in = only_input(counter);
  g_assert_cmpstr(gust_input_source(in), ==, "words");
  g_assert_cmpstr(gust_input_stream(in), ==, "default");
  g_assert_cmpint(gust_grouping_get_kind(gust_input_grouping(in)), ==, GUST_GROUPING_FIELDS);
  assert_strv(gust_grouping_fields(gust_input_grouping(in), NULL), word);
  g_assert_cmpuint(gust_input_location(in)->line, ==, 29);

  const gust_component *logger = component(t, "logger");
  assert_builtin(logger, "org.apache.storm.flux.wrappers.bolts.LogInfoBolt");
  g_assert_cmpuint(gust_component_n_streams(logger), ==, 0);
  g_assert_cmpint(gust_grouping_get_kind(gust_input_grouping(only_input(logger))), ==,
                  GUST_GROUPING_SHUFFLE);
  g_assert_cmpuint(gust_input_location(only_input(logger))->line, ==, 36);

  /* the definition is kept for the hosts */
  json_t *definition = gust_component_definition(words);
  g_assert_cmpstr(json_string_value(json_object_get(definition, "className")), ==,
                  "org.apache.storm.testing.TestWordSpout");
  gust_topology_free(t);
}

static void test_shell_example_builds_multilang_components(void)
{
  gust_topology *t = load_example("shell/shell_wordcount.yaml", NULL);
  char *resources = example_path("shell/resources");

  const gust_component *sentences = component(t, "sentences");
  const gust_impl *impl = gust_component_impl(sentences);
  g_assert_cmpint(impl->kind, ==, GUST_IMPL_MULTILANG);
  const char *spout_argv[] = {"python3", "sentence_spout.py", NULL};
  assert_strv((const char *const *)impl->multilang.argv, spout_argv);
  g_assert_true(g_path_is_absolute(impl->multilang.resources_dir));
  char *expected_resources = g_canonicalize_filename(resources, NULL);
  g_assert_cmpstr(impl->multilang.resources_dir, ==, expected_resources);
  g_assert_null(impl->multilang.env);
  const char *sentence[] = {"sentence", NULL};
  assert_strv(gust_stream_fields(gust_component_lookup_stream(sentences, "default")), sentence);

  const gust_component *count = component(t, "count");
  g_assert_cmpstr(gust_component_impl(count)->multilang.argv[1], ==, "count_words.py");
  g_assert_cmpuint(gust_component_n_streams(count), ==, 2);
  const char *word_count[] = {"word", "count", NULL}, *seen[] = {"words_seen", NULL};
  assert_strv(gust_stream_fields(gust_component_lookup_stream(count, "default")), word_count);
  assert_strv(gust_stream_fields(gust_component_lookup_stream(count, "totals")), seen);
  g_assert_cmpint(json_integer_value(
                      json_object_get(gust_component_conf(count), "topology.tick.tuple.freq.secs")),
                  ==, 5);

  const gust_component *log = component(t, "log");
  g_assert_cmpuint(gust_component_n_inputs(log), ==, 2);
  const gust_input *totals = gust_component_lookup_input(log, "count", "totals");
  g_assert_nonnull(totals);
  g_assert_cmpint(gust_grouping_get_kind(gust_input_grouping(totals)), ==, GUST_GROUPING_GLOBAL);
  g_assert_cmpuint(gust_input_location(totals)->line, ==, 62);
  g_free(expected_resources);
  g_free(resources);
  gust_topology_free(t);
}

static void test_include_example_merges_files_and_substitutes_values(void)
{
  char *properties = example_path("include/dev.properties");
  const char *environment[] = {"GUST_EXAMPLE_OWNER=team-a", NULL};
  gust_flux_options options = {
      .properties_file = properties,
      .env_filter = TRUE,
      .environment = environment,
  };
  /* common.yaml's topology.debug loses against the including file */
  g_test_expect_message("gust-flux", G_LOG_LEVEL_WARNING, "*config 'topology.debug' is ignored*");
  gust_topology *t = load_example("include/wordcount_included.yaml", &options);
  g_test_assert_expected_messages();

  g_assert_cmpstr(gust_topology_name(t), ==, "wordcount-dev");
  json_t *conf = gust_topology_conf(t);
  g_assert_cmpint(json_integer_value(json_object_get(conf, "topology.workers")), ==, 2);
  g_assert_true(json_is_true(json_object_get(conf, "topology.debug")));
  g_assert_cmpint(json_integer_value(json_object_get(conf, "topology.max.spout.pending")), ==, 250);
  g_assert_cmpstr(json_string_value(json_object_get(conf, "gust.example.owner")), ==, "team-a");

  g_assert_cmpint(gust_component_parallelism(component(t, "words")), ==, 3);
  const gust_component *counter = component(t, "counter");
  g_assert_cmpint(gust_component_parallelism(counter), ==, 4); /* ${bolt.parallelism[1]} */
  g_assert_cmpint(gust_component_tasks(counter), ==, 8);

  const gust_component *logger = component(t, "logger");
  g_assert_true(g_str_has_suffix(gust_component_location(logger)->file, "common.yaml"));
  const gust_input *in = only_input(logger);
  g_assert_cmpint(gust_grouping_get_kind(gust_input_grouping(in)), ==,
                  GUST_GROUPING_LOCAL_OR_SHUFFLE);
  g_assert_true(g_str_has_suffix(gust_input_location(in)->file, "common.yaml"));
  g_assert_cmpuint(gust_input_location(in)->line, ==, 11);
  g_free(properties);
  gust_topology_free(t);
}

static void test_each_grouping_example_loads_with_its_grouping(void)
{
  static const struct {
    const char *file;
    gust_grouping_kind kind;
    const char *field; /* first grouping field, or NULL */
  } cases[] = {
      {"groupings/shuffle.yaml", GUST_GROUPING_SHUFFLE, NULL},
      {"groupings/fields.yaml", GUST_GROUPING_FIELDS, "word"},
      {"groupings/all.yaml", GUST_GROUPING_ALL, NULL},
      {"groupings/global.yaml", GUST_GROUPING_GLOBAL, NULL},
      {"groupings/none.yaml", GUST_GROUPING_NONE, NULL},
      {"groupings/local_or_shuffle.yaml", GUST_GROUPING_LOCAL_OR_SHUFFLE, NULL},
      {"groupings/partial_key.yaml", GUST_GROUPING_PARTIAL_KEY, "word"},
      {"groupings/direct.yaml", GUST_GROUPING_DIRECT, NULL},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    gust_topology *t = load_example(cases[i].file, NULL);
    const gust_grouping *grouping = gust_input_grouping(only_input(component(t, "counter")));
    g_assert_cmpint(gust_grouping_get_kind(grouping), ==, cases[i].kind);
    g_assert_cmpstr(gust_grouping_fields(grouping, NULL)[0], ==, cases[i].field);
    gust_topology_free(t);
  }
}

static void test_partial_key_example_keeps_the_fields_component_as_a_bean(void)
{
  gust_topology *t = load_example("groupings/partial_key.yaml", NULL);
  json_t *bean = gust_topology_bean(t, "word-field");
  g_assert_nonnull(bean);
  g_assert_cmpstr(json_string_value(json_object_get(bean, "className")), ==,
                  "org.apache.storm.tuple.Fields");
  json_t *args = json_object_get(bean, "constructorArgs");
  g_assert_cmpstr(json_string_value(json_array_get(json_array_get(args, 0), 0)), ==, "word");
  gust_topology_free(t);
}

static void test_direct_example_leaves_native_streams_to_the_runtime(void)
{
  gust_topology *t = load_example("groupings/direct.yaml", NULL);
  gust_component *router = component(t, "router");
  const gust_impl *impl = gust_component_impl(router);
  g_assert_cmpint(impl->kind, ==, GUST_IMPL_NATIVE);
  char *dir = example_path("groupings");
  char *library = g_build_filename(dir, "libgust_example_router.so", NULL);
  char *expected = g_canonicalize_filename(library, NULL);
  g_assert_cmpstr(impl->native.library, ==, expected);
  g_assert_cmpstr(impl->native.symbol, ==, "gust_example_router_spout");
  g_assert_true(gust_topology_has_native_components(t));

  /* until the runtime declares the native streams, full validation fails */
  GError *error = NULL;
  g_assert_false(gust_topology_validate(t, &error));
  assert_error_contains(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_UNKNOWN_STREAM,
                        "no stream 'targeted'");
  g_clear_error(&error);

  const char *fields[] = {"word", NULL};
  g_assert_true(gust_component_declare_stream(router, "targeted", fields, TRUE, NULL));
  g_assert_true(gust_topology_validate(t, &error));
  g_assert_no_error(error);
  g_free(expected);
  g_free(library);
  g_free(dir);
  gust_topology_free(t);
}

static void test_component_ids_of_an_example_sort_for_task_numbering(void)
{
  gust_topology *t = load_example("wordcount.yaml", NULL);
  const char **ids = gust_topology_component_ids_sorted(t);
  const char *expected[] = {"counter", "logger", "words", NULL};
  assert_strv(ids, expected);
  g_free(ids);
  gust_topology_free(t);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/flux/load/wordcount-example", test_wordcount_example_builds_builtin_components);
  g_test_add_func("/flux/load/shell-example", test_shell_example_builds_multilang_components);
  g_test_add_func("/flux/load/include-example",
                  test_include_example_merges_files_and_substitutes_values);
  g_test_add_func("/flux/load/grouping-examples",
                  test_each_grouping_example_loads_with_its_grouping);
  g_test_add_func("/flux/load/partial-key-bean",
                  test_partial_key_example_keeps_the_fields_component_as_a_bean);
  g_test_add_func("/flux/load/direct-example-native",
                  test_direct_example_leaves_native_streams_to_the_runtime);
  g_test_add_func("/flux/load/sorted-ids",
                  test_component_ids_of_an_example_sort_for_task_numbering);
  return g_test_run();
}
