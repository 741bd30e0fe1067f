/* java_stream_private.h — the tree java_stream.c builds and
 * java_stream_values.c reads: class descriptors, values, the stream that
 * owns them.  Private to compat/thrift. */
#ifndef GUST_JAVA_STREAM_PRIVATE_H
#define GUST_JAVA_STREAM_PRIVATE_H

#include "java_stream.h"

enum {
  SC_WRITE_METHOD = 0x01,
  SC_BLOCK_DATA = 0x08,
  SC_SERIALIZABLE = 0x02,
  SC_EXTERNALIZABLE = 0x04,
};
#define BASE_HANDLE 0x7E0000u
#define MAX_DEPTH 64
#define MAX_HANDLES 100000u
#define MAX_ARRAY 1000000u

typedef struct {
  char type; /* 'B' 'C' 'D' 'F' 'I' 'J' 'S' 'Z' '[' 'L' */
  char *name;
} java_field;

struct java_class {
  char *name;
  guint8 flags;
  guint n_fields;
  java_field *fields;
  java_class *super; /* NULL at the top */
};

struct java_value {
  java_kind kind;
  const java_class *cls; /* object: its own class; array/enum/Class: its class */
  char *text;
  gsize len;
  char prim_type;
  double number;
  GPtrArray *fields;      /* object: java_value* per field, class chain order (top first) */
  GPtrArray *annotations; /* object: what writeObject methods wrote */
  GPtrArray *elements;    /* array */
};

struct java_stream {
  const guint8 *data;
  gsize len, pos;
  GPtrArray *classes; /* every java_class read, freed with the stream */
  GPtrArray *values;  /* every java_value read, freed with the stream */
  GPtrArray *handles; /* handle - BASE_HANDLE -> java_value* or java_class* */
  GPtrArray *handle_is_class;
  guint depth;
  const java_value *root;
  GError *error;
};

#endif
