/* daemon_conf.c — Storm's defaults < storm.yaml < -c, checked (see
 * daemon_conf.h).
 *
 * A load builds the defaults (daemon_conf_keys.c, then the topology keys
 * with a default), lays storm.yaml over them (gust_yaml_settings_parse(),
 * which types values as Storm's YAML reader does and keeps each key's
 * line) and then each -c option.  Every value set by storm.yaml or -c is
 * checked where it comes from, so a message names the file and line or the
 * option.  One call, one thread; nothing global.
 */
#include "daemon_conf.h"

#include <gust/conf.h>
#include <gust/flux.h>
#include <stdlib.h>
#include <string.h>

/* The domain name is stringified as written: keep the formatter away. */
/* clang-format off */
G_DEFINE_QUARK(gust-daemon-conf-error-quark, gust_daemon_conf_error)
/* clang-format on */

static json_t *json_of(const char *text)
{
  json_t *value = json_loads(text, JSON_DECODE_ANY, NULL);
  g_assert(value); /* the table's defaults are constants */
  return value;
}

static json_t *defaults(void)
{
  json_t *conf = json_object();
  gsize n;
  const gust_conf_key *topology_keys = gust_conf_keys(&n);
  for (gsize i = 0; i < n; i++) {
    const gust_conf_key *k = &topology_keys[i];
    if (!k->default_value) continue;
    json_t *value = k->type == GUST_CONF_INT    ? json_integer(atoll(k->default_value))
                    : k->type == GUST_CONF_BOOL ? json_boolean(!strcmp(k->default_value, "true"))
                                                : json_string(k->default_value);
    json_object_set_new(conf, k->key, value);
  }
  const gust_daemon_conf_key *daemon_keys = gust_daemon_conf_keys(&n);
  for (gsize i = 0; i < n; i++)
    if (daemon_keys[i].default_json)
      json_object_set_new(conf, daemon_keys[i].key, json_of(daemon_keys[i].default_json));
  return conf;
}

static gboolean is_host_list(const json_t *value)
{
  if (!json_is_array(value) || json_array_size(value) == 0) return FALSE;
  size_t i;
  json_t *item;
  json_array_foreach(value, i,
                     item) if (!json_is_string(item) || !*json_string_value(item)) return FALSE;
  return TRUE;
}

static gboolean is_port_list(const json_t *value)
{
  if (!json_is_array(value)) return FALSE;
  size_t i;
  json_t *item;
  gint port;
  json_array_foreach(value, i,
                     item) if (!gust_conf_value_to_int(item, 1, 65535, &port)) return FALSE;
  return TRUE;
}

/* What a daemon key's value must be, or NULL when value is one. */
static char *daemon_value_problem(const gust_daemon_conf_key *k, const json_t *value)
{
  gint number;
  switch (k->type) {
  case GUST_DAEMON_CONF_INT:
    if (gust_conf_value_to_int(value, k->min, k->max, &number)) return NULL;
    return g_strdup_printf("an integer in %d..%d", k->min, k->max);
  case GUST_DAEMON_CONF_STRING:
    if (json_is_string(value) && *json_string_value(value)) return NULL;
    return g_strdup("non-empty text");
  case GUST_DAEMON_CONF_HOSTS:
    if (is_host_list(value)) return NULL;
    return g_strdup("a non-empty list of host names, e.g. [\"localhost\"]");
  case GUST_DAEMON_CONF_PORTS:
    if (is_port_list(value)) return NULL;
    return g_strdup("a list of ports in 1..65535, e.g. [6700, 6701]");
  case GUST_DAEMON_CONF_WORDS:
    if (gust_conf_value_is_strings(value)) return NULL;
    return g_strdup("a string or a list of strings");
  }
  g_assert_not_reached();
}

/* Checks one value set at where ("storm.yaml:3", "-c k=v"). */
static gboolean check_value(const char *where, const char *key, const json_t *value, GError **error)
{
  const gust_daemon_conf_key *k = gust_daemon_conf_key_find(key);
  if (k) {
    g_autofree char *problem = daemon_value_problem(k, value);
    if (!problem) return TRUE;
    g_autofree char *shown = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
    g_set_error(error, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_INVALID,
                "%s: '%s' must be %s (got %s)", where, key, problem, shown);
    return FALSE;
  }
  if (!gust_conf_key_find(key)) return TRUE; /* passed on untouched */
  json_t *single = json_pack("{sO}", key, value);
  GError *conf_error = NULL;
  gboolean ok = gust_conf_check(single, &conf_error);
  json_decref(single);
  if (ok) return TRUE;
  g_set_error(error, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_INVALID, "%s: %s", where,
              conf_error->message);
  g_error_free(conf_error);
  return FALSE;
}

