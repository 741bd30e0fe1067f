/* validate.c — Storm's submission rules, checked on a built topology.
 *
 * Loaders build freely; this file decides whether the result may run.  The
 * rules are the ones Nimbus applies when a topology is submitted (ids,
 * spouts without inputs, subscriptions to existing components, streams and
 * fields), plus what gust adds because it hosts components itself: every
 * component needs an implementation gust can run, a custom grouping needs
 * its instance (run in the JVM host), and direct streams must be consumed with DIRECT grouping
 * (Storm only finds that out when the first tuple is routed), and no
 * component may have more tasks than topology.gust.max.component.tasks.
 * Conf values are checked against gust/conf.h's table (type and range).
 *
 * Passes run in a fixed order so the first error is stable: topology name
 * and conf, ids, then per component its implementation, conf, parallelism,
 * streams and task count, the acker count, inputs, and last "at least one
 * spout".  Every message starts with
 * "file:line: " when the definition's location is known, then names the
 * component ("bolt 'split': ...") or the subscription ("stream from 'a' to
 * 'b': ..."), then the rule.
 */
#include "known_classes.h"
#include "model_private.h"

#include <gust/conf.h>

#include <stdarg.h>
#include <string.h>

/* The domain name is stringified as written: keep the formatter away. */
/* clang-format off */
G_DEFINE_QUARK(gust-topology-error-quark, gust_topology_error)
/* clang-format on */

static const char *const reserved_prefix = "__";

static gboolean is_reserved(const char *id)
{
  return g_str_has_prefix(id, reserved_prefix);
}

static void append_location(GString *message, const gust_location *location)
{
  if (location && location->file)
    g_string_append_printf(message, "%s:%u: ", location->file, location->line);
}

static gboolean G_GNUC_PRINTF(4, 5)
    component_error(GError **error, gint code, const gust_component *component, const char *format,
                    ...)
{
  GString *message = g_string_new(NULL);
  append_location(message, gust_component_location(component));
  g_string_append_printf(message, "%s '%s': ", gust_component_kind_name(component->kind),
                         component->id);
  va_list args;
  va_start(args, format);
  g_string_append_vprintf(message, format, args);
  va_end(args);
  g_set_error_literal(error, GUST_TOPOLOGY_ERROR, code, message->str);
  g_string_free(message, TRUE);
  return FALSE;
}

static gboolean G_GNUC_PRINTF(5, 6)
    input_error(GError **error, gint code, const gust_component *component, const gust_input *input,
                const char *format, ...)
{
  GString *message = g_string_new(NULL);
  const gust_location *location = gust_input_location(input);
  append_location(message, location ? location : gust_component_location(component));
  if (g_str_equal(input->stream, GUST_DEFAULT_STREAM))
    g_string_append_printf(message, "stream from '%s' to '%s': ", input->source, component->id);
  else
    g_string_append_printf(message, "stream '%s' from '%s' to '%s': ", input->stream, input->source,
                           component->id);
  va_list args;
  va_start(args, format);
  g_string_append_vprintf(message, format, args);
  va_end(args);
  g_set_error_literal(error, GUST_TOPOLOGY_ERROR, code, message->str);
  g_string_free(message, TRUE);
  return FALSE;
}

static char *join_strv(const char *const *strv)
{
  return g_strjoinv(", ", (char **)strv);
}

/* ---- topology-wide rules ---- */

static gboolean check_name(const gust_topology *topology, GError **error)
{
  const char *name = topology->name;
  if (!name || !*name) {
    g_set_error_literal(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_NAME,
                        "the topology has no name");
    return FALSE;
  }
  if (strpbrk(name, "/.:\\")) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_NAME,
                "topology name '%s' may not contain '/', '.', ':' or '\\'", name);
    return FALSE;
  }
  return TRUE;
}

static gboolean check_id(const gust_topology *topology, const gust_component *component,
                         GError **error)
{
  if (!*component->id)
    return component_error(error, GUST_TOPOLOGY_ERROR_INVALID_ID, component,
                           "a component id may not be empty");
  if (is_reserved(component->id))
    return component_error(error, GUST_TOPOLOGY_ERROR_INVALID_ID, component,
                           "ids starting with \"%s\" are reserved for Storm's system "
                           "components (__acker, __system, ...)",
                           reserved_prefix);
  const gust_component *first = gust_topology_lookup(topology, component->id);
  if (first != component) {
    const gust_location *where = gust_component_location(first);
    if (where)
      return component_error(error, GUST_TOPOLOGY_ERROR_DUPLICATE_ID, component,
                             "id already used by the %s defined at %s:%u",
                             gust_component_kind_name(first->kind), where->file, where->line);
    return component_error(error, GUST_TOPOLOGY_ERROR_DUPLICATE_ID, component,
                           "id already used by another %s", gust_component_kind_name(first->kind));
  }
  return TRUE;
}

