/* flux_private.h — the pieces of the Flux loader and how they fit.
 *
 * gust_flux_load_file() (flux_load.c) runs a pipeline, one file per stage:
 *
 *   flux_properties.c  --filter file -> key/value table (Java .properties)
 *   flux_subst.c       raw text -> text with ${key}, ${key[N]}, ${ENV-X}
 *                      replaced, line by line, before any YAML parsing
 *   flux_node.c        text -> flux_node tree (libyaml), every node with
 *                      its line; aliases expanded, merge keys (<<) applied
 *   flux_scalar.c      YAML 1.1 typing of plain scalars, node -> JSON
 *   flux_doc.c         one file's top level -> flux_doc: name, config and
 *                      the spout/bolt/bean/stream definitions as entries
 *   flux_include.c     includes: parse each listed file, merge into the doc
 *   flux_vertex.c      spout/bolt/bean entries -> components and beans
 *   flux_stream.c      stream entries -> inputs with groupings
 *   flux_refs.c        {ref: id} / {reflist: [...]} must name beans
 *   flux_build.c       doc -> gust_topology, using the three above
 *
 * Everything a load needs lives in one flux_context, created per call: no
 * global state.  Errors are GUST_FLUX_ERROR (or GUST_TOPOLOGY_ERROR from
 * validation) and start with "file:line: ".
 */
#ifndef GUST_FLUX_PRIVATE_H
#define GUST_FLUX_PRIVATE_H

#include <gust/flux.h>

/* ---- context ---- */

typedef struct flux_scalar_resolver flux_scalar_resolver;

typedef struct {
  GHashTable *properties; /* --filter values, or NULL */
  char *properties_file;  /* for messages, or NULL */
  gboolean env_filter;    /* ${ENV-X} enabled */
  char **environment;     /* "NAME=VALUE" for ${ENV-X} */
  char *resources_dir;    /* absolute; multilang working directory */
  flux_scalar_resolver *resolver;
} flux_context;

/* ---- errors (flux_error.c) ---- */

/* Sets "file:line: message" (or "file: message" when line is 0). Returns
 * FALSE so callers can `return flux_fail(...)`. */
gboolean flux_fail(GError **error, gint code, const char *file, guint line, const char *format, ...)
    G_GNUC_PRINTF(5, 6);

/* ---- nodes (flux_node.c) ---- */

typedef enum {
  FLUX_NODE_SCALAR,
  FLUX_NODE_MAPPING,
  FLUX_NODE_SEQUENCE,
} flux_node_type;

typedef struct flux_node flux_node;

typedef struct {
  char *key;
  guint line; /* of the key */
  flux_node *value;
} flux_pair;

struct flux_node {
  flux_node_type type;
  guint line, column; /* 1-based */
  /* scalars */
  char *text;
  gboolean plain; /* unquoted: typed by YAML 1.1 rules; quoted: always a string */
  char *tag;      /* explicit tag other than !!str, or NULL */
  /* mappings: flux_pair*, in document order, keys unique */
  GPtrArray *pairs;
  /* sequences: flux_node* */
  GPtrArray *items;
};

/* Parses one YAML document.  An empty document yields NULL without an
 * error; check *error.  Errors carry libyaml's problem and position. */
flux_node *flux_node_parse(const char *text, const char *file, GError **error);
void flux_node_free(flux_node *node);

const char *flux_node_type_name(const flux_node *node); /* "a map", "a list", "a value" */
/* The value of key in a mapping, or NULL. */
flux_node *flux_node_get(const flux_node *mapping, const char *key);
const flux_pair *flux_node_get_pair(const flux_node *mapping, const char *key);
/* TRUE for an empty plain scalar, "~" or "null" (YAML's null). */
gboolean flux_node_is_null(const flux_node *node);
/* Fails on the first key of mapping not in allowed (NULL-terminated),
 * naming what (e.g. "bolt 'split'") and the keys allowed. */
gboolean flux_node_check_keys(const flux_node *mapping, const char *const *allowed,
                              const char *what, const char *file, GError **error);

