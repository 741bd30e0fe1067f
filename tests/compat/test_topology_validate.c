/* test_topology_validate.c — Storm's submission rules on hand-built
 * topologies.  Each test starts from a valid word count (spout "words" ->
 * FIELDS(word) -> bolt "counter"), breaks one rule, and checks the error
 * code and that the message names the component, the rule and, when the
 * model knows it, the file and line.
 */
#include <gust/topology.h>

#include "compat_test.h"

static const char *const word_fields[] = {"word", NULL};
static const char *const word_count_fields[] = {"word", "count", NULL};

typedef struct {
  gust_topology *topology;
  gust_component *spout, *bolt;
  GError *error;
} fixture;

static gust_grouping *fields_grouping(const char *field)
{
  const char *fields[] = {field, NULL};
  return gust_grouping_new_fields(GUST_GROUPING_FIELDS, fields);
}

static void fixture_set_up(fixture *f, gconstpointer data)
{
  f->topology = gust_topology_new("wordcount");
  f->spout = gust_topology_add_component(f->topology, "words", GUST_COMPONENT_SPOUT);
  gust_component_set_impl(f->spout,
                          gust_impl_new_builtin("org.apache.storm.testing.TestWordSpout"));
  g_assert_true(gust_component_declare_stream(f->spout, "default", word_fields, FALSE, NULL));
  gust_component_set_location(f->spout, "wc.yaml", 5);

  f->bolt = gust_topology_add_component(f->topology, "counter", GUST_COMPONENT_BOLT);
  gust_component_set_impl(f->bolt,
                          gust_impl_new_builtin("org.apache.storm.testing.TestWordCounter"));
  g_assert_true(gust_component_declare_stream(f->bolt, "default", word_count_fields, FALSE, NULL));
  gust_component_set_location(f->bolt, "wc.yaml", 10);
  gust_input *input =
      gust_component_add_input(f->bolt, "words", "default", fields_grouping("word"), NULL);
  gust_input_set_location(input, "wc.yaml", 20);
  f->error = NULL;
}

static void fixture_tear_down(fixture *f, gconstpointer data)
{
  g_clear_error(&f->error);
  gust_topology_free(f->topology);
}

/* Validates and expects failure with code; returns the message. */
static const char *expect_invalid(fixture *f, gust_topology_error code)
{
  g_assert_false(gust_topology_validate(f->topology, &f->error));
  g_assert_error(f->error, GUST_TOPOLOGY_ERROR, (gint)code);
  return f->error->message;
}

/* A second bolt subscribed to words/default with the given grouping. */
static gust_input *add_consumer(fixture *f, const char *stream, gust_grouping *grouping)
{
  gust_component *bolt = gust_topology_add_component(f->topology, "sink", GUST_COMPONENT_BOLT);
  gust_component_set_impl(
      bolt, gust_impl_new_builtin("org.apache.storm.flux.wrappers.bolts.LogInfoBolt"));
  gust_input *input = gust_component_add_input(bolt, "words", stream, grouping, NULL);
  gust_input_set_location(input, "wc.yaml", 30);
  return input;
}

static void test_valid_word_count_passes(fixture *f, gconstpointer data)
{
  g_assert_true(gust_topology_validate(f->topology, &f->error));
  g_assert_no_error(f->error);
}

static void test_topology_without_name_is_refused(fixture *f, gconstpointer data)
{
  gust_topology_set_name(f->topology, NULL);
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_INVALID_NAME), "has no name");
}

static void test_topology_name_with_a_dot_is_refused(fixture *f, gconstpointer data)
{
  gust_topology_set_name(f->topology, "word.count");
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_INVALID_NAME), "'word.count'");
}

static void test_empty_component_id_is_refused(fixture *f, gconstpointer data)
{
  gust_component *c = gust_topology_add_component(f->topology, "", GUST_COMPONENT_BOLT);
  gust_component_set_location(c, "wc.yaml", 14);
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_INVALID_ID);
  assert_contains(message, "wc.yaml:14: bolt '': ");
  assert_contains(message, "may not be empty");
}

static void test_component_id_starting_with_double_underscore_is_refused(fixture *f,
                                                                         gconstpointer data)
{
  gust_component *c = gust_topology_add_component(f->topology, "__acker", GUST_COMPONENT_BOLT);
  gust_component_set_location(c, "wc.yaml", 40);
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_INVALID_ID);
  assert_contains(message, "wc.yaml:40: bolt '__acker': ");
  assert_contains(message, "reserved");
}

