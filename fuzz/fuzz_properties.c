/* fuzz_properties.c — the --filter properties reader on any text.
 *
 * Checks, besides memory safety: a refusal always says why, naming the
 * file and line; and valid UTF-8 in gives valid UTF-8 keys and values out
 * (\uXXXX escapes decode to whole characters, surrogate pairs included).
 */
#include "fuzz_support.h"

#include <gust/flux.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* the reader takes a C string, as g_file_get_contents gives it */
  char *text = g_strndup((const char *)data, size);
  GError *error = NULL;
  GHashTable *table = gust_properties_parse(text, "fuzz.properties", &error);
  if (table) {
    g_assert_no_error(error);
    if (g_utf8_validate(text, -1, NULL)) {
      GHashTableIter it;
      gpointer key, value;
      g_hash_table_iter_init(&it, table);
      while (g_hash_table_iter_next(&it, &key, &value)) {
        g_assert_true(g_utf8_validate(key, -1, NULL));
        g_assert_true(g_utf8_validate(value, -1, NULL));
      }
    }
    g_hash_table_unref(table);
  } else {
    g_assert_error(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_PROPERTIES);
    g_assert_true(g_str_has_prefix(error->message, "fuzz.properties:"));
    g_error_free(error);
  }
  g_free(text);
  return 0;
}
