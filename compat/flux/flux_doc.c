/* flux_doc.c — one Flux file's top level, before anything is built.
 *
 * A flux_doc mirrors Flux's TopologyDef: the name, the topology config (as
 * JSON), and the lists of definitions — components (beans), spouts, bolts,
 * streams, includes — each kept as a flux_entry that points at its YAML
 * mapping and remembers its file, so later stages can report
 * "file:line: ...".  The doc owns the parsed trees (doc->sources); merging
 * includes moves their trees into the including doc, so entries stay valid
 * for the doc's lifetime.
 *
 * Checked here: the top level is a map with known keys; topologySource and
 * workerHooks (Java code) are refused; each definition is a map, spouts,
 * bolts and components have an id, unique within their list.
 */
#include "flux_private.h"

static const char *const top_level_keys[] = {
    "name",    "config",   "components",     "spouts",      "bolts",
    "streams", "includes", "topologySource", "workerHooks", NULL,
};

static void entry_free(gpointer data)
{
  flux_entry *entry = data;
  g_free(entry->id);
  g_free(entry);
}

static void source_free(gpointer data)
{
  flux_source *source = data;
  g_free(source->file);
  flux_node_free(source->root);
  g_free(source);
}

flux_doc *flux_doc_new(void)
{
  flux_doc *doc = g_new0(flux_doc, 1);
  doc->sources = g_ptr_array_new_with_free_func(source_free);
  doc->config = json_object();
  doc->beans = g_ptr_array_new_with_free_func(entry_free);
  doc->spouts = g_ptr_array_new_with_free_func(entry_free);
  doc->bolts = g_ptr_array_new_with_free_func(entry_free);
  doc->streams = g_ptr_array_new_with_free_func(entry_free);
  doc->includes = g_ptr_array_new_with_free_func(entry_free);
  return doc;
}

void flux_doc_free(flux_doc *doc)
{
  if (!doc) return;
  g_free(doc->name);
  json_decref(doc->config);
  g_ptr_array_unref(doc->beans);
  g_ptr_array_unref(doc->spouts);
  g_ptr_array_unref(doc->bolts);
  g_ptr_array_unref(doc->streams);
  g_ptr_array_unref(doc->includes);
  g_ptr_array_unref(doc->sources);
  g_free(doc);
}

static const flux_entry *find_entry(GPtrArray *entries, const char *id)
{
  for (guint i = 0; i < entries->len; i++) {
    const flux_entry *entry = g_ptr_array_index(entries, i);
    if (g_strcmp0(entry->id, id) == 0) return entry;
  }
  return NULL;
}

/* Reads the list under key into entries.  what: "spout", "stream", ... */
static gboolean read_entries(const flux_node *root, const char *key, const char *what,
                             gboolean with_id, const char *file, GPtrArray *entries, GError **error)
{
  const flux_pair *pair = flux_node_get_pair(root, key);
  if (!pair || flux_node_is_null(pair->value)) return TRUE;
  if (pair->value->type != FLUX_NODE_SEQUENCE)
    return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, pair->line, "'%s' must be a list, not %s",
                     key, flux_node_type_name(pair->value));
  for (guint i = 0; i < pair->value->items->len; i++) {
    const flux_node *node = g_ptr_array_index(pair->value->items, i);
    if (node->type != FLUX_NODE_MAPPING)
      return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, node->line,
                       "each entry of '%s' must be a map, not %s", key, flux_node_type_name(node));
    const char *id = NULL;
    if (with_id) {
      char *what_id = g_strdup_printf("the id of a %s", what);
      gboolean ok = flux_node_get(node, "id")
                        ? flux_node_text(flux_node_get(node, "id"), what_id, file, &id, error)
                        : flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, node->line,
                                    "this %s has no 'id'", what);
      g_free(what_id);
      if (!ok) return FALSE;
      const flux_entry *first = find_entry(entries, id);
      if (first)
        return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, node->line,
                         "%s id '%s' is defined twice (first at line %u)", what, id,
                         first->node->line);
    }
    flux_entry *entry = g_new0(flux_entry, 1);
    entry->id = g_strdup(id);
    entry->file = file;
    entry->node = node;
    g_ptr_array_add(entries, entry);
  }
  return TRUE;
}

