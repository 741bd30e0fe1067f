/* conf.c — reading and checking configuration values the way Storm does
 * (see gust/conf.h; the keys are in conf_keys.c).
 *
 * Coercions follow Storm's ObjectReader.getInt and the @IsInteger /
 * @IsBoolean validators of Config.java: an int is a whole number within
 * Java's int range, given as a number or as decimal text; a bool is a JSON
 * boolean.  Nothing here keeps state: every call reads the conf it is
 * given.
 */
#include <gust/conf.h>

#include <math.h>
#include <string.h>

/* clang-format off */
G_DEFINE_QUARK(gust-conf-error-quark, gust_conf_error)
/* clang-format on */

const gust_conf_key *gust_conf_key_find(const char *key)
{
  gsize n;
  const gust_conf_key *keys = gust_conf_keys(&n);
  for (gsize i = 0; key && i < n; i++)
    if (g_str_equal(keys[i].key, key)) return &keys[i];
  return NULL;
}

/* Integer.parseInt: an optional sign, then decimal digits, nothing else. */
static gboolean parse_java_int(const char *text, gint64 *out)
{
  const char *digits = text + (*text == '+' || *text == '-');
  if (!*digits) return FALSE;
  for (const char *p = digits; *p; p++)
    if (!g_ascii_isdigit(*p)) return FALSE;
  return g_ascii_string_to_signed(text, 10, G_MININT, G_MAXINT, out, NULL);
}

gboolean gust_conf_value_is_strings(const json_t *value)
{
  if (json_is_string(value)) return TRUE;
  if (!json_is_array(value)) return FALSE;
  size_t i;
  json_t *item;
  json_array_foreach(value, i, item)
  {
    if (!json_is_string(item)) return FALSE;
  }
  return TRUE;
}

gboolean gust_conf_value_to_int(const json_t *value, gint min, gint max, gint *out)
{
  gint64 v;
  if (json_is_integer(value)) {
    v = json_integer_value(value);
  } else if (json_is_real(value)) {
    double d = json_real_value(value);
    if (!isfinite(d) || d != floor(d) || d < G_MININT || d > G_MAXINT) return FALSE;
    v = (gint64)d;
  } else if (json_is_string(value)) {
    if (!parse_java_int(json_string_value(value), &v)) return FALSE;
  } else {
    return FALSE;
  }
  if (v < min || v > max) return FALSE;
  *out = (gint)v;
  return TRUE;
}

static gboolean is_unset(const json_t *value)
{
  return !value || json_is_null(value);
}

static gboolean is_choice(const gust_conf_key *k, const char *s)
{
  if (!*s) return FALSE;
  for (const char *const *c = k->choices; c && *c; c++)
    if (g_str_equal(*c, s)) return TRUE;
  return !k->choices;
}

static gboolean value_is_valid(const gust_conf_key *k, const json_t *value)
{
  gint ignored;
  switch (k->type) {
  case GUST_CONF_INT:
    return gust_conf_value_to_int(value, k->min, k->max, &ignored);
  case GUST_CONF_BOOL:
    return json_is_boolean(value);
  case GUST_CONF_STRING:
    return json_is_string(value) && is_choice(k, json_string_value(value));
  case GUST_CONF_STRINGS:
    return gust_conf_value_is_strings(value);
  }
  g_assert_not_reached();
}

/* What a valid value of k looks like, for error messages. */
static void append_expectation(GString *out, const gust_conf_key *k)
{
  switch (k->type) {
  case GUST_CONF_INT:
    g_string_append_printf(out, "an integer from %d to %d", k->min, k->max);
    return;
  case GUST_CONF_BOOL:
    g_string_append(out, "true or false");
    return;
  case GUST_CONF_STRING:
    if (!k->choices) {
      g_string_append(out, "a non-empty string");
      return;
    }
    g_string_append(out, "one of ");
    for (const char *const *c = k->choices; *c; c++)
      g_string_append_printf(out, "%s\"%s\"", c == k->choices ? "" : ", ", *c);
    return;
  case GUST_CONF_STRINGS:
    g_string_append(out, "a string or a list of strings");
    return;
  }
}

gboolean gust_conf_check(const json_t *conf, GError **error)
{
  gsize n;
  const gust_conf_key *keys = gust_conf_keys(&n);
  for (gsize i = 0; i < n; i++) {
    const json_t *value = json_object_get(conf, keys[i].key);
    if (is_unset(value) || value_is_valid(&keys[i], value)) continue;
    g_autoptr(GString) message = g_string_new(NULL);
    g_string_append_printf(message, "'%s' must be ", keys[i].key);
    append_expectation(message, &keys[i]);
    g_autofree char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
    if (text && strlen(text) > 80) strcpy(text + 77, "...");
    g_string_append_printf(message, " (got %s)", text ? text : "?");
    g_set_error_literal(error, GUST_CONF_ERROR, GUST_CONF_ERROR_INVALID, message->str);
    return FALSE;
  }
  return TRUE;
}

const json_t *gust_conf_pick(const json_t *component_conf, const json_t *topology_conf,
                             const char *key)
{
  return is_unset(json_object_get(component_conf, key)) ? topology_conf : component_conf;
}

/* The row of key, which must be of the given type. */
static const gust_conf_key *row_of(const char *key, gust_conf_type type)
{
  const gust_conf_key *k = gust_conf_key_find(key);
  g_assert(k && k->type == type);
  return k;
}

gboolean gust_conf_lookup_int(const json_t *conf, const char *key, gint *out)
{
  const gust_conf_key *k = row_of(key, GUST_CONF_INT);
  if (gust_conf_value_to_int(json_object_get(conf, key), k->min, k->max, out)) return TRUE;
  if (!k->default_value) return FALSE;
  *out = (gint)g_ascii_strtoll(k->default_value, NULL, 10);
  return TRUE;
}

gint gust_conf_int(const json_t *conf, const char *key)
{
  gint value = 0;
  gboolean has_value = gust_conf_lookup_int(conf, key, &value);
  g_assert(has_value);
  return value;
}

gboolean gust_conf_bool(const json_t *conf, const char *key)
{
  const gust_conf_key *k = row_of(key, GUST_CONF_BOOL);
  const json_t *value = json_object_get(conf, key);
  if (json_is_boolean(value)) return json_is_true(value);
  return !g_strcmp0(k->default_value, "true");
}

const char *gust_conf_string(const json_t *conf, const char *key)
{
  const gust_conf_key *k = row_of(key, GUST_CONF_STRING);
  const json_t *value = json_object_get(conf, key);
  if (json_is_string(value) && is_choice(k, json_string_value(value)))
    return json_string_value(value);
  return k->default_value;
}

static gboolean is_storm_key(const char *key)
{
  static const char *const prefixes[] = {"topology.", "storm.", "supervisor.",   "nimbus.",
                                         "worker.",   "drpc.",  "transactional."};
  for (gsize i = 0; i < G_N_ELEMENTS(prefixes); i++)
    if (g_str_has_prefix(key, prefixes[i])) return TRUE;
  return FALSE;
}

static gint compare_key_pointers(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *gust_conf_unhonoured_keys(const json_t *conf)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new();
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)conf, key, value)
  {
    if (is_storm_key(key) && !gust_conf_key_find(key)) g_ptr_array_add(found, (gpointer)key);
  }
  if (!found->len) return NULL;
  g_ptr_array_sort(found, compare_key_pointers);
  g_ptr_array_add(found, NULL);
  return g_strjoinv(", ", (char **)found->pdata);
}