static void test_ids_starting_with_dollar_are_allowed(fixture *f, gconstpointer data)
{
  gust_component *c =
      gust_topology_add_component(f->topology, "$checkpointspout", GUST_COMPONENT_SPOUT);
  gust_component_set_impl(c, gust_impl_new_native("/x.so", "spout_ops"));
  g_assert_true(gust_topology_validate(f->topology, &f->error));
}

static void test_duplicate_component_id_is_refused_naming_both_places(fixture *f,
                                                                      gconstpointer data)
{
  gust_component *again = gust_topology_add_component(f->topology, "words", GUST_COMPONENT_BOLT);
  gust_component_set_impl(again, gust_impl_new_builtin("org.apache.storm.testing.TestWordCounter"));
  gust_component_set_location(again, "other.yaml", 3);
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_DUPLICATE_ID);
  assert_contains(message, "other.yaml:3: bolt 'words': ");
  assert_contains(message, "already used by the spout defined at wc.yaml:5");
}

static void test_topology_without_spout_is_refused(void)
{
  gust_topology *t = gust_topology_new("lonely");
  gust_component *bolt = gust_topology_add_component(t, "log", GUST_COMPONENT_BOLT);
  gust_component_set_impl(
      bolt, gust_impl_new_builtin("org.apache.storm.flux.wrappers.bolts.LogInfoBolt"));
  GError *error = NULL;
  g_assert_false(gust_topology_validate(t, &error));
  assert_error_contains(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_NO_SPOUT,
                        "topology 'lonely' has no spout");
  g_error_free(error);
  gust_topology_free(t);
}

static void test_spout_with_inputs_is_refused(fixture *f, gconstpointer data)
{
  gust_component_add_input(f->spout, "counter", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE),
                           NULL);
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_SPOUT_WITH_INPUTS);
  assert_contains(message, "wc.yaml:5: spout 'words': a spout cannot subscribe");
}

static void test_parallelism_below_one_is_refused(fixture *f, gconstpointer data)
{
  gust_component_set_parallelism(f->bolt, 0);
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM);
  assert_contains(message, "wc.yaml:10: bolt 'counter': parallelism must be at least 1 (got 0)");
}

static void test_negative_tasks_are_refused(fixture *f, gconstpointer data)
{
  gust_component_set_tasks(f->bolt, -1);
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM);
  assert_contains(message, "bolt 'counter': the number of tasks must be 0 or more (got -1)");
}

static void test_zero_tasks_are_allowed_as_in_storm(fixture *f, gconstpointer data)
{
  gust_component_set_tasks(f->bolt, 0);
  g_assert_true(gust_topology_validate(f->topology, &f->error));
  g_assert_cmpint(gust_topology_component_tasks(f->topology, f->bolt), ==, 0);
}

static void test_non_integer_task_count_in_conf_is_refused(fixture *f, gconstpointer data)
{
  gust_component_set_conf_value(f->bolt, "topology.tasks", json_string("four"));
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_INVALID_CONF);
  assert_contains(message, "bolt 'counter': conf 'topology.tasks' must be an integer");
}

static void test_non_integer_tick_frequency_in_topology_conf_is_refused(fixture *f,
                                                                        gconstpointer data)
{
  gust_topology_set_conf_value(f->topology, "topology.tick.tuple.freq.secs", json_real(0.5));
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_INVALID_CONF),
                  "topology conf: 'topology.tick.tuple.freq.secs' must be an integer");
}

static void test_stream_id_starting_with_double_underscore_is_refused(fixture *f,
                                                                      gconstpointer data)
{
  gust_component_declare_stream(f->spout, "__tick", word_fields, FALSE, NULL);
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_INVALID_STREAM);
  assert_contains(message, "spout 'words': stream id '__tick' is reserved");
}

static void test_stream_declaring_a_field_twice_is_refused(fixture *f, gconstpointer data)
{
  const char *fields[] = {"a", "b", "a", NULL};
  gust_component_declare_stream(f->spout, "pairs", fields, FALSE, NULL);
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_INVALID_STREAM),
                  "spout 'words': stream 'pairs' declares field 'a' twice");
}

static void test_input_from_unknown_component_is_refused(fixture *f, gconstpointer data)
{
  gust_input *input = gust_component_add_input(f->bolt, "spout", "default",
                                               gust_grouping_new(GUST_GROUPING_SHUFFLE), NULL);
  gust_input_set_location(input, "wc.yaml", 14);
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_UNKNOWN_COMPONENT),
                  "wc.yaml:14: stream from 'spout' to 'counter': unknown component 'spout'");
}

