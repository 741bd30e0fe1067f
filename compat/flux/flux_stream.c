/* flux_stream.c — "streams:" entries: who subscribes to what, and how.
 *
 * A stream {from, to, grouping: {type, streamId, args, customClass}}
 * becomes an input of the bolt named by "to", on stream streamId (default
 * "default") of the component named by "from", located at the stream's
 * line.  Checked here, because only the Flux file knows the answer:
 *   - "to" must be a bolt of the topology (not a spout, not unknown);
 *   - "from" must not be a bolt that Flux left out (no incoming stream);
 *   - the grouping type is one Flux knows; FIELDS has args; CUSTOM has a
 *     customClass; two streams may not share from/to/streamId.
 * Whether "from" exists and declares streamId and the grouping's fields is
 * left to validation, which words it with the same location.
 *
 * CUSTOM with any other customClass keeps the class's object definition
 * (className, constructorArgs, ...): the JVM host builds the grouping
 * from it as Flux does.
 * CUSTOM with org.apache.storm.grouping.PartialKeyGrouping is Storm's
 * partial-key grouping and becomes PARTIAL_KEY.  Its fields are the
 * constructor argument: a {ref: id} to an org.apache.storm.tuple.Fields
 * component (what Storm needs), or, as a gust shorthand, the field names
 * themselves.  Without arguments the whole tuple is the key, as in Storm.
 */
#include "flux_private.h"

#include "known_classes.h"

static const char *const stream_keys[] = {"name", "from", "to", "grouping", NULL};
static const char *const grouping_keys[] = {"type", "streamId", "args", "customClass", NULL};
static const char *const custom_class_keys[] = {
    "className", "constructorArgs", "properties", "configMethods", "factory", "factoryArgs", NULL,
};

static const char partial_key_class[] = "org.apache.storm.grouping.PartialKeyGrouping";
static const char fields_class[] = "org.apache.storm.tuple.Fields";

static const struct {
  const char *name;
  gust_grouping_kind kind;
} flux_grouping_types[] = {
    {"ALL", GUST_GROUPING_ALL},
    {"CUSTOM", GUST_GROUPING_CUSTOM},
    {"DIRECT", GUST_GROUPING_DIRECT},
    {"SHUFFLE", GUST_GROUPING_SHUFFLE},
    {"LOCAL_OR_SHUFFLE", GUST_GROUPING_LOCAL_OR_SHUFFLE},
    {"FIELDS", GUST_GROUPING_FIELDS},
    {"GLOBAL", GUST_GROUPING_GLOBAL},
    {"NONE", GUST_GROUPING_NONE},
};

static gboolean grouping_kind_from_name(const char *name, gust_grouping_kind *kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS(flux_grouping_types); i++)
    if (g_str_equal(flux_grouping_types[i].name, name)) {
      *kind = flux_grouping_types[i].kind;
      return TRUE;
    }
  return FALSE;
}

static gust_component *find_component(const gust_topology *topology, const char *id,
                                      gust_component_kind kind)
{
  for (guint i = 0; i < gust_topology_n_components(topology); i++) {
    gust_component *component = gust_topology_component(topology, i);
    if (gust_component_get_kind(component) == kind && g_str_equal(gust_component_id(component), id))
      return component;
  }
  return NULL;
}

/* Field names from a JSON array: strings, or one list of strings. */
static char **fields_from_args(const json_t *args)
{
  if (json_array_size(args) == 1 && json_is_array(json_array_get(args, 0)))
    return gust_json_to_strv(json_array_get(args, 0));
  return gust_json_to_strv(args);
}

