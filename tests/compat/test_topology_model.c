/* test_topology_model.c — building and reading the topology model:
 * ordering, lookups, defaults, task counts as Nimbus computes them, the
 * Java order of component ids, and the few structural refusals (duplicate
 * stream, duplicate subscription).
 */
#include <gust/topology.h>

#include "compat_test.h"

static void test_new_topology_has_name_empty_conf_and_no_components(void)
{
  gust_topology *t = gust_topology_new("wc");
  g_assert_cmpstr(gust_topology_name(t), ==, "wc");
  g_assert_true(json_is_object(gust_topology_conf(t)));
  g_assert_cmpuint(json_object_size(gust_topology_conf(t)), ==, 0);
  g_assert_cmpuint(gust_topology_n_components(t), ==, 0);
  g_assert_null(gust_topology_lookup(t, "x"));
  gust_topology_set_conf_value(t, "topology.workers", json_integer(3));
  g_assert_cmpint(json_integer_value(json_object_get(gust_topology_conf(t), "topology.workers")),
                  ==, 3);
  gust_topology_free(t);
}

static void test_components_keep_insertion_order_and_are_found_by_id(void)
{
  gust_topology *t = gust_topology_new("wc");
  gust_component *b = gust_topology_add_component(t, "b", GUST_COMPONENT_BOLT);
  gust_component *a = gust_topology_add_component(t, "a", GUST_COMPONENT_SPOUT);
  g_assert_cmpuint(gust_topology_n_components(t), ==, 2);
  g_assert_true(gust_topology_component(t, 0) == b);
  g_assert_true(gust_topology_component(t, 1) == a);
  g_assert_true(gust_topology_lookup(t, "a") == a);
  g_assert_cmpint(gust_component_get_kind(a), ==, GUST_COMPONENT_SPOUT);
  g_assert_cmpstr(gust_component_kind_name(GUST_COMPONENT_BOLT), ==, "bolt");
  gust_topology_free(t);
}

static void test_duplicate_id_keeps_both_and_lookup_returns_the_first(void)
{
  gust_topology *t = gust_topology_new("wc");
  gust_component *first = gust_topology_add_component(t, "x", GUST_COMPONENT_SPOUT);
  gust_topology_add_component(t, "x", GUST_COMPONENT_BOLT);
  g_assert_cmpuint(gust_topology_n_components(t), ==, 2);
  g_assert_true(gust_topology_lookup(t, "x") == first);
  gust_topology_free(t);
}

static void test_component_defaults_to_one_executor_and_one_task(void)
{
  gust_topology *t = gust_topology_new("wc");
  gust_component *c = gust_topology_add_component(t, "c", GUST_COMPONENT_BOLT);
  g_assert_cmpint(gust_component_parallelism(c), ==, 1);
  g_assert_cmpint(gust_component_tasks(c), ==, 1);
  g_assert_null(gust_component_impl(c));
  g_assert_null(gust_component_definition(c));
  g_assert_null(gust_component_location(c));
  g_assert_cmpuint(json_object_size(gust_component_conf(c)), ==, 0);
  gust_component_set_parallelism(c, 3);
  g_assert_cmpint(gust_component_tasks(c), ==, 3);
  gust_topology_free(t);
}

static void test_set_tasks_writes_topology_tasks_into_component_conf(void)
{
  gust_topology *t = gust_topology_new("wc");
  gust_component *c = gust_topology_add_component(t, "c", GUST_COMPONENT_BOLT);
  gust_component_set_parallelism(c, 2);
  gust_component_set_tasks(c, 6);
  g_assert_cmpint(gust_component_tasks(c), ==, 6);
  g_assert_cmpint(json_integer_value(json_object_get(gust_component_conf(c), "topology.tasks")), ==,
                  6);
  gust_topology_free(t);
}