/* ---- per-component rules ---- */

static gboolean refuse_java_class(const gust_component *component, const char *class_name,
                                  GError **error)
{
  gboolean spout = component->kind == GUST_COMPONENT_SPOUT;
  char *shell = gust_builtin_class_names(component->kind, GUST_IMPL_MULTILANG);
  char *builtins = gust_builtin_class_names(component->kind, GUST_IMPL_BUILTIN);
  component_error(error, GUST_TOPOLOGY_ERROR_UNSUPPORTED_CLASS, component,
                  "Java class '%s' cannot run in gust without its jar: give the jar (gust "
                  "local --jar JAR, gust submit --jar JAR, or gust jar JAR "
                  "org.apache.storm.flux.Flux), or use a multilang %s (className %s with the "
                  "command to run), a native C %s "
                  "(className \"native:PATH:SYMBOL\"), or a built-in %s class: %s",
                  class_name, spout ? "spout" : "bolt", shell, spout ? "spout" : "bolt",
                  spout ? "spout" : "bolt", *builtins ? builtins : "(none)");
  g_free(shell);
  g_free(builtins);
  return FALSE;
}

static gboolean is_c_identifier(const char *s)
{
  if (!g_ascii_isalpha(*s) && *s != '_') return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum(*s) && *s != '_') return FALSE;
  return TRUE;
}

static gboolean check_implementation(const gust_component *component, GError **error)
{
  const gust_impl *impl = component->impl;
  if (!impl)
    return component_error(error, GUST_TOPOLOGY_ERROR_MISSING_IMPLEMENTATION, component,
                           "no implementation (native, multilang or built-in) is given");
  switch (impl->kind) {
  case GUST_IMPL_JAVA:
    return refuse_java_class(component, impl->java.class_name, error);
  case GUST_IMPL_BUILTIN: {
    const gust_builtin_class *row = gust_builtin_class_lookup(impl->builtin.class_name);
    if (!row || row->impl_kind != GUST_IMPL_BUILTIN || row->kind != component->kind)
      return refuse_java_class(component, impl->builtin.class_name, error);
    return TRUE;
  }
  case GUST_IMPL_NATIVE:
    if (!*impl->native.library || !is_c_identifier(impl->native.symbol))
      return component_error(error, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS, component,
                             "a native component needs a library path and a C symbol name "
                             "(got '%s' and '%s')",
                             impl->native.library, impl->native.symbol);
    return TRUE;
  case GUST_IMPL_MULTILANG:
  case GUST_IMPL_JVM:
    return TRUE;
  }
  g_assert_not_reached();
}

static gboolean check_topology_conf(const gust_topology *topology, GError **error)
{
  GError *conf_error = NULL;
  if (gust_conf_check(topology->conf, &conf_error)) return TRUE;
  g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_CONF, "topology conf: %s",
              conf_error->message);
  g_error_free(conf_error);
  return FALSE;
}

static gboolean check_parallelism_and_conf(const gust_component *component, GError **error)
{
  gint negative_tasks; /* numTasks in Flux: said in the words of the task count */
  if (gust_conf_value_to_int(json_object_get(component->conf, "topology.tasks"), G_MININT, -1,
                             &negative_tasks))
    return component_error(error, GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM, component,
                           "the number of tasks must be 0 or more (got %d)", negative_tasks);
  GError *conf_error = NULL;
  if (!gust_conf_check(component->conf, &conf_error)) {
    component_error(error, GUST_TOPOLOGY_ERROR_INVALID_CONF, component, "conf %s",
                    conf_error->message);
    g_error_free(conf_error);
    return FALSE;
  }
  if (component->parallelism < 1)
    return component_error(error, GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM, component,
                           "parallelism must be at least 1 (got %d)", component->parallelism);
  return TRUE;
}

static gboolean check_stream(const gust_component *component, const gust_stream *stream,
                             GError **error)
{
  if (!*stream->id)
    return component_error(error, GUST_TOPOLOGY_ERROR_INVALID_STREAM, component,
                           "declares a stream with an empty id");
  if (is_reserved(stream->id))
    return component_error(error, GUST_TOPOLOGY_ERROR_INVALID_STREAM, component,
                           "stream id '%s' is reserved (ids starting with \"%s\" belong to "
                           "Storm's system streams)",
                           stream->id, reserved_prefix);
  for (guint i = 0; stream->fields[i]; i++) {
    if (!*stream->fields[i])
      return component_error(error, GUST_TOPOLOGY_ERROR_INVALID_STREAM, component,
                             "stream '%s' has an empty field name", stream->id);
    for (guint j = 0; j < i; j++)
      if (g_str_equal(stream->fields[i], stream->fields[j]))
        return component_error(error, GUST_TOPOLOGY_ERROR_INVALID_STREAM, component,
                               "stream '%s' declares field '%s' twice", stream->id,
                               stream->fields[i]);
  }
  return TRUE;
}

