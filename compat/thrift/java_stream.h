/* java_stream.h — a reader of Java's object serialization stream (the
 * bytes ObjectOutputStream writes, protocol version 2) into a tree, so
 * that C code can read a serialized object's fields without a JVM: what a
 * `custom_serialized` grouping says (PartialKeyGrouping's field names).
 *
 * No class is loaded or run: an object is its class descriptor chain and
 * the field values that chain declares, plus whatever its writeObject
 * method wrote (blocks of bytes and objects, kept in order as its
 * annotations).  Externalizable objects written without block data mode
 * cannot be read without their class and are refused.  Depth, handle count
 * and sizes are bounded, so hostile bytes cost little.  Stateless between
 * calls; a java_stream is used by one thread at a time.
 */
#ifndef GUST_JAVA_STREAM_H
#define GUST_JAVA_STREAM_H

#include <glib.h>

typedef enum {
  JAVA_NULL,
  JAVA_STRING,    /* text: the string (modified UTF-8, as written) */
  JAVA_OBJECT,    /* class, fields, annotations */
  JAVA_ARRAY,     /* class ("[I", "[Ljava.lang.String;"), elements */
  JAVA_ENUM,      /* class, text: the constant's name */
  JAVA_CLASS,     /* a Class object: class */
  JAVA_PRIMITIVE, /* a primitive field or array element: prim_type, number */
  JAVA_BLOCK,     /* bytes a writeObject wrote as block data: text, len */
} java_kind;

typedef struct java_class java_class;
typedef struct java_value java_value;

typedef struct java_stream java_stream;

/* Reads one object (the stream's first content).  NULL + error naming the
 * byte offset and what was found there when the bytes are not a stream
 * this reader understands. */
java_stream *java_stream_read(const void *data, gsize len, GError **error);
void java_stream_free(java_stream *stream);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(java_stream, java_stream_free)

const java_value *java_stream_root(const java_stream *stream);

java_kind java_value_kind(const java_value *value);
/* The class name of an object, array, enum or Class (NULL otherwise). */
const char *java_value_class_name(const java_value *value);
/* A string's text, an enum's constant (NULL otherwise). */
const char *java_value_text(const java_value *value);
/* A primitive's value as a number ('Z', 'B', 'C', 'S', 'I', 'J' exact,
 * 'F' and 'D' as written). */
double java_value_number(const java_value *value);

/* The value of the field `name` that the object's class, or the nearest
 * superclass declaring it, wrote (NULL: no class declares it). */
const java_value *java_object_field(const java_value *object, const char *name);

/* What writeObject methods wrote beyond the declared fields, in stream
 * order, over the whole class chain (superclass first); block data is one
 * JAVA_BLOCK item per block. */
guint java_object_n_annotations(const java_value *object);
const java_value *java_object_annotation(const java_value *object, guint index);

guint java_array_length(const java_value *array);
const java_value *java_array_element(const java_value *array, guint index);

/* The elements of a serialized java.util.ArrayList / LinkedList / a
 * Collections list (the objects its writeObject wrote), NULL-terminated in
 * a new array (free with g_free only), or NULL if value is no list this
 * reader knows. */
const java_value **java_list_elements(const java_value *value, guint *n);

#endif /* GUST_JAVA_STREAM_H */
