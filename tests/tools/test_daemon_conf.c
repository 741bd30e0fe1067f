/* test_daemon_conf.c — the daemon configuration: Storm's defaults <
 * storm.yaml (~/.storm or --config) < -c, values typed as Storm types
 * them, bad values refused naming file:line or option, key and value, and
 * the key table against README's table. */
#include "../readme_table.h"
#include "daemon_conf.h"

#include <glib/gstdio.h>
#include <gust/flux.h>
#include <string.h>

static char *home_dir; /* $HOME for the whole run: GLib reads it once */

static char *write_file(const char *name, const char *text)
{
  char *path = g_build_filename(home_dir, name, NULL);
  g_autofree char *dir = g_path_get_dirname(path);
  g_mkdir_with_parents(dir, 0700);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  return path;
}

static char *dumps(const json_t *value)
{
  return json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
}

static void assert_value(const json_t *conf, const char *key, const char *json)
{
  g_autofree char *actual = dumps(json_object_get(conf, key));
  g_assert_cmpstr(actual, ==, json);
}

/* The message a load fails with (the load must fail). */
static char *load_error(const char *config_file, char **overrides, GQuark domain, gint code)
{
  GError *error = NULL;
  json_t *conf = gust_daemon_conf_load(config_file, overrides, &error);
  g_assert_null(conf);
  g_assert_error(error, domain, code);
  char *message = g_strdup(error->message);
  g_error_free(error);
  return message;
}

static void test_storm_defaults_apply_without_any_file(void)
{
  g_autofree char *storm_dir = g_build_filename(home_dir, ".storm", NULL);
  g_autofree char *home_yaml = g_build_filename(storm_dir, "storm.yaml", NULL);
  g_remove(home_yaml);
  GError *error = NULL;
  json_t *conf = gust_daemon_conf_load(NULL, NULL, &error);
  g_assert_no_error(error);
  assert_value(conf, "nimbus.seeds", "[\"localhost\"]");
  assert_value(conf, "nimbus.thrift.port", "6627");
  assert_value(conf, "nimbus.thrift.max_buffer_size", "1048576");
  assert_value(conf, "storm.zookeeper.servers", "[\"localhost\"]");
  assert_value(conf, "storm.zookeeper.port", "2181");
  assert_value(conf, "storm.zookeeper.root", "\"/storm\"");
  assert_value(conf, "storm.zookeeper.session.timeout", "20000");
  assert_value(conf, "storm.local.dir", "\"storm-local\"");
  assert_value(conf, "supervisor.slots.ports", "[6700,6701,6702,6703]");
  assert_value(conf, "nimbus.supervisor.timeout.secs", "60");
  assert_value(conf, "supervisor.worker.timeout.secs", "30"); /* from the topology table */
  assert_value(conf, "nimbus.monitor.freq.secs", "10");
  assert_value(conf, "supervisor.monitor.frequency.secs", "3");
  assert_value(conf, "storm.gust.bind.address", "\"127.0.0.1\"");
  assert_value(conf, "topology.message.timeout.secs", "30");
  g_assert_null(json_object_get(conf, "storm.local.hostname"));
  g_assert_cmpint(gust_daemon_conf_int(conf, "nimbus.thrift.port"), ==, 6627);
  g_assert_null(gust_daemon_conf_string(conf, "storm.local.hostname"));
  json_decref(conf);
}

static void test_home_storm_yaml_is_read_when_no_file_is_named(void)
{
  g_autofree char *path = write_file(".storm/storm.yaml", "nimbus.seeds: [\"10.0.0.1\"]\n"
                                                          "nimbus.thrift.port: 7627\n");
  GError *error = NULL;
  json_t *conf = gust_daemon_conf_load(NULL, NULL, &error);
  g_assert_no_error(error);
  assert_value(conf, "nimbus.seeds", "[\"10.0.0.1\"]");
  assert_value(conf, "nimbus.thrift.port", "7627");
  assert_value(conf, "storm.zookeeper.port", "2181");
  json_decref(conf);
  g_remove(path);
}

