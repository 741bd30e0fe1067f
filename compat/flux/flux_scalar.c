/* flux_scalar.c — what a YAML scalar means, and nodes as JSON.
 *
 * Flux parses with SnakeYAML, which types plain (unquoted) scalars by the
 * YAML 1.1 rules; config values and constructor arguments must come out
 * the same here:
 *   null   ""  ~  null Null NULL
 *   bool   true/false, yes/no, on/off in lower, Capitalised or UPPER case
 *   int    decimal, 0x hex, 0b binary, leading-0 octal, '_' separators,
 *          sexagesimal 1:30 (= 90); must fit 64 bits
 *   float  1.5, .5, 1e3, 1_000.5, sexagesimal 1:30.5; .inf/.nan are refused
 *          (JSON cannot hold them)
 *   string anything else, and every quoted scalar
 * An explicit tag (!!int, !!float, !!bool, !!null) forces that type.
 * (libyaml reports untagged scalars as !!str, so "!!str 12" cannot be told
 * from 12: quote the value to keep it a string.)  The
 * patterns are SnakeYAML's resolver patterns, compiled once per load into a
 * flux_scalar_resolver that lives in the load's flux_context.
 */
#include "flux_private.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define TAG_PREFIX "tag:yaml.org,2002:"

struct flux_scalar_resolver {
  GRegex *boolean, *integer, *floating, *null;
};

static GRegex *compile(const char *pattern)
{
  GError *error = NULL;
  GRegex *regex = g_regex_new(pattern, G_REGEX_OPTIMIZE, 0, &error);
  g_assert_no_error(error); /* the patterns are constants */
  return regex;
}

flux_scalar_resolver *flux_scalar_resolver_new(void)
{
  flux_scalar_resolver *resolver = g_new0(flux_scalar_resolver, 1);
  resolver->boolean =
      compile("^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$");
  resolver->integer = compile("^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)"
                              "|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$");
  resolver->floating = compile("^(?:[-+]?(?:\\.[0-9]+|[0-9_]+(?:\\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
                               "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
                               "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");
  resolver->null = compile("^(?:~|null|Null|NULL|)$");
  return resolver;
}

void flux_scalar_resolver_free(flux_scalar_resolver *resolver)
{
  if (!resolver) return;
  g_regex_unref(resolver->boolean);
  g_regex_unref(resolver->integer);
  g_regex_unref(resolver->floating);
  g_regex_unref(resolver->null);
  g_free(resolver);
}

static char *without_underscores(const char *text)
{
  GString *out = g_string_new(NULL);
  for (const char *c = text; *c; c++)
    if (*c != '_') g_string_append_c(out, *c);
  return g_string_free(out, FALSE);
}

/* Parses a YAML 1.1 int (already matched by the pattern). */
static gboolean parse_integer(const char *text, gint64 *out)
{
  char *digits = without_underscores(text);
  const char *p = digits;
  gboolean negative = *p == '-';
  if (*p == '-' || *p == '+') p++;
  guint64 magnitude = 0;
  gboolean ok = TRUE;
  if (strchr(p, ':')) {
    char **parts = g_strsplit(p, ":", -1);
    for (char **part = parts; *part && ok; part++) {
      guint64 v = g_ascii_strtoull(*part, NULL, 10);
      ok = magnitude <= (G_MAXUINT64 - v) / 60;
      magnitude = magnitude * 60 + v;
    }
    g_strfreev(parts);
  } else {
    guint base = 10;
    if (g_str_has_prefix(p, "0x"))
      base = 16, p += 2;
    else if (g_str_has_prefix(p, "0b"))
      base = 2, p += 2;
    else if (p[0] == '0' && p[1])
      base = 8, p += 1;
    char *end;
    errno = 0;
    magnitude = *p ? g_ascii_strtoull(p, &end, base) : 0;
    ok = errno == 0 && (!*p || *end == '\0');
  }
  g_free(digits);
  if (!ok) return FALSE;
  if (negative) {
    if (magnitude > (guint64)G_MAXINT64 + 1) return FALSE;
    *out = magnitude == (guint64)G_MAXINT64 + 1 ? G_MININT64 : -(gint64)magnitude;
  } else {
    if (magnitude > G_MAXINT64) return FALSE;
    *out = (gint64)magnitude;
  }
  return TRUE;
}

