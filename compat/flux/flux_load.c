/* flux_load.c — the public entry points of the Flux loader.
 *
 * A load is one call on one thread.  It sets up a flux_context (the
 * --filter properties, the environment for ${ENV-X}, the multilang
 * resources directory, compiled scalar patterns), then runs the pipeline
 * described in flux_private.h: parse the main file, merge its includes,
 * build the topology, validate it.  Validation skips the stream checks of
 * inputs fed by native components (their streams are declared later by the
 * runtime, which then validates again).  Everything is freed before
 * returning; the caller owns the returned topology.
 */
#include "flux_private.h"

#include <string.h>

static char *default_resources_dir(const char *display_name)
{
  char *dir = g_path_get_dirname(display_name);
  char *resources = g_build_filename(dir, "resources", NULL);
  char *chosen =
      g_canonicalize_filename(g_file_test(resources, G_FILE_TEST_IS_DIR) ? resources : dir, NULL);
  g_free(resources);
  g_free(dir);
  return chosen;
}

static gboolean context_init(flux_context *context, const gust_flux_options *options,
                             const char *display_name, GError **error)
{
  static const gust_flux_options defaults = {0};
  if (!options) options = &defaults;
  memset(context, 0, sizeof *context);
  if (options->properties_file) {
    context->properties = gust_properties_load_file(options->properties_file, error);
    if (!context->properties) return FALSE;
    context->properties_file = g_strdup(options->properties_file);
  }
  context->env_filter = options->env_filter;
  context->environment =
      options->environment ? g_strdupv((char **)options->environment) : g_get_environ();
  context->resources_dir = options->resources_dir
                               ? g_canonicalize_filename(options->resources_dir, NULL)
                               : default_resources_dir(display_name);
  context->resolver = flux_scalar_resolver_new();
  return TRUE;
}

static void context_clear(flux_context *context)
{
  if (context->properties) g_hash_table_unref(context->properties);
  g_free(context->properties_file);
  g_strfreev(context->environment);
  g_free(context->resources_dir);
  flux_scalar_resolver_free(context->resolver);
}

gust_topology *gust_flux_load_string(const char *text, const char *display_name,
                                     const gust_flux_options *opts, GError **error)
{
  g_return_val_if_fail(text != NULL && display_name != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  flux_context context;
  if (!context_init(&context, opts, display_name, error)) {
    context_clear(&context);
    return NULL;
  }
  gust_topology *topology = NULL;
  flux_doc *doc = flux_doc_parse(&context, text, display_name, error);
  if (doc && flux_doc_process_includes(&context, doc, error))
    topology = flux_build_topology(&context, doc, error);
  if (topology && !(opts && opts->skip_validation)) {
    gust_validate_flags flags = gust_topology_has_native_components(topology)
                                    ? GUST_VALIDATE_SKIP_NATIVE_STREAMS
                                    : GUST_VALIDATE_DEFAULT;
    if (!gust_topology_validate_with_flags(topology, flags, error))
      g_clear_pointer(&topology, gust_topology_free);
  }
  flux_doc_free(doc);
  context_clear(&context);
  return topology;
}

gust_topology *gust_flux_load_file(const char *path, const gust_flux_options *opts, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  char *text = NULL;
  gsize length = 0;
  GError *local = NULL;
  if (!g_file_get_contents(path, &text, &length, &local)) {
    flux_fail(error, GUST_FLUX_ERROR_IO, path, 0, "cannot read Flux file: %s", local->message);
    g_error_free(local);
    return NULL;
  }
  gust_topology *topology = NULL;
  if (strlen(text) != length)
    flux_fail(error, GUST_FLUX_ERROR_SYNTAX, path, 0, "the file contains a NUL byte");
  else
    topology = gust_flux_load_string(text, path, opts, error);
  g_free(text);
  return topology;
}
