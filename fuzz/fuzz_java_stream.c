/* fuzz_java_stream.c — the Java serialization reader (compat/thrift's
 * java_stream.h) and the PartialKeyGrouping reader on top of it, on any
 * bytes.
 *
 * Checks, besides memory safety: a refusal always says at which byte; a
 * stream that reads can be walked whole through the accessors (every
 * field, annotation, array element and list element), however its
 * references loop.
 */
#include "fuzz_support.h"

#include "java_stream.h"
#include "thrift_private.h"

#include <gust/storm_thrift.h>
#include <string.h>

/* Visits each value once (references can make the tree a graph). */
static void walk(const java_value *v, GHashTable *seen, guint depth)
{
  if (!v || depth > 100 || !g_hash_table_add(seen, (gpointer)v)) return;
  (void)java_value_class_name(v);
  (void)java_value_text(v);
  (void)java_value_number(v);
  for (guint i = 0; i < java_object_n_annotations(v); i++)
    walk(java_object_annotation(v, i), seen, depth + 1);
  for (guint i = 0; i < java_array_length(v); i++)
    walk(java_array_element(v, i), seen, depth + 1);
  const char *fields[] = {"fields", "_fields", "list", "c", "a", "assignmentCreator"};
  for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
    walk(java_object_field(v, fields[i]), seen, depth + 1);
  guint n = 0;
  const java_value **items = java_list_elements(v, &n);
  for (guint i = 0; items && i < n; i++)
    walk(items[i], seen, depth + 1);
  g_free(items);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  GError *error = NULL;
  java_stream *stream = java_stream_read(data, size, &error);
  if (stream) {
    g_assert_no_error(error);
    GHashTable *seen = g_hash_table_new(NULL, NULL);
    walk(java_stream_root(stream), seen, 0);
    g_hash_table_unref(seen);
    java_stream_free(stream);
  } else {
    g_assert_nonnull(error);
    g_assert_true(g_str_has_prefix(error->message, "Java-serialized bytes, at byte "));
    g_clear_error(&error);
  }
  gust_grouping *grouping = gust_partial_key_from_serialized(data, size, "word", "input", &error);
  if (grouping) {
    g_assert_no_error(error);
    gust_grouping_free(grouping);
  } else {
    g_assert_true(g_str_has_prefix(error->message, "input: "));
    g_clear_error(&error);
  }
  return 0;
}
