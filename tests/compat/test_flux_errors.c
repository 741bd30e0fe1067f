/* test_flux_errors.c — broken Flux files are refused with a message that
 * says where (file:line) and what (the component or stream, and the rule).
 * The files are inline: each is a small variation of a valid word count,
 * written one YAML line per C string so the line numbers can be read off.
 */
#include <gust/flux.h>

#include <glib/gstdio.h>

#include "compat_test.h"

#define SPOUT_WORDS                                                                                \
  "spouts:\n"                                                                                      \
  "  - id: \"words\"\n"                                                                            \
  "    className: \"org.apache.storm.testing.TestWordSpout\"\n"

#define BOLT_COUNTER                                                                               \
  "bolts:\n"                                                                                       \
  "  - id: \"counter\"\n"                                                                          \
  "    className: \"org.apache.storm.testing.TestWordCounter\"\n"

/* Loads text as "broken.yaml", expects failure; returns the error. */
static GError *load_broken(const char *text, const gust_flux_options *options)
{
  GError *error = NULL;
  gust_topology *t = gust_flux_load_string(text, "broken.yaml", options, &error);
  if (t) g_error("a broken file loaded:\n%s", text);
  g_assert_nonnull(error);
  return error;
}

static void expect(const char *text, GQuark domain, gint code, const char *const *needles)
{
  GError *error = load_broken(text, NULL);
  g_assert_error(error, domain, code);
  for (; *needles; needles++)
    assert_contains(error->message, *needles);
  g_error_free(error);
}

#define EXPECT(text, domain, code, ...)                                                            \
  do {                                                                                             \
    const char *needles_[] = {__VA_ARGS__, NULL};                                                  \
    expect(text, domain, code, needles_);                                                          \
  } while (0)

static void test_bad_yaml_reports_the_libyaml_problem_and_position(void)
{
  EXPECT("name: \"wc\"\n"             /* 1 */
         "spouts:\n"                  /* 2 */
         "  - id: \"words\"\n"        /* 3 */
         "    className: [unclosed\n" /* 4 */
         "bolts: {}\n",               /* 5 */
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SYNTAX,
         "broken.yaml:5:6: did not find expected ',' or ']'",
         "(while parsing a flow sequence at line 4, column 16)");
  EXPECT("name: wc\n"
         "  bad: indentation: here\n",
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SYNTAX,
         "broken.yaml:2:6: mapping values are not allowed in this context");
}

static void test_stream_from_unknown_component_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER /* 1-7 */
         "streams:\n"                              /* 8 */
         "  - from: \"spout\"\n"                   /* 9 */
         "    to: \"counter\"\n"
         "    grouping: {type: SHUFFLE}\n",
         GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_UNKNOWN_COMPONENT,
         "broken.yaml:9: stream from 'spout' to 'counter': unknown component 'spout'");
}

static void test_stream_to_undefined_bolt_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "streams:\n"
         "  - from: \"words\"\n"
         "    to: \"counter\"\n"
         "    grouping: {type: SHUFFLE}\n"
         "  - from: \"counter\"\n" /* 12 */
         "    to: \"printer\"\n"
         "    grouping: {type: SHUFFLE}\n",
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_REFERENCE,
         "broken.yaml:12: stream from 'counter' to 'printer': unknown bolt 'printer'");
}

static void test_stream_to_a_spout_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "streams:\n"
         "  - from: \"counter\"\n" /* 9 */
         "    to: \"words\"\n"
         "    grouping: {type: SHUFFLE}\n",
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_REFERENCE,
         "broken.yaml:9: stream from 'counter' to 'words': 'words' is a spout");
}

static void test_stream_from_a_bolt_left_out_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "  - id: \"orphan\"\n"
         "    className: \"org.apache.storm.testing.TestWordCounter\"\n"
         "streams:\n"
         "  - from: \"orphan\"\n" /* 11 */
         "    to: \"counter\"\n"
         "    grouping: {type: SHUFFLE}\n",
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_REFERENCE,
         "broken.yaml:11: stream from 'orphan' to 'counter': bolt 'orphan' is not part of the "
         "topology");
}

