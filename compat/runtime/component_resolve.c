/* component_resolve.c — finding the code behind a component: a native
 * shared object (dlopen through GModule), a built-in class, or a refusal
 * that names the component and says what the user can do.  Native
 * components declare their streams here, into the topology model, before
 * the topology is validated.  Runs once, on the thread that builds the
 * runtime.
 */
#include "runtime_private.h"

#include <gust/builtin_class.h>

#include <gmodule.h>
#include <string.h>

struct gust_declarer {
  gust_component *model;
  GError *error;
};

void gust_declare_stream(gust_declarer *d, const char *stream, const char *const *fields,
                         gboolean direct)
{
  if (d->error) return;
  gust_component_declare_stream(d->model, stream ? stream : GUST_DEFAULT_STREAM, fields, direct,
                                &d->error);
}

/* dlopen()s the library and finds the symbol; sets c->def. */
static gboolean open_library(gust_runtime *rt, rt_component *c, const char *path,
                             const char *symbol, GError **error)
{
  GModule *module = g_module_open(path, G_MODULE_BIND_LOCAL);
  if (!module) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "component '%s': cannot load native library %s: %s", c->id, path, g_module_error());
    return FALSE;
  }
  g_ptr_array_add(rt->libraries, module);
  gpointer def = NULL;
  if (!g_module_symbol(module, symbol, &def) || !def) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "component '%s': %s has no symbol '%s'", c->id, path, symbol);
    return FALSE;
  }
  c->def = def;
  return TRUE;
}

/* Where library is: its own path (relative to base_dir), else the first
 * native_path directory holding its file name.  NULL + error listing every
 * place tried when it is nowhere. */
static char *find_library(gust_runtime *rt, rt_component *c, const char *library, GError **error)
{
  char *path = g_path_is_absolute(library) ? g_strdup(library)
                                           : g_build_filename(rt->base_dir, library, NULL);
  if (g_file_test(path, G_FILE_TEST_EXISTS) || !rt->native_path) return path;
  GString *tried = g_string_new(path);
  g_free(path);
  g_autofree char *name = g_path_get_basename(library);
  g_auto(GStrv) dirs = g_strsplit(rt->native_path, G_SEARCHPATH_SEPARATOR_S, -1);
  for (char **dir = dirs; *dir; dir++) {
    if (!**dir) continue;
    path = g_build_filename(*dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_EXISTS)) {
      g_string_free(tried, TRUE);
      return path;
    }
    g_string_append_printf(tried, ", %s", path);
    g_free(path);
  }
  g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
              "component '%s': native library %s not found; looked at %s", c->id, name, tried->str);
  g_string_free(tried, TRUE);
  return NULL;
}

static gboolean load_native(gust_runtime *rt, rt_component *c, const gust_impl *impl,
                            GError **error)
{
  const char *library = impl->native.library;
  const char *symbol = impl->native.symbol;
  c->def = rt->native_lookup ? rt->native_lookup(library, symbol, rt->native_lookup_data) : NULL;
  g_autofree char *path = c->def ? g_strdup(library) : find_library(rt, c, library, error);
  if (!path) return FALSE;
  if (!c->def && !open_library(rt, c, path, symbol, error)) return FALSE;
  if (c->def->abi != GUST_NATIVE_ABI) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "component '%s': %s:%s was built for native ABI %u, this gust speaks %u", c->id,
                path, symbol, c->def->abi, GUST_NATIVE_ABI);
    return FALSE;
  }
  gust_def_kind want = c->is_spout ? GUST_DEF_SPOUT : GUST_DEF_BOLT;
  if (c->def->kind != want || (want == GUST_DEF_BOLT && !c->def->execute) ||
      (want == GUST_DEF_SPOUT && !c->def->next_tuple)) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "component '%s' is a %s but %s:%s does not define one", c->id,
                c->is_spout ? "spout" : "bolt", path, symbol);
    return FALSE;
  }
  if (c->def->declare_outputs) {
    gust_declarer d = {.model = c->model};
    c->def->declare_outputs(&d, c->conf);
    if (d.error) {
      g_propagate_prefixed_error(error, d.error, "component '%s': declaring outputs: ", c->id);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean rt_resolve_component(gust_runtime *rt, rt_component *c, GError **error)
{
  const gust_impl *impl = gust_component_impl(c->model);
  if (!impl) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "component '%s' has no implementation", c->id);
    return FALSE;
  }
  switch (impl->kind) {
  case GUST_IMPL_NATIVE:
    return load_native(rt, c, impl, error);
  case GUST_IMPL_BUILTIN: {
    /* the runtime hook of the class's registry row */
    const gust_builtin_class *row = gust_builtin_class_lookup(impl->builtin.class_name);
    c->def = row && row->impl_kind == GUST_IMPL_BUILTIN ? row->runtime : NULL;
    if (!c->def) {
      g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                  "component '%s': built-in class %s has no runtime implementation", c->id,
                  impl->builtin.class_name);
      return FALSE;
    }
    return TRUE;
  }
  case GUST_IMPL_MULTILANG: {
    /* a subprocess (compat/multilang/); its streams were declared when the
     * topology was loaded.  Bolts need no definition: their operator is
     * rt_multilang_bolt_operator. */
    /* topology.multilang.serializer: validation accepts only the JSON one */
    c->def = c->is_spout ? &rt_multilang_spout_def : NULL;
    c->watch_spout = c->is_spout ? rt_multilang_spout_watch : NULL;
    return TRUE;
  }
  case GUST_IMPL_JVM:
    /* hosted by the JVM host (compat/jvm/); streams were declared when the
     * topology was submitted.  Bolts run in rt_jvm_bolt_operator. */
    if (!rt->jvm_socket) {
      g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                  "component '%s': Java class %s runs in the JVM host: start the topology "
                  "with `gust jar`",
                  c->id, impl->jvm.class_name);
      return FALSE;
    }
    c->def = c->is_spout ? &rt_jvm_spout_def : NULL;
    c->watch_spout = c->is_spout ? rt_jvm_spout_watch : NULL;
    return TRUE;
  case GUST_IMPL_JAVA:
  default:
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "component '%s': Java class %s cannot run on gust; write it as a native "
                "component (className \"native:LIB.so:SYMBOL\") or a multilang one",
                c->id, impl->java.class_name);
    return FALSE;
  }
}
