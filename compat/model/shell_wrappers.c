/* shell_wrappers.c — Flux's FluxShellSpout / FluxShellBolt as multilang
 * components.
 *
 * The Java wrappers only carry a command and some declarations, so gust
 * reads their definition instead of running them:
 *   constructorArgs  (command[])  or  (command[], outputFields[])  — the
 *                    second form declares outputFields on "default";
 *   configMethods    setDefaultStream(fields[]), setNamedStream(id, fields[]),
 *                    addComponentConfig(key, value) -> component conf,
 *                    changeChildCWD(false) -> run in the worker's directory,
 *                    setEnv({NAME: value}) -> extra environment.
 * Streams are declared in the order first named; naming one again replaces
 * its fields, as the wrapper's map does.  The command becomes argv as is —
 * never a shell string — and runs in the topology's resources directory.
 */
#include "known_classes.h"

#include <stdlib.h>

typedef struct {
  char *id;
  char **fields;
} pending_stream;

typedef struct {
  const char *name; /* short class name, for messages */
  GArray *streams;  /* pending_stream, in first-declared order */
  gboolean change_cwd;
  GPtrArray *env; /* "NAME=VALUE" */
} shell_settings;

static void pending_stream_clear(gpointer data)
{
  pending_stream *stream = data;
  g_free(stream->id);
  g_strfreev(stream->fields);
}

static void set_stream(shell_settings *settings, const char *id, char **fields)
{
  for (guint i = 0; i < settings->streams->len; i++) {
    pending_stream *stream = &g_array_index(settings->streams, pending_stream, i);
    if (g_str_equal(stream->id, id)) {
      g_strfreev(stream->fields);
      stream->fields = fields;
      return;
    }
  }
  pending_stream stream = {g_strdup(id), fields};
  g_array_append_val(settings->streams, stream);
}

static gboolean is_reference(const json_t *value)
{
  return json_is_object(value) && json_object_size(value) == 1 &&
         (json_object_get(value, "ref") || json_object_get(value, "reflist"));
}

static gboolean bad_method(const shell_settings *settings, const char *method, gsize n_args,
                           const char *why, GError **error)
{
  g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
              "%s config method '%s' with %zu argument%s: %s", settings->name, method, n_args,
              n_args == 1 ? "" : "s", why);
  return FALSE;
}

static gboolean apply_env(shell_settings *settings, const json_t *env, GError **error)
{
  const char *key;
  json_t *value;
  if (!json_is_object(env) || is_reference(env))
    return bad_method(settings, "setEnv", 1, "expects a map of NAME: value", error);
  json_object_foreach((json_t *)env, key, value)
  {
    if (!json_is_string(value) && !json_is_number(value))
      return bad_method(settings, "setEnv", 1, "environment values must be strings", error);
    char *text = json_is_string(value) ? g_strdup(json_string_value(value))
                                       : json_dumps(value, JSON_ENCODE_ANY);
    g_ptr_array_add(settings->env, g_strdup_printf("%s=%s", key, text));
    free(text);
  }
  return TRUE;
}

static gboolean apply_config_method(shell_settings *settings, gust_component *component,
                                    const json_t *call, GError **error)
{
  const char *method = json_string_value(json_object_get(call, "name"));
  json_t *args = json_object_get(call, "args");
  gsize n = json_array_size(args);
  json_t *arg0 = json_array_get(args, 0), *arg1 = json_array_get(args, 1);
  if (!method) return bad_method(settings, "?", n, "a config method needs a name", error);
  for (gsize i = 0; i < n; i++)
    if (is_reference(json_array_get(args, i)))
      return bad_method(settings, method, n, "references (ref/reflist) are not supported here",
                        error);

  if (g_str_equal(method, "setDefaultStream") && n == 1) {
    char **fields = gust_json_to_strv(arg0);
    if (!fields) return bad_method(settings, method, n, "expects a list of field names", error);
    set_stream(settings, GUST_DEFAULT_STREAM, fields);
  } else if (g_str_equal(method, "setNamedStream") && n == 2) {
    char **fields = gust_json_to_strv(arg1);
    if (!json_is_string(arg0) || !fields) {
      g_strfreev(fields);
      return bad_method(settings, method, n, "expects a stream id and a list of field names",
                        error);
    }
    set_stream(settings, json_string_value(arg0), fields);
  } else if (g_str_equal(method, "addComponentConfig") && n == 2) {
    if (!json_is_string(arg0))
      return bad_method(settings, method, n, "expects a key and a value", error);
    gust_component_set_conf_value(component, json_string_value(arg0), json_deep_copy(arg1));
  } else if (g_str_equal(method, "changeChildCWD") && n == 1) {
    if (!json_is_boolean(arg0))
      return bad_method(settings, method, n, "expects true or false", error);
    settings->change_cwd = json_is_true(arg0);
  } else if (g_str_equal(method, "setEnv") && n == 1) {
    return apply_env(settings, arg0, error);
  } else {
    return bad_method(settings, method, n,
                      "no such method (the shell wrappers have setDefaultStream(fields), "
                      "setNamedStream(id, fields), addComponentConfig(key, value), "
                      "changeChildCWD(bool) and setEnv(map))",
                      error);
  }
  return TRUE;
}