static void test_stream_from_undeclared_stream_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "streams:\n"
         "  - from: \"words\"\n" /* 9 */
         "    to: \"counter\"\n"
         "    grouping:\n"
         "      type: SHUFFLE\n"
         "      streamId: \"sentences\"\n",
         GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_UNKNOWN_STREAM,
         "broken.yaml:9: stream 'sentences' from 'words' to 'counter': ",
         "spout 'words' declares no stream 'sentences'");
}

static void test_fields_grouping_on_undeclared_field_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "streams:\n"
         "  - from: \"words\"\n" /* 9 */
         "    to: \"counter\"\n"
         "    grouping:\n"
         "      type: FIELDS\n"
         "      args: [\"sentence\"]\n",
         GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_UNKNOWN_FIELD,
         "broken.yaml:9: stream from 'words' to 'counter': ", "FIELDS grouping on field 'sentence'",
         "(its fields: word)");
}

static void test_direct_grouping_on_non_direct_stream_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "streams:\n"
         "  - from: \"words\"\n" /* 9 */
         "    to: \"counter\"\n"
         "    grouping: {type: DIRECT}\n",
         GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_DIRECT_MISMATCH,
         "broken.yaml:9: stream from 'words' to 'counter': DIRECT grouping needs a stream "
         "declared direct");
}

/* Not an error any more: a customClass other than PartialKeyGrouping keeps
 * its object definition for the JVM host, which builds and runs it. */
static void test_custom_grouping_keeps_its_object_definition(void)
{
  GError *error = NULL;
  gust_topology *t = gust_flux_load_string("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "streams:\n"
                                           "  - from: \"words\"\n"
                                           "    to: \"counter\"\n"
                                           "    grouping:\n"
                                           "      type: CUSTOM\n"
                                           "      customClass:\n"
                                           "        className: \"com.example.RackAware\"\n"
                                           "        constructorArgs: [\"east\", 2]\n",
                                           "custom.yaml", NULL, &error);
  g_assert_no_error(error);
  const gust_grouping *g =
      gust_input_grouping(gust_component_input(gust_topology_lookup(t, "counter"), 0));
  g_assert_cmpint(gust_grouping_get_kind(g), ==, GUST_GROUPING_CUSTOM);
  g_assert_cmpstr(gust_grouping_custom_class(g), ==, "com.example.RackAware");
  g_assert_null(gust_grouping_custom_object(g));
  json_t *definition = gust_grouping_custom_definition(g);
  g_assert_cmpstr(json_string_value(json_object_get(definition, "className")), ==,
                  "com.example.RackAware");
  g_assert_cmpint(json_array_size(json_object_get(definition, "constructorArgs")), ==, 2);
  gust_topology_free(t);
}

static void test_custom_class_with_an_unknown_key_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "streams:\n"
         "  - from: \"words\"\n"
         "    to: \"counter\"\n"
         "    grouping:\n"
         "      type: CUSTOM\n"
         "      customClass:\n"
         "        className: \"org.apache.storm.grouping.PartialKeyGrouping\"\n"
         "        constructorArg: [[\"word\"]]\n", /* 15 */
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:15: stream from 'words' to 'counter': unknown key 'constructorArg'");
}

static void test_unknown_java_class_is_refused_with_alternatives(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "bolts:\n"
         "  - id: \"split\"\n" /* 6 */
         "    className: \"com.example.SplitSentenceBolt\"\n"
         "streams:\n"
         "  - {from: \"words\", to: \"split\", grouping: {type: SHUFFLE}}\n",
         GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_UNSUPPORTED_CLASS,
         "broken.yaml:6: bolt 'split': Java class 'com.example.SplitSentenceBolt' cannot run",
         "FluxShellBolt", "native:PATH:SYMBOL", "TestWordCounter");
}

