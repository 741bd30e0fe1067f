/* flux_subst.c — ${...} substitution on the raw text of a Flux file.
 *
 * Runs before YAML parsing, line by line, like Flux 2.4+, with two
 * deliberate differences: every placeholder on a line is replaced (Flux:
 * only the last), and a property placeholder that cannot be resolved is an
 * error naming the line and the placeholder (Flux: a warning, text left as
 * is).
 *
 *   ${ENV-NAME}  the environment variable NAME, when --env-filter is on;
 *                an unset NAME leaves the placeholder as literal text with
 *                a warning, as Flux's FluxParser does (when the filter is
 *                off, a property literally named "ENV-NAME" is still used,
 *                as Flux does)
 *   ${key[N]}    element N (from 0) of a property holding a list literal
 *                such as ["a", "b"]; surrounding quotes are stripped
 *   ${key}       the property key from the --filter file
 *
 * Replacement text is inserted verbatim and is not scanned again.  A "${"
 * without a closing "}" on its line, and "${}", are not placeholders.
 * Lines whose first non-blank character is '#' are YAML comments and are
 * copied unchanged: a comment cannot change the topology.
 */
#define G_LOG_DOMAIN "gust-flux"

#include "flux_private.h"

#include <string.h>

static const char env_prefix[] = "ENV-";

static gboolean unresolved(GError **error, const char *file, guint line, const char *placeholder,
                           const char *why)
{
  return flux_fail(error, GUST_FLUX_ERROR_SUBSTITUTION, file, line,
                   "unresolved placeholder ${%s}: %s", placeholder, why);
}

static char *missing_property_reason(const flux_context *context, const char *key)
{
  if (!context->properties) return g_strdup("no properties file was given (--filter)");
  return g_strdup_printf("'%s' is not defined in %s", key, context->properties_file);
}

/* Element index of a list literal like ["a","b"]; NULL when out of range
 * or not a list. */
static char *list_element(const char *list, guint64 index)
{
  char *trimmed = g_strstrip(g_strdup(list));
  gsize len = strlen(trimmed);
  char *result = NULL;
  if (len >= 2 && trimmed[0] == '[' && trimmed[len - 1] == ']') {
    trimmed[len - 1] = '\0';
    char **items = g_strsplit(trimmed + 1, ",", -1);
    if (index < g_strv_length(items)) {
      char *item = g_strstrip(items[index]);
      gsize item_len = strlen(item);
      if (item_len >= 2 && (item[0] == '"' || item[0] == '\'') && item[item_len - 1] == item[0])
        result = g_strndup(item + 1, item_len - 2);
      else
        result = g_strdup(item);
    }
    g_strfreev(items);
  }
  g_free(trimmed);
  return result;
}

/* Splits "key[N]" into key and N; FALSE if placeholder has another shape. */
static gboolean parse_indexed(const char *placeholder, char **key, guint64 *index)
{
  gsize len = strlen(placeholder);
  const char *open = strrchr(placeholder, '[');
  if (!open || open == placeholder || placeholder[len - 1] != ']' ||
      open + 1 == placeholder + len - 1)
    return FALSE;
  for (const char *c = open + 1; c < placeholder + len - 1; c++)
    if (!g_ascii_isdigit(*c)) return FALSE;
  *index = g_ascii_strtoull(open + 1, NULL, 10);
  *key = g_strndup(placeholder, open - placeholder);
  return TRUE;
}

static const char *lookup_property(const flux_context *context, const char *key)
{
  return context->properties ? g_hash_table_lookup(context->properties, key) : NULL;
}

/* Resolves one placeholder (the text between "${" and "}"). */
static char *resolve(const flux_context *context, const char *placeholder, const char *file,
                     guint line, GError **error)
{
  const char *value;
  if (g_str_has_prefix(placeholder, env_prefix)) {
    const char *name = placeholder + strlen(env_prefix);
    if (context->env_filter) {
      value = g_environ_getenv(context->environment, name);
      if (value) return g_strdup(value);
      g_warning("%s:%u: environment variable %s is not set: ${%s} is left as it is", file, line,
                name, placeholder);
      return g_strdup_printf("${%s}", placeholder);
    }
    if ((value = lookup_property(context, placeholder))) return g_strdup(value);
    unresolved(error, file, line, placeholder,
               "environment substitution is off (enable it with --env-filter)");
    return NULL;
  }

  char *key = NULL;
  guint64 index;
  if (parse_indexed(placeholder, &key, &index)) {
    const char *list = lookup_property(context, key);
    char *element = list ? list_element(list, index) : NULL;
    if (!list) {
      char *why = missing_property_reason(context, key);
      unresolved(error, file, line, placeholder, why);
      g_free(why);
    } else if (!element) {
      char *why = g_strdup_printf(
          "property '%s' (%s) is not a list with an element %" G_GUINT64_FORMAT, key, list, index);
      unresolved(error, file, line, placeholder, why);
      g_free(why);
    }
    g_free(key);
    return element;
  }

  if ((value = lookup_property(context, placeholder))) return g_strdup(value);
  char *why = missing_property_reason(context, placeholder);
  unresolved(error, file, line, placeholder, why);
  g_free(why);
  return NULL;
}

static gboolean is_comment_line(const char *line, gsize len)
{
  gsize i = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t'))
    i++;
  return i < len && line[i] == '#';
}

/* Appends line[0..len) to out with its placeholders replaced. */
static gboolean substitute_line(const flux_context *context, const char *line, gsize len,
                                const char *file, guint line_no, GString *out, GError **error)
{
  const char *end = line + len, *p = line;
  while (p < end) {
    const char *open = g_strstr_len(p, end - p, "${");
    const char *close = open ? memchr(open + 2, '}', end - (open + 2)) : NULL;
    if (!open || !close) {
      g_string_append_len(out, p, end - p);
      break;
    }
    g_string_append_len(out, p, open - p);
    if (close == open + 2) { /* "${}" */
      g_string_append(out, "${}");
    } else {
      char *placeholder = g_strndup(open + 2, close - (open + 2));
      char *value = resolve(context, placeholder, file, line_no, error);
      g_free(placeholder);
      if (!value) return FALSE;
      g_string_append(out, value);
      g_free(value);
    }
    p = close + 1;
  }
  return TRUE;
}

char *flux_substitute(const flux_context *context, const char *text, const char *file,
                      GError **error)
{
  GString *out = g_string_sized_new(strlen(text) + 64);
  guint line_no = 0;
  for (const char *p = text; *p;) {
    gsize len = strcspn(p, "\n");
    line_no++;
    if (is_comment_line(p, len)) {
      g_string_append_len(out, p, len);
    } else if (!substitute_line(context, p, len, file, line_no, out, error)) {
      g_string_free(out, TRUE);
      return NULL;
    }
    p += len;
    if (*p == '\n') {
      g_string_append_c(out, '\n');
      p++;
    }
  }
  return g_string_free(out, FALSE);
}