static void test_input_location_falls_back_to_the_component(fixture *f, gconstpointer data)
{
  gust_component_add_input(f->bolt, "spout", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE),
                           NULL);
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_UNKNOWN_COMPONENT),
                  "wc.yaml:10: stream from 'spout' to 'counter'");
}

static void test_input_from_undeclared_stream_is_refused(fixture *f, gconstpointer data)
{
  add_consumer(f, "sentences", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_UNKNOWN_STREAM);
  assert_contains(message, "wc.yaml:30: stream 'sentences' from 'words' to 'sink': ");
  assert_contains(message, "spout 'words' declares no stream 'sentences' (its streams: default)");
}

static void test_fields_grouping_on_undeclared_field_is_refused(fixture *f, gconstpointer data)
{
  add_consumer(f, "default", fields_grouping("count"));
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_UNKNOWN_FIELD);
  assert_contains(message, "wc.yaml:30: stream from 'words' to 'sink': ");
  assert_contains(message, "FIELDS grouping on field 'count'");
  assert_contains(message, "(its fields: word)");
}

static void test_fields_grouping_without_fields_is_refused(fixture *f, gconstpointer data)
{
  add_consumer(f, "default", gust_grouping_new_fields(GUST_GROUPING_FIELDS, NULL));
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_UNKNOWN_FIELD),
                  "a FIELDS grouping needs at least one field");
}

static void test_grouping_naming_a_field_twice_is_refused(fixture *f, gconstpointer data)
{
  const char *fields[] = {"word", "word", NULL};
  add_consumer(f, "default", gust_grouping_new_fields(GUST_GROUPING_FIELDS, fields));
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_UNKNOWN_FIELD),
                  "FIELDS grouping names field 'word' twice");
}

static void test_partial_key_grouping_checks_its_fields(fixture *f, gconstpointer data)
{
  const char *bad[] = {"nope", NULL};
  add_consumer(f, "default", gust_grouping_new_fields(GUST_GROUPING_PARTIAL_KEY, bad));
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_UNKNOWN_FIELD),
                  "PARTIAL_KEY grouping on field 'nope'");
}

static void test_partial_key_grouping_on_declared_or_no_fields_passes(fixture *f,
                                                                      gconstpointer data)
{
  add_consumer(f, "default", gust_grouping_new_fields(GUST_GROUPING_PARTIAL_KEY, word_fields));
  gust_component *whole = gust_topology_add_component(f->topology, "whole", GUST_COMPONENT_BOLT);
  gust_component_set_impl(
      whole, gust_impl_new_builtin("org.apache.storm.flux.wrappers.bolts.LogInfoBolt"));
  gust_component_add_input(whole, "words", "default",
                           gust_grouping_new_fields(GUST_GROUPING_PARTIAL_KEY, NULL), NULL);
  g_assert_true(gust_topology_validate(f->topology, &f->error));
}

static void test_direct_grouping_on_non_direct_stream_is_refused(fixture *f, gconstpointer data)
{
  add_consumer(f, "default", gust_grouping_new(GUST_GROUPING_DIRECT));
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_DIRECT_MISMATCH);
  assert_contains(message, "wc.yaml:30: stream from 'words' to 'sink': ");
  assert_contains(message, "DIRECT grouping needs a stream declared direct");
}

static void test_plain_grouping_on_direct_stream_is_refused(fixture *f, gconstpointer data)
{
  gust_component_declare_stream(f->spout, "routed", word_fields, TRUE, NULL);
  add_consumer(f, "routed", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_DIRECT_MISMATCH),
                  "stream 'routed' of 'words' is declared direct, so it can only be consumed "
                  "with DIRECT grouping (got SHUFFLE)");
}

static void test_direct_grouping_on_direct_stream_passes(fixture *f, gconstpointer data)
{
  gust_component_declare_stream(f->spout, "routed", word_fields, TRUE, NULL);
  add_consumer(f, "routed", gust_grouping_new(GUST_GROUPING_DIRECT));
  g_assert_true(gust_topology_validate(f->topology, &f->error));
}

