/* flux_include.c — "includes:", Flux's way of composing files.
 *
 * Each include {file, resource, override} of the main file is read,
 * substituted and parsed like the main file, then merged:
 *   name      taken when the main file has none, or with override: true;
 *   config    key by key: a key the main file already sets is replaced
 *             only with override: true;
 *   components, spouts, bolts
 *             by id: a definition with a known id replaces the existing
 *             one (in its place) only with override: true, otherwise it is
 *             ignored with a warning; new ids are appended;
 *   streams   always appended.
 * Paths are relative to the including file.  resource: true (a classpath
 * resource) is refused: gust has no classpath.  Includes listed inside an
 * included file are ignored with a warning: Flux processes one level only.
 */
#define G_LOG_DOMAIN "gust-flux"

#include "flux_private.h"

#include <string.h>

static const char *const include_keys[] = {"file", "resource", "override", NULL};

static flux_entry *entry_copy(const flux_entry *entry)
{
  flux_entry *copy = g_new0(flux_entry, 1);
  copy->id = g_strdup(entry->id);
  copy->file = entry->file;
  copy->node = entry->node;
  return copy;
}

static void merge_entries(GPtrArray *into, GPtrArray *from, gboolean override, const char *what)
{
  for (guint i = 0; i < from->len; i++) {
    const flux_entry *entry = g_ptr_array_index(from, i);
    guint at = into->len;
    for (guint j = 0; j < into->len; j++)
      if (g_str_equal(((flux_entry *)g_ptr_array_index(into, j))->id, entry->id)) at = j;
    if (at == into->len) {
      g_ptr_array_add(into, entry_copy(entry));
    } else if (override) {
      flux_entry *old = g_ptr_array_index(into, at);
      into->pdata[at] = entry_copy(entry);
      g_free(old->id);
      g_free(old);
    } else {
      g_warning("%s:%u: %s '%s' is ignored: it is already defined and the include does not "
                "set override: true",
                entry->file, entry->node->line, what, entry->id);
    }
  }
}

static void merge_config(json_t *into, const json_t *from, gboolean override, const char *file)
{
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)from, key, value)
  {
    if (override || !json_object_get(into, key))
      json_object_set(into, key, value);
    else
      g_warning("%s: config '%s' is ignored: the including file sets it and the include "
                "does not set override: true",
                file, key);
  }
}

static void merge_doc(flux_doc *doc, flux_doc *included, gboolean override)
{
  const char *file = ((flux_source *)g_ptr_array_index(included->sources, 0))->file;
  if (included->name && (!doc->name || override)) {
    g_free(doc->name);
    doc->name = g_strdup(included->name);
    doc->name_file = included->name_file;
    doc->name_line = included->name_line;
  } else if (included->name) {
    g_warning("%s:%u: name '%s' is ignored: the including file names the topology and the "
              "include does not set override: true",
              included->name_file, included->name_line, included->name);
  }
  merge_config(doc->config, included->config, override, file);
  merge_entries(doc->beans, included->beans, override, "component");
  merge_entries(doc->bolts, included->bolts, override, "bolt");
  merge_entries(doc->spouts, included->spouts, override, "spout");
  for (guint i = 0; i < included->streams->len; i++)
    g_ptr_array_add(doc->streams, entry_copy(g_ptr_array_index(included->streams, i)));
  if (included->includes->len > 0)
    g_warning("%s: its includes are ignored: Flux processes includes of the main file only", file);
  /* The trees move to doc: the entries copied above point into them. */
  while (included->sources->len > 0)
    g_ptr_array_add(doc->sources, g_ptr_array_steal_index(included->sources, 0));
}

static gboolean process_include(const flux_context *context, flux_doc *doc, const flux_entry *entry,
                                GError **error)
{
  const flux_node *node = entry->node;
  const flux_node *resource = flux_node_get(node, "resource");
  const flux_node *file_node = flux_node_get(node, "file");
  const flux_node *override_node = flux_node_get(node, "override");
  gboolean is_resource = FALSE, override = FALSE;
  const char *file;

  if (!flux_node_check_keys(node, include_keys, "include", entry->file, error) ||
      (resource &&
       !flux_node_bool(context, resource, "resource", entry->file, &is_resource, error)) ||
      (override_node &&
       !flux_node_bool(context, override_node, "override", entry->file, &override, error)))
    return FALSE;
  if (!file_node)
    return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, entry->file, node->line,
                     "an include needs a 'file'");
  if (!flux_node_text(file_node, "the include's file", entry->file, &file, error)) return FALSE;
  if (is_resource)
    return flux_fail(error, GUST_FLUX_ERROR_UNSUPPORTED, entry->file, node->line,
                     "include '%s' is a classpath resource (resource: true); gust has no "
                     "classpath: copy the file beside this one and use resource: false",
                     file);

  char *dir = g_path_get_dirname(entry->file);
  char *path = g_path_is_absolute(file) ? g_strdup(file) : g_build_filename(dir, file, NULL);
  g_free(dir);
  char *text = NULL;
  GError *local = NULL;
  gboolean ok = g_file_get_contents(path, &text, NULL, &local);
  if (!ok) {
    flux_fail(error, GUST_FLUX_ERROR_IO, entry->file, file_node->line,
              "cannot read include '%s': %s", file, local->message);
    g_error_free(local);
  } else {
    flux_doc *included = flux_doc_parse(context, text, path, error);
    ok = included != NULL;
    if (ok) merge_doc(doc, included, override);
    flux_doc_free(included);
  }
  g_free(text);
  g_free(path);
  return ok;
}

gboolean flux_doc_process_includes(const flux_context *context, flux_doc *doc, GError **error)
{
  for (guint i = 0; i < doc->includes->len; i++)
    if (!process_include(context, doc, g_ptr_array_index(doc->includes, i), error)) return FALSE;
  return TRUE;
}