static gboolean check_component(const gust_component *component, GError **error)
{
  if (!check_implementation(component, error) || !check_parallelism_and_conf(component, error))
    return FALSE;
  for (guint i = 0; i < component->streams->len; i++)
    if (!check_stream(component, g_ptr_array_index(component->streams, i), error)) return FALSE;
  if (component->kind == GUST_COMPONENT_SPOUT && component->inputs->len > 0) {
    const gust_input *input = g_ptr_array_index(component->inputs, 0);
    return component_error(error, GUST_TOPOLOGY_ERROR_SPOUT_WITH_INPUTS, component,
                           "a spout cannot subscribe to streams (it subscribes to '%s' of '%s')",
                           input->stream, input->source);
  }
  return TRUE;
}

/* gust runs every task in one process, and each subscription gets a
 * channel per pair of tasks: a million tasks would hang the start. */
static const char *const max_tasks_key = "topology.gust.max.component.tasks";

static gboolean check_task_count(const gust_topology *topology, const gust_component *component,
                                 GError **error)
{
  gint tasks = gust_topology_component_tasks(topology, component);
  gint limit =
      gust_conf_int(gust_conf_pick(component->conf, topology->conf, max_tasks_key), max_tasks_key);
  if (tasks <= limit) return TRUE;
  return component_error(error, GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM, component,
                         "%d tasks are more than gust runs for one component (%s: %d); lower "
                         "its parallelism or topology.tasks, or raise the limit",
                         tasks, max_tasks_key, limit);
}

static gboolean check_acker_count(const gust_topology *topology, GError **error)
{
  gint ackers = gust_conf_int(topology->conf, "topology.acker.executors");
  gint limit = gust_conf_int(topology->conf, max_tasks_key);
  if (ackers <= limit) return TRUE;
  g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM,
              "topology conf: topology.acker.executors %d is more than gust runs for one "
              "component (%s: %d)",
              ackers, max_tasks_key, limit);
  return FALSE;
}

/* ---- inputs ---- */