static void test_task_count_merges_topology_conf_and_caps_at_max_task_parallelism(void)
{
  gust_topology *t = gust_topology_new("wc");
  gust_component *plain = gust_topology_add_component(t, "plain", GUST_COMPONENT_BOLT);
  gust_component *own = gust_topology_add_component(t, "own", GUST_COMPONENT_BOLT);
  gust_component *capped = gust_topology_add_component(t, "capped", GUST_COMPONENT_BOLT);
  gust_component_set_parallelism(plain, 2);
  g_assert_cmpint(gust_topology_component_tasks(t, plain), ==, 2);

  /* topology-wide topology.tasks applies where the component sets none */
  gust_topology_set_conf_value(t, "topology.tasks", json_integer(5));
  gust_component_set_tasks(own, 7);
  g_assert_cmpint(gust_topology_component_tasks(t, plain), ==, 5);
  g_assert_cmpint(gust_topology_component_tasks(t, own), ==, 7);

  /* topology.max.task.parallelism caps, component conf first */
  gust_component_set_conf_value(capped, "topology.max.task.parallelism", json_integer(1));
  g_assert_cmpint(gust_topology_component_tasks(t, capped), ==, 1);
  gust_topology_set_conf_value(t, "topology.max.task.parallelism", json_integer(3));
  g_assert_cmpint(gust_topology_component_tasks(t, plain), ==, 3);
  g_assert_cmpint(gust_topology_component_tasks(t, own), ==, 3);
  g_assert_cmpint(gust_topology_component_tasks(t, capped), ==, 1);
  gust_topology_free(t);
}

static void test_component_ids_sort_in_java_string_order(void)
{
  gust_topology *t = gust_topology_new("wc");
  /* U+1F600 is a surrogate pair in UTF-16 (0xD83D...), U+FF21 a single unit:
   * Java puts the emoji first although its UTF-8 bytes sort after. */
  const char *ids[] = {"b", "\U0001F600", "alpha", "Zeta", "\uFF21", "a", "a1"};
  for (gsize i = 0; i < G_N_ELEMENTS(ids); i++)
    gust_topology_add_component(t, ids[i], GUST_COMPONENT_BOLT);
  const char **sorted = gust_topology_component_ids_sorted(t);
  const char *expected[] = {"Zeta", "a", "a1", "alpha", "b", "\U0001F600", "\uFF21", NULL};
  for (gsize i = 0; expected[i]; i++)
    g_assert_cmpstr(sorted[i], ==, expected[i]);
  g_assert_null(sorted[G_N_ELEMENTS(ids)]);
  g_free(sorted);
  gust_topology_free(t);
}