static void test_custom_grouping_without_its_instance_is_refused_naming_class_and_subscription(
    fixture *f, gconstpointer data)
{
  add_consumer(f, "default", gust_grouping_new_custom("com.example.RackAwareGrouping"));
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_UNSUPPORTED_GROUPING);
  assert_contains(message, "stream from 'words' to 'sink': ");
  assert_contains(
      message, "custom grouping class 'com.example.RackAwareGrouping' came without its instance");
}

static void test_custom_grouping_with_its_serialized_instance_passes(fixture *f, gconstpointer data)
{
  gust_grouping *g = gust_grouping_new_custom("com.example.RackAwareGrouping");
  GBytes *serialized = g_bytes_new_static("\xac\xed\x00\x05", 4);
  gust_grouping_set_custom_object(g, serialized);
  g_bytes_unref(serialized);
  add_consumer(f, "default", g);
  g_assert_true(gust_topology_validate(f->topology, &f->error));
}

static void test_java_class_is_refused_with_the_alternatives(fixture *f, gconstpointer data)
{
  gust_component_set_impl(f->bolt, gust_impl_new_java("com.example.SplitSentence"));
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_UNSUPPORTED_CLASS);
  assert_contains(message, "wc.yaml:10: bolt 'counter': ");
  assert_contains(message, "Java class 'com.example.SplitSentence' cannot run in gust");
  assert_contains(message, "org.apache.storm.flux.wrappers.bolts.FluxShellBolt");
  assert_contains(message, "native:PATH:SYMBOL");
  assert_contains(message, "org.apache.storm.testing.TestWordCounter");
  assert_contains(message, "org.apache.storm.flux.wrappers.bolts.LogInfoBolt");
}

static void test_builtin_bolt_class_on_a_spout_is_refused(fixture *f, gconstpointer data)
{
  gust_component_set_impl(f->spout,
                          gust_impl_new_builtin("org.apache.storm.testing.TestWordCounter"));
  const char *message = expect_invalid(f, GUST_TOPOLOGY_ERROR_UNSUPPORTED_CLASS);
  assert_contains(message, "spout 'words': ");
  assert_contains(message, "org.apache.storm.testing.TestWordSpout");
}

static void test_unknown_builtin_class_is_refused(fixture *f, gconstpointer data)
{
  gust_component_set_impl(f->bolt, gust_impl_new_builtin("com.example.NotBuiltIn"));
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_UNSUPPORTED_CLASS),
                  "'com.example.NotBuiltIn' cannot run");
}

static void test_component_without_implementation_is_refused(fixture *f, gconstpointer data)
{
  gust_component_set_impl(f->bolt, NULL);
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_MISSING_IMPLEMENTATION),
                  "bolt 'counter': no implementation");
}

static void test_native_symbol_must_be_a_c_identifier(fixture *f, gconstpointer data)
{
  gust_component_set_impl(f->bolt, gust_impl_new_native("/lib/x.so", "not-an-id"));
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS),
                  "bolt 'counter': a native component needs a library path and a C symbol");
}

static void test_multilang_components_pass(fixture *f, gconstpointer data)
{
  const char *argv[] = {"python3", "split.py", NULL};
  gust_component_set_impl(f->bolt, gust_impl_new_multilang(argv, "/res", NULL));
  g_assert_true(gust_topology_validate(f->topology, &f->error));
}

static void test_native_source_streams_are_checked_only_without_the_skip_flag(fixture *f,
                                                                              gconstpointer data)
{
  gust_component_set_impl(f->spout, gust_impl_new_native("/lib/words.so", "words_spout"));
  add_consumer(f, "routed", gust_grouping_new(GUST_GROUPING_DIRECT));

  g_assert_true(
      gust_topology_validate_with_flags(f->topology, GUST_VALIDATE_SKIP_NATIVE_STREAMS, &f->error));
  assert_contains(expect_invalid(f, GUST_TOPOLOGY_ERROR_UNKNOWN_STREAM), "no stream 'routed'");
  g_clear_error(&f->error);

  /* the runtime declares the native streams, then validates fully */
  g_assert_true(gust_component_declare_stream(f->spout, "routed", word_fields, TRUE, NULL));
  g_assert_true(gust_topology_validate(f->topology, &f->error));
}

static void test_skip_flag_still_requires_the_native_source_to_exist(fixture *f, gconstpointer data)
{
  gust_component_add_input(f->bolt, "ghost", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE),
                           NULL);
  g_assert_false(
      gust_topology_validate_with_flags(f->topology, GUST_VALIDATE_SKIP_NATIVE_STREAMS, &f->error));
  g_assert_error(f->error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_UNKNOWN_COMPONENT);
}

