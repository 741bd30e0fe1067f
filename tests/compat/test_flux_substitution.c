/* test_flux_substitution.c — what --filter and --env-filter do to a Flux
 * file's text, how the Java .properties file is read, and how includes
 * merge (override or not).  Files live in a fresh temporary directory per
 * test.
 */
#include <gust/flux.h>

#include <glib/gstdio.h>

#include "compat_test.h"

typedef struct {
  char *dir;
  GPtrArray *files;
} scratch;

static void scratch_set_up(scratch *s, gconstpointer data)
{
  s->dir = g_dir_make_tmp("gust-flux-XXXXXX", NULL);
  g_assert_nonnull(s->dir);
  s->files = g_ptr_array_new_with_free_func(g_free);
}

static void scratch_tear_down(scratch *s, gconstpointer data)
{
  for (guint i = 0; i < s->files->len; i++)
    g_unlink(g_ptr_array_index(s->files, i));
  g_ptr_array_unref(s->files);
  g_rmdir(s->dir);
  g_free(s->dir);
}

/* Writes a file into the scratch directory; returns its path (owned by s). */
static const char *write_file(scratch *s, const char *name, const char *text)
{
  char *path = g_build_filename(s->dir, name, NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  g_ptr_array_add(s->files, path);
  return path;
}

static gust_topology *load(const char *path, const gust_flux_options *options)
{
  GError *error = NULL;
  gust_topology *t = gust_flux_load_file(path, options, &error);
  g_assert_no_error(error);
  g_assert_nonnull(t);
  return t;
}

static const char *conf_string(const gust_topology *t, const char *key)
{
  return json_string_value(json_object_get(gust_topology_conf(t), key));
}

#define WORDS_SPOUT                                                                                \
  "spouts:\n"                                                                                      \
  "  - id: words\n"                                                                                \
  "    className: org.apache.storm.testing.TestWordSpout\n"

/* ---- properties files ---- */

static void test_properties_accept_every_separator_and_skip_comments(void)
{
  GError *error = NULL;
  GHashTable *p = gust_properties_parse("# comment\n"
                                        "! also a comment\n"
                                        "\n"
                                        "a=1\n"
                                        "b : 2\n"
                                        "c 3\n"
                                        "   d=  spaced value  \n"
                                        "e=\n"
                                        "a=last wins\n",
                                        "p.properties", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_hash_table_size(p), ==, 5);
  g_assert_cmpstr(g_hash_table_lookup(p, "a"), ==, "last wins");
  g_assert_cmpstr(g_hash_table_lookup(p, "b"), ==, "2");
  g_assert_cmpstr(g_hash_table_lookup(p, "c"), ==, "3");
  g_assert_cmpstr(g_hash_table_lookup(p, "d"), ==, "spaced value  "); /* Java keeps trailing */
  g_assert_cmpstr(g_hash_table_lookup(p, "e"), ==, "");
  g_hash_table_unref(p);
}

static void test_properties_join_continued_lines_and_decode_escapes(void)
{
  GError *error = NULL;
  GHashTable *p = gust_properties_parse("list = [\"a\", \\\n"
                                        "        \"b\"]\n"
                                        "tab=x\\ty\n"
                                        "key\\ with\\ spaces=v\n"
                                        "unicode=caf\\u00e9\n"
                                        "even=ends with backslash\\\\\n"
                                        "next=line\r\n"
                                        "# a comment ending in a backslash does not continue \\\n"
                                        "after=comment\n",
                                        "p.properties", &error);
  g_assert_no_error(error);
  g_assert_cmpstr(g_hash_table_lookup(p, "list"), ==, "[\"a\", \"b\"]");
  g_assert_cmpstr(g_hash_table_lookup(p, "tab"), ==, "x\ty");
  g_assert_cmpstr(g_hash_table_lookup(p, "key with spaces"), ==, "v");
  g_assert_cmpstr(g_hash_table_lookup(p, "unicode"), ==, "caf\u00e9");
  g_assert_cmpstr(g_hash_table_lookup(p, "even"), ==, "ends with backslash\\");
  g_assert_cmpstr(g_hash_table_lookup(p, "next"), ==, "line");
  g_assert_cmpstr(g_hash_table_lookup(p, "after"), ==, "comment");
  g_hash_table_unref(p);
}

static void test_properties_with_a_bad_unicode_escape_are_refused(void)
{
  GError *error = NULL;
  g_assert_null(gust_properties_parse("ok=1\nbad=\\u12G4\n", "p.properties", &error));
  assert_error_contains(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_PROPERTIES,
                        "p.properties:2: malformed \\uXXXX escape");
  g_error_free(error);
}

static void test_properties_decode_a_surrogate_pair_as_one_character(void)
{
  /* Java's Properties reads \\uXXXX as UTF-16 code units: U+1F600 is the
   * pair \\uD83D\\uDE00, which must become one 4-byte UTF-8 character
   * (not two encoded halves, which are not UTF-8). */
  GError *error = NULL;
  GHashTable *p =
      gust_properties_parse("smile=\\uD83D\\ude00!\nkey\\uD83D\\uDE00=v\n", "p.properties", &error);
  g_assert_no_error(error);
  g_assert_cmpstr(g_hash_table_lookup(p, "smile"), ==, "\xf0\x9f\x98\x80!");
  g_assert_cmpstr(g_hash_table_lookup(p, "key\xf0\x9f\x98\x80"), ==, "v");
  g_hash_table_unref(p);
}

static void test_properties_with_a_lone_surrogate_or_nul_are_refused(void)
{
  static const struct {
    const char *text, *message;
  } cases[] = {
      {"a=1\nhigh=\\uD83D\n", "p.properties:2: lone UTF-16 surrogate: \\uD800-\\uDBFF must"},
      {"high=\\uD83Dx\n", "p.properties:1: lone UTF-16 surrogate"},
      {"high=\\uD83D\\u0041\n", "p.properties:1: lone UTF-16 surrogate"},
      {"high=\\uD83D\\uD83D\n", "p.properties:1: lone UTF-16 surrogate"},
      {"high=\\uD83D\\uDE0\n", "p.properties:1: malformed \\uXXXX escape"},
      {"low=\\uDE00\n", "p.properties:1: lone UTF-16 surrogate: \\uDC00-\\uDFFF must follow"},
      {"nul=a\\u0000b\n", "p.properties:1: \\u0000 (NUL) cannot be used"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    GError *error = NULL;
    g_assert_null(gust_properties_parse(cases[i].text, "p.properties", &error));
    assert_error_contains(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_PROPERTIES, cases[i].message);
    g_error_free(error);
  }
}

/* ---- substitution ---- */

static void test_every_placeholder_on_a_line_is_replaced(scratch *s, gconstpointer data)
{
  const char *props = write_file(s, "p.properties",
                                 "name=subst\nfirst=alpha\nsecond=beta\nn=3\n"
                                 "hosts=[\"h1\", 'h2', h3]\n");
  const char *yaml =
      write_file(s, "t.yaml",
                 "name: ${name}\n"
                 "config:\n"
                 "  pair: \"${first}-${second}\"\n"
                 "  host: ${hosts[1]}\n"
                 "  last: ${hosts[2]}\n"
                 "  kept: \"${unterminated\"\n"
                 "  empty: \"${}\"\n"
                 "# ${not_defined} is fine in a comment\n" WORDS_SPOUT "    parallelism: ${n}\n");
  gust_flux_options options = {.properties_file = props};
  gust_topology *t = load(yaml, &options);
  g_assert_cmpstr(gust_topology_name(t), ==, "subst");
  g_assert_cmpstr(conf_string(t, "pair"), ==, "alpha-beta");
  g_assert_cmpstr(conf_string(t, "host"), ==, "h2");
  g_assert_cmpstr(conf_string(t, "last"), ==, "h3");
  g_assert_cmpstr(conf_string(t, "kept"), ==, "${unterminated");
  g_assert_cmpstr(conf_string(t, "empty"), ==, "${}");
  g_assert_cmpint(gust_component_parallelism(gust_topology_lookup(t, "words")), ==, 3);
  gust_topology_free(t);
}

static void test_substituted_values_are_typed_after_substitution(scratch *s, gconstpointer data)
{
  const char *props = write_file(s, "p.properties", "n=42\nflag=true\n");
  const char *yaml = write_file(s, "t.yaml",
                                "name: typed\n"
                                "config: {n: ${n}, quoted: \"${n}\", flag: ${flag}}\n" WORDS_SPOUT);
  gust_flux_options options = {.properties_file = props};
  gust_topology *t = load(yaml, &options);
  json_t *conf = gust_topology_conf(t);
  g_assert_true(json_is_integer(json_object_get(conf, "n")));
  g_assert_cmpstr(json_string_value(json_object_get(conf, "quoted")), ==, "42");
  g_assert_true(json_is_true(json_object_get(conf, "flag")));
  gust_topology_free(t);
}

static void test_environment_placeholders_need_the_env_filter(scratch *s, gconstpointer data)
{
  const char *yaml =
      write_file(s, "t.yaml",
                 "name: env\n"
                 "config: {owner: \"${ENV-OWNER}\", home: \"${ENV-HOME_DIR}\"}\n" WORDS_SPOUT);
  const char *environment[] = {"OWNER=team-a", "HOME_DIR=/home/a", NULL};
  gust_flux_options options = {.env_filter = TRUE, .environment = environment};
  gust_topology *t = load(yaml, &options);
  g_assert_cmpstr(conf_string(t, "owner"), ==, "team-a");
  g_assert_cmpstr(conf_string(t, "home"), ==, "/home/a");
  gust_topology_free(t);

  options.env_filter = FALSE;
  GError *error = NULL;
  g_assert_null(gust_flux_load_file(yaml, &options, &error));
  assert_error_contains(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_SUBSTITUTION,
                        "t.yaml:2: unresolved placeholder ${ENV-OWNER}");
  g_error_free(error);
}

static void test_unset_environment_variable_is_left_as_text_with_a_warning(scratch *s,
                                                                           gconstpointer data)
{
  const char *yaml =
      write_file(s, "t.yaml", "name: env\nconfig: {owner: \"${ENV-GUST_NOT_SET}\"}\n" WORDS_SPOUT);
  const char *environment[] = {"OTHER=1", NULL};
  gust_flux_options options = {.env_filter = TRUE, .environment = environment};
  g_test_expect_message("gust-flux", G_LOG_LEVEL_WARNING,
                        "*t.yaml:2: environment variable GUST_NOT_SET is not set*");
  gust_topology *t = load(yaml, &options);
  g_test_assert_expected_messages();
  g_assert_cmpstr(conf_string(t, "owner"), ==, "${ENV-GUST_NOT_SET}");
  gust_topology_free(t);
}

static void test_env_style_property_is_used_when_the_env_filter_is_off(scratch *s,
                                                                       gconstpointer data)
{
  const char *props = write_file(s, "p.properties", "ENV-OWNER=from-properties\n");
  const char *yaml =
      write_file(s, "t.yaml", "name: env\nconfig: {owner: \"${ENV-OWNER}\"}\n" WORDS_SPOUT);
  gust_flux_options options = {.properties_file = props};
  gust_topology *t = load(yaml, &options);
  g_assert_cmpstr(conf_string(t, "owner"), ==, "from-properties");
  gust_topology_free(t);
}

static void test_missing_property_names_the_properties_file(scratch *s, gconstpointer data)
{
  const char *props = write_file(s, "p.properties", "a=1\n");
  const char *yaml = write_file(s, "t.yaml", "name: x\nconfig:\n  b: ${b}\n");
  gust_flux_options options = {.properties_file = props};
  GError *error = NULL;
  g_assert_null(gust_flux_load_file(yaml, &options, &error));
  assert_error_contains(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_SUBSTITUTION,
                        "t.yaml:3: unresolved placeholder ${b}: 'b' is not defined in ");
  assert_contains(error->message, "p.properties");
  g_error_free(error);
}

/* ---- includes ---- */

static void test_include_without_override_keeps_the_including_definitions(scratch *s,
                                                                          gconstpointer data)
{
  write_file(s, "base.yaml",
             "name: from-include\n"
             "config: {shared: include, only.included: 1}\n"
             "spouts:\n"
             "  - id: words\n"
             "    className: org.apache.storm.testing.TestWordSpout\n"
             "    parallelism: 9\n"
             "bolts:\n"
             "  - id: log\n"
             "    className: org.apache.storm.flux.wrappers.bolts.LogInfoBolt\n"
             "streams:\n"
             "  - {from: words, to: log, grouping: {type: SHUFFLE}}\n");
  const char *yaml = write_file(s, "main.yaml",
                                "name: main\n"
                                "includes: [{file: base.yaml}]\n"
                                "config: {shared: main}\n" WORDS_SPOUT "    parallelism: 2\n");
  g_test_expect_message("gust-flux", G_LOG_LEVEL_WARNING, "*name 'from-include' is ignored*");
  g_test_expect_message("gust-flux", G_LOG_LEVEL_WARNING, "*config 'shared' is ignored*");
  g_test_expect_message("gust-flux", G_LOG_LEVEL_WARNING, "*spout 'words' is ignored*");
  gust_topology *t = load(yaml, NULL);
  g_test_assert_expected_messages();
  g_assert_cmpstr(gust_topology_name(t), ==, "main");
  g_assert_cmpstr(conf_string(t, "shared"), ==, "main");
  g_assert_cmpint(json_integer_value(json_object_get(gust_topology_conf(t), "only.included")), ==,
                  1);
  g_assert_cmpint(gust_component_parallelism(gust_topology_lookup(t, "words")), ==, 2);
  /* the included bolt and stream are added */
  gust_component *log = gust_topology_lookup(t, "log");
  g_assert_nonnull(log);
  g_assert_true(g_str_has_suffix(gust_component_location(log)->file, "base.yaml"));
  gust_topology_free(t);
}

static void test_include_with_override_replaces_definitions_in_place(scratch *s, gconstpointer data)
{
  write_file(s, "override.yaml",
             "name: overridden\n"
             "config: {shared: include}\n"
             "spouts:\n"
             "  - id: words\n"
             "    className: org.apache.storm.testing.TestWordSpout\n"
             "    parallelism: 9\n");
  const char *yaml = write_file(s, "main.yaml",
                                "name: main\n"
                                "includes:\n"
                                "  - {file: override.yaml, override: true}\n"
                                "config: {shared: main}\n" WORDS_SPOUT "  - id: numbers\n"
                                "    className: native:libnumbers.so:numbers_spout\n");
  gust_topology *t = load(yaml, NULL);
  g_assert_cmpstr(gust_topology_name(t), ==, "overridden");
  g_assert_cmpstr(conf_string(t, "shared"), ==, "include");
  g_assert_cmpstr(gust_component_id(gust_topology_component(t, 0)), ==, "words");
  g_assert_cmpint(gust_component_parallelism(gust_topology_component(t, 0)), ==, 9);
  g_assert_cmpstr(gust_component_id(gust_topology_component(t, 1)), ==, "numbers");
  gust_topology_free(t);
}

static void test_includes_are_substituted_and_relative_to_the_including_file(scratch *s,
                                                                             gconstpointer data)
{
  char *sub = g_build_filename(s->dir, "sub", NULL);
  g_assert_cmpint(g_mkdir(sub, 0700), ==, 0);
  write_file(s, "sub/inner.yaml", "config: {who: \"${who}\"}\n");
  const char *props = write_file(s, "p.properties", "who=included\n");
  const char *yaml =
      write_file(s, "main.yaml", "name: main\nincludes: [{file: sub/inner.yaml}]\n" WORDS_SPOUT);
  gust_flux_options options = {.properties_file = props};
  gust_topology *t = load(yaml, &options);
  g_assert_cmpstr(conf_string(t, "who"), ==, "included");
  gust_topology_free(t);
  g_rmdir(sub);
  g_free(sub);
}

static void test_includes_inside_an_include_are_ignored_with_a_warning(scratch *s,
                                                                       gconstpointer data)
{
  write_file(s, "second.yaml", "config: {second: true}\n");
  write_file(s, "first.yaml", "config: {first: true}\nincludes: [{file: second.yaml}]\n");
  const char *yaml =
      write_file(s, "main.yaml", "name: main\nincludes: [{file: first.yaml}]\n" WORDS_SPOUT);
  g_test_expect_message("gust-flux", G_LOG_LEVEL_WARNING, "*first.yaml: its includes are ignored*");
  gust_topology *t = load(yaml, NULL);
  g_test_assert_expected_messages();
  g_assert_true(json_is_true(json_object_get(gust_topology_conf(t), "first")));
  g_assert_null(json_object_get(gust_topology_conf(t), "second"));
  gust_topology_free(t);
}

static void test_errors_in_an_include_name_the_included_file(scratch *s, gconstpointer data)
{
  write_file(s, "bad.yaml", "config:\n  a: 1\n  a: 2\n");
  const char *yaml =
      write_file(s, "main.yaml", "name: main\nincludes: [{file: bad.yaml}]\n" WORDS_SPOUT);
  GError *error = NULL;
  g_assert_null(gust_flux_load_file(yaml, NULL, &error));
  assert_error_contains(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_SYNTAX,
                        "bad.yaml:3: duplicate key 'a' (first at line 2)");
  g_error_free(error);
}

static void test_native_paths_are_relative_to_the_defining_file(scratch *s, gconstpointer data)
{
  const char *yaml = write_file(s, "main.yaml",
                                "name: main\n"
                                "spouts:\n"
                                "  - id: relative\n"
                                "    className: native:lib/libwords.so:words_spout\n"
                                "  - id: absolute\n"
                                "    className: native:/opt/gust/libwords.so:words_spout\n");
  gust_topology *t = load(yaml, NULL);
  char *expected = g_build_filename(s->dir, "lib", "libwords.so", NULL);
  char *canonical = g_canonicalize_filename(expected, NULL);
  g_assert_cmpstr(gust_component_impl(gust_topology_lookup(t, "relative"))->native.library, ==,
                  canonical);
  g_assert_cmpstr(gust_component_impl(gust_topology_lookup(t, "absolute"))->native.library, ==,
                  "/opt/gust/libwords.so");
  g_free(canonical);
  g_free(expected);
  gust_topology_free(t);
}

static void test_resources_directory_defaults_and_can_be_chosen(scratch *s, gconstpointer data)
{
  const char *yaml =
      write_file(s, "shell.yaml",
                 "name: shell\n"
                 "spouts:\n"
                 "  - id: s\n"
                 "    className: org.apache.storm.flux.wrappers.spouts.FluxShellSpout\n"
                 "    constructorArgs: [[python3, s.py], [line]]\n");
  /* no resources/ beside the file: the file's directory */
  gust_topology *t = load(yaml, NULL);
  char *dir = g_canonicalize_filename(s->dir, NULL);
  g_assert_cmpstr(gust_component_impl(gust_topology_lookup(t, "s"))->multilang.resources_dir, ==,
                  dir);
  gust_topology_free(t);

  gust_flux_options options = {.resources_dir = "/srv/topology/resources"};
  t = load(yaml, &options);
  g_assert_cmpstr(gust_component_impl(gust_topology_lookup(t, "s"))->multilang.resources_dir, ==,
                  "/srv/topology/resources");
  gust_topology_free(t);
  g_free(dir);
}

static void test_shell_config_methods_set_cwd_env_and_conf(scratch *s, gconstpointer data)
{
  const char *yaml =
      write_file(s, "shell.yaml",
                 "name: shell\n"
                 "spouts:\n"
                 "  - id: s\n"
                 "    className: org.apache.storm.flux.wrappers.spouts.FluxShellSpout\n"
                 "    constructorArgs: [[python3, s.py]]\n"
                 "    configMethods:\n"
                 "      - {name: setNamedStream, args: [lines, [line]]}\n"
                 "      - {name: setNamedStream, args: [lines, [line, n]]}\n"
                 "      - {name: changeChildCWD, args: [false]}\n"
                 "      - {name: setEnv, args: [{PYTHONPATH: lib, LEVEL: 3}]}\n"
                 "      - {name: addComponentConfig, args: [paths, [a, b]]}\n"
                 "    config: {topology.debug: true}\n");
  gust_topology *t = load(yaml, NULL);
  gust_component *c = gust_topology_lookup(t, "s");
  const gust_impl *impl = gust_component_impl(c);
  g_assert_null(impl->multilang.resources_dir);
  g_assert_cmpstr(impl->multilang.env[0], ==, "PYTHONPATH=lib");
  g_assert_cmpstr(impl->multilang.env[1], ==, "LEVEL=3");
  g_assert_null(impl->multilang.env[2]);
  g_assert_cmpuint(gust_component_n_streams(c), ==, 1); /* naming it again replaced it */
  g_assert_cmpuint(gust_stream_n_fields(gust_component_lookup_stream(c, "lines")), ==, 2);
  json_t *paths = json_object_get(gust_component_conf(c), "paths");
  g_assert_cmpstr(json_string_value(json_array_get(paths, 1)), ==, "b");
  g_assert_true(json_is_true(json_object_get(gust_component_conf(c), "topology.debug")));
  gust_topology_free(t);
}

static void test_component_settings_follow_storm_builder_order(scratch *s, gconstpointer data)
{
  const char *yaml = write_file(s, "t.yaml",
                                "name: t\n"
                                "spouts:\n"
                                "  - id: words\n"
                                "    className: org.apache.storm.testing.TestWordSpout\n"
                                "    constructorArgs: [false]\n"
                                "    parallelism: 4\n"
                                "    numTasks: 6\n"
                                "    onHeapMemoryLoad: 256\n"
                                "    cpuLoad: 50\n"
                                "    config: {topology.tasks: 8, custom.key: x}\n");
  gust_topology *t = load(yaml, NULL);
  gust_component *c = gust_topology_lookup(t, "words");
  json_t *conf = gust_component_conf(c);
  /* the per-component config map is applied after numTasks, as in Storm */
  g_assert_cmpint(gust_component_tasks(c), ==, 8);
  g_assert_cmpfloat(
      json_real_value(json_object_get(conf, "topology.component.resources.onheap.memory.mb")), ==,
      256.0);
  g_assert_cmpfloat(json_real_value(json_object_get(conf, "topology.component.cpu.pcore.percent")),
                    ==, 50.0);
  g_assert_null(json_object_get(conf, "topology.component.resources.offheap.memory.mb"));
  g_assert_cmpstr(json_string_value(json_object_get(conf, "custom.key")), ==, "x");
  /* TestWordSpout(false) asks for at most one task */
  g_assert_cmpint(json_integer_value(json_object_get(conf, "topology.max.task.parallelism")), ==,
                  1);
  g_assert_cmpint(gust_topology_component_tasks(t, c), ==, 1);
  gust_topology_free(t);
}

#define ADD(path, fn)                                                                              \
  g_test_add("/flux/" path, scratch, NULL, scratch_set_up, fn, scratch_tear_down)

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/flux/properties/separators-and-comments",
                  test_properties_accept_every_separator_and_skip_comments);
  g_test_add_func("/flux/properties/continuations-and-escapes",
                  test_properties_join_continued_lines_and_decode_escapes);
  g_test_add_func("/flux/properties/bad-unicode-escape",
                  test_properties_with_a_bad_unicode_escape_are_refused);
  g_test_add_func("/flux/properties/surrogate-pair",
                  test_properties_decode_a_surrogate_pair_as_one_character);
  g_test_add_func("/flux/properties/lone-surrogate-or-nul",
                  test_properties_with_a_lone_surrogate_or_nul_are_refused);
  ADD("substitution/every-placeholder-on-a-line", test_every_placeholder_on_a_line_is_replaced);
  ADD("substitution/typed-after-substitution",
      test_substituted_values_are_typed_after_substitution);
  ADD("substitution/env-needs-filter", test_environment_placeholders_need_the_env_filter);
  ADD("substitution/env-unset-left-as-text",
      test_unset_environment_variable_is_left_as_text_with_a_warning);
  ADD("substitution/env-style-property",
      test_env_style_property_is_used_when_the_env_filter_is_off);
  ADD("substitution/missing-property", test_missing_property_names_the_properties_file);
  ADD("includes/no-override", test_include_without_override_keeps_the_including_definitions);
  ADD("includes/override", test_include_with_override_replaces_definitions_in_place);
  ADD("includes/relative-and-substituted",
      test_includes_are_substituted_and_relative_to_the_including_file);
  ADD("includes/nested-ignored", test_includes_inside_an_include_are_ignored_with_a_warning);
  ADD("includes/errors-name-included-file", test_errors_in_an_include_name_the_included_file);
  ADD("paths/native-relative-to-file", test_native_paths_are_relative_to_the_defining_file);
  ADD("paths/resources-directory", test_resources_directory_defaults_and_can_be_chosen);
  ADD("components/shell-config-methods", test_shell_config_methods_set_cwd_env_and_conf);
  ADD("components/settings-order", test_component_settings_follow_storm_builder_order);
  return g_test_run();
}
