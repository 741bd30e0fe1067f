/* flux_settings.c — a YAML file of settings (Storm's storm.yaml) as JSON.
 *
 * Storm reads storm.yaml with the same YAML library as Flux files, so its
 * values are typed here exactly as a Flux "config:" block is (YAML 1.1
 * plain scalars, flux_scalar.c).  The top level must be a mapping; an empty
 * file is an empty mapping.  The line of every key is kept so that a caller
 * checking the values can say where a bad one was written.  No ${...}
 * substitution: Storm does none in storm.yaml.
 */
#include "flux_private.h"

json_t *gust_yaml_settings_parse(const char *text, const char *display_name, GHashTable **key_lines,
                                 GError **error)
{
  g_return_val_if_fail(text != NULL && display_name != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (key_lines) *key_lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GError *parse_error = NULL;
  flux_node *root = flux_node_parse(text, display_name, &parse_error);
  if (parse_error) {
    g_propagate_error(error, parse_error);
    goto failed;
  }
  if (!root) return json_object(); /* an empty file */
  if (root->type != FLUX_NODE_MAPPING) {
    flux_fail(error, GUST_FLUX_ERROR_SCHEMA, display_name, root->line,
              "settings must be a map of keys to values, not %s", flux_node_type_name(root));
    flux_node_free(root);
    goto failed;
  }
  flux_context context = {.resolver = flux_scalar_resolver_new()};
  json_t *settings = flux_node_to_json(&context, root, display_name, error);
  flux_scalar_resolver_free(context.resolver);
  if (settings && key_lines)
    for (guint i = 0; i < root->pairs->len; i++) {
      const flux_pair *pair = g_ptr_array_index(root->pairs, i);
      g_hash_table_insert(*key_lines, g_strdup(pair->key), GUINT_TO_POINTER(pair->line));
    }
  flux_node_free(root);
  if (settings) return settings;
failed:
  if (key_lines) g_clear_pointer(key_lines, g_hash_table_unref);
  return NULL;
}