static void test_component_id_starting_with_double_underscore_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "bolts:\n"
         "  - id: \"__counter\"\n" /* 6 */
         "    className: \"org.apache.storm.testing.TestWordCounter\"\n"
         "streams:\n"
         "  - {from: \"words\", to: \"__counter\", grouping: {type: SHUFFLE}}\n",
         GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ID,
         "broken.yaml:6: bolt '__counter': ids starting with \"__\" are reserved");
}

static void test_unresolved_placeholder_is_refused_naming_line_and_placeholder(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "    parallelism: ${spout.parallelism}\n" /* 5 */
         BOLT_COUNTER,
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SUBSTITUTION,
         "broken.yaml:5: unresolved placeholder ${spout.parallelism}",
         "no properties file was given (--filter)");
}

static void test_environment_placeholder_without_env_filter_is_refused(void)
{
  EXPECT("name: \"${ENV-TOPOLOGY_NAME}\"\n", GUST_FLUX_ERROR, GUST_FLUX_ERROR_SUBSTITUTION,
         "broken.yaml:1: unresolved placeholder ${ENV-TOPOLOGY_NAME}", "--env-filter");
}

static void test_list_placeholder_out_of_range_is_refused(void)
{
  char *dir = g_dir_make_tmp("gust-flux-XXXXXX", NULL);
  char *properties = g_build_filename(dir, "p.properties", NULL);
  g_assert_true(g_file_set_contents(properties, "hosts=[\"a\", \"b\"]\n", -1, NULL));
  gust_flux_options options = {.properties_file = properties};
  GError *error = load_broken("name: wc\n"
                              "config: {host: \"${hosts[2]}\"}\n",
                              &options);
  assert_error_contains(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_SUBSTITUTION,
                        "broken.yaml:2: unresolved placeholder ${hosts[2]}");
  assert_contains(error->message, "not a list with an element 2");
  g_error_free(error);
  g_unlink(properties);
  g_rmdir(dir);
  g_free(properties);
  g_free(dir);
}

static void test_missing_properties_file_is_refused(void)
{
  gust_flux_options options = {.properties_file = "/nonexistent/gust.properties"};
  GError *error = load_broken("name: wc\n", &options);
  assert_error_contains(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_IO,
                        "/nonexistent/gust.properties: cannot read properties file");
  g_error_free(error);
}

static void test_unknown_key_is_refused_with_its_line(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "    paralelism: 2\n" /* 5 */
         BOLT_COUNTER,
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:5: spout 'words': unknown key 'paralelism'", "parallelism");
  EXPECT("name: wc\nstreamz: []\n", GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:2: top level: unknown key 'streamz'");
}

static void test_duplicate_id_in_one_list_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "  - id: \"words\"\n" /* 5 */
         "    className: \"org.apache.storm.testing.TestWordSpout\"\n",
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:5: spout id 'words' is defined twice (first at line 3)");
}

static void test_spout_and_bolt_sharing_an_id_are_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "bolts:\n"
         "  - id: \"words\"\n" /* 6 */
         "    className: \"org.apache.storm.testing.TestWordCounter\"\n"
         "streams:\n"
         "  - {from: \"words\", to: \"words\", grouping: {type: SHUFFLE}}\n",
         GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_DUPLICATE_ID,
         "broken.yaml:6: bolt 'words': id already used by the spout defined at broken.yaml:3");
}

static void test_duplicate_stream_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "streams:\n"
         "  - {from: \"words\", to: \"counter\", grouping: {type: SHUFFLE}}\n" /* 9 */
         "  - {from: \"words\", to: \"counter\", grouping: {type: ALL}}\n",    /* 10 */
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:10: stream from 'words' to 'counter': bolt 'counter' already subscribes "
         "to stream 'default' of 'words' (at broken.yaml:9)");
}