/* Parses a finite YAML 1.1 float (already matched by the pattern). */
static gboolean parse_float(const char *text, double *out)
{
  char *digits = without_underscores(text);
  gboolean ok = TRUE;
  if (strchr(digits, ':')) {
    const char *p = digits;
    double sign = *p == '-' ? -1.0 : 1.0;
    if (*p == '-' || *p == '+') p++;
    char **parts = g_strsplit(p, ":", -1);
    double value = 0;
    for (char **part = parts; *part; part++)
      value = value * 60 + g_ascii_strtod(*part, NULL);
    g_strfreev(parts);
    *out = sign * value;
  } else {
    char *end;
    *out = g_ascii_strtod(digits, &end);
    ok = end != digits && *end == '\0';
  }
  g_free(digits);
  return ok && isfinite(*out);
}

static gboolean is_true_word(const char *t)
{
  return g_ascii_strcasecmp(t, "true") == 0 || g_ascii_strcasecmp(t, "yes") == 0 ||
         g_ascii_strcasecmp(t, "on") == 0;
}

static json_t *scalar_error(const char *file, const flux_node *node, const char *what,
                            GError **error)
{
  flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, node->line, "'%s' %s", node->text, what);
  return NULL;
}

static json_t *typed_integer(const flux_node *node, const char *file, GError **error)
{
  gint64 value;
  if (!parse_integer(node->text, &value))
    return scalar_error(file, node, "is an integer outside the 64-bit range", error);
  return json_integer(value);
}

static json_t *typed_float(const flux_node *node, const char *file, GError **error)
{
  double value;
  if (!parse_float(node->text, &value))
    return scalar_error(file, node, "is not a finite number (JSON has no inf or nan)", error);
  return json_real(value);
}

static json_t *resolve_tagged(const flux_context *context, const flux_node *node, const char *file,
                              GError **error)
{
  const flux_scalar_resolver *r = context->resolver;
  const char *tag = node->tag;
  const char *name = g_str_has_prefix(tag, TAG_PREFIX) ? tag + strlen(TAG_PREFIX) : "";
  if (g_str_equal(name, "int") && g_regex_match(r->integer, node->text, 0, NULL))
    return typed_integer(node, file, error);
  if (g_str_equal(name, "float") && (g_regex_match(r->floating, node->text, 0, NULL) ||
                                     g_regex_match(r->integer, node->text, 0, NULL)))
    return typed_float(node, file, error);
  if (g_str_equal(name, "bool") && g_regex_match(r->boolean, node->text, 0, NULL))
    return json_boolean(is_true_word(node->text));
  if (g_str_equal(name, "null") && g_regex_match(r->null, node->text, 0, NULL)) return json_null();
  flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, node->line, "'%s' cannot be read with the tag %s",
            node->text, tag);
  return NULL;
}

static json_t *resolve_scalar(const flux_context *context, const flux_node *node, const char *file,
                              GError **error)
{
  const flux_scalar_resolver *r = context->resolver;
  if (node->tag) return resolve_tagged(context, node, file, error);
  if (!node->plain) return json_string(node->text);
  if (g_regex_match(r->null, node->text, 0, NULL)) return json_null();
  if (g_regex_match(r->boolean, node->text, 0, NULL)) return json_boolean(is_true_word(node->text));
  if (g_regex_match(r->integer, node->text, 0, NULL)) return typed_integer(node, file, error);
  if (g_regex_match(r->floating, node->text, 0, NULL)) {
    double value;
    if (parse_float(node->text, &value)) return json_real(value);
    if (strstr(node->text, "inf") || strstr(node->text, "Inf") || strstr(node->text, "INF") ||
        strstr(node->text, "nan") || strstr(node->text, "NaN") || strstr(node->text, "NAN"))
      return typed_float(node, file, error);
  }
  return json_string(node->text);
}

