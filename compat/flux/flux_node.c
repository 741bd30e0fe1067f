/* flux_node.c — YAML text to a tree of flux_nodes that remember their line.
 *
 * libyaml's document API parses the text; this file copies the document
 * into flux_nodes so that the rest of the loader never touches libyaml:
 *   - every node keeps its 1-based line and column (libyaml marks);
 *   - aliases are expanded into copies, under a budget of nodes and a
 *     depth limit, so that alias bombs and recursive aliases fail cleanly
 *     instead of exhausting memory or the stack;
 *   - merge keys ("<<: *base" or "<<: [*a, *b]") are applied as YAML 1.1
 *     and SnakeYAML do: keys written in the mapping win over merged ones,
 *     and earlier merge sources win over later ones;
 *   - mapping keys must be scalars and unique.
 * Scalars are kept as text plus "plain" (unquoted) and any explicit tag;
 * typing them is flux_scalar.c's job.  A file with more than one document
 * is refused, as Flux's single-document load does.
 */
#include "flux_private.h"

#include <string.h>
#include <yaml.h>

enum {
  MAX_DEPTH = 64,
  MAX_NODES = 200000,
};

typedef struct {
  yaml_document_t *document;
  const char *file;
  guint budget; /* nodes left to create */
} conversion;

static void pair_free(gpointer data)
{
  flux_pair *pair = data;
  g_free(pair->key);
  flux_node_free(pair->value);
  g_free(pair);
}

void flux_node_free(flux_node *node)
{
  if (!node) return;
  g_free(node->text);
  g_free(node->tag);
  if (node->pairs) g_ptr_array_unref(node->pairs);
  if (node->items) g_ptr_array_unref(node->items);
  g_free(node);
}

const char *flux_node_type_name(const flux_node *node)
{
  switch (node->type) {
  case FLUX_NODE_SCALAR:
    return "a single value";
  case FLUX_NODE_MAPPING:
    return "a map";
  case FLUX_NODE_SEQUENCE:
    return "a list";
  }
  return "?";
}

const flux_pair *flux_node_get_pair(const flux_node *mapping, const char *key)
{
  if (!mapping || mapping->type != FLUX_NODE_MAPPING) return NULL;
  for (guint i = 0; i < mapping->pairs->len; i++) {
    const flux_pair *pair = g_ptr_array_index(mapping->pairs, i);
    if (g_str_equal(pair->key, key)) return pair;
  }
  return NULL;
}

flux_node *flux_node_get(const flux_node *mapping, const char *key)
{
  const flux_pair *pair = flux_node_get_pair(mapping, key);
  return pair ? pair->value : NULL;
}

gboolean flux_node_is_null(const flux_node *node)
{
  if (!node || node->type != FLUX_NODE_SCALAR || !node->plain || node->tag) return FALSE;
  const char *t = node->text;
  return !*t || g_str_equal(t, "~") || g_str_equal(t, "null") || g_str_equal(t, "Null") ||
         g_str_equal(t, "NULL");
}

gboolean flux_node_check_keys(const flux_node *mapping, const char *const *allowed,
                              const char *what, const char *file, GError **error)
{
  for (guint i = 0; i < mapping->pairs->len; i++) {
    const flux_pair *pair = g_ptr_array_index(mapping->pairs, i);
    if (g_strv_contains(allowed, pair->key)) continue;
    char *list = g_strjoinv(", ", (char **)allowed);
    flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, pair->line,
              "%s: unknown key '%s' (expected one of: %s)", what, pair->key, list);
    g_free(list);
    return FALSE;
  }
  return TRUE;
}

/* ---- conversion from libyaml ---- */

static flux_node *convert(conversion *conv, yaml_node_t *node, guint depth, GError **error);

static flux_node *node_new(conversion *conv, flux_node_type type, const yaml_node_t *node,
                           guint depth, GError **error)
{
  guint line = node->start_mark.line + 1;
  if (depth > MAX_DEPTH) {
    flux_fail(error, GUST_FLUX_ERROR_SYNTAX, conv->file, line,
              "nesting deeper than %d levels (or a recursive alias)", MAX_DEPTH);
    return NULL;
  }
  if (conv->budget == 0) {
    flux_fail(error, GUST_FLUX_ERROR_SYNTAX, conv->file, line,
              "the document expands to more than %d nodes (aliases?)", MAX_NODES);
    return NULL;
  }
  conv->budget--;
  flux_node *out = g_new0(flux_node, 1);
  out->type = type;
  out->line = line;
  out->column = node->start_mark.column + 1;
  return out;
}

