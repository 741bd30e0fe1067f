/* test_flux_yaml_types.c — YAML scalars in a Flux file get the types
 * SnakeYAML (YAML 1.1) gives them, because config values and constructor
 * arguments reach components as typed JSON; quoted scalars stay strings;
 * anchors, aliases and merge keys work as in YAML.
 */
#include <gust/flux.h>

#include "compat_test.h"

#define WORDS_SPOUT                                                                                \
  "spouts:\n"                                                                                      \
  "  - id: words\n"                                                                                \
  "    className: org.apache.storm.testing.TestWordSpout\n"

/* Loads a topology whose config is the given YAML (indented by 2). */
static gust_topology *load_config(const char *config_lines)
{
  char *text = g_strdup_printf("name: types\nconfig:\n%s" WORDS_SPOUT, config_lines);
  GError *error = NULL;
  gust_topology *t = gust_flux_load_string(text, "types.yaml", NULL, &error);
  g_assert_no_error(error);
  g_free(text);
  return t;
}

static json_t *get(const gust_topology *t, const char *key)
{
  json_t *value = json_object_get(gust_topology_conf(t), key);
  if (!value) g_error("config key '%s' missing", key);
  return value;
}

static void assert_int(const gust_topology *t, const char *key, json_int_t expected)
{
  json_t *value = get(t, key);
  g_assert_true(json_is_integer(value));
  g_assert_cmpint(json_integer_value(value), ==, expected);
}

static void assert_real(const gust_topology *t, const char *key, double expected)
{
  json_t *value = get(t, key);
  g_assert_true(json_is_real(value));
  g_assert_cmpfloat_with_epsilon(json_real_value(value), expected, 1e-9);
}

static void assert_string(const gust_topology *t, const char *key, const char *expected)
{
  json_t *value = get(t, key);
  g_assert_true(json_is_string(value));
  g_assert_cmpstr(json_string_value(value), ==, expected);
}

static void test_integers_follow_yaml_1_1(void)
{
  gust_topology *t = load_config("  dec: 1_000\n"
                                 "  neg: -42\n"
                                 "  plus: +7\n"
                                 "  hex: 0x1F\n"
                                 "  oct: 017\n"
                                 "  bin: 0b101\n"
                                 "  sexagesimal: 1:30\n"
                                 "  zero: 0\n"
                                 "  max: 9223372036854775807\n"
                                 "  min: -9223372036854775808\n");
  assert_int(t, "dec", 1000);
  assert_int(t, "neg", -42);
  assert_int(t, "plus", 7);
  assert_int(t, "hex", 31);
  assert_int(t, "oct", 15);
  assert_int(t, "bin", 5);
  assert_int(t, "sexagesimal", 90);
  assert_int(t, "zero", 0);
  assert_int(t, "max", G_MAXINT64);
  assert_int(t, "min", G_MININT64);
  gust_topology_free(t);
}

static void test_floats_follow_yaml_1_1(void)
{
  gust_topology *t = load_config("  plain: 1.5\n"
                                 "  leading_dot: .25\n"
                                 "  exponent: 1e3\n"
                                 "  underscores: 1_000.5\n"
                                 "  sexagesimal: 1:30.5\n"
                                 "  negative: -2.5E-1\n");
  assert_real(t, "plain", 1.5);
  assert_real(t, "leading_dot", 0.25);
  assert_real(t, "exponent", 1000.0);
  assert_real(t, "underscores", 1000.5);
  assert_real(t, "sexagesimal", 90.5);
  assert_real(t, "negative", -0.25);
  gust_topology_free(t);
}

static void test_booleans_and_nulls_follow_yaml_1_1(void)
{
  gust_topology *t = load_config("  t1: true\n"
                                 "  t2: Yes\n"
                                 "  t3: ON\n"
                                 "  f1: False\n"
                                 "  f2: no\n"
                                 "  f3: off\n"
                                 "  n1: ~\n"
                                 "  n2: null\n"
                                 "  n3:\n"
                                 "  not_bool: y\n");
  g_assert_true(json_is_true(get(t, "t1")));
  g_assert_true(json_is_true(get(t, "t2")));
  g_assert_true(json_is_true(get(t, "t3")));
  g_assert_true(json_is_false(get(t, "f1")));
  g_assert_true(json_is_false(get(t, "f2")));
  g_assert_true(json_is_false(get(t, "f3")));
  g_assert_true(json_is_null(get(t, "n1")));
  g_assert_true(json_is_null(get(t, "n2")));
  g_assert_true(json_is_null(get(t, "n3")));
  assert_string(t, "not_bool", "y"); /* SnakeYAML does not read y/n as booleans */
  gust_topology_free(t);
}

