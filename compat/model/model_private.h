/* model_private.h — the structs behind the opaque handles of topology.h,
 * shared by the files of compat/model/ only.
 *
 * Invariants:
 *  - topology->components holds every component in insertion order and owns
 *    them; topology->by_id maps an id to the FIRST component with that id
 *    (duplicates stay in the array so that validation can report them).
 *  - component->conf and topology->conf are always JSON objects.
 *  - component->streams / ->inputs keep declaration order and own their
 *    elements; at most one stream per id, one input per (source, stream).
 */
#ifndef GUST_MODEL_PRIVATE_H
#define GUST_MODEL_PRIVATE_H

#include <gust/topology.h>

struct gust_grouping {
  gust_grouping_kind kind;
  char **fields;             /* NULL-terminated; empty for kinds without fields */
  char *custom_class;        /* CUSTOM only */
  GBytes *custom_object;     /* CUSTOM: the instance's Java serialization, or NULL */
  json_t *custom_definition; /* CUSTOM: its Flux object definition, or NULL */
};

struct gust_stream {
  char *id;
  char **fields; /* NULL-terminated */
  gboolean direct;
};

struct gust_input {
  char *source;
  char *stream;
  gust_grouping *grouping;
  gust_location location; /* file NULL = unknown */
};

struct gust_component {
  char *id;
  gust_component_kind kind;
  gint parallelism;
  json_t *conf;
  GPtrArray *streams; /* gust_stream* */
  GPtrArray *inputs;  /* gust_input* */
  gust_impl *impl;
  json_t *definition;
  gust_location location;
};

struct gust_topology {
  char *name;
  json_t *conf;
  GPtrArray *components; /* gust_component* */
  GHashTable *by_id;     /* id -> gust_component* (borrowed) */
  json_t *beans;         /* id -> definition, insertion-ordered JSON object */
};

gust_component *gust_component_new_internal(const char *id, gust_component_kind kind);
void gust_component_free_internal(gust_component *component);

void gust_location_set(gust_location *location, const char *file, guint line);
void gust_location_clear(gust_location *location);

#endif /* GUST_MODEL_PRIVATE_H */