static flux_node *convert_scalar(conversion *conv, yaml_node_t *node, guint depth, GError **error)
{
  flux_node *out = node_new(conv, FLUX_NODE_SCALAR, node, depth, error);
  if (!out) return NULL;
  out->text = g_strndup((const char *)node->data.scalar.value, node->data.scalar.length);
  out->plain = node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  if (node->tag && strcmp((const char *)node->tag, YAML_STR_TAG) != 0)
    out->tag = g_strdup((const char *)node->tag);
  return out;
}

static flux_node *convert_sequence(conversion *conv, yaml_node_t *node, guint depth, GError **error)
{
  flux_node *out = node_new(conv, FLUX_NODE_SEQUENCE, node, depth, error);
  if (!out) return NULL;
  out->items = g_ptr_array_new_with_free_func((GDestroyNotify)flux_node_free);
  for (yaml_node_item_t *item = node->data.sequence.items.start;
       item < node->data.sequence.items.top; item++) {
    flux_node *child =
        convert(conv, yaml_document_get_node(conv->document, *item), depth + 1, error);
    if (!child) {
      flux_node_free(out);
      return NULL;
    }
    g_ptr_array_add(out->items, child);
  }
  return out;
}

static gboolean is_merge_key(const yaml_node_t *key)
{
  return key->type == YAML_SCALAR_NODE && key->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
         key->data.scalar.length == 2 && memcmp(key->data.scalar.value, "<<", 2) == 0;
}

static gboolean add_pairs(conversion *conv, flux_node *out, yaml_node_t *node, gboolean merged,
                          guint depth, GError **error);

/* Applies the value of a "<<" key: a mapping, or a list of mappings. */
static gboolean add_merge(conversion *conv, flux_node *out, yaml_node_t *value, guint depth,
                          GError **error)
{
  if (value->type == YAML_MAPPING_NODE) return add_pairs(conv, out, value, TRUE, depth + 1, error);
  if (value->type == YAML_SEQUENCE_NODE) {
    for (yaml_node_item_t *item = value->data.sequence.items.start;
         item < value->data.sequence.items.top; item++) {
      yaml_node_t *source = yaml_document_get_node(conv->document, *item);
      if (source->type != YAML_MAPPING_NODE)
        return flux_fail(error, GUST_FLUX_ERROR_SYNTAX, conv->file, source->start_mark.line + 1,
                         "a merge key (<<) takes a map or a list of maps");
      if (!add_pairs(conv, out, source, TRUE, depth + 1, error)) return FALSE;
    }
    return TRUE;
  }
  return flux_fail(error, GUST_FLUX_ERROR_SYNTAX, conv->file, value->start_mark.line + 1,
                   "a merge key (<<) takes a map or a list of maps");
}

/* Adds node's pairs to out.  Written keys first, then merges: a key that
 * is already present is an error when written twice, skipped when merged. */
static gboolean add_pairs(conversion *conv, flux_node *out, yaml_node_t *node, gboolean merged,
                          guint depth, GError **error)
{
  if (depth > MAX_DEPTH)
    return flux_fail(error, GUST_FLUX_ERROR_SYNTAX, conv->file, node->start_mark.line + 1,
                     "merge keys nested deeper than %d levels", MAX_DEPTH);
  yaml_node_pair_t *start = node->data.mapping.pairs.start, *top = node->data.mapping.pairs.top;
  for (yaml_node_pair_t *p = start; p < top; p++) {
    yaml_node_t *key = yaml_document_get_node(conv->document, p->key);
    guint key_line = key->start_mark.line + 1;
    if (is_merge_key(key)) continue;
    if (key->type != YAML_SCALAR_NODE)
      return flux_fail(error, GUST_FLUX_ERROR_SYNTAX, conv->file, key_line,
                       "map keys must be single values, not lists or maps");
    char *text = g_strndup((const char *)key->data.scalar.value, key->data.scalar.length);
    const flux_pair *existing = flux_node_get_pair(out, text);
    if (existing && !merged) {
      flux_fail(error, GUST_FLUX_ERROR_SYNTAX, conv->file, key_line,
                "duplicate key '%s' (first at line %u)", text, existing->line);
      g_free(text);
      return FALSE;
    }
    if (existing) {
      g_free(text);
      continue;
    }
    flux_node *value =
        convert(conv, yaml_document_get_node(conv->document, p->value), depth + 1, error);
    if (!value) {
      g_free(text);
      return FALSE;
    }
    flux_pair *pair = g_new0(flux_pair, 1);
    pair->key = text;
    pair->line = key_line;
    pair->value = value;
    g_ptr_array_add(out->pairs, pair);
  }
  for (yaml_node_pair_t *p = start; p < top; p++) {
    yaml_node_t *key = yaml_document_get_node(conv->document, p->key);
    if (is_merge_key(key) &&
        !add_merge(conv, out, yaml_document_get_node(conv->document, p->value), depth, error))
      return FALSE;
  }
  return TRUE;
}