static gboolean read_constructor(shell_settings *settings, const json_t *definition, char ***argv,
                                 GError **error)
{
  json_t *args = gust_object_def_constructor_args(definition);
  gsize n = json_array_size(args);
  if (n < 1 || n > 2) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "%s has the constructors (command[]) and (command[], outputFields[]); "
                "it cannot take %zu arguments",
                settings->name, n);
    return FALSE;
  }
  *argv = gust_json_to_strv(json_array_get(args, 0));
  if (!*argv || !(*argv)[0] || !(*argv)[0][0]) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "%s: the command (first constructor argument) must be a non-empty list of "
                "strings, such as [\"python3\", \"split.py\"]",
                settings->name);
    g_clear_pointer(argv, g_strfreev);
    return FALSE;
  }
  if (n == 2) {
    char **fields = gust_json_to_strv(json_array_get(args, 1));
    if (!fields) {
      g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                  "%s: the output fields (second constructor argument) must be a list of "
                  "strings",
                  settings->name);
      g_clear_pointer(argv, g_strfreev);
      return FALSE;
    }
    set_stream(settings, GUST_DEFAULT_STREAM, fields);
  }
  return TRUE;
}

static gboolean configure_shell_wrapper(gust_component *component, const json_t *definition,
                                        const gust_builtin_class_context *context, GError **error)
{
  const char *class_name = json_string_value(json_object_get(definition, "className"));
  shell_settings settings = {
      .name = gust_object_def_short_name(class_name ? class_name : "FluxShell"),
      .streams = g_array_new(FALSE, FALSE, sizeof(pending_stream)),
      .change_cwd = TRUE,
      .env = g_ptr_array_new_with_free_func(g_free),
  };
  g_array_set_clear_func(settings.streams, pending_stream_clear);
  char **argv = NULL;
  gboolean ok = gust_object_def_refuse_properties_and_factory(definition, error) &&
                read_constructor(&settings, definition, &argv, error);

  json_t *methods = gust_object_def_config_methods(definition);
  for (gsize i = 0; ok && i < json_array_size(methods); i++)
    ok = apply_config_method(&settings, component, json_array_get(methods, i), error);

  for (guint i = 0; ok && i < settings.streams->len; i++) {
    const pending_stream *stream = &g_array_index(settings.streams, pending_stream, i);
    ok = gust_component_declare_stream(component, stream->id, (const char *const *)stream->fields,
                                       FALSE, error);
  }
  if (ok) {
    g_ptr_array_add(settings.env, NULL);
    gust_component_set_impl(
        component,
        gust_impl_new_multilang(
            (const char *const *)argv, settings.change_cwd ? context->resources_dir : NULL,
            settings.env->len > 1 ? (const char *const *)settings.env->pdata : NULL));
  }
  g_strfreev(argv);
  g_array_unref(settings.streams);
  g_ptr_array_unref(settings.env);
  return ok;
}

const gust_builtin_class gust_flux_shell_spout_class = {
    .class_name = "org.apache.storm.flux.wrappers.spouts.FluxShellSpout",
    .kind = GUST_COMPONENT_SPOUT,
    .impl_kind = GUST_IMPL_MULTILANG,
    .configure = configure_shell_wrapper,
};

const gust_builtin_class gust_flux_shell_bolt_class = {
    .class_name = "org.apache.storm.flux.wrappers.bolts.FluxShellBolt",
    .kind = GUST_COMPONENT_BOLT,
    .impl_kind = GUST_IMPL_MULTILANG,
    .configure = configure_shell_wrapper,
};