static void test_a_named_file_replaces_the_home_file_and_c_overrides_it(void)
{
  g_autofree char *home = write_file(".storm/storm.yaml", "storm.zookeeper.port: 1111\n");
  g_autofree char *named =
      write_file("conf/cluster.yaml", "# a cluster\n"
                                      "storm.zookeeper.servers:\n  - \"zk1\"\n  - zk2\n"
                                      "storm.local.dir: /var/storm\n"
                                      "topology.debug: yes\n"
                                      "storm.local.hostname: null\n"
                                      "nimbus.thrift.port: null\n"
                                      "my.own.key: {a: 1}\n");
  char *overrides[] = {"nimbus.thrift.port=16627", "nimbus.seeds=[\"127.0.0.1\", \"127.0.0.2\"]",
                       "storm.local.dir=/tmp/x y", "my.number=4.5",
                       "my.text=not json",         "my.empty=",
                       "my.quoted=\"6627\"",       NULL};
  GError *error = NULL;
  json_t *conf = gust_daemon_conf_load(named, overrides, &error);
  g_assert_no_error(error);
  assert_value(conf, "storm.zookeeper.port", "2181"); /* the home file was not read */
  assert_value(conf, "storm.zookeeper.servers", "[\"zk1\",\"zk2\"]");
  assert_value(conf, "topology.debug", "true"); /* YAML 1.1, as Storm's reader */
  assert_value(conf, "nimbus.thrift.port", "16627");
  assert_value(conf, "nimbus.seeds", "[\"127.0.0.1\",\"127.0.0.2\"]");
  assert_value(conf, "storm.local.dir", "\"/tmp/x y\"");
  assert_value(conf, "my.own.key", "{\"a\":1}");
  assert_value(conf, "my.number", "4.5");
  assert_value(conf, "my.text", "\"not json\"");
  assert_value(conf, "my.empty", "\"\"");
  assert_value(conf, "my.quoted", "\"6627\"");
  g_assert_null(json_object_get(conf, "storm.local.hostname"));
  json_decref(conf);

  /* null keeps the default */
  conf = gust_daemon_conf_load(named, NULL, &error);
  g_assert_no_error(error);
  assert_value(conf, "nimbus.thrift.port", "6627");
  json_decref(conf);
  g_remove(home);
  g_remove(named);
}

static void test_bad_values_are_refused_naming_file_line_key_and_value(void)
{
  g_autofree char *bad_port = write_file("bad-port.yaml", "nimbus.seeds: [a]\n"
                                                          "\n"
                                                          "nimbus.thrift.port: http\n");
  g_autofree char *message =
      load_error(bad_port, NULL, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_INVALID);
  g_autofree char *expected = g_strdup_printf(
      "%s:3: 'nimbus.thrift.port' must be an integer in 1..65535 (got \"http\")", bad_port);
  g_assert_cmpstr(message, ==, expected);

  g_autofree char *bad_seeds = write_file("bad-seeds.yaml", "nimbus.seeds: localhost\n");
  g_autofree char *seeds_message =
      load_error(bad_seeds, NULL, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_INVALID);
  g_assert_nonnull(strstr(seeds_message, "bad-seeds.yaml:1: 'nimbus.seeds' must be a non-empty "
                                         "list of host names"));
  g_assert_nonnull(strstr(seeds_message, "(got \"localhost\")"));

  g_autofree char *bad_slots = write_file("bad-slots.yaml", "supervisor.slots.ports: [6700, 0]\n");
  g_autofree char *slots_message =
      load_error(bad_slots, NULL, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_INVALID);
  g_assert_nonnull(strstr(slots_message, ":1: 'supervisor.slots.ports' must be a list of ports"));
  g_assert_nonnull(strstr(slots_message, "(got [6700,0])"));

  /* topology keys are checked by the topology table's rules */
  g_autofree char *bad_timeout =
      write_file("bad-timeout.yaml", "topology.message.timeout.secs: 0\n");
  g_autofree char *timeout_message =
      load_error(bad_timeout, NULL, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_INVALID);
  g_assert_nonnull(strstr(timeout_message, "bad-timeout.yaml:1: 'topology.message.timeout.secs'"));

  g_autofree char *bad_opts = write_file("bad-opts.yaml", "worker.childopts: [\"-Xmx1g\", 2]\n");
  g_autofree char *opts_message =
      load_error(bad_opts, NULL, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_INVALID);
  g_assert_nonnull(strstr(opts_message, ":1: 'worker.childopts' must be a string or a list of "
                                        "strings (got [\"-Xmx1g\",2])"));

  char *bad_override[] = {"storm.zookeeper.port=99999", NULL};
  g_autofree char *override_message =
      load_error(NULL, bad_override, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_INVALID);
  g_assert_cmpstr(override_message, ==,
                  "-c storm.zookeeper.port=99999: 'storm.zookeeper.port' must be an integer in "
                  "1..65535 (got 99999)");
  char *empty_host[] = {"nimbus.seeds=[\"\"]", NULL};
  g_autofree char *host_message =
      load_error(NULL, empty_host, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_INVALID);
  g_assert_nonnull(strstr(host_message, "'nimbus.seeds' must be a non-empty list"));
  g_remove(bad_port);
  g_remove(bad_seeds);
  g_remove(bad_slots);
  g_remove(bad_timeout);
}

