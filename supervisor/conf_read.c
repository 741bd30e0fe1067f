/* conf_read.c — typed reads of the daemon configuration (a jansson object
 * of Storm keys, already merged from defaults, storm.yaml and -c by the
 * command).  The fallbacks are Storm's defaults, for a conf that lacks a
 * key.  No state. */
#define G_LOG_DOMAIN "gust-supervisor"

#include "supervisor_private.h"

static gboolean conf_error(GError **error, const char *key, json_t *value, const char *want)
{
  g_autofree char *text = value ? json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
  g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_CONF,
              "configuration %s: %s is not %s", key, text ? text : "(missing)", want);
  return FALSE;
}

gboolean sv_conf_int(json_t *conf, const char *key, gint64 fallback, gint64 min, gint64 max,
                     gint64 *value, GError **error)
{
  json_t *v = json_object_get(conf, key);
  if (!v || json_is_null(v)) {
    *value = fallback;
    return TRUE;
  }
  g_autofree char *want =
      g_strdup_printf("an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, min, max);
  if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
    return conf_error(error, key, v, want);
  *value = json_integer_value(v);
  return TRUE;
}

gboolean sv_conf_string(json_t *conf, const char *key, const char *fallback, const char **value,
                        GError **error)
{
  json_t *v = json_object_get(conf, key);
  if (!v || json_is_null(v)) {
    *value = fallback;
    return TRUE;
  }
  if (!json_is_string(v) || !*json_string_value(v))
    return conf_error(error, key, v, "a non-empty string");
  *value = json_string_value(v);
  return TRUE;
}

GArray *sv_conf_ports(json_t *conf, GError **error)
{
  static const int storm_default[] = {6700, 6701, 6702, 6703};
  GArray *ports = g_array_new(FALSE, FALSE, sizeof(int));
  json_t *v = json_object_get(conf, "supervisor.slots.ports");
  if (!v || json_is_null(v)) {
    g_array_append_vals(ports, storm_default, G_N_ELEMENTS(storm_default));
    return ports;
  }
  size_t i;
  json_t *p;
  if (!json_is_array(v) || json_array_size(v) == 0) goto bad;
  json_array_foreach(v, i, p)
  {
    if (!json_is_integer(p) || json_integer_value(p) < 1 || json_integer_value(p) > 65535) goto bad;
    int port = (int)json_integer_value(p);
    for (guint j = 0; j < ports->len; j++)
      if (g_array_index(ports, int, j) == port) goto bad;
    g_array_append_val(ports, port);
  }
  return ports;
bad:
  g_array_unref(ports);
  conf_error(error, "supervisor.slots.ports", v, "a list of distinct ports from 1 to 65535");
  return NULL;
}

char *sv_conf_hostname(json_t *conf)
{
  json_t *v = json_object_get(conf, "storm.local.hostname");
  if (json_is_string(v) && *json_string_value(v)) return g_strdup(json_string_value(v));
  return g_strdup(g_get_host_name());
}