/* ---- scalars and JSON (flux_scalar.c) ---- */

flux_scalar_resolver *flux_scalar_resolver_new(void);
void flux_scalar_resolver_free(flux_scalar_resolver *resolver);

/* A node as JSON, scalars typed as YAML 1.1 (SnakeYAML) does: null,
 * true/false/yes/no/on/off, ints (0x, 0o-style leading 0, 0b, _,
 * sexagesimal), floats; quoted scalars stay strings. */
json_t *flux_node_to_json(const flux_context *context, const flux_node *node, const char *file,
                          GError **error);

/* Typed reads of schema fields.  "what" names the field in messages. */
gboolean flux_node_text(const flux_node *node, const char *what, const char *file, const char **out,
                        GError **error);
gboolean flux_node_int(const flux_context *context, const flux_node *node, const char *what,
                       const char *file, gint *out, GError **error);
gboolean flux_node_bool(const flux_context *context, const flux_node *node, const char *what,
                        const char *file, gboolean *out, GError **error);
/* A list of scalars as a NULL-terminated vector (g_strfreev). */
gboolean flux_node_strv(const flux_node *node, const char *what, const char *file, char ***out,
                        GError **error);

/* ---- properties and substitution ---- */

char *flux_substitute(const flux_context *context, const char *text, const char *file,
                      GError **error);

/* ---- documents (flux_doc.c, flux_include.c) ---- */

/* A definition in a list (components, spouts, bolts, streams), with the file
 * it came from.  id is NULL for streams. */
typedef struct {
  char *id;
  const char *file;      /* borrowed from the doc's sources */
  const flux_node *node; /* the mapping; borrowed from the doc's trees */
} flux_entry;

typedef struct {
  char *file;      /* display path */
  flux_node *root; /* owned */
} flux_source;

typedef struct {
  GPtrArray *sources; /* flux_source*: owns every tree the entries point into */
  char *name;
  const char *name_file;
  guint name_line;
  json_t *config;                              /* topology conf, always an object */
  GPtrArray *beans, *spouts, *bolts, *streams; /* flux_entry* */
  GPtrArray *includes;                         /* flux_entry* ("includes:" of the main file) */
} flux_doc;

flux_doc *flux_doc_new(void);
void flux_doc_free(flux_doc *doc);
/* Reads, substitutes and parses one file's text into a new doc. */
flux_doc *flux_doc_parse(const flux_context *context, const char *text, const char *file,
                         GError **error);
/* Parses every include of doc (paths relative to the including file) and
 * merges it in with Flux's override rules. */
gboolean flux_doc_process_includes(const flux_context *context, flux_doc *doc, GError **error);

/* ---- building (flux_vertex.c, flux_stream.c, flux_refs.c, flux_build.c) ---- */

/* A spout's, bolt's, bean's or customClass's object definition as JSON:
 * className plus whichever object keys are set.  NULL + error (naming
 * file:line) if it has no className or a key of the wrong shape. */
json_t *flux_object_definition(const flux_context *context, const flux_node *node, const char *what,
                               const char *file, GError **error);
gboolean flux_build_bean(const flux_context *context, gust_topology *topology,
                         const flux_entry *entry, GError **error);
gboolean flux_build_vertex(const flux_context *context, gust_topology *topology,
                           const flux_entry *entry, gust_component_kind kind, GError **error);
/* dropped_bolts: ids of bolts defined but left out (no incoming stream). */
gboolean flux_build_stream(const flux_context *context, gust_topology *topology,
                           const flux_entry *entry, GHashTable *dropped_bolts, GError **error);
/* Every {ref}/{reflist} in an object definition node must name a bean. */
gboolean flux_check_refs(const flux_node *definition, const char *what, const char *file,
                         const gust_topology *topology, GError **error);

gust_topology *flux_build_topology(const flux_context *context, const flux_doc *doc,
                                   GError **error);

#endif /* GUST_FLUX_PRIVATE_H */
