/* test_builtin_classes.c — every row of the registry of built-in classes
 * (<gust/builtin_class.h>) has both halves: a Flux file naming the class
 * loads and validates (the model hook), and the runtime built from it
 * resolves the component (the runtime hook).  The test walks the registry,
 * so a class added without one half, or without a sample here, fails.
 */
#include <gust/builtin_class.h>
#include <gust/flux.h>
#include <gust/runtime.h>

#include "compat_test.h"

/* A minimal definition each class accepts: the Flux components (beans) it
 * needs and the lines after its className.  The component under test is
 * "subject"; a bolt is fed by a TestWordSpout "feeder" (field "word"). */
typedef struct {
  const char *class_name;
  const char *components;
  const char *subject_lines;
} class_sample;

static const class_sample samples[] = {
    {"org.apache.storm.testing.TestWordSpout", NULL, "    constructorArgs: [true]\n"},
    {"org.apache.storm.testing.TestWordCounter", NULL, NULL},
    {"org.apache.storm.flux.wrappers.bolts.LogInfoBolt", NULL, NULL},
    {"org.apache.storm.kafka.spout.KafkaSpout",
     "  - id: builder\n"
     "    className: org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder\n"
     "    constructorArgs: [\"127.0.0.1:9092\", [\"words\"]]\n"
     "  - id: spoutConfig\n"
     "    className: org.apache.storm.kafka.spout.KafkaSpoutConfig\n"
     "    constructorArgs: [ref: builder]\n",
     "    constructorArgs: [ref: spoutConfig]\n"},
    {"org.apache.storm.kafka.bolt.KafkaBolt",
     "  - id: producerProps\n"
     "    className: java.util.Properties\n"
     "    configMethods:\n"
     "      - {name: put, args: [\"bootstrap.servers\", \"127.0.0.1:9092\"]}\n"
     "  - id: selector\n"
     "    className: org.apache.storm.kafka.bolt.selector.DefaultTopicSelector\n"
     "    constructorArgs: [\"words\"]\n",
     "    configMethods:\n"
     "      - {name: withProducerProperties, args: [ref: producerProps]}\n"
     "      - {name: withTopicSelector, args: [ref: selector]}\n"},
    {"org.apache.storm.flux.wrappers.spouts.FluxShellSpout", NULL,
     "    constructorArgs: [[\"python3\", \"words.py\"], [\"word\"]]\n"},
    {"org.apache.storm.flux.wrappers.bolts.FluxShellBolt", NULL,
     "    constructorArgs: [[\"python3\", \"split.py\"], [\"word\"]]\n"},
};

static const class_sample *sample_for(const char *class_name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(samples); i++)
    if (g_str_equal(samples[i].class_name, class_name)) return &samples[i];
  return NULL;
}

static char *flux_text(const gust_builtin_class *row, const class_sample *sample)
{
  GString *text = g_string_new("name: registry-sample\n");
  if (sample->components) g_string_append_printf(text, "components:\n%s", sample->components);
  gboolean spout = row->kind == GUST_COMPONENT_SPOUT;
  g_string_append_printf(text, "%s:\n  - id: subject\n    className: \"%s\"\n%s",
                         spout ? "spouts" : "bolts", row->class_name,
                         sample->subject_lines ? sample->subject_lines : "");
  if (!spout)
    g_string_append(text, "spouts:\n"
                          "  - id: feeder\n"
                          "    className: org.apache.storm.testing.TestWordSpout\n"
                          "streams:\n"
                          "  - {from: feeder, to: subject, grouping: {type: SHUFFLE}}\n");
  return g_string_free(text, FALSE);
}

static void assert_row_validates_and_instantiates(const gust_builtin_class *row)
{
  const class_sample *sample = sample_for(row->class_name);
  if (!sample) {
    g_test_fail_printf("%s is registered but has no sample definition in this test",
                       row->class_name);
    return;
  }
  g_autofree char *text = flux_text(row, sample);
  GError *error = NULL;
  gust_topology *topology = gust_flux_load_string(text, "registry.yaml", NULL, &error);
  if (error) g_printerr("%s:\n%s\n", row->class_name, text);
  g_assert_no_error(error);
  const gust_impl *impl = gust_component_impl(gust_topology_lookup(topology, "subject"));
  g_assert_nonnull(impl);
  g_assert_cmpint(impl->kind, ==, row->impl_kind);

  if (row->impl_kind == GUST_IMPL_BUILTIN) {
    if (!row->runtime)
      g_test_fail_printf("%s has no runtime definition (the symbol its row names is not "
                         "defined by the runtime library)",
                         row->class_name);
    else {
      g_assert_cmpuint(row->runtime->abi, ==, GUST_NATIVE_ABI);
      g_assert_cmpint(row->runtime->kind, ==,
                      row->kind == GUST_COMPONENT_SPOUT ? GUST_DEF_SPOUT : GUST_DEF_BOLT);
    }
  } else {
    g_assert_null(row->runtime); /* the multilang host runs it */
  }

  gust_runtime_options options = {.threads = 1};
  gust_runtime *rt = gust_runtime_new(topology, &options, &error);
  if (error) g_printerr("%s: %s\n", row->class_name, error->message);
  g_assert_no_error(error);
  gust_runtime_free(rt);
  gust_topology_free(topology);
}

static void test_every_registered_class_validates_and_instantiates(void)
{
  gsize n = 0;
  const gust_builtin_class *const *rows = gust_builtin_classes(&n);
  g_assert_cmpuint(n, >, 0);
  for (gsize i = 0; i < n; i++)
    assert_row_validates_and_instantiates(rows[i]);
}

static void test_every_sample_names_a_registered_class(void)
{
  for (gsize i = 0; i < G_N_ELEMENTS(samples); i++)
    if (!gust_builtin_class_lookup(samples[i].class_name))
      g_test_fail_printf("sample %s names no registered class", samples[i].class_name);
}

static void test_unknown_java_class_is_refused_naming_the_alternatives(void)
{
  GError *error = NULL;
  gust_topology *topology = gust_flux_load_string("name: unknown\n"
                                                  "spouts:\n"
                                                  "  - id: s\n"
                                                  "    className: com.example.MySpout\n",
                                                  "unknown.yaml", NULL, &error);
  g_assert_null(topology);
  assert_error_contains(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_UNSUPPORTED_CLASS,
                        "Java class 'com.example.MySpout' cannot run in gust");
  gsize n = 0;
  const gust_builtin_class *const *rows = gust_builtin_classes(&n);
  for (gsize i = 0; i < n; i++)
    if (rows[i]->kind == GUST_COMPONENT_SPOUT) assert_contains(error->message, rows[i]->class_name);
  g_error_free(error);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/builtin-classes/every-registered-class-validates-and-instantiates",
                  test_every_registered_class_validates_and_instantiates);
  g_test_add_func("/builtin-classes/every-sample-names-a-registered-class",
                  test_every_sample_names_a_registered_class);
  g_test_add_func("/builtin-classes/unknown-java-class-names-the-alternatives",
                  test_unknown_java_class_is_refused_naming_the_alternatives);
  return g_test_run();
}
