/* java_stream.c — reads Java's object serialization stream into a tree
 * (see java_stream.h).
 *
 * The grammar is the one of the Java Object Serialization Specification,
 * chapter 6: after the magic 0xACED and version 5 come contents, each a
 * one-byte type code (TC_*) and its body.  Every new object, string,
 * array, enum, Class and class descriptor gets the next handle (from
 * 0x7E0000), which TC_REFERENCE later names.  An object's data is, for
 * each class of its descriptor chain from the topmost serializable
 * superclass down, the declared fields' values (primitives by type code,
 * objects recursively), then — for a class with a writeObject method —
 * the block data and objects that method wrote, up to TC_ENDBLOCKDATA.
 *
 * All nodes belong to the java_stream (one GPtrArray frees them).  Runs on
 * the caller's thread.
 */
#include "java_stream_private.h"

#include <gust/storm_thrift.h>
#include <string.h>

enum {
  TC_NULL = 0x70,
  TC_REFERENCE = 0x71,
  TC_CLASSDESC = 0x72,
  TC_OBJECT = 0x73,
  TC_STRING = 0x74,
  TC_ARRAY = 0x75,
  TC_CLASS = 0x76,
  TC_BLOCKDATA = 0x77,
  TC_ENDBLOCKDATA = 0x78,
  TC_RESET = 0x79,
  TC_BLOCKDATALONG = 0x7A,
  TC_EXCEPTION = 0x7B,
  TC_LONGSTRING = 0x7C,
  TC_PROXYCLASSDESC = 0x7D,
  TC_ENUM = 0x7E,
};
static const java_value null_value = {.kind = JAVA_NULL};

static gboolean fail(java_stream *s, const char *format, ...) G_GNUC_PRINTF(2, 3);
static gboolean fail(java_stream *s, const char *format, ...)
{
  if (s->error) return FALSE;
  va_list args;
  va_start(args, format);
  g_autofree char *what = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error(&s->error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_MALFORMED,
              "Java-serialized bytes, at byte %" G_GSIZE_FORMAT ": %s", s->pos, what);
  return FALSE;
}

static gboolean take(java_stream *s, gsize n, const guint8 **out)
{
  if (n > s->len - s->pos) return fail(s, "the bytes end inside a value");
  *out = s->data + s->pos;
  s->pos += n;
  return TRUE;
}

static gboolean read_u8(java_stream *s, guint8 *v)
{
  const guint8 *p = NULL;
  if (!take(s, 1, &p)) return FALSE;
  *v = p[0];
  return TRUE;
}

static gboolean read_be(java_stream *s, gsize n, guint64 *v)
{
  const guint8 *p = NULL;
  if (!take(s, n, &p)) return FALSE;
  *v = 0;
  for (gsize i = 0; i < n; i++)
    *v = *v << 8 | p[i];
  return TRUE;
}

static char *read_utf(java_stream *s, gsize len_bytes, gsize *len_out)
{
  guint64 len;
  const guint8 *p = NULL;
  if (!read_be(s, len_bytes, &len) || !take(s, len, &p)) return NULL;
  if (len_out) *len_out = len;
  return g_strndup((const char *)p, len);
}

static java_value *new_value(java_stream *s, java_kind kind)
{
  java_value *v = g_new0(java_value, 1);
  v->kind = kind;
  g_ptr_array_add(s->values, v);
  return v;
}

static gboolean add_handle(java_stream *s, gpointer item, gboolean is_class)
{
  if (s->handles->len >= MAX_HANDLES) return fail(s, "more than %u objects", MAX_HANDLES);
  g_ptr_array_add(s->handles, item);
  g_ptr_array_add(s->handle_is_class, GINT_TO_POINTER(is_class));
  return TRUE;
}