static void test_streams_are_declared_in_order_with_fields_and_direct_flag(void)
{
  gust_topology *t = gust_topology_new("wc");
  gust_component *c = gust_topology_add_component(t, "c", GUST_COMPONENT_SPOUT);
  const char *fields[] = {"word", "count", NULL};
  GError *error = NULL;
  g_assert_true(gust_component_declare_stream(c, "default", fields, FALSE, &error));
  g_assert_true(gust_component_declare_stream(c, "direct-out", NULL, TRUE, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(gust_component_n_streams(c), ==, 2);
  const gust_stream *s = gust_component_stream(c, 0);
  g_assert_cmpstr(gust_stream_id(s), ==, "default");
  g_assert_cmpuint(gust_stream_n_fields(s), ==, 2);
  g_assert_cmpstr(gust_stream_fields(s)[1], ==, "count");
  g_assert_null(gust_stream_fields(s)[2]);
  g_assert_cmpint(gust_stream_field_index(s, "count"), ==, 1);
  g_assert_cmpint(gust_stream_field_index(s, "nope"), ==, -1);
  g_assert_false(gust_stream_is_direct(s));
  const gust_stream *d = gust_component_lookup_stream(c, "direct-out");
  g_assert_nonnull(d);
  g_assert_true(gust_stream_is_direct(d));
  g_assert_cmpuint(gust_stream_n_fields(d), ==, 0);
  g_assert_null(gust_component_lookup_stream(c, "other"));
  gust_topology_free(t);
}

static void test_declaring_a_stream_twice_is_refused(void)
{
  gust_topology *t = gust_topology_new("wc");
  gust_component *c = gust_topology_add_component(t, "c", GUST_COMPONENT_SPOUT);
  GError *error = NULL;
  g_assert_true(gust_component_declare_stream(c, "s", NULL, FALSE, NULL));
  g_assert_false(gust_component_declare_stream(c, "s", NULL, TRUE, &error));
  assert_error_contains(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_DUPLICATE_STREAM,
                        "component 'c' declares stream 's' twice");
  g_error_free(error);
  g_assert_cmpuint(gust_component_n_streams(c), ==, 1);
  gust_topology_free(t);
}

static void test_inputs_keep_grouping_and_location(void)
{
  gust_topology *t = gust_topology_new("wc");
  gust_component *c = gust_topology_add_component(t, "c", GUST_COMPONENT_BOLT);
  const char *fields[] = {"word", NULL};
  gust_input *in = gust_component_add_input(
      c, "s", "default", gust_grouping_new_fields(GUST_GROUPING_FIELDS, fields), NULL);
  g_assert_nonnull(in);
  gust_input_set_location(in, "wc.yaml", 12);
  g_assert_cmpuint(gust_component_n_inputs(c), ==, 1);
  const gust_input *got = gust_component_lookup_input(c, "s", "default");
  g_assert_true(got == gust_component_input(c, 0));
  g_assert_cmpstr(gust_input_source(got), ==, "s");
  g_assert_cmpstr(gust_input_stream(got), ==, "default");
  g_assert_cmpint(gust_grouping_get_kind(gust_input_grouping(got)), ==, GUST_GROUPING_FIELDS);
  guint n = 0;
  g_assert_cmpstr(gust_grouping_fields(gust_input_grouping(got), &n)[0], ==, "word");
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpstr(gust_input_location(got)->file, ==, "wc.yaml");
  g_assert_cmpuint(gust_input_location(got)->line, ==, 12);
  g_assert_null(gust_component_lookup_input(c, "s", "other"));
  gust_topology_free(t);
}

static void test_subscribing_twice_to_one_stream_is_refused(void)
{
  gust_topology *t = gust_topology_new("wc");
  gust_component *c = gust_topology_add_component(t, "c", GUST_COMPONENT_BOLT);
  GError *error = NULL;
  g_assert_nonnull(
      gust_component_add_input(c, "s", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE), NULL));
  g_assert_null(
      gust_component_add_input(c, "s", "default", gust_grouping_new(GUST_GROUPING_ALL), &error));
  assert_error_contains(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_DUPLICATE_INPUT,
                        "subscribes to stream 'default' of 's' twice");
  g_error_free(error);
  g_assert_cmpint(gust_grouping_get_kind(gust_input_grouping(gust_component_input(c, 0))), ==,
                  GUST_GROUPING_SHUFFLE);
  /* another stream of the same source is a different subscription */
  g_assert_nonnull(
      gust_component_add_input(c, "s", "other", gust_grouping_new(GUST_GROUPING_ALL), NULL));
  gust_topology_free(t);
}

static void test_groupings_describe_their_kind_fields_and_class(void)
{
  gust_grouping *shuffle = gust_grouping_new(GUST_GROUPING_LOCAL_OR_SHUFFLE);
  guint n = 99;
  g_assert_null(gust_grouping_fields(shuffle, &n)[0]);
  g_assert_cmpuint(n, ==, 0);
  g_assert_null(gust_grouping_custom_class(shuffle));
  g_assert_cmpstr(gust_grouping_kind_name(gust_grouping_get_kind(shuffle)), ==, "LOCAL_OR_SHUFFLE");

  gust_grouping *whole_tuple = gust_grouping_new_fields(GUST_GROUPING_PARTIAL_KEY, NULL);
  g_assert_null(gust_grouping_fields(whole_tuple, NULL)[0]);

  gust_grouping *custom = gust_grouping_new_custom("com.example.Mine");
  gust_grouping *copy = gust_grouping_copy(custom);
  g_assert_cmpint(gust_grouping_get_kind(copy), ==, GUST_GROUPING_CUSTOM);
  g_assert_cmpstr(gust_grouping_custom_class(copy), ==, "com.example.Mine");

  gust_grouping_free(shuffle);
  gust_grouping_free(whole_tuple);
  gust_grouping_free(custom);
  gust_grouping_free(copy);
}

static void test_implementations_copy_their_arguments(void)
{
  char *argv[] = {g_strdup("python3"), g_strdup("split.py"), NULL};
  const char *env[] = {"A=1", NULL};
  gust_impl *ml = gust_impl_new_multilang((const char *const *)argv, "/res", env);
  g_free(argv[0]);
  g_free(argv[1]);
  g_assert_cmpint(ml->kind, ==, GUST_IMPL_MULTILANG);
  g_assert_cmpstr(ml->multilang.argv[0], ==, "python3");
  g_assert_cmpstr(ml->multilang.argv[1], ==, "split.py");
  g_assert_null(ml->multilang.argv[2]);
  g_assert_cmpstr(ml->multilang.resources_dir, ==, "/res");
  g_assert_cmpstr(ml->multilang.env[0], ==, "A=1");

  gust_impl *copy = gust_impl_copy(ml);
  gust_impl_free(ml);
  g_assert_cmpstr(copy->multilang.argv[1], ==, "split.py");
  gust_impl_free(copy);

  gust_impl *native = gust_impl_new_native("/lib/x.so", "ops");
  g_assert_cmpstr(native->native.library, ==, "/lib/x.so");
  g_assert_cmpstr(native->native.symbol, ==, "ops");
  g_assert_cmpstr(gust_impl_kind_name(native->kind), ==, "native");
  gust_impl_free(native);
}

static void test_beans_are_kept_by_id_in_insertion_order(void)
{
  gust_topology *t = gust_topology_new("wc");
  gust_topology_add_bean(t, "zk", json_pack("{ss}", "className", "a.Z"));
  gust_topology_add_bean(t, "brokers", json_pack("{ss}", "className", "a.B"));
  g_assert_cmpstr(json_string_value(json_object_get(gust_topology_bean(t, "zk"), "className")), ==,
                  "a.Z");
  g_assert_null(gust_topology_bean(t, "nope"));
  const char **ids = gust_topology_bean_ids(t);
  g_assert_cmpstr(ids[0], ==, "zk");
  g_assert_cmpstr(ids[1], ==, "brokers");
  g_assert_null(ids[2]);
  g_free(ids);
  gust_topology_free(t);
}

static void test_has_native_components_reports_native_implementations(void)
{
  gust_topology *t = gust_topology_new("wc");
  gust_component *c = gust_topology_add_component(t, "c", GUST_COMPONENT_SPOUT);
  g_assert_false(gust_topology_has_native_components(t));
  gust_component_set_impl(c, gust_impl_new_builtin("org.apache.storm.testing.TestWordSpout"));
  g_assert_false(gust_topology_has_native_components(t));
  gust_component_set_impl(c, gust_impl_new_native("/x.so", "sym"));
  g_assert_true(gust_topology_has_native_components(t));
  gust_topology_free(t);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/topology/model/new-topology-is-empty",
                  test_new_topology_has_name_empty_conf_and_no_components);
  g_test_add_func("/topology/model/insertion-order-and-lookup",
                  test_components_keep_insertion_order_and_are_found_by_id);
  g_test_add_func("/topology/model/duplicate-id-lookup-returns-first",
                  test_duplicate_id_keeps_both_and_lookup_returns_the_first);
  g_test_add_func("/topology/model/defaults", test_component_defaults_to_one_executor_and_one_task);
  g_test_add_func("/topology/model/set-tasks-writes-conf",
                  test_set_tasks_writes_topology_tasks_into_component_conf);
  g_test_add_func("/topology/model/task-count-like-nimbus",
                  test_task_count_merges_topology_conf_and_caps_at_max_task_parallelism);
  g_test_add_func("/topology/model/ids-sorted-java-order",
                  test_component_ids_sort_in_java_string_order);
  g_test_add_func("/topology/model/streams",
                  test_streams_are_declared_in_order_with_fields_and_direct_flag);
  g_test_add_func("/topology/model/duplicate-stream-refused",
                  test_declaring_a_stream_twice_is_refused);
  g_test_add_func("/topology/model/inputs", test_inputs_keep_grouping_and_location);
  g_test_add_func("/topology/model/duplicate-input-refused",
                  test_subscribing_twice_to_one_stream_is_refused);
  g_test_add_func("/topology/model/groupings", test_groupings_describe_their_kind_fields_and_class);
  g_test_add_func("/topology/model/implementations", test_implementations_copy_their_arguments);
  g_test_add_func("/topology/model/beans", test_beans_are_kept_by_id_in_insertion_order);
  g_test_add_func("/topology/model/has-native",
                  test_has_native_components_reports_native_implementations);
  return g_test_run();
}
