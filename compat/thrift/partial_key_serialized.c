/* partial_key_serialized.c — Storm's PartialKeyGrouping as the real
 * storm-client sends it: TopologyBuilder.partialKeyGrouping() wraps it in
 * customGrouping(), which Java-serializes the object into the Grouping's
 * `custom_serialized` field.  The bytes are read (java_stream.h) for the
 * grouping's key fields: its `fields` member, an org.apache.storm.tuple.Fields
 * whose list member (`fields` since Storm 2, `_fields` before) holds the
 * names; a null `fields` means Storm keys on the first value of the tuple,
 * here the source stream's first field.
 *
 * gust runs the grouping as a partial-key grouping on those fields (a key
 * always reaches one task; see the runtime), which is what Storm's default
 * assignment (two candidate tasks per key, the less loaded chosen) only
 * approximates.  A user's own AssignmentCreator or TargetSelector is code
 * gust cannot run: refused, naming the class.  Runs on the caller's thread.
 */
#include "java_stream.h"
#include "thrift_private.h"

#include <gust/storm_thrift.h>
#include <string.h>

#define PARTIAL_KEY_CLASS "org.apache.storm.grouping.PartialKeyGrouping"
#define FIELDS_CLASS "org.apache.storm.tuple.Fields"

static gboolean default_helper(const java_value *member, const char *expected, const char *what,
                               const char *where, GError **error)
{
  const char *class_name = java_value_class_name(member);
  if (java_value_kind(member) == JAVA_NULL || !g_strcmp0(class_name, expected)) return TRUE;
  g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_UNSUPPORTED,
              "%s: its PartialKeyGrouping uses the %s %s, which gust cannot run; gust runs "
              "PartialKeyGrouping with Storm's default %s only",
              where, what, class_name ? class_name : "(unknown)", expected);
  return FALSE;
}

static GPtrArray *field_names(const java_value *fields, const char *where, GError **error)
{
  const java_value *list = java_object_field(fields, "fields");
  if (!list) list = java_object_field(fields, "_fields");
  guint n = 0;
  g_autofree const java_value **items = java_list_elements(list, &n);
  if (!items || n == 0) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_INVALID_TOPOLOGY,
                "%s: the Fields of its PartialKeyGrouping hold no list of field names", where);
    return NULL;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < n; i++) {
    const char *name = java_value_text(items[i]);
    if (!name || java_value_kind(items[i]) != JAVA_STRING) {
      g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_INVALID_TOPOLOGY,
                  "%s: field %u of its PartialKeyGrouping is not a string", where, i + 1);
      g_ptr_array_unref(names);
      return NULL;
    }
    g_ptr_array_add(names, g_strdup(name));
  }
  return names;
}

gust_grouping *gust_partial_key_from_serialized(const void *data, gsize len,
                                                const char *source_first_field, const char *where,
                                                GError **error)
{
  GError *local = NULL;
  g_autoptr(java_stream) stream = java_stream_read(data, len, &local);
  if (!stream) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_INVALID_TOPOLOGY,
                "%s: its PartialKeyGrouping cannot be read: %s", where, local->message);
    g_error_free(local);
    return NULL;
  }
  const java_value *root = java_stream_root(stream);
  if (g_strcmp0(java_value_class_name(root), PARTIAL_KEY_CLASS) != 0) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_INVALID_TOPOLOGY,
                "%s: the serialized grouping is a %s, not a %s", where,
                java_value_class_name(root) ? java_value_class_name(root) : "value",
                PARTIAL_KEY_CLASS);
    return NULL;
  }
  if (!default_helper(java_object_field(root, "assignmentCreator"),
                      PARTIAL_KEY_CLASS "$RandomTwoTaskAssignmentCreator", "AssignmentCreator",
                      where, error) ||
      !default_helper(java_object_field(root, "targetSelector"),
                      PARTIAL_KEY_CLASS "$BalancedTargetSelector", "TargetSelector", where, error))
    return NULL;
  const java_value *fields = java_object_field(root, "fields");
  g_autoptr(GPtrArray) names = NULL;
  if (java_value_kind(fields) == JAVA_NULL) {
    if (!source_first_field) {
      g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_INVALID_TOPOLOGY,
                  "%s: its PartialKeyGrouping keys on the tuple's first value, but the source "
                  "stream declares no fields",
                  where);
      return NULL;
    }
    names = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(names, g_strdup(source_first_field));
  } else if (g_strcmp0(java_value_class_name(fields), FIELDS_CLASS) != 0) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_INVALID_TOPOLOGY,
                "%s: its PartialKeyGrouping's fields are a %s, not a %s", where,
                java_value_class_name(fields) ? java_value_class_name(fields) : "value",
                FIELDS_CLASS);
    return NULL;
  } else if (!(names = field_names(fields, where, error))) {
    return NULL;
  }
  g_ptr_array_add(names, NULL);
  return gust_grouping_new_fields(GUST_GROUPING_PARTIAL_KEY, (const char *const *)names->pdata);
}