static gboolean refuse_java_only_keys(const flux_node *root, const char *file, GError **error)
{
  const flux_pair *source = flux_node_get_pair(root, "topologySource");
  if (source && !flux_node_is_null(source->value))
    return flux_fail(error, GUST_FLUX_ERROR_UNSUPPORTED, file, source->line,
                     "topologySource (a Java class that builds the topology) is not supported; "
                     "define spouts, bolts and streams in the YAML instead");
  const flux_pair *hooks = flux_node_get_pair(root, "workerHooks");
  if (hooks && !flux_node_is_null(hooks->value) &&
      !(hooks->value->type == FLUX_NODE_SEQUENCE && hooks->value->items->len == 0))
    return flux_fail(error, GUST_FLUX_ERROR_UNSUPPORTED, file, hooks->line,
                     "workerHooks are Java classes (IWorkerHook), which gust cannot run; "
                     "remove them");
  return TRUE;
}

static gboolean read_name_and_config(const flux_context *context, flux_doc *doc,
                                     const flux_node *root, const char *file, GError **error)
{
  const flux_pair *name = flux_node_get_pair(root, "name");
  if (name && !flux_node_is_null(name->value)) {
    const char *text;
    if (!flux_node_text(name->value, "the topology name", file, &text, error)) return FALSE;
    doc->name = g_strdup(text);
    doc->name_file = file;
    doc->name_line = name->line;
  }
  const flux_pair *config = flux_node_get_pair(root, "config");
  if (!config || flux_node_is_null(config->value)) return TRUE;
  if (config->value->type != FLUX_NODE_MAPPING)
    return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, config->line,
                     "'config' must be a map of settings, not %s",
                     flux_node_type_name(config->value));
  json_t *conf = flux_node_to_json(context, config->value, file, error);
  if (!conf) return FALSE;
  json_decref(doc->config);
  doc->config = conf;
  return TRUE;
}

flux_doc *flux_doc_parse(const flux_context *context, const char *text, const char *file,
                         GError **error)
{
  char *substituted = flux_substitute(context, text, file, error);
  if (!substituted) return NULL;
  GError *local = NULL;
  flux_node *root = flux_node_parse(substituted, file, &local);
  g_free(substituted);
  if (local) {
    g_propagate_error(error, local);
    return NULL;
  }
  if (!root || root->type != FLUX_NODE_MAPPING) {
    flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, root ? root->line : 0,
              "a Flux file must be a map with name, config, spouts, bolts and streams%s",
              root ? "" : " (this one is empty)");
    flux_node_free(root);
    return NULL;
  }

  flux_doc *doc = flux_doc_new();
  flux_source *source = g_new0(flux_source, 1);
  source->file = g_strdup(file);
  source->root = root;
  g_ptr_array_add(doc->sources, source);
  file = source->file; /* entries borrow the doc's copy */

  if (!flux_node_check_keys(root, top_level_keys, "top level", file, error) ||
      !refuse_java_only_keys(root, file, error) ||
      !read_name_and_config(context, doc, root, file, error) ||
      !read_entries(root, "components", "component", TRUE, file, doc->beans, error) ||
      !read_entries(root, "spouts", "spout", TRUE, file, doc->spouts, error) ||
      !read_entries(root, "bolts", "bolt", TRUE, file, doc->bolts, error) ||
      !read_entries(root, "streams", "stream", FALSE, file, doc->streams, error) ||
      !read_entries(root, "includes", "include", FALSE, file, doc->includes, error)) {
    flux_doc_free(doc);
    return NULL;
  }
  return doc;
}