static gboolean lookup_handle(java_stream *s, gboolean want_class, gpointer *out)
{
  guint64 handle;
  if (!read_be(s, 4, &handle)) return FALSE;
  if (handle < BASE_HANDLE || handle - BASE_HANDLE >= s->handles->len)
    return fail(s, "a reference to handle 0x%" G_GINT64_MODIFIER "x, which was never written",
                handle);
  guint i = (guint)(handle - BASE_HANDLE);
  if (GPOINTER_TO_INT(g_ptr_array_index(s->handle_is_class, i)) != want_class)
    return fail(s, "a reference to a %s where a %s belongs", want_class ? "value" : "class",
                want_class ? "class descriptor" : "value");
  *out = g_ptr_array_index(s->handles, i);
  if (!*out) return fail(s, "a reference to an object still being read");
  return TRUE;
}

static gboolean read_content(java_stream *s, const java_value **out);
static gboolean read_class_desc(java_stream *s, java_class **out);

/* The annotation of a class descriptor: contents up to TC_ENDBLOCKDATA,
 * appended to `into` when it is non-NULL. */
static gboolean read_until_end_block(java_stream *s, GPtrArray *into)
{
  for (;;) {
    if (s->pos >= s->len) return fail(s, "the bytes end before TC_ENDBLOCKDATA");
    guint8 tc = s->data[s->pos];
    if (tc == TC_ENDBLOCKDATA) {
      s->pos++;
      return TRUE;
    }
    if (tc == TC_BLOCKDATA || tc == TC_BLOCKDATALONG) {
      s->pos++;
      guint64 n;
      const guint8 *p = NULL;
      if (!read_be(s, tc == TC_BLOCKDATA ? 1 : 4, &n) || !take(s, n, &p)) return FALSE;
      if (into) {
        java_value *block = new_value(s, JAVA_BLOCK);
        block->text = g_memdup2(p, n);
        block->len = n;
        g_ptr_array_add(into, block);
      }
      continue;
    }
    const java_value *item;
    if (!read_content(s, &item)) return FALSE;
    if (into) g_ptr_array_add(into, (gpointer)item);
  }
}

static gboolean read_field_descs(java_stream *s, java_class *c)
{
  guint64 n;
  if (!read_be(s, 2, &n)) return FALSE;
  c->n_fields = (guint)n;
  c->fields = g_new0(java_field, n ? n : 1);
  for (guint i = 0; i < c->n_fields; i++) {
    guint8 type;
    if (!read_u8(s, &type)) return FALSE;
    if (!strchr("BCDFIJSZ[L", type) || !type)
      return fail(s, "field type code 0x%02x in class %s", type, c->name);
    c->fields[i].type = (char)type;
    if (!(c->fields[i].name = read_utf(s, 2, NULL))) return FALSE;
    if (type == '[' || type == 'L') {
      const java_value *type_name;
      if (!read_content(s, &type_name)) return FALSE;
      if (type_name->kind != JAVA_STRING)
        return fail(s, "field %s of class %s has no type name", c->fields[i].name, c->name);
    }
  }
  return TRUE;
}

static void free_class(gpointer p)
{
  java_class *c = p;
  for (guint i = 0; i < c->n_fields; i++)
    g_free(c->fields[i].name);
  g_free(c->fields);
  g_free(c->name);
  g_free(c);
}

/* TC_CLASSDESC's body: name, serialVersionUID, flags, fields, annotation,
 * superclass descriptor. */
static gboolean read_new_class_desc(java_stream *s, java_class **out)
{
  java_class *c = g_new0(java_class, 1);
  g_ptr_array_add(s->classes, c);
  guint64 uid;
  if (!(c->name = read_utf(s, 2, NULL)) || !read_be(s, 8, &uid) || !add_handle(s, c, TRUE) ||
      !read_u8(s, &c->flags) || !read_field_descs(s, c) || !read_until_end_block(s, NULL) ||
      !read_class_desc(s, &c->super))
    return FALSE;
  *out = c;
  return TRUE;
}

static gboolean read_proxy_class_desc(java_stream *s, java_class **out)
{
  java_class *c = g_new0(java_class, 1);
  g_ptr_array_add(s->classes, c);
  c->name = g_strdup("(proxy)");
  guint64 n;
  if (!add_handle(s, c, TRUE) || !read_be(s, 4, &n)) return FALSE;
  for (guint64 i = 0; i < n; i++) {
    g_autofree char *interface = read_utf(s, 2, NULL);
    if (!interface) return FALSE;
  }
  if (!read_until_end_block(s, NULL) || !read_class_desc(s, &c->super)) return FALSE;
  c->flags = SC_SERIALIZABLE;
  *out = c;
  return TRUE;
}