static gboolean partial_key_fields(const flux_context *context, const gust_topology *topology,
                                   const flux_node *custom, const char *what, const char *file,
                                   char ***fields, GError **error)
{
  const flux_node *args = flux_node_get(custom, "constructorArgs");
  if (!args || flux_node_is_null(args)) {
    *fields = g_new0(char *, 1);
    return TRUE;
  }
  const flux_node *ref = args->type == FLUX_NODE_SEQUENCE && args->items->len == 1
                             ? flux_node_get(g_ptr_array_index(args->items, 0), "ref")
                             : NULL;
  json_t *json = NULL;
  if (ref && ref->type == FLUX_NODE_SCALAR) {
    const json_t *bean = gust_topology_bean(topology, ref->text);
    const char *class_name = json_string_value(json_object_get(bean, "className"));
    if (!bean || g_strcmp0(class_name, fields_class) != 0)
      return flux_fail(error, GUST_FLUX_ERROR_REFERENCE, file, ref->line,
                       "%s: PartialKeyGrouping's argument must refer to an %s component; "
                       "'%s' is %s",
                       what, fields_class, ref->text, bean ? class_name : "not defined");
    json = json_incref(json_object_get(bean, "constructorArgs"));
  } else {
    json = flux_node_to_json(context, args, file, error);
    if (!json) return FALSE;
  }
  *fields = fields_from_args(json);
  json_decref(json);
  if (!*fields || !(*fields)[0])
    return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, args->line,
                     "%s: PartialKeyGrouping takes its fields as constructorArgs: "
                     "[ref: <an %s component>] or a list of field names",
                     what, fields_class);
  return TRUE;
}

static gust_grouping *custom_grouping(const flux_context *context, const gust_topology *topology,
                                      const flux_pair *grouping_pair, const char *what,
                                      const char *file, GError **error)
{
  const flux_node *custom = flux_node_get(grouping_pair->value, "customClass");
  const char *class_name;
  if (!custom || custom->type != FLUX_NODE_MAPPING) {
    flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, grouping_pair->line,
              "%s: a CUSTOM grouping needs a customClass map with a className", what);
    return NULL;
  }
  if (!flux_node_check_keys(custom, custom_class_keys, what, file, error)) return NULL;
  if (!flux_node_get(custom, "className")) {
    flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, custom->line, "%s: customClass has no className",
              what);
    return NULL;
  }
  if (!flux_node_text(flux_node_get(custom, "className"), "className", file, &class_name, error) ||
      !flux_check_refs(custom, what, file, topology, error))
    return NULL;
  if (!g_str_equal(class_name, partial_key_class)) {
    json_t *definition = flux_object_definition(context, custom, what, file, error);
    if (!definition) return NULL;
    gust_grouping *result = gust_grouping_new_custom(class_name);
    gust_grouping_set_custom_definition(result, definition);
    json_decref(definition);
    return result;
  }
  char **fields = NULL;
  if (!partial_key_fields(context, topology, custom, what, file, &fields, error)) return NULL;
  gust_grouping *result =
      gust_grouping_new_fields(GUST_GROUPING_PARTIAL_KEY, (const char *const *)fields);
  g_strfreev(fields);
  return result;
}

/* grouping_pair: the stream's "grouping:" key (for its line) and map. */
static gust_grouping *read_grouping(const flux_context *context, const gust_topology *topology,
                                    const flux_pair *grouping_pair, const char *what,
                                    const char *file, GError **error)
{
  const flux_node *grouping = grouping_pair->value;
  const char *type;
  gust_grouping_kind kind;
  if (!flux_node_check_keys(grouping, grouping_keys, what, file, error)) return NULL;
  if (!flux_node_get(grouping, "type")) {
    flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, grouping_pair->line,
              "%s: the grouping has no type", what);
    return NULL;
  }
  if (!flux_node_text(flux_node_get(grouping, "type"), "grouping type", file, &type, error))
    return NULL;
  if (!grouping_kind_from_name(type, &kind)) {
    flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, flux_node_get(grouping, "type")->line,
              "%s: unknown grouping type '%s' (expected ALL, CUSTOM, DIRECT, SHUFFLE, "
              "LOCAL_OR_SHUFFLE, FIELDS, GLOBAL or NONE)",
              what, type);
    return NULL;
  }
  if (kind == GUST_GROUPING_CUSTOM)
    return custom_grouping(context, topology, grouping_pair, what, file, error);
  if (kind != GUST_GROUPING_FIELDS) return gust_grouping_new(kind);

  const flux_node *args = flux_node_get(grouping, "args");
  char **fields = NULL;
  if (!args || flux_node_is_null(args)) {
    flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, grouping_pair->line,
              "%s: a FIELDS grouping needs args: [field, ...]", what);
    return NULL;
  }
  if (!flux_node_strv(args, "args", file, &fields, error)) return NULL;
  gust_grouping *result =
      gust_grouping_new_fields(GUST_GROUPING_FIELDS, (const char *const *)fields);
  g_strfreev(fields);
  return result;
}