static gboolean merge_file(json_t *conf, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  GError *io_error = NULL;
  if (!g_file_get_contents(path, &text, NULL, &io_error)) {
    g_set_error(error, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_IO,
                "cannot read the configuration file: %s", io_error->message);
    g_error_free(io_error);
    return FALSE;
  }
  GHashTable *lines = NULL;
  json_t *settings = gust_yaml_settings_parse(text, path, &lines, error);
  if (!settings) return FALSE;
  gboolean ok = TRUE;
  const char *key;
  json_t *value;
  json_object_foreach(settings, key, value)
  {
    if (json_is_null(value)) continue; /* "key: null" keeps the default */
    g_autofree char *where =
        g_strdup_printf("%s:%u", path, GPOINTER_TO_UINT(g_hash_table_lookup(lines, key)));
    if (!(ok = check_value(where, key, value, error))) break;
    json_object_set(conf, key, value);
  }
  json_decref(settings);
  g_hash_table_unref(lines);
  return ok;
}

static gboolean merge_override(json_t *conf, const char *option, GError **error)
{
  const char *equals = strchr(option, '=');
  if (!equals || equals == option) {
    g_set_error(error, GUST_DAEMON_CONF_ERROR, GUST_DAEMON_CONF_ERROR_SYNTAX,
                "-c %s: expected KEY=VALUE, e.g. -c nimbus.seeds='[\"127.0.0.1\"]'", option);
    return FALSE;
  }
  g_autofree char *key = g_strndup(option, (gsize)(equals - option));
  const char *text = equals + 1;
  json_t *value = json_loads(text, JSON_DECODE_ANY, NULL);
  if (!value) value = json_string(text); /* not JSON: the text itself, as Storm reads it */
  g_autofree char *where = g_strdup_printf("-c %s", option);
  gboolean ok = check_value(where, key, value, error);
  if (ok) json_object_set(conf, key, value);
  json_decref(value);
  return ok;
}

gboolean gust_daemon_conf_apply_overrides(json_t *conf, char **overrides, GError **error)
{
  for (char **o = overrides; o && *o; o++)
    if (!merge_override(conf, *o, error)) return FALSE;
  return TRUE;
}

json_t *gust_daemon_conf_load(const char *config_file, char **overrides, GError **error)
{
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  json_t *conf = defaults();
  g_autofree char *home_file = NULL;
  if (!config_file) {
    home_file = g_build_filename(g_get_home_dir(), ".storm", "storm.yaml", NULL);
    if (g_file_test(home_file, G_FILE_TEST_EXISTS)) config_file = home_file;
  }
  if (config_file && !merge_file(conf, config_file, error)) goto failed;
  if (!gust_daemon_conf_apply_overrides(conf, overrides, error)) goto failed;
  return conf;
failed:
  json_decref(conf);
  return NULL;
}

gint gust_daemon_conf_int(const json_t *conf, const char *key)
{
  const gust_daemon_conf_key *k = gust_daemon_conf_key_find(key);
  g_assert(k && k->type == GUST_DAEMON_CONF_INT);
  gint value = 0;
  if (gust_conf_value_to_int(json_object_get(conf, key), k->min, k->max, &value)) return value;
  json_t *fallback = json_of(k->default_json); /* a conf that was not loaded here */
  gust_conf_value_to_int(fallback, k->min, k->max, &value);
  json_decref(fallback);
  return value;
}

const char *gust_daemon_conf_string(const json_t *conf, const char *key)
{
  const gust_daemon_conf_key *k = gust_daemon_conf_key_find(key);
  g_assert(k && k->type == GUST_DAEMON_CONF_STRING);
  return json_string_value(json_object_get(conf, key));
}

void gust_daemon_conf_add_options(GOptionContext *context, gust_daemon_conf_args *args)
{
  const GOptionEntry entries[] = {
      {"config", 0, 0, G_OPTION_ARG_FILENAME, &args->config_file,
       "read Storm's configuration from FILE instead of ~/.storm/storm.yaml", "FILE"},
      {"override", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &args->overrides,
       "set a configuration key (repeatable); VALUE is JSON when it parses, else text",
       "KEY=VALUE"},
      G_OPTION_ENTRY_NULL,
  };
  g_option_context_add_main_entries(context, entries, NULL);
}

json_t *gust_daemon_conf_load_args(const gust_daemon_conf_args *args, GError **error)
{
  return gust_daemon_conf_load(args->config_file, args->overrides, error);
}

void gust_daemon_conf_args_clear(gust_daemon_conf_args *args)
{
  g_clear_pointer(&args->config_file, g_free);
  g_clear_pointer(&args->overrides, g_strfreev);
}