/* A class descriptor where one belongs: new, proxy, a reference, or null. */
static gboolean read_class_desc(java_stream *s, java_class **out)
{
  guint8 tc;
  if (!read_u8(s, &tc)) return FALSE;
  switch (tc) {
  case TC_NULL:
    *out = NULL;
    return TRUE;
  case TC_CLASSDESC:
    return read_new_class_desc(s, out);
  case TC_PROXYCLASSDESC:
    return read_proxy_class_desc(s, out);
  case TC_REFERENCE:
    return lookup_handle(s, TRUE, (gpointer *)out);
  default:
    s->pos--;
    return fail(s, "type code 0x%02x where a class descriptor belongs", tc);
  }
}

static gboolean read_primitive(java_stream *s, char type, const java_value **out)
{
  static const struct {
    char type;
    guint8 size;
  } sizes[] = {{'B', 1}, {'Z', 1}, {'C', 2}, {'S', 2}, {'I', 4}, {'F', 4}, {'J', 8}, {'D', 8}};
  for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
    if (sizes[i].type != type) continue;
    guint64 raw;
    if (!read_be(s, sizes[i].size, &raw)) return FALSE;
    java_value *v = new_value(s, JAVA_PRIMITIVE);
    v->prim_type = type;
    if (type == 'F') {
      guint32 bits = (guint32)raw;
      float f;
      memcpy(&f, &bits, sizeof f);
      v->number = f;
    } else if (type == 'D') {
      memcpy(&v->number, &raw, sizeof v->number);
    } else if (type == 'C' || type == 'Z') {
      v->number = (double)raw;
    } else {
      int shift = 64 - 8 * sizes[i].size;
      v->number = (double)((gint64)(raw << shift) >> shift);
    }
    *out = v;
    return TRUE;
  }
  return fail(s, "primitive type '%c'", type);
}

static gboolean read_field_value(java_stream *s, char type, const java_value **out)
{
  if (type == 'L' || type == '[') return read_content(s, out);
  return read_primitive(s, type, out);
}

static gboolean read_object(java_stream *s, const java_value **out)
{
  java_value *v = new_value(s, JAVA_OBJECT);
  java_class *c;
  if (!read_class_desc(s, &c)) return FALSE;
  if (!c) return fail(s, "an object without a class descriptor");
  v->cls = c;
  v->fields = g_ptr_array_new();
  v->annotations = g_ptr_array_new();
  if (!add_handle(s, v, FALSE)) return FALSE;
  GPtrArray *chain = g_ptr_array_new();
  for (java_class *k = c; k; k = k->super)
    g_ptr_array_insert(chain, 0, k);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < chain->len; i++) {
    java_class *k = g_ptr_array_index(chain, i);
    if (k->flags & SC_EXTERNALIZABLE) {
      ok = (k->flags & SC_BLOCK_DATA)
               ? read_until_end_block(s, v->annotations)
               : fail(s, "class %s is Externalizable without block data", k->name);
      continue;
    }
    for (guint f = 0; ok && f < k->n_fields; f++) {
      const java_value *field;
      ok = read_field_value(s, k->fields[f].type, &field);
      if (ok) g_ptr_array_add(v->fields, (gpointer)field);
    }
    if (ok && (k->flags & SC_WRITE_METHOD)) ok = read_until_end_block(s, v->annotations);
  }
  g_ptr_array_unref(chain);
  *out = v;
  return ok;
}

static gboolean read_array(java_stream *s, const java_value **out)
{
  java_value *v = new_value(s, JAVA_ARRAY);
  java_class *c;
  guint64 n;
  if (!read_class_desc(s, &c)) return FALSE;
  if (!c || c->name[0] != '[' || !c->name[1]) return fail(s, "an array of no array class");
  v->cls = c;
  v->elements = g_ptr_array_new();
  if (!add_handle(s, v, FALSE) || !read_be(s, 4, &n)) return FALSE;
  if (n > MAX_ARRAY) return fail(s, "an array of %" G_GUINT64_FORMAT " elements", n);
  char type = c->name[1];
  for (guint64 i = 0; i < n; i++) {
    const java_value *element;
    if (!read_field_value(s, type, &element)) return FALSE;
    g_ptr_array_add(v->elements, (gpointer)element);
  }
  *out = v;
  return TRUE;
}

