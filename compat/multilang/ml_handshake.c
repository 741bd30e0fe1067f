/* ml_handshake.c — the first message a multilang child reads: the
 * component's configuration, the directory for its pid file and the
 * topology context, in the JSON form Storm 0.10+ sends (JsonSerializer's
 * connect message; the context is TopologyContext.toJSONString()):
 *
 *   task->component            every task id (as a string) -> component,
 *                              system tasks included ("-1": "__system",
 *                              the ackers' ids: "__acker")
 *   taskid, componentid        this task
 *   streams                    the streams this component declares
 *   stream->outputfields       stream -> its fields
 *   stream->target->grouping   stream -> subscriber -> grouping object
 *   source->stream->grouping   source -> stream -> grouping object
 *   source->stream->fields     source -> stream -> its fields
 *
 * A grouping object is {"type": NAME} (+ "fields" for fields groupings),
 * NAME being the Thrift union member upper-cased; global is FIELDS with
 * no fields and partial-key a CUSTOM_SERIALIZED, as Storm shows them.
 * Built once per task on its thread (and reused for restarts).
 */
#include "ml_private.h"

static json_t *string_list(const char *const *strings)
{
  json_t *list = json_array();
  for (; strings && *strings; strings++)
    json_array_append_new(list, json_string(*strings));
  return list;
}

static json_t *grouping_object(const gust_grouping *g)
{
  gust_grouping_kind kind = gust_grouping_get_kind(g);
  const char *name;
  switch (kind) {
  case GUST_GROUPING_GLOBAL:
    return json_pack("{s:s, s:[]}", "type", "FIELDS", "fields");
  case GUST_GROUPING_FIELDS:
    return json_pack("{s:s, s:o}", "type", "FIELDS", "fields",
                     string_list(gust_grouping_fields(g, NULL)));
  case GUST_GROUPING_PARTIAL_KEY:
  case GUST_GROUPING_CUSTOM:
    name = "CUSTOM_SERIALIZED";
    break;
  default:
    name = gust_grouping_kind_name(kind);
    break;
  }
  return json_pack("{s:s}", "type", name);
}

/* parent[a][b] = value (steals value), creating parent[a]. */
static void set2(json_t *parent, const char *a, const char *b, json_t *value)
{
  json_t *inner = json_object_get(parent, a);
  if (!inner) {
    inner = json_object();
    json_object_set_new(parent, a, inner);
  }
  json_object_set_new(inner, b, value);
}

static json_t *task_map(gust_runtime *rt)
{
  json_t *map = json_object();
  json_object_set_new(map, "-1", json_string("__system"));
  for (int t = 0; t < rt->n_tasks; t++) {
    char key[16];
    g_snprintf(key, sizeof key, "%d", rt_storm_task(rt, t));
    json_object_set_new(map, key,
                        json_string(rt->comp_of_task[t] ? rt->comp_of_task[t]->id : "__acker"));
  }
  return map;
}

static json_t *context_object(rt_component *comp, int task_index)
{
  gust_runtime *rt = comp->rt;
  json_t *streams = json_array(), *fields = json_object(), *targets = json_object();
  json_t *sources = json_object(), *source_fields = json_object();
  for (guint k = 0; k < gust_component_n_streams(comp->model); k++) {
    const gust_stream *s = gust_component_stream(comp->model, k);
    json_array_append_new(streams, json_string(gust_stream_id(s)));
    json_object_set_new(fields, gust_stream_id(s), string_list(gust_stream_fields(s)));
  }
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    for (guint k = 0; k < gust_component_n_inputs(c->model); k++) {
      const gust_input *in = gust_component_input(c->model, k);
      const char *source = gust_input_source(in), *stream = gust_input_stream(in);
      if (c == comp) {
        set2(sources, source, stream, grouping_object(gust_input_grouping(in)));
        gust_component *src = gust_topology_lookup(rt->topology, source);
        const gust_stream *s = src ? gust_component_lookup_stream(src, stream) : NULL;
        set2(source_fields, source, stream, string_list(s ? gust_stream_fields(s) : NULL));
      }
      if (!strcmp(source, comp->id))
        set2(targets, stream, c->id, grouping_object(gust_input_grouping(in)));
    }
  }
  return json_pack("{s:o, s:i, s:s, s:o, s:o, s:o, s:o, s:o}", "task->component", task_map(rt),
                   "taskid", comp->storm_task_ids[task_index], "componentid", comp->id, "streams",
                   streams, "stream->outputfields", fields, "stream->target->grouping", targets,
                   "source->stream->grouping", sources, "source->stream->fields", source_fields);
}

char *ml_handshake_text(rt_component *comp, int task_index, const char *pid_dir)
{
  json_t *setup = json_pack("{s:O, s:s, s:o}", "conf", comp->conf, "pidDir", pid_dir, "context",
                            context_object(comp, task_index));
  char *json = json_dumps(setup, JSON_COMPACT);
  json_decref(setup);
  char *framed = g_strconcat(json, "\nend\n", NULL);
  free(json);
  return framed;
}
