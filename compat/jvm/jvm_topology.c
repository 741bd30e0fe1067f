/* jvm_topology.c — the topology a JVM submitted, as a gust_topology.
 *
 * The description (written by Submission.java) is one map value:
 *   name        the topology's name
 *   conf        the topology's conf (values the JVM alone can read, Java
 *               objects, become null)
 *   components  a list of maps, spouts first:
 *     id, spout (bool), class, parallelism, tasks (or null), conf,
 *     shell       the command of a ShellBolt/ShellSpout (run by the
 *                 multilang host), or null: a Java component (the JVM host)
 *     outputs     [[stream, direct, [fields...]], ...]
 *     inputs      [[source, stream, grouping, [fields...] or null, class or null,
 *                   a custom grouping's Java serialization (bytes) or null], ...]
 * Validation of what the topology says (ids, streams, groupings) is the
 * model's (gust_topology_validate); here only the shape is checked.
 */
#include "jvm_private.h"

#include <gust/jvm.h>

#define JVM_ERROR (gust_jvm_error_quark())
G_DEFINE_QUARK(gust - jvm - error - quark, gust_jvm_error)

static const fc_value *get(const fc_value *map, const char *key)
{
  if (!map || map->type != FC_MAP) return NULL;
  size_t len = strlen(key);
  for (uint32_t i = 0; i < map->len; i++) {
    const fc_value *k = &map->u.items[2 * i];
    if (k->type == FC_STR && k->len == len && !memcmp(k->u.str, key, len))
      return &map->u.items[2 * i + 1];
  }
  return NULL;
}

static char *text_of(const fc_value *v)
{
  return v && v->type == FC_STR ? g_strndup(v->u.str, v->len) : NULL;
}

static gboolean bad(GError **error, const char *what, const char *where)
{
  g_set_error(error, JVM_ERROR, 0, "the submitted topology's description is malformed: %s%s%s",
              what, where ? " in component " : "", where ? where : "");
  return FALSE;
}

/* A list of strings as a NULL-terminated vector; NULL if v is not one. */
static char **strings_of(const fc_value *v)
{
  if (!v || v->type != FC_LIST) return NULL;
  char **out = g_new0(char *, v->len + 1);
  for (uint32_t i = 0; i < v->len; i++) {
    if (v->u.items[i].type != FC_STR) {
      g_strfreev(out);
      return NULL;
    }
    out[i] = text_of(&v->u.items[i]);
  }
  return out;
}

static json_t *json_of_value(const fc_value *v)
{
  GString *buf = g_string_new(NULL);
  jw_value(buf, v);
  jr r = {.p = (const uint8_t *)buf->str, .end = (const uint8_t *)buf->str + buf->len};
  json_t *j = jr_json(&r);
  g_string_free(buf, TRUE);
  return j;
}

static gboolean add_outputs(gust_component *c, const fc_value *outputs, const char *id,
                            GError **error)
{
  if (!outputs || outputs->type != FC_LIST) return bad(error, "no outputs list", id);
  for (uint32_t i = 0; i < outputs->len; i++) {
    const fc_value *o = &outputs->u.items[i];
    if (o->type != FC_LIST || o->len != 3 || o->u.items[0].type != FC_STR ||
        o->u.items[1].type != FC_BOOL)
      return bad(error, "an output is not [stream, direct, fields]", id);
    g_auto(GStrv) fields = strings_of(&o->u.items[2]);
    g_autofree char *stream = text_of(&o->u.items[0]);
    if (!fields) return bad(error, "an output's fields are not strings", id);
    if (!gust_component_declare_stream(c, stream, (const char *const *)fields, o->u.items[1].u.b,
                                       error))
      return FALSE;
  }
  return TRUE;
}

static gust_grouping *grouping_of(const char *kind, char **fields, const char *custom)
{
  static const struct {
    const char *name;
    gust_grouping_kind kind;
  } kinds[] = {
      {"SHUFFLE", GUST_GROUPING_SHUFFLE}, {"ALL", GUST_GROUPING_ALL},
      {"GLOBAL", GUST_GROUPING_GLOBAL},   {"NONE", GUST_GROUPING_NONE},
      {"DIRECT", GUST_GROUPING_DIRECT},   {"LOCAL_OR_SHUFFLE", GUST_GROUPING_LOCAL_OR_SHUFFLE},
  };
  if (!strcmp(kind, "FIELDS"))
    return gust_grouping_new_fields(GUST_GROUPING_FIELDS, (const char *const *)fields);
  if (!strcmp(kind, "PARTIAL_KEY"))
    return gust_grouping_new_fields(GUST_GROUPING_PARTIAL_KEY, (const char *const *)fields);
  if (!strcmp(kind, "CUSTOM")) return gust_grouping_new_custom(custom ? custom : "?");
  for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
    if (!strcmp(kind, kinds[i].name)) return gust_grouping_new(kinds[i].kind);
  return NULL;
}