static flux_node *convert_mapping(conversion *conv, yaml_node_t *node, guint depth, GError **error)
{
  flux_node *out = node_new(conv, FLUX_NODE_MAPPING, node, depth, error);
  if (!out) return NULL;
  out->pairs = g_ptr_array_new_with_free_func(pair_free);
  if (!add_pairs(conv, out, node, FALSE, depth, error)) {
    flux_node_free(out);
    return NULL;
  }
  return out;
}

static flux_node *convert(conversion *conv, yaml_node_t *node, guint depth, GError **error)
{
  switch (node->type) {
  case YAML_SCALAR_NODE:
    return convert_scalar(conv, node, depth, error);
  case YAML_SEQUENCE_NODE:
    return convert_sequence(conv, node, depth, error);
  case YAML_MAPPING_NODE:
    return convert_mapping(conv, node, depth, error);
  case YAML_NO_NODE:
    break;
  }
  flux_fail(error, GUST_FLUX_ERROR_SYNTAX, conv->file, node->start_mark.line + 1,
            "empty YAML node");
  return NULL;
}

static gboolean parser_failed(yaml_parser_t *parser, const char *file, GError **error)
{
  const char *problem = parser->problem ? parser->problem : "invalid YAML";
  if (parser->error == YAML_READER_ERROR)
    return flux_fail(error, GUST_FLUX_ERROR_SYNTAX, file, 0, "%s at byte %zu", problem,
                     parser->problem_offset);
  /* "file:line:column: problem (context at line L, column C)" */
  GString *message = g_string_new(NULL);
  g_string_append_printf(message, "%s:%zu:%zu: %s", file, parser->problem_mark.line + 1,
                         parser->problem_mark.column + 1, problem);
  if (parser->context)
    g_string_append_printf(message, " (%s at line %zu, column %zu)", parser->context,
                           parser->context_mark.line + 1, parser->context_mark.column + 1);
  g_set_error_literal(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_SYNTAX, message->str);
  g_string_free(message, TRUE);
  return FALSE;
}

flux_node *flux_node_parse(const char *text, const char *file, GError **error)
{
  yaml_parser_t parser;
  yaml_document_t document, extra;
  flux_node *root = NULL;

  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
  if (!yaml_parser_load(&parser, &document)) {
    parser_failed(&parser, file, error);
    yaml_parser_delete(&parser);
    return NULL;
  }
  yaml_node_t *top = yaml_document_get_root_node(&document);
  if (top) {
    conversion conv = {&document, file, MAX_NODES};
    root = convert(&conv, top, 0, error);
  }
  if (root) {
    if (!yaml_parser_load(&parser, &extra)) {
      parser_failed(&parser, file, error);
      g_clear_pointer(&root, flux_node_free);
    } else {
      yaml_node_t *second = yaml_document_get_root_node(&extra);
      if (second) {
        flux_fail(error, GUST_FLUX_ERROR_SYNTAX, file, second->start_mark.line + 1,
                  "a Flux file holds one YAML document; a second one starts here");
        g_clear_pointer(&root, flux_node_free);
      }
      yaml_document_delete(&extra);
    }
  }
  yaml_document_delete(&document);
  yaml_parser_delete(&parser);
  return root;
}