static void test_message_has_no_location_when_none_is_known(void)
{
  gust_topology *t = gust_topology_new("t");
  gust_component *c = gust_topology_add_component(t, "__x", GUST_COMPONENT_SPOUT);
  gust_component_set_impl(c, gust_impl_new_native("/x.so", "ops"));
  GError *error = NULL;
  g_assert_false(gust_topology_validate(t, &error));
  g_assert_true(g_str_has_prefix(error->message, "spout '__x': "));
  g_error_free(error);
  gust_topology_free(t);
}

#define ADD(path, fn)                                                                              \
  g_test_add("/topology/validate/" path, fixture, NULL, fixture_set_up, fn, fixture_tear_down)

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  ADD("valid-word-count-passes", test_valid_word_count_passes);
  ADD("no-name-refused", test_topology_without_name_is_refused);
  ADD("name-with-dot-refused", test_topology_name_with_a_dot_is_refused);
  ADD("empty-id-refused", test_empty_component_id_is_refused);
  ADD("double-underscore-id-refused", test_component_id_starting_with_double_underscore_is_refused);
  ADD("dollar-id-allowed", test_ids_starting_with_dollar_are_allowed);
  ADD("duplicate-id-refused", test_duplicate_component_id_is_refused_naming_both_places);
  g_test_add_func("/topology/validate/no-spout-refused", test_topology_without_spout_is_refused);
  ADD("spout-with-inputs-refused", test_spout_with_inputs_is_refused);
  ADD("parallelism-below-one-refused", test_parallelism_below_one_is_refused);
  ADD("negative-tasks-refused", test_negative_tasks_are_refused);
  ADD("zero-tasks-allowed", test_zero_tasks_are_allowed_as_in_storm);
  ADD("non-integer-tasks-refused", test_non_integer_task_count_in_conf_is_refused);
  ADD("non-integer-topology-conf-refused",
      test_non_integer_tick_frequency_in_topology_conf_is_refused);
  ADD("reserved-stream-id-refused", test_stream_id_starting_with_double_underscore_is_refused);
  ADD("duplicate-field-refused", test_stream_declaring_a_field_twice_is_refused);
  ADD("unknown-source-refused", test_input_from_unknown_component_is_refused);
  ADD("input-location-falls-back", test_input_location_falls_back_to_the_component);
  ADD("undeclared-stream-refused", test_input_from_undeclared_stream_is_refused);
  ADD("fields-grouping-undeclared-field-refused",
      test_fields_grouping_on_undeclared_field_is_refused);
  ADD("fields-grouping-without-fields-refused", test_fields_grouping_without_fields_is_refused);
  ADD("grouping-field-twice-refused", test_grouping_naming_a_field_twice_is_refused);
  ADD("partial-key-undeclared-field-refused", test_partial_key_grouping_checks_its_fields);
  ADD("partial-key-passes", test_partial_key_grouping_on_declared_or_no_fields_passes);
  ADD("direct-on-plain-stream-refused", test_direct_grouping_on_non_direct_stream_is_refused);
  ADD("plain-on-direct-stream-refused", test_plain_grouping_on_direct_stream_is_refused);
  ADD("direct-on-direct-stream-passes", test_direct_grouping_on_direct_stream_passes);
  ADD("custom-grouping-without-instance-refused",
      test_custom_grouping_without_its_instance_is_refused_naming_class_and_subscription);
  ADD("custom-grouping-with-instance-passes",
      test_custom_grouping_with_its_serialized_instance_passes);
  ADD("java-class-refused", test_java_class_is_refused_with_the_alternatives);
  ADD("builtin-wrong-kind-refused", test_builtin_bolt_class_on_a_spout_is_refused);
  ADD("unknown-builtin-refused", test_unknown_builtin_class_is_refused);
  ADD("missing-implementation-refused", test_component_without_implementation_is_refused);
  ADD("native-symbol-checked", test_native_symbol_must_be_a_c_identifier);
  ADD("multilang-passes", test_multilang_components_pass);
  ADD("native-streams-skipped-with-flag",
      test_native_source_streams_are_checked_only_without_the_skip_flag);
  ADD("skip-flag-still-needs-source", test_skip_flag_still_requires_the_native_source_to_exist);
  g_test_add_func("/topology/validate/no-location-prefix-when-unknown",
                  test_message_has_no_location_when_none_is_known);
  return g_test_run();
}