static gboolean check_grouping_fields(const gust_component *component, const gust_input *input,
                                      const gust_stream *stream, GError **error)
{
  const char *const *fields = gust_grouping_fields(input->grouping, NULL);
  const char *kind = gust_grouping_kind_name(input->grouping->kind);
  if (input->grouping->kind == GUST_GROUPING_FIELDS && !fields[0])
    return input_error(error, GUST_TOPOLOGY_ERROR_UNKNOWN_FIELD, component, input,
                       "a FIELDS grouping needs at least one field (GLOBAL sends every tuple "
                       "to one task)");
  for (guint i = 0; fields[i]; i++) {
    for (guint j = 0; j < i; j++)
      if (g_str_equal(fields[i], fields[j]))
        return input_error(error, GUST_TOPOLOGY_ERROR_UNKNOWN_FIELD, component, input,
                           "%s grouping names field '%s' twice", kind, fields[i]);
    if (gust_stream_field_index(stream, fields[i]) < 0) {
      char *declared = join_strv(gust_stream_fields(stream));
      input_error(error, GUST_TOPOLOGY_ERROR_UNKNOWN_FIELD, component, input,
                  "%s grouping on field '%s', which stream '%s' of '%s' does not declare "
                  "(its fields: %s)",
                  kind, fields[i], stream->id, input->source, *declared ? declared : "none");
      g_free(declared);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean check_direct(const gust_component *component, const gust_input *input,
                             const gust_stream *stream, GError **error)
{
  gboolean direct_grouping = input->grouping->kind == GUST_GROUPING_DIRECT;
  if (direct_grouping && !stream->direct)
    return input_error(error, GUST_TOPOLOGY_ERROR_DIRECT_MISMATCH, component, input,
                       "DIRECT grouping needs a stream declared direct, and stream '%s' of "
                       "'%s' is not",
                       stream->id, input->source);
  if (!direct_grouping && stream->direct)
    return input_error(error, GUST_TOPOLOGY_ERROR_DIRECT_MISMATCH, component, input,
                       "stream '%s' of '%s' is declared direct, so it can only be consumed "
                       "with DIRECT grouping (got %s)",
                       stream->id, input->source, gust_grouping_kind_name(input->grouping->kind));
  return TRUE;
}

static gboolean check_input(const gust_topology *topology, const gust_component *component,
                            const gust_input *input, gust_validate_flags flags, GError **error)
{
  const gust_component *source = gust_topology_lookup(topology, input->source);
  if (!source)
    return input_error(error, GUST_TOPOLOGY_ERROR_UNKNOWN_COMPONENT, component, input,
                       "unknown component '%s'", input->source);
  if (input->grouping->kind == GUST_GROUPING_CUSTOM && !input->grouping->custom_object &&
      !input->grouping->custom_definition)
    return input_error(error, GUST_TOPOLOGY_ERROR_UNSUPPORTED_GROUPING, component, input,
                       "custom grouping class '%s' came without its instance (neither its "
                       "Java serialization nor a Flux customClass definition): gust cannot "
                       "build it",
                       input->grouping->custom_class);
  if ((flags & GUST_VALIDATE_SKIP_NATIVE_STREAMS) && source->impl &&
      source->impl->kind == GUST_IMPL_NATIVE)
    return TRUE;

  const gust_stream *stream = gust_component_lookup_stream(source, input->stream);
  if (!stream) {
    GString *declared = g_string_new(NULL);
    for (guint i = 0; i < source->streams->len; i++)
      g_string_append_printf(declared, "%s%s", i ? ", " : "",
                             ((gust_stream *)g_ptr_array_index(source->streams, i))->id);
    input_error(error, GUST_TOPOLOGY_ERROR_UNKNOWN_STREAM, component, input,
                "%s '%s' declares no stream '%s' (%s%s)", gust_component_kind_name(source->kind),
                input->source, input->stream,
                declared->len ? "its streams: " : "it declares no streams", declared->str);
    g_string_free(declared, TRUE);
    return FALSE;
  }
  return check_grouping_fields(component, input, stream, error) &&
         check_direct(component, input, stream, error);
}

static gboolean has_spout(const gust_topology *topology)
{
  for (guint i = 0; i < topology->components->len; i++)
    if (((gust_component *)g_ptr_array_index(topology->components, i))->kind ==
        GUST_COMPONENT_SPOUT)
      return TRUE;
  return FALSE;
}

/* One broken rule: stops the pass (problems NULL: the caller wants the
 * first error), or is appended to problems and the pass goes on. */
static gboolean report(GPtrArray *problems, GError *problem, GError **error)
{
  if (!problems) {
    g_propagate_error(error, problem);
    return FALSE;
  }
  g_ptr_array_add(problems, problem);
  return TRUE;
}

/* Runs every pass; FALSE (error set) at the first broken rule when
 * problems is NULL, else TRUE with every broken rule in problems. */
static gboolean run_passes(const gust_topology *topology, gust_validate_flags flags,
                           GPtrArray *problems, GError **error)
{
  GPtrArray *components = topology->components;
  GError *problem = NULL;
#define CHECK(call)                                                                                \
  if (!(call) && !report(problems, g_steal_pointer(&problem), error)) return FALSE

  CHECK(check_name(topology, &problem));
  CHECK(check_topology_conf(topology, &problem));
  for (guint i = 0; i < components->len; i++)
    CHECK(check_id(topology, g_ptr_array_index(components, i), &problem));
  for (guint i = 0; i < components->len; i++) {
    CHECK(check_component(g_ptr_array_index(components, i), &problem));
    CHECK(check_task_count(topology, g_ptr_array_index(components, i), &problem));
  }
  CHECK(check_acker_count(topology, &problem));
  for (guint i = 0; i < components->len; i++) {
    const gust_component *component = g_ptr_array_index(components, i);
    for (guint j = 0; j < component->inputs->len; j++)
      CHECK(check_input(topology, component, g_ptr_array_index(component->inputs, j), flags,
                        &problem));
  }
  if (!has_spout(topology)) {
    g_set_error(&problem, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_NO_SPOUT,
                "topology '%s' has no spout", topology->name);
    if (!report(problems, g_steal_pointer(&problem), error)) return FALSE;
  }
#undef CHECK
  return TRUE;
}

gboolean gust_topology_validate_with_flags(const gust_topology *topology, gust_validate_flags flags,
                                           GError **error)
{
  g_return_val_if_fail(topology != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
  return run_passes(topology, flags, NULL, error);
}

GPtrArray *gust_topology_validate_all(const gust_topology *topology, gust_validate_flags flags)
{
  g_return_val_if_fail(topology != NULL, NULL);
  GPtrArray *problems = g_ptr_array_new_with_free_func((GDestroyNotify)g_error_free);
  run_passes(topology, flags, problems, NULL);
  return problems;
}

gboolean gust_topology_validate(const gust_topology *topology, GError **error)
{
  return gust_topology_validate_with_flags(topology, GUST_VALIDATE_DEFAULT, error);
}