static gboolean read_string(java_stream *s, gsize len_bytes, const java_value **out)
{
  java_value *v = new_value(s, JAVA_STRING);
  if (!add_handle(s, v, FALSE) || !(v->text = read_utf(s, len_bytes, &v->len))) return FALSE;
  *out = v;
  return TRUE;
}

static gboolean read_enum(java_stream *s, const java_value **out)
{
  java_value *v = new_value(s, JAVA_ENUM);
  java_class *c;
  const java_value *name;
  if (!read_class_desc(s, &c) || !add_handle(s, v, FALSE) || !read_content(s, &name)) return FALSE;
  if (!c || name->kind != JAVA_STRING) return fail(s, "an enum without a class or constant name");
  v->cls = c;
  v->text = g_strdup(name->text);
  *out = v;
  return TRUE;
}

static gboolean read_content(java_stream *s, const java_value **out)
{
  if (++s->depth > MAX_DEPTH) return fail(s, "objects nested deeper than %d", MAX_DEPTH);
  guint8 tc;
  gboolean ok = read_u8(s, &tc);
  java_class *c = NULL;
  java_value *v;
  if (ok) switch (tc) {
    case TC_NULL:
      *out = &null_value;
      break;
    case TC_REFERENCE:
      ok = lookup_handle(s, FALSE, (gpointer *)out);
      break;
    case TC_OBJECT:
      ok = read_object(s, out);
      break;
    case TC_STRING:
      ok = read_string(s, 2, out);
      break;
    case TC_LONGSTRING:
      ok = read_string(s, 8, out);
      break;
    case TC_ARRAY:
      ok = read_array(s, out);
      break;
    case TC_ENUM:
      ok = read_enum(s, out);
      break;
    case TC_CLASS:
      v = new_value(s, JAVA_CLASS);
      ok = read_class_desc(s, &c) && add_handle(s, v, FALSE);
      v->cls = c;
      *out = v;
      break;
    case TC_CLASSDESC:
    case TC_PROXYCLASSDESC:
      s->pos--;
      ok = read_class_desc(s, &c);
      *out = &null_value; /* a bare descriptor carries no value */
      break;
    default:
      s->pos--;
      ok = fail(s, "type code 0x%02x where an object belongs", tc);
    }
  s->depth--;
  return ok;
}

static void free_value(gpointer p)
{
  java_value *v = p;
  g_free(v->text);
  if (v->fields) g_ptr_array_unref(v->fields);
  if (v->annotations) g_ptr_array_unref(v->annotations);
  if (v->elements) g_ptr_array_unref(v->elements);
  g_free(v);
}

java_stream *java_stream_read(const void *data, gsize len, GError **error)
{
  java_stream *s = g_new0(java_stream, 1);
  s->data = data;
  s->len = len;
  s->classes = g_ptr_array_new_with_free_func(free_class);
  s->values = g_ptr_array_new_with_free_func(free_value);
  s->handles = g_ptr_array_new();
  s->handle_is_class = g_ptr_array_new();
  guint64 header = 0;
  if (len < 4 || (read_be(s, 4, &header), header != 0xACED0005u)) {
    s->pos = 0;
    fail(s, "no Java serialization stream (magic 0xACED, version 5)");
  } else {
    read_content(s, &s->root);
  }
  if (s->error) {
    g_propagate_error(error, s->error);
    s->error = NULL;
    java_stream_free(s);
    return NULL;
  }
  s->data = NULL;
  return s;
}

void java_stream_free(java_stream *s)
{
  if (!s) return;
  g_ptr_array_unref(s->values);
  g_ptr_array_unref(s->classes);
  g_ptr_array_unref(s->handles);
  g_ptr_array_unref(s->handle_is_class);
  g_free(s);
}
