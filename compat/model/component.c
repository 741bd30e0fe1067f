/* component.c — one spout or bolt: its settings, declared output streams
 * and subscriptions (inputs).
 *
 * A component belongs to its topology (created by
 * gust_topology_add_component(), freed with the topology).  Streams and
 * inputs are kept in declaration order in small arrays: components have a
 * handful of each, so lookups are linear scans.  The only checks made here
 * are the ones that keep the structure a map (one stream per id, one input
 * per source stream); everything Storm enforces lives in validate.c.
 *
 * The task count is stored where Storm stores it — "topology.tasks" in the
 * component conf — so that a Thrift export writes the same json_conf.
 */
#include "model_private.h"

#include <gust/conf.h>

static const char *const component_kind_names[] = {
    [GUST_COMPONENT_SPOUT] = "spout",
    [GUST_COMPONENT_BOLT] = "bolt",
};

const char *gust_component_kind_name(gust_component_kind kind)
{
  g_return_val_if_fail((guint)kind < G_N_ELEMENTS(component_kind_names), "?");
  return component_kind_names[kind];
}

void gust_location_set(gust_location *location, const char *file, guint line)
{
  char *copy = g_strdup(file);
  g_free(location->file);
  location->file = copy;
  location->line = file ? line : 0;
}

void gust_location_clear(gust_location *location)
{
  g_clear_pointer(&location->file, g_free);
  location->line = 0;
}

static void stream_free(gpointer data)
{
  gust_stream *stream = data;
  g_free(stream->id);
  g_strfreev(stream->fields);
  g_free(stream);
}

static void input_free(gpointer data)
{
  gust_input *input = data;
  g_free(input->source);
  g_free(input->stream);
  gust_grouping_free(input->grouping);
  gust_location_clear(&input->location);
  g_free(input);
}

gust_component *gust_component_new_internal(const char *id, gust_component_kind kind)
{
  gust_component *component = g_new0(gust_component, 1);
  component->id = g_strdup(id ? id : "");
  component->kind = kind;
  component->parallelism = 1;
  component->conf = json_object();
  component->streams = g_ptr_array_new_with_free_func(stream_free);
  component->inputs = g_ptr_array_new_with_free_func(input_free);
  return component;
}

void gust_component_free_internal(gust_component *component)
{
  if (!component) return;
  g_free(component->id);
  json_decref(component->conf);
  g_ptr_array_unref(component->streams);
  g_ptr_array_unref(component->inputs);
  gust_impl_free(component->impl);
  json_decref(component->definition);
  gust_location_clear(&component->location);
  g_free(component);
}

const char *gust_component_id(const gust_component *component)
{
  return component->id;
}

gust_component_kind gust_component_get_kind(const gust_component *component)
{
  return component->kind;
}

gint gust_component_parallelism(const gust_component *component)
{
  return component->parallelism;
}

void gust_component_set_parallelism(gust_component *component, gint parallelism)
{
  component->parallelism = parallelism;
}

gint gust_component_tasks(const gust_component *component)
{
  gint tasks;
  if (gust_conf_lookup_int(component->conf, "topology.tasks", &tasks)) return tasks;
  return component->parallelism;
}

void gust_component_set_tasks(gust_component *component, gint tasks)
{
  json_object_set_new(component->conf, "topology.tasks", json_integer(tasks));
}

json_t *gust_component_conf(const gust_component *component)
{
  return component->conf;
}

void gust_component_set_conf_value(gust_component *component, const char *key, json_t *value)
{
  json_object_set_new(component->conf, key, value);
}

const gust_impl *gust_component_impl(const gust_component *component)
{
  return component->impl;
}

void gust_component_set_impl(gust_component *component, gust_impl *impl)
{
  gust_impl_free(component->impl);
  component->impl = impl;
}

json_t *gust_component_definition(const gust_component *component)
{
  return component->definition;
}

void gust_component_set_definition(gust_component *component, json_t *definition)
{
  json_decref(component->definition);
  component->definition = definition;
}

const gust_location *gust_component_location(const gust_component *component)
{
  return component->location.file ? &component->location : NULL;
}