static void test_bad_grouping_type_and_missing_fields_are_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "streams:\n"
         "  - from: \"words\"\n"
         "    to: \"counter\"\n"
         "    grouping:\n"
         "      type: shuffle\n", /* 12 */
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:12: stream from 'words' to 'counter': unknown grouping type 'shuffle'");
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "streams:\n"
         "  - from: \"words\"\n"
         "    to: \"counter\"\n"
         "    grouping:\n" /* 11 */
         "      type: FIELDS\n",
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:11: stream from 'words' to 'counter': a FIELDS grouping needs args");
  EXPECT("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "streams:\n"
         "  - from: \"words\"\n" /* 9 */
         "    to: \"counter\"\n",
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:9: stream from 'words' to 'counter': needs a grouping");
}

static void test_missing_name_is_refused(void)
{
  EXPECT(SPOUT_WORDS, GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml: the topology has no 'name'");
}

static void test_bad_parallelism_values_are_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "    parallelism: lots\n", /* 5 */
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:5: spout 'words': parallelism must be a whole number, got 'lots'");
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "    parallelism: 0\n", GUST_TOPOLOGY_ERROR,
         GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM,
         "broken.yaml:3: spout 'words': parallelism must be at least 1 (got 0)");
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "    numTasks: -2\n", GUST_TOPOLOGY_ERROR,
         GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM,
         "broken.yaml:3: spout 'words': the number of tasks must be 0 or more (got -2)");
}

static void test_shell_bolt_with_bad_arguments_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "bolts:\n"
         "  - id: \"split\"\n" /* 6 */
         "    className: \"org.apache.storm.flux.wrappers.bolts.FluxShellBolt\"\n"
         "    constructorArgs: [\"python3 split.py\"]\n"
         "streams:\n"
         "  - {from: \"words\", to: \"split\", grouping: {type: SHUFFLE}}\n",
         GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
         "broken.yaml:6: bolt 'split': FluxShellBolt: the command (first constructor argument) "
         "must be a non-empty list of strings");
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "bolts:\n"
         "  - id: \"split\"\n" /* 6 */
         "    className: \"org.apache.storm.flux.wrappers.bolts.FluxShellBolt\"\n"
         "    constructorArgs: [[\"python3\", \"split.py\"]]\n"
         "    configMethods:\n"
         "      - {name: \"setOutputStream\", args: [\"x\"]}\n"
         "streams:\n"
         "  - {from: \"words\", to: \"split\", grouping: {type: SHUFFLE}}\n",
         GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
         "broken.yaml:6: bolt 'split': FluxShellBolt config method 'setOutputStream' with 1 "
         "argument: no such method");
}

static void test_builtin_spout_class_used_as_bolt_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS "bolts:\n"
         "  - id: \"again\"\n" /* 6 */
         "    className: \"org.apache.storm.testing.TestWordSpout\"\n"
         "streams:\n"
         "  - {from: \"words\", to: \"again\", grouping: {type: SHUFFLE}}\n",
         GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
         "broken.yaml:6: bolt 'again': org.apache.storm.testing.TestWordSpout is a spout class");
  EXPECT("name: \"wc\"\n"
         "spouts:\n"
         "  - id: \"words\"\n" /* 3 */
         "    className: \"org.apache.storm.testing.TestWordSpout\"\n"
         "    constructorArgs: [\"yes please\"]\n",
         GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
         "broken.yaml:3: spout 'words': TestWordSpout has the constructors () and (boolean "
         "isDistributed)");
}

static void test_reference_to_unknown_component_is_refused(void)
{
  EXPECT("name: \"wc\"\n"
         "components:\n"
         "  - id: \"config\"\n"
         "    className: \"com.example.Config\"\n"
         "spouts:\n"
         "  - id: \"kafka\"\n"
         "    className: \"native:libkafka.so:kafka_spout\"\n"
         "    constructorArgs:\n"
         "      - ref: \"config\"\n"
         "      - ref: \"cnofig\"\n", /* 10 */
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_REFERENCE,
         "broken.yaml:10: spout 'kafka' refers to 'cnofig', which is not defined under "
         "'components'");
}