static void test_malformed_options_and_files_are_refused_clearly(void)
{
  char *no_equals[] = {"nimbus.seeds", NULL};
  g_autofree char *syntax =
      load_error(NULL, no_equals, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_SYNTAX);
  g_assert_nonnull(strstr(syntax, "-c nimbus.seeds: expected KEY=VALUE"));
  char *no_key[] = {"=5", NULL};
  g_autofree char *empty_key =
      load_error(NULL, no_key, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_SYNTAX);
  g_assert_nonnull(strstr(empty_key, "-c =5: expected KEY=VALUE"));

  g_autofree char *missing = g_build_filename(home_dir, "no-such.yaml", NULL);
  g_autofree char *io =
      load_error(missing, NULL, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_IO);
  g_assert_nonnull(strstr(io, "no-such.yaml"));

  g_autofree char *list = write_file("list.yaml", "- nimbus.seeds\n");
  g_autofree char *schema = load_error(list, NULL, GUST_FLUX_ERROR, GUST_FLUX_ERROR_SCHEMA);
  g_assert_nonnull(strstr(schema, "list.yaml:1: settings must be a map"));

  g_autofree char *broken = write_file("broken.yaml", "nimbus.seeds: [a\nnimbus.thrift.port: 1\n");
  g_autofree char *yaml = load_error(broken, NULL, GUST_FLUX_ERROR, GUST_FLUX_ERROR_SYNTAX);
  g_assert_nonnull(strstr(yaml, "broken.yaml"));

  g_autofree char *empty = write_file("empty.yaml", "# nothing set\n");
  GError *error = NULL;
  json_t *conf = gust_daemon_conf_load(empty, NULL, &error);
  g_assert_no_error(error);
  assert_value(conf, "nimbus.thrift.port", "6627");
  json_decref(conf);
  g_remove(list);
  g_remove(broken);
  g_remove(empty);
}

static void test_config_and_repeated_c_options_are_parsed_for_every_command(void)
{
  g_autofree char *named = write_file("cmd.yaml", "nimbus.thrift.port: 5555\n");
  gust_daemon_conf_args args = {0};
  GOptionContext *context = g_option_context_new("NAME");
  gust_daemon_conf_add_options(context, &args);
  char *argv_in[] = {"gust list", "--config", named,  "-c", "storm.zookeeper.port=3000",
                     "-c",        "a=b",      "NAME", NULL};
  int argc = 8;
  char **argv = g_memdup2(argv_in, sizeof argv_in);
  GError *error = NULL;
  g_assert_true(g_option_context_parse(context, &argc, &argv, &error));
  g_assert_cmpint(argc, ==, 2);
  g_assert_cmpstr(argv[1], ==, "NAME");
  json_t *conf = gust_daemon_conf_load_args(&args, &error);
  g_assert_no_error(error);
  assert_value(conf, "nimbus.thrift.port", "5555");
  assert_value(conf, "storm.zookeeper.port", "3000");
  assert_value(conf, "a", "\"b\"");
  json_decref(conf);
  gust_daemon_conf_args_clear(&args);
  g_option_context_free(context);
  g_free(argv);
  g_remove(named);
}

/* ---- the table and README ---- */