void gust_component_set_location(gust_component *component, const char *file, guint line)
{
  gust_location_set(&component->location, file, line);
}

/* ---- streams ---- */

gboolean gust_component_declare_stream(gust_component *component, const char *stream_id,
                                       const char *const *fields, gboolean direct, GError **error)
{
  static const char *const no_fields[] = {NULL};
  g_return_val_if_fail(stream_id != NULL, FALSE);
  if (gust_component_lookup_stream(component, stream_id)) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_DUPLICATE_STREAM,
                "component '%s' declares stream '%s' twice", component->id, stream_id);
    return FALSE;
  }
  gust_stream *stream = g_new0(gust_stream, 1);
  stream->id = g_strdup(stream_id);
  stream->fields = g_strdupv((char **)(fields ? fields : no_fields));
  stream->direct = direct;
  g_ptr_array_add(component->streams, stream);
  return TRUE;
}

guint gust_component_n_streams(const gust_component *component)
{
  return component->streams->len;
}

const gust_stream *gust_component_stream(const gust_component *component, guint index)
{
  g_return_val_if_fail(index < component->streams->len, NULL);
  return g_ptr_array_index(component->streams, index);
}

const gust_stream *gust_component_lookup_stream(const gust_component *component,
                                                const char *stream_id)
{
  for (guint i = 0; i < component->streams->len; i++) {
    const gust_stream *stream = g_ptr_array_index(component->streams, i);
    if (g_str_equal(stream->id, stream_id)) return stream;
  }
  return NULL;
}

const char *gust_stream_id(const gust_stream *stream)
{
  return stream->id;
}

const char *const *gust_stream_fields(const gust_stream *stream)
{
  return (const char *const *)stream->fields;
}

guint gust_stream_n_fields(const gust_stream *stream)
{
  return g_strv_length(stream->fields);
}

gint gust_stream_field_index(const gust_stream *stream, const char *field)
{
  for (gint i = 0; stream->fields[i]; i++)
    if (g_str_equal(stream->fields[i], field)) return i;
  return -1;
}

gboolean gust_stream_is_direct(const gust_stream *stream)
{
  return stream->direct;
}

/* ---- inputs ---- */

gust_input *gust_component_add_input(gust_component *component, const char *source_id,
                                     const char *stream_id, gust_grouping *grouping, GError **error)
{
  g_return_val_if_fail(source_id != NULL && stream_id != NULL && grouping != NULL, NULL);
  if (gust_component_lookup_input(component, source_id, stream_id)) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_DUPLICATE_INPUT,
                "component '%s' subscribes to stream '%s' of '%s' twice", component->id, stream_id,
                source_id);
    gust_grouping_free(grouping);
    return NULL;
  }
  gust_input *input = g_new0(gust_input, 1);
  input->source = g_strdup(source_id);
  input->stream = g_strdup(stream_id);
  input->grouping = grouping;
  g_ptr_array_add(component->inputs, input);
  return input;
}

guint gust_component_n_inputs(const gust_component *component)
{
  return component->inputs->len;
}

const gust_input *gust_component_input(const gust_component *component, guint index)
{
  g_return_val_if_fail(index < component->inputs->len, NULL);
  return g_ptr_array_index(component->inputs, index);
}

const gust_input *gust_component_lookup_input(const gust_component *component,
                                              const char *source_id, const char *stream_id)
{
  for (guint i = 0; i < component->inputs->len; i++) {
    const gust_input *input = g_ptr_array_index(component->inputs, i);
    if (g_str_equal(input->source, source_id) && g_str_equal(input->stream, stream_id))
      return input;
  }
  return NULL;
}

const char *gust_input_source(const gust_input *input)
{
  return input->source;
}

const char *gust_input_stream(const gust_input *input)
{
  return input->stream;
}

const gust_grouping *gust_input_grouping(const gust_input *input)
{
  return input->grouping;
}

const gust_location *gust_input_location(const gust_input *input)
{
  return input->location.file ? &input->location : NULL;
}

void gust_input_set_location(gust_input *input, const char *file, guint line)
{
  gust_location_set(&input->location, file, line);
}
