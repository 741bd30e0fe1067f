/* flux_properties.c — Java .properties files, as Flux's --filter reads them.
 *
 * The text is split into natural lines (\n, \r\n or \r).  Blank lines and
 * lines whose first non-blank character is # or ! are skipped.  A line
 * ending in an odd number of backslashes continues on the next one, whose
 * leading whitespace is dropped (comment lines never continue).  The key
 * runs to the first unescaped '=', ':' or whitespace; then whitespace, at
 * most one '=' or ':', and whitespace again are skipped; the rest is the
 * value (trailing whitespace kept, as in Java).  Escapes: \t \n \r \f,
 * \uXXXX (a UTF-16 code unit, as in Java: a surrogate pair is one
 * character; a lone surrogate or \u0000 is an error), and a backslash
 * before any other character stands for that character.  A later key
 * replaces an earlier one.
 */
#include "flux_private.h"

#include <string.h>

static gboolean is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\f';
}

/* Number of backslashes ending line[0..len). */
static gsize trailing_backslashes(const char *line, gsize len)
{
  gsize n = 0;
  while (n < len && line[len - 1 - n] == '\\')
    n++;
  return n;
}

/* Reads the four hex digits of a \uXXXX escape after s[*i] (the 'u');
 * FALSE if they are not there. */
static gboolean read_code_unit(const char *s, gsize len, gsize *i, gunichar *unit)
{
  *unit = 0;
  for (int k = 0; k < 4; k++) {
    if (*i + 1 >= len || !g_ascii_isxdigit(s[*i + 1])) return FALSE;
    *unit = *unit * 16 + (gunichar)g_ascii_xdigit_value(s[++*i]);
  }
  return TRUE;
}

static const char malformed_escape[] = "malformed \\uXXXX escape",
                  lone_high_surrogate[] =
                      "lone UTF-16 surrogate: \\uD800-\\uDBFF must be followed by \\uDC00-\\uDFFF";

/* Decodes the \uXXXX escape whose 'u' is s[*i] into out, with the low
 * half of a surrogate pair when it is one, and moves *i to its last digit.
 * NULL, or why it cannot be decoded (static text). */
static const char *decode_unicode_escape(const char *s, gsize len, gsize *i, GString *out)
{
  gunichar code, low;
  if (!read_code_unit(s, len, i, &code)) return malformed_escape;
  if (code >= 0xD800 && code <= 0xDBFF) {
    if (*i + 2 >= len || s[*i + 1] != '\\' || s[*i + 2] != 'u') return lone_high_surrogate;
    *i += 2;
    if (!read_code_unit(s, len, i, &low)) return malformed_escape;
    if (low < 0xDC00 || low > 0xDFFF) return lone_high_surrogate;
    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
  } else if (code >= 0xDC00 && code <= 0xDFFF) {
    return "lone UTF-16 surrogate: \\uDC00-\\uDFFF must follow \\uD800-\\uDBFF";
  } else if (code == 0) {
    return "\\u0000 (NUL) cannot be used in a property";
  }
  g_string_append_unichar(out, code);
  return NULL;
}

/* Decodes escapes in s[0..len) into out.  A \uXXXX escape is one UTF-16
 * code unit, as in Java: a surrogate pair is one character.  NULL, or why
 * an escape cannot be decoded. */
static const char *unescape(const char *s, gsize len, GString *out)
{
  for (gsize i = 0; i < len; i++) {
    if (s[i] != '\\' || i + 1 >= len) {
      if (s[i] != '\\') g_string_append_c(out, s[i]);
      continue;
    }
    char c = s[++i];
    const char *why;
    switch (c) {
    case 't':
      g_string_append_c(out, '\t');
      break;
    case 'n':
      g_string_append_c(out, '\n');
      break;
    case 'r':
      g_string_append_c(out, '\r');
      break;
    case 'f':
      g_string_append_c(out, '\f');
      break;
    case 'u':
      if ((why = decode_unicode_escape(s, len, &i, out))) return why;
      break;
    default:
      g_string_append_c(out, c);
      break;
    }
  }
  return NULL;
}

/* Splits one logical line into key and value and stores them. */
static gboolean store_logical_line(GHashTable *table, const char *line, gsize len, const char *file,
                                   guint line_no, GError **error)
{
  gsize i = 0, key_end;
  while (i < len && !(strchr("=:", line[i]) || is_blank(line[i]))) {
    if (line[i] == '\\') i++;
    i++;
  }
  key_end = MIN(i, len);
  while (i < len && is_blank(line[i]))
    i++;
  if (i < len && (line[i] == '=' || line[i] == ':')) i++;
  while (i < len && is_blank(line[i]))
    i++;

  GString *key = g_string_new(NULL), *value = g_string_new(NULL);
  const char *why = unescape(line, key_end, key);
  if (!why) why = unescape(line + i, len - i, value);
  if (why) {
    g_string_free(key, TRUE);
    g_string_free(value, TRUE);
    return flux_fail(error, GUST_FLUX_ERROR_PROPERTIES, file, line_no, "%s", why);
  }
  g_hash_table_replace(table, g_string_free(key, FALSE), g_string_free(value, FALSE));
  return TRUE;
}

GHashTable *gust_properties_parse(const char *text, const char *display_name, GError **error)
{
  GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  GString *logical = g_string_new(NULL);
  guint line_no = 0, logical_start = 0;
  gboolean continuing = FALSE;
  const char *p = text;

  while (*p) {
    gsize len = strcspn(p, "\r\n");
    const char *next = p + len;
    if (*next == '\r' && next[1] == '\n')
      next += 2;
    else if (*next)
      next += 1;
    line_no++;

    const char *line = p;
    while (len > 0 && is_blank(*line)) {
      line++;
      len--;
    }
    p = next;
    if (!continuing) {
      if (len == 0 || *line == '#' || *line == '!') continue;
      logical_start = line_no;
    }
    continuing = trailing_backslashes(line, len) % 2 == 1;
    g_string_append_len(logical, line, continuing ? len - 1 : len);
    if (continuing) continue;
    gboolean ok =
        store_logical_line(table, logical->str, logical->len, display_name, logical_start, error);
    g_string_truncate(logical, 0);
    if (!ok) goto fail;
  }
  if (continuing &&
      !store_logical_line(table, logical->str, logical->len, display_name, logical_start, error))
    goto fail;
  g_string_free(logical, TRUE);
  return table;

fail:
  g_string_free(logical, TRUE);
  g_hash_table_unref(table);
  return NULL;
}

GHashTable *gust_properties_load_file(const char *path, GError **error)
{
  char *text = NULL;
  GError *local = NULL;
  if (!g_file_get_contents(path, &text, NULL, &local)) {
    flux_fail(error, GUST_FLUX_ERROR_IO, path, 0, "cannot read properties file: %s",
              local->message);
    g_error_free(local);
    return NULL;
  }
  GHashTable *table = gust_properties_parse(text, path, error);
  g_free(text);
  return table;
}