static char *readme_row(const gust_daemon_conf_key *k)
{
  static const char *const type_names[] = {"int", "string", "list of hosts", "list of ports",
                                           "string or list"};
  GString *row = g_string_new(NULL);
  g_string_append_printf(row, "| `%s` | %s | ", k->key, type_names[k->type]);
  if (k->default_json)
    g_string_append_printf(row, "`%s` | ", k->default_json);
  else
    g_string_append(row, "unset | ");
  switch (k->type) {
  case GUST_DAEMON_CONF_INT:
    g_string_append_printf(row, "%d..%d", k->min, k->max);
    break;
  case GUST_DAEMON_CONF_STRING:
    g_string_append(row, "non-empty text");
    break;
  case GUST_DAEMON_CONF_HOSTS:
    g_string_append(row, "one or more host names");
    break;
  case GUST_DAEMON_CONF_PORTS:
    g_string_append(row, "ports 1..65535");
    break;
  case GUST_DAEMON_CONF_WORDS:
    g_string_append(row, "text, or a list of texts");
    break;
  }
  g_string_append_printf(row, " | %s |", k->meaning);
  return g_string_free(row, FALSE);
}

static void test_readme_lists_exactly_the_daemon_keys(void)
{
  gsize n;
  const gust_daemon_conf_key *keys = gust_daemon_conf_keys(&n);
  g_autoptr(GString) expected = g_string_new(NULL);
  for (gsize i = 0; i < n; i++) {
    g_autofree char *row = readme_row(&keys[i]);
    g_string_append_printf(expected, "%s\n", row);
    g_assert_true(gust_daemon_conf_key_find(keys[i].key) == &keys[i]);
  }
  g_autofree char *actual = readme_table_rows(
      GUST_SOURCE_DIR "/README.md",
      "| daemon key | type | default | range | meaning |\n|---|---|---|---|---|\n");
  if (g_strcmp0(actual, expected->str))
    g_error("README's daemon configuration table differs from tools/gust/daemon_conf_keys.c; "
            "the table's rows are:\n%s",
            expected->str);
}

static void test_error_domain_has_its_hyphenated_name(void)
{
  g_assert_cmpstr(g_quark_to_string(GUST_DAEMON_CONF_ERROR), ==, "gust-daemon-conf-error-quark");
}

int main(int argc, char **argv)
{
  home_dir = g_dir_make_tmp("gust-daemon-conf-XXXXXX", NULL);
  g_assert_nonnull(home_dir);
  g_setenv("HOME", home_dir, TRUE);
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/daemon_conf/storm_defaults_apply_without_any_file",
                  test_storm_defaults_apply_without_any_file);
  g_test_add_func("/daemon_conf/home_storm_yaml_is_read_when_no_file_is_named",
                  test_home_storm_yaml_is_read_when_no_file_is_named);
  g_test_add_func("/daemon_conf/a_named_file_replaces_the_home_file_and_c_overrides_it",
                  test_a_named_file_replaces_the_home_file_and_c_overrides_it);
  g_test_add_func("/daemon_conf/bad_values_are_refused_naming_file_line_key_and_value",
                  test_bad_values_are_refused_naming_file_line_key_and_value);
  g_test_add_func("/daemon_conf/malformed_options_and_files_are_refused_clearly",
                  test_malformed_options_and_files_are_refused_clearly);
  g_test_add_func("/daemon_conf/config_and_repeated_c_options_are_parsed_for_every_command",
                  test_config_and_repeated_c_options_are_parsed_for_every_command);
  g_test_add_func("/daemon_conf/readme_lists_exactly_the_daemon_keys",
                  test_readme_lists_exactly_the_daemon_keys);
  g_test_add_func("/daemon_conf/error_domain_has_its_hyphenated_name",
                  test_error_domain_has_its_hyphenated_name);
  int status = g_test_run();
  g_autofree char *storm_dir = g_build_filename(home_dir, ".storm", NULL);
  g_autofree char *conf_dir = g_build_filename(home_dir, "conf", NULL);
  g_rmdir(storm_dir);
  g_rmdir(conf_dir);
  g_rmdir(home_dir);
  g_free(home_dir);
  return status;
}