static gboolean check_target(const gust_topology *topology, const char *to, const char *what,
                             const char *file, guint line, gust_component **target, GError **error)
{
  *target = find_component(topology, to, GUST_COMPONENT_BOLT);
  if (*target) return TRUE;
  if (find_component(topology, to, GUST_COMPONENT_SPOUT))
    return flux_fail(error, GUST_FLUX_ERROR_REFERENCE, file, line,
                     "%s: '%s' is a spout; a stream's 'to' must be a bolt", what, to);
  return flux_fail(error, GUST_FLUX_ERROR_REFERENCE, file, line,
                   "%s: unknown bolt '%s' (no bolt with that id is defined)", what, to);
}

static const char *stream_id_of(const flux_node *grouping, const char *file, GError **error)
{
  const flux_node *node = flux_node_get(grouping, "streamId");
  const char *id = GUST_DEFAULT_STREAM;
  if (node && !flux_node_is_null(node) && !flux_node_text(node, "streamId", file, &id, error))
    return NULL;
  return id;
}

gboolean flux_build_stream(const flux_context *context, gust_topology *topology,
                           const flux_entry *entry, GHashTable *dropped_bolts, GError **error)
{
  const flux_node *node = entry->node, *from_node, *to_node;
  const flux_pair *grouping_pair;
  const char *file = entry->file, *from, *to, *stream_id;
  guint line = node->line;

  if (!flux_node_check_keys(node, stream_keys, "stream", file, error)) return FALSE;
  if (!(from_node = flux_node_get(node, "from")) || !(to_node = flux_node_get(node, "to")))
    return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, line, "a stream needs 'from' and 'to'");
  if (!flux_node_text(from_node, "a stream's 'from'", file, &from, error) ||
      !flux_node_text(to_node, "a stream's 'to'", file, &to, error))
    return FALSE;

  char *what = g_strdup_printf("stream from '%s' to '%s'", from, to);
  gust_component *target = NULL;
  gust_grouping *grouping = NULL;
  gboolean ok = check_target(topology, to, what, file, line, &target, error);
  if (ok && g_hash_table_contains(dropped_bolts, from))
    ok = flux_fail(error, GUST_FLUX_ERROR_REFERENCE, file, line,
                   "%s: bolt '%s' is not part of the topology, because no stream has it as "
                   "'to' (Flux leaves such bolts out)",
                   what, from);
  if (ok && (!(grouping_pair = flux_node_get_pair(node, "grouping")) ||
             grouping_pair->value->type != FLUX_NODE_MAPPING))
    ok = flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, line,
                   "%s: needs a grouping map, e.g. grouping: {type: SHUFFLE}", what);
  if (ok && !(stream_id = stream_id_of(grouping_pair->value, file, error))) ok = FALSE;
  if (ok && !(grouping = read_grouping(context, topology, grouping_pair, what, file, error)))
    ok = FALSE;
  if (ok) {
    const gust_input *previous = gust_component_lookup_input(target, from, stream_id);
    if (previous) {
      const gust_location *where = gust_input_location(previous);
      ok = flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, line,
                     "%s: bolt '%s' already subscribes to stream '%s' of '%s' (at %s:%u)", what, to,
                     stream_id, from, where ? where->file : "?", where ? where->line : 0);
      gust_grouping_free(grouping);
    } else {
      gust_input *input = gust_component_add_input(target, from, stream_id, grouping, error);
      g_assert(input); /* duplicates were ruled out above */
      gust_input_set_location(input, file, line);
    }
  }
  g_free(what);
  return ok;
}
