/* grouping.c — stream groupings: how an input's tuples are spread over the
 * consumer's tasks.
 *
 * A grouping is a small immutable value: a kind, plus a field list for
 * FIELDS and PARTIAL_KEY, plus for CUSTOM a class name and the instance
 * (its Java serialization or its Flux object definition).  The field list is
 * always a NULL-terminated array (empty for the other kinds) so readers
 * never test for NULL.  Routing itself lives in the runtime; this file only
 * describes.
 */
#include "model_private.h"

static const char *const grouping_kind_names[] = {
    [GUST_GROUPING_SHUFFLE] = "SHUFFLE",
    [GUST_GROUPING_FIELDS] = "FIELDS",
    [GUST_GROUPING_ALL] = "ALL",
    [GUST_GROUPING_GLOBAL] = "GLOBAL",
    [GUST_GROUPING_NONE] = "NONE",
    [GUST_GROUPING_DIRECT] = "DIRECT",
    [GUST_GROUPING_LOCAL_OR_SHUFFLE] = "LOCAL_OR_SHUFFLE",
    [GUST_GROUPING_PARTIAL_KEY] = "PARTIAL_KEY",
    [GUST_GROUPING_CUSTOM] = "CUSTOM",
};

const char *gust_grouping_kind_name(gust_grouping_kind kind)
{
  g_return_val_if_fail((guint)kind < G_N_ELEMENTS(grouping_kind_names), "?");
  return grouping_kind_names[kind];
}

static gboolean grouping_kind_has_fields(gust_grouping_kind kind)
{
  return kind == GUST_GROUPING_FIELDS || kind == GUST_GROUPING_PARTIAL_KEY;
}

static gust_grouping *grouping_alloc(gust_grouping_kind kind, const char *const *fields,
                                     const char *custom_class)
{
  static const char *const no_fields[] = {NULL};
  gust_grouping *grouping = g_new0(gust_grouping, 1);
  grouping->kind = kind;
  grouping->fields = g_strdupv((char **)(fields ? fields : no_fields));
  grouping->custom_class = g_strdup(custom_class);
  return grouping;
}

gust_grouping *gust_grouping_new(gust_grouping_kind kind)
{
  g_return_val_if_fail(!grouping_kind_has_fields(kind) && kind != GUST_GROUPING_CUSTOM, NULL);
  return grouping_alloc(kind, NULL, NULL);
}

gust_grouping *gust_grouping_new_fields(gust_grouping_kind kind, const char *const *fields)
{
  g_return_val_if_fail(grouping_kind_has_fields(kind), NULL);
  return grouping_alloc(kind, fields, NULL);
}

gust_grouping *gust_grouping_new_custom(const char *class_name)
{
  g_return_val_if_fail(class_name != NULL, NULL);
  return grouping_alloc(GUST_GROUPING_CUSTOM, NULL, class_name);
}

gust_grouping *gust_grouping_copy(const gust_grouping *grouping)
{
  g_return_val_if_fail(grouping != NULL, NULL);
  gust_grouping *copy =
      grouping_alloc(grouping->kind, (const char *const *)grouping->fields, grouping->custom_class);
  if (grouping->custom_object) copy->custom_object = g_bytes_ref(grouping->custom_object);
  copy->custom_definition = json_incref(grouping->custom_definition);
  return copy;
}

void gust_grouping_set_custom_object(gust_grouping *grouping, GBytes *serialized)
{
  g_return_if_fail(grouping->kind == GUST_GROUPING_CUSTOM);
  if (grouping->custom_object) g_bytes_unref(grouping->custom_object);
  json_decref(grouping->custom_definition);
  grouping->custom_definition = NULL;
  grouping->custom_object = serialized ? g_bytes_ref(serialized) : NULL;
}

void gust_grouping_set_custom_definition(gust_grouping *grouping, json_t *definition)
{
  g_return_if_fail(grouping->kind == GUST_GROUPING_CUSTOM);
  gust_grouping_set_custom_object(grouping, NULL);
  grouping->custom_definition = json_incref(definition);
}

GBytes *gust_grouping_custom_object(const gust_grouping *grouping)
{
  return grouping->custom_object;
}

json_t *gust_grouping_custom_definition(const gust_grouping *grouping)
{
  return grouping->custom_definition;
}

void gust_grouping_free(gust_grouping *grouping)
{
  if (!grouping) return;
  g_strfreev(grouping->fields);
  g_free(grouping->custom_class);
  if (grouping->custom_object) g_bytes_unref(grouping->custom_object);
  json_decref(grouping->custom_definition);
  g_free(grouping);
}

gust_grouping_kind gust_grouping_get_kind(const gust_grouping *grouping)
{
  return grouping->kind;
}

const char *const *gust_grouping_fields(const gust_grouping *grouping, guint *n_fields)
{
  if (n_fields) *n_fields = g_strv_length(grouping->fields);
  return (const char *const *)grouping->fields;
}

const char *gust_grouping_custom_class(const gust_grouping *grouping)
{
  return grouping->custom_class;
}
