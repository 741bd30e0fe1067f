/* java_stream_values.c — reading the tree of a java_stream (see
 * java_stream.h): kinds, class names, texts and numbers, an object's
 * fields by name along its class chain, writeObject annotations, array
 * elements, and the elements of the JDK's list classes.  Read-only; any
 * thread that may read the stream.
 */
#include "java_stream_private.h"

#include <string.h>

const java_value *java_stream_root(const java_stream *s)
{
  return s->root;
}

java_kind java_value_kind(const java_value *v)
{
  return v ? v->kind : JAVA_NULL;
}

const char *java_value_class_name(const java_value *v)
{
  return v && v->cls ? v->cls->name : NULL;
}

const char *java_value_text(const java_value *v)
{
  return v && (v->kind == JAVA_STRING || v->kind == JAVA_ENUM) ? v->text : NULL;
}

double java_value_number(const java_value *v)
{
  return v && v->kind == JAVA_PRIMITIVE ? v->number : 0;
}

const java_value *java_object_field(const java_value *object, const char *name)
{
  if (!object || object->kind != JAVA_OBJECT) return NULL;
  /* fields are stored top class first; the nearest declaration wins */
  guint index = object->fields->len;
  const java_value *found = NULL;
  GPtrArray *chain = g_ptr_array_new();
  for (const java_class *k = object->cls; k; k = k->super)
    g_ptr_array_add(chain, (gpointer)k);
  for (guint c = 0; c < chain->len && !found; c++) {
    const java_class *k = g_ptr_array_index(chain, c);
    if (k->flags & SC_EXTERNALIZABLE) continue;
    index -= k->n_fields;
    for (guint f = 0; f < k->n_fields; f++)
      if (!strcmp(k->fields[f].name, name)) found = g_ptr_array_index(object->fields, index + f);
  }
  g_ptr_array_unref(chain);
  return found;
}

guint java_object_n_annotations(const java_value *object)
{
  return object && object->kind == JAVA_OBJECT ? object->annotations->len : 0;
}

const java_value *java_object_annotation(const java_value *object, guint index)
{
  return index < java_object_n_annotations(object) ? g_ptr_array_index(object->annotations, index)
                                                   : NULL;
}

guint java_array_length(const java_value *array)
{
  return array && array->kind == JAVA_ARRAY ? array->elements->len : 0;
}

const java_value *java_array_element(const java_value *array, guint index)
{
  return index < java_array_length(array) ? g_ptr_array_index(array->elements, index) : NULL;
}

const java_value **java_list_elements(const java_value *value, guint *n)
{
  const char *name = java_value_class_name(value);
  if (!name || value->kind != JAVA_OBJECT) return NULL;
  GPtrArray *out = g_ptr_array_new();
  if (!strcmp(name, "java.util.ArrayList") || !strcmp(name, "java.util.LinkedList")) {
    /* writeObject wrote the size as block data, then each element */
    for (guint i = 0; i < value->annotations->len; i++) {
      const java_value *item = g_ptr_array_index(value->annotations, i);
      if (item->kind != JAVA_BLOCK) g_ptr_array_add(out, (gpointer)item);
    }
  } else if (!strcmp(name, "java.util.Arrays$ArrayList")) {
    const java_value *array = java_object_field(value, "a");
    for (guint i = 0; i < java_array_length(array); i++)
      g_ptr_array_add(out, (gpointer)java_array_element(array, i));
  } else if (g_str_has_prefix(name, "java.util.Collections$Unmodifiable") ||
             g_str_has_prefix(name, "java.util.Collections$Synchronized")) {
    const java_value *inner = java_object_field(value, "list");
    if (!inner) inner = java_object_field(value, "c");
    g_ptr_array_unref(out);
    return java_list_elements(inner, n);
  } else {
    g_ptr_array_unref(out);
    return NULL;
  }
  *n = out->len;
  g_ptr_array_add(out, NULL);
  return (const java_value **)g_ptr_array_free(out, FALSE);
}