static void test_malformed_native_class_name_is_refused(void)
{
  EXPECT("name: \"wc\"\n"
         "spouts:\n"
         "  - id: \"words\"\n" /* 3 */
         "    className: \"native:libwords.so\"\n",
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:3: spout 'words': className 'native:libwords.so' must have the form "
         "native:PATH:SYMBOL");
}

static void test_java_only_features_are_refused(void)
{
  EXPECT("name: \"wc\"\n"
         "topologySource:\n" /* 2 */
         "  className: \"com.example.TopologyFactory\"\n",
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_UNSUPPORTED,
         "broken.yaml:2: topologySource (a Java class that builds the topology) is not supported");
  EXPECT("name: \"wc\"\n"
         "workerHooks:\n" /* 2 */
         "  - {id: \"hook\", className: \"com.example.Hook\"}\n",
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_UNSUPPORTED, "broken.yaml:2: workerHooks");
  EXPECT("name: \"wc\"\n"
         "includes:\n"
         "  - resource: true\n" /* 3 */
         "    file: \"/common.yaml\"\n",
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_UNSUPPORTED,
         "broken.yaml:3: include '/common.yaml' is a classpath resource");
}

static void test_missing_include_file_is_refused(void)
{
  EXPECT("name: \"wc\"\n"
         "includes:\n"
         "  - resource: false\n"
         "    file: \"does-not-exist.yaml\"\n", /* 4 */
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_IO,
         "broken.yaml:4: cannot read include 'does-not-exist.yaml'");
}