static gboolean add_inputs(gust_component *c, const fc_value *inputs, const char *id,
                           GError **error)
{
  if (!inputs || inputs->type != FC_LIST) return bad(error, "no inputs list", id);
  for (uint32_t i = 0; i < inputs->len; i++) {
    const fc_value *in = &inputs->u.items[i];
    if (in->type != FC_LIST || in->len < 5 || in->len > 6 || in->u.items[0].type != FC_STR ||
        in->u.items[1].type != FC_STR || in->u.items[2].type != FC_STR)
      return bad(error, "an input is not [source, stream, grouping, fields, class, object]", id);
    g_autofree char *source = text_of(&in->u.items[0]);
    g_autofree char *stream = text_of(&in->u.items[1]);
    g_autofree char *kind = text_of(&in->u.items[2]);
    g_auto(GStrv) fields = strings_of(&in->u.items[3]);
    g_autofree char *custom = text_of(&in->u.items[4]);
    gust_grouping *grouping = grouping_of(kind, fields, custom);
    if (!grouping) return bad(error, "an input has an unknown grouping", id);
    const fc_value *object = in->len > 5 ? &in->u.items[5] : NULL;
    if (gust_grouping_get_kind(grouping) == GUST_GROUPING_CUSTOM && object &&
        object->type == FC_BYTES) {
      GBytes *serialized = g_bytes_new(object->u.bytes, object->len);
      gust_grouping_set_custom_object(grouping, serialized);
      g_bytes_unref(serialized);
    }
    if (!gust_component_add_input(c, source, stream, grouping, error)) return FALSE;
  }
  return TRUE;
}

static gboolean add_component(gust_topology *t, const fc_value *d, GError **error)
{
  g_autofree char *id = text_of(get(d, "id"));
  g_autofree char *class_name = text_of(get(d, "class"));
  const fc_value *spout = get(d, "spout"), *parallelism = get(d, "parallelism");
  const fc_value *tasks = get(d, "tasks"), *conf = get(d, "conf"), *shell = get(d, "shell");
  if (!id || !class_name || !spout || spout->type != FC_BOOL || !parallelism ||
      parallelism->type != FC_I64 || parallelism->u.i < 1 || parallelism->u.i > G_MAXINT)
    return bad(error, "a component lacks its id, class, kind or parallelism", id);
  gust_component *c =
      gust_topology_add_component(t, id, spout->u.b ? GUST_COMPONENT_SPOUT : GUST_COMPONENT_BOLT);
  gust_component_set_parallelism(c, (gint)parallelism->u.i);
  if (tasks && tasks->type == FC_I64 && tasks->u.i >= 0 && tasks->u.i <= G_MAXINT)
    gust_component_set_tasks(c, (gint)tasks->u.i);
  if (conf && conf->type == FC_MAP) {
    json_t *j = json_of_value(conf);
    const char *key;
    json_t *value;
    json_object_foreach(j, key, value) gust_component_set_conf_value(c, key, json_incref(value));
    json_decref(j);
  }
  if (shell && shell->type == FC_LIST) {
    g_auto(GStrv) argv = strings_of(shell);
    if (!argv || !argv[0]) return bad(error, "a shell command is empty or not strings", id);
    gust_component_set_impl(c, gust_impl_new_multilang((const char *const *)argv, NULL, NULL));
  } else {
    gust_component_set_impl(c, gust_impl_new_jvm(class_name));
  }
  return add_outputs(c, get(d, "outputs"), id, error) && add_inputs(c, get(d, "inputs"), id, error);
}

gust_topology *gust_jvm_topology_from_description(const uint8_t *data, size_t len,
                                                  gboolean *inactive, GError **error)
{
  fc_arena arena;
  fc_arena_init(&arena, 16 * 1024);
  jr r = {.p = data, .end = data + len};
  fc_value d;
  gust_topology *t = NULL;
  g_autofree char *name = NULL, *status = NULL;
  if (!jr_value(&r, &arena, &d)) {
    bad(error, r.error, NULL);
    goto out;
  }
  name = text_of(get(&d, "name"));
  const fc_value *components = get(&d, "components"), *conf = get(&d, "conf");
  if (!name || !components || components->type != FC_LIST) {
    bad(error, "no name or no components list", NULL);
    goto out;
  }
  status = text_of(get(&d, "initial_status"));
  if (status && strcmp(status, "ACTIVE") && strcmp(status, "INACTIVE")) {
    bad(error, "an initial status other than ACTIVE or INACTIVE", NULL);
    goto out;
  }
  if (inactive) *inactive = status && !strcmp(status, "INACTIVE");
  t = gust_topology_new(name);
  if (conf && conf->type == FC_MAP) gust_topology_set_conf(t, json_of_value(conf));
  for (uint32_t i = 0; i < components->len; i++) {
    if (!add_component(t, &components->u.items[i], error)) {
      gust_topology_free(t);
      t = NULL;
      goto out;
    }
  }
out:
  fc_arena_clear(&arena);
  return t;
}