json_t *flux_node_to_json(const flux_context *context, const flux_node *node, const char *file,
                          GError **error)
{
  switch (node->type) {
  case FLUX_NODE_SCALAR:
    return resolve_scalar(context, node, file, error);
  case FLUX_NODE_SEQUENCE: {
    json_t *array = json_array();
    for (guint i = 0; i < node->items->len; i++) {
      json_t *item = flux_node_to_json(context, g_ptr_array_index(node->items, i), file, error);
      if (!item) {
        json_decref(array);
        return NULL;
      }
      json_array_append_new(array, item);
    }
    return array;
  }
  case FLUX_NODE_MAPPING: {
    json_t *object = json_object();
    for (guint i = 0; i < node->pairs->len; i++) {
      const flux_pair *pair = g_ptr_array_index(node->pairs, i);
      json_t *value = flux_node_to_json(context, pair->value, file, error);
      if (!value) {
        json_decref(object);
        return NULL;
      }
      json_object_set_new(object, pair->key, value);
    }
    return object;
  }
  }
  g_assert_not_reached();
}

/* ---- typed schema reads ---- */

gboolean flux_node_text(const flux_node *node, const char *what, const char *file, const char **out,
                        GError **error)
{
  if (!node || node->type != FLUX_NODE_SCALAR || flux_node_is_null(node))
    return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, node ? node->line : 0,
                     "%s must be a single value, not %s", what,
                     !node || flux_node_is_null(node) ? "empty" : flux_node_type_name(node));
  *out = node->text;
  return TRUE;
}

gboolean flux_node_int(const flux_context *context, const flux_node *node, const char *what,
                       const char *file, gint *out, GError **error)
{
  flux_node plain = *node;
  plain.plain = TRUE; /* SnakeYAML reads a quoted "4" into an int field too */
  json_t *value =
      node->type == FLUX_NODE_SCALAR ? resolve_scalar(context, &plain, file, error) : NULL;
  if (node->type == FLUX_NODE_SCALAR && !value) return FALSE;
  gboolean ok = json_is_integer(value) && json_integer_value(value) >= G_MININT &&
                json_integer_value(value) <= G_MAXINT;
  if (ok) *out = (gint)json_integer_value(value);
  json_decref(value);
  if (!ok)
    return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, node->line,
                     "%s must be a whole number, got %s%s%s", what,
                     node->type == FLUX_NODE_SCALAR ? "'" : "",
                     node->type == FLUX_NODE_SCALAR ? node->text : flux_node_type_name(node),
                     node->type == FLUX_NODE_SCALAR ? "'" : "");
  return TRUE;
}

gboolean flux_node_bool(const flux_context *context, const flux_node *node, const char *what,
                        const char *file, gboolean *out, GError **error)
{
  if (node->type == FLUX_NODE_SCALAR &&
      g_regex_match(context->resolver->boolean, node->text, 0, NULL)) {
    *out = is_true_word(node->text);
    return TRUE;
  }
  return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, node->line, "%s must be true or false",
                   what);
}

gboolean flux_node_strv(const flux_node *node, const char *what, const char *file, char ***out,
                        GError **error)
{
  if (node->type != FLUX_NODE_SEQUENCE)
    return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, node->line, "%s must be a list, not %s",
                     what, flux_node_type_name(node));
  GPtrArray *strings = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < node->items->len; i++) {
    const flux_node *item = g_ptr_array_index(node->items, i);
    if (item->type != FLUX_NODE_SCALAR) {
      g_ptr_array_free(strings, TRUE);
      return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, item->line,
                       "%s must be a list of names, not of %s", what, flux_node_type_name(item));
    }
    g_ptr_array_add(strings, g_strdup(item->text));
  }
  g_ptr_array_add(strings, NULL);
  *out = (char **)g_ptr_array_free(strings, FALSE);
  return TRUE;
}