static void test_documents_that_are_not_flux_topologies_are_refused(void)
{
  EXPECT("", GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA, "broken.yaml: a Flux file must be a map",
         "empty");
  EXPECT("- just\n- a list\n", GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:1: a Flux file must be a map");
  EXPECT("name: a\n---\nname: b\n", GUST_FLUX_ERROR, GUST_FLUX_ERROR_SYNTAX,
         "broken.yaml:3: a Flux file holds one YAML document");
  EXPECT("name: wc\nspouts: {id: words}\n", GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
         "broken.yaml:2: 'spouts' must be a list, not a map");
}

static void test_duplicate_mapping_key_is_refused(void)
{
  EXPECT("name: \"wc\"\n" SPOUT_WORDS
         "    className: \"org.apache.storm.testing.TestWordSpout\"\n", /* 5 */
         GUST_FLUX_ERROR, GUST_FLUX_ERROR_SYNTAX,
         "broken.yaml:5: duplicate key 'className' (first at line 4)");
}

static void test_alias_explosion_is_refused_without_exhausting_memory(void)
{
  GString *text = g_string_new("name: wc\nconfig:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
  for (int i = 1; i < 9; i++)
    g_string_append_printf(text,
                           "  a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
                           "*a%d]\n",
                           i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
                           i - 1);
  GError *error = load_broken(text->str, NULL);
  assert_error_contains(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_SYNTAX, "aliases");
  g_error_free(error);
  g_string_free(text, TRUE);
}

static void test_bolt_without_incoming_stream_is_left_out_with_a_warning(void)
{
  g_test_expect_message("gust-flux", G_LOG_LEVEL_WARNING,
                        "broken.yaml:8: bolt 'orphan' is left out of the topology*");
  GError *error = NULL;
  gust_topology *t =
      gust_flux_load_string("name: \"wc\"\n" SPOUT_WORDS BOLT_COUNTER "  - id: \"orphan\"\n" /* 8 */
                            "    className: \"com.example.NeverBuilt\"\n"
                            "streams:\n"
                            "  - {from: words, to: counter, grouping: {type: ALL}}\n",
                            "broken.yaml", NULL, &error);
  g_test_assert_expected_messages();
  g_assert_no_error(error);
  g_assert_nonnull(t);
  g_assert_null(gust_topology_lookup(t, "orphan"));
  g_assert_cmpuint(gust_topology_n_components(t), ==, 2);
  gust_topology_free(t);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/flux/errors/bad-yaml", test_bad_yaml_reports_the_libyaml_problem_and_position);
  g_test_add_func("/flux/errors/stream-from-unknown-component",
                  test_stream_from_unknown_component_is_refused);
  g_test_add_func("/flux/errors/stream-to-undefined-bolt",
                  test_stream_to_undefined_bolt_is_refused);
  g_test_add_func("/flux/errors/stream-to-spout", test_stream_to_a_spout_is_refused);
  g_test_add_func("/flux/errors/stream-from-left-out-bolt",
                  test_stream_from_a_bolt_left_out_is_refused);
  g_test_add_func("/flux/errors/unknown-stream", test_stream_from_undeclared_stream_is_refused);
  g_test_add_func("/flux/errors/fields-grouping-undeclared-field",
                  test_fields_grouping_on_undeclared_field_is_refused);
  g_test_add_func("/flux/errors/direct-grouping-non-direct-stream",
                  test_direct_grouping_on_non_direct_stream_is_refused);
  g_test_add_func("/flux/errors/custom-grouping-keeps-its-definition",
                  test_custom_grouping_keeps_its_object_definition);
  g_test_add_func("/flux/errors/custom-class-unknown-key",
                  test_custom_class_with_an_unknown_key_is_refused);
  g_test_add_func("/flux/errors/unknown-java-class",
                  test_unknown_java_class_is_refused_with_alternatives);
  g_test_add_func("/flux/errors/reserved-id",
                  test_component_id_starting_with_double_underscore_is_refused);
  g_test_add_func("/flux/errors/unresolved-placeholder",
                  test_unresolved_placeholder_is_refused_naming_line_and_placeholder);
  g_test_add_func("/flux/errors/env-placeholder-without-filter",
                  test_environment_placeholder_without_env_filter_is_refused);
  g_test_add_func("/flux/errors/list-placeholder-out-of-range",
                  test_list_placeholder_out_of_range_is_refused);
  g_test_add_func("/flux/errors/missing-properties-file", test_missing_properties_file_is_refused);
  g_test_add_func("/flux/errors/unknown-key", test_unknown_key_is_refused_with_its_line);
  g_test_add_func("/flux/errors/duplicate-id-in-list", test_duplicate_id_in_one_list_is_refused);
  g_test_add_func("/flux/errors/spout-and-bolt-same-id",
                  test_spout_and_bolt_sharing_an_id_are_refused);
  g_test_add_func("/flux/errors/duplicate-stream", test_duplicate_stream_is_refused);
  g_test_add_func("/flux/errors/bad-grouping",
                  test_bad_grouping_type_and_missing_fields_are_refused);
  g_test_add_func("/flux/errors/missing-name", test_missing_name_is_refused);
  g_test_add_func("/flux/errors/bad-parallelism", test_bad_parallelism_values_are_refused);
  g_test_add_func("/flux/errors/shell-bolt-arguments",
                  test_shell_bolt_with_bad_arguments_is_refused);
  g_test_add_func("/flux/errors/builtin-wrong-use",
                  test_builtin_spout_class_used_as_bolt_is_refused);
  g_test_add_func("/flux/errors/unknown-reference", test_reference_to_unknown_component_is_refused);
  g_test_add_func("/flux/errors/malformed-native-class",
                  test_malformed_native_class_name_is_refused);
  g_test_add_func("/flux/errors/java-only-features", test_java_only_features_are_refused);
  g_test_add_func("/flux/errors/missing-include", test_missing_include_file_is_refused);
  g_test_add_func("/flux/errors/not-a-flux-document",
                  test_documents_that_are_not_flux_topologies_are_refused);
  g_test_add_func("/flux/errors/duplicate-key", test_duplicate_mapping_key_is_refused);
  g_test_add_func("/flux/errors/alias-explosion",
                  test_alias_explosion_is_refused_without_exhausting_memory);
  g_test_add_func("/flux/errors/unused-bolt-warning",
                  test_bolt_without_incoming_stream_is_left_out_with_a_warning);
  return g_test_run();
}