static void test_quoted_and_other_scalars_stay_strings(void)
{
  gust_topology *t = load_config("  double_quoted: \"5\"\n"
                                 "  single_quoted: 'true'\n"
                                 "  version: 1.2.3\n"
                                 "  date: 2001-12-14\n"
                                 "  words: hello world\n"
                                 "  literal: |\n"
                                 "    two\n"
                                 "    lines\n");
  assert_string(t, "double_quoted", "5");
  assert_string(t, "single_quoted", "true");
  assert_string(t, "version", "1.2.3");
  assert_string(t, "date", "2001-12-14");
  assert_string(t, "words", "hello world");
  assert_string(t, "literal", "two\nlines\n");
  gust_topology_free(t);
}

static void test_explicit_tags_force_a_type(void)
{
  gust_topology *t = load_config("  int: !!int \"12\"\n"
                                 "  float: !!float 3\n"
                                 "  bool: !!bool \"yes\"\n");
  assert_int(t, "int", 12);
  assert_real(t, "float", 3.0);
  g_assert_true(json_is_true(get(t, "bool")));
  gust_topology_free(t);
}

static void test_lists_maps_anchors_and_merge_keys(void)
{
  gust_topology *t = load_config("  list: [1, two, 3.0, null, true]\n"
                                 "  defaults: &defaults {retries: 3, timeout: 10}\n"
                                 "  merged:\n"
                                 "    <<: *defaults\n"
                                 "    timeout: 20\n"
                                 "  again: *defaults\n");
  json_t *list = get(t, "list");
  g_assert_cmpuint(json_array_size(list), ==, 5);
  g_assert_true(json_is_integer(json_array_get(list, 0)));
  g_assert_true(json_is_string(json_array_get(list, 1)));
  g_assert_true(json_is_real(json_array_get(list, 2)));
  g_assert_true(json_is_null(json_array_get(list, 3)));
  g_assert_true(json_is_true(json_array_get(list, 4)));
  json_t *merged = get(t, "merged");
  g_assert_cmpint(json_integer_value(json_object_get(merged, "retries")), ==, 3);
  g_assert_cmpint(json_integer_value(json_object_get(merged, "timeout")), ==, 20);
  g_assert_cmpint(json_integer_value(json_object_get(get(t, "again"), "timeout")), ==, 10);
  gust_topology_free(t);
}

static void test_merge_keys_work_in_component_definitions(void)
{
  const char *text = "name: merge\n"
                     "spouts:\n"
                     "  - &spout\n"
                     "    id: first\n"
                     "    className: org.apache.storm.testing.TestWordSpout\n"
                     "    parallelism: 3\n"
                     "  - <<: *spout\n"
                     "    id: second\n";
  GError *error = NULL;
  gust_topology *t = gust_flux_load_string(text, "merge.yaml", NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpint(gust_component_parallelism(gust_topology_lookup(t, "second")), ==, 3);
  gust_topology_free(t);
}

static void test_quoted_numbers_are_accepted_for_integer_fields(void)
{
  GError *error = NULL;
  gust_topology *t = gust_flux_load_string("name: q\n" WORDS_SPOUT "    parallelism: \"3\"\n",
                                           "q.yaml", NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpint(gust_component_parallelism(gust_topology_lookup(t, "words")), ==, 3);
  gust_topology_free(t);
}

static void test_unrepresentable_numbers_are_refused(void)
{
  GError *error = NULL;
  g_assert_null(gust_flux_load_string("name: big\nconfig:\n  n: 9223372036854775808\n", "big.yaml",
                                      NULL, &error));
  assert_error_contains(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
                        "big.yaml:3: '9223372036854775808' is an integer outside the 64-bit");
  g_clear_error(&error);
  g_assert_null(gust_flux_load_string("name: inf\nconfig: {x: .inf}\n", "inf.yaml", NULL, &error));
  assert_error_contains(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA,
                        "inf.yaml:2: '.inf' is not a finite number");
  g_clear_error(&error);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/flux/yaml/integers", test_integers_follow_yaml_1_1);
  g_test_add_func("/flux/yaml/floats", test_floats_follow_yaml_1_1);
  g_test_add_func("/flux/yaml/booleans-and-nulls", test_booleans_and_nulls_follow_yaml_1_1);
  g_test_add_func("/flux/yaml/strings", test_quoted_and_other_scalars_stay_strings);
  g_test_add_func("/flux/yaml/explicit-tags", test_explicit_tags_force_a_type);
  g_test_add_func("/flux/yaml/collections-anchors-merge", test_lists_maps_anchors_and_merge_keys);
  g_test_add_func("/flux/yaml/merge-in-definitions", test_merge_keys_work_in_component_definitions);
  g_test_add_func("/flux/yaml/quoted-integer-fields",
                  test_quoted_numbers_are_accepted_for_integer_fields);
  g_test_add_func("/flux/yaml/unrepresentable-numbers", test_unrepresentable_numbers_are_refused);
  return g_test_run();
}
