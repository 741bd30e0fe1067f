/* jvm_local.c — which streams the JVM routes itself: local routes
 * between Java bolts of the one JVM that hosts every Java task of the
 * process (a gust worker runs the whole topology, so every consumer task
 * is there).
 *
 * A Java bolt is fed locally when every input it has comes from another
 * Java bolt with a shuffle, fields (some fields), local-or-shuffle or none
 * grouping, every other subscriber of those inputs' streams is fed
 * locally too, so is every subscriber of its own streams (a chain of such
 * bolts stays in the JVM), and no local route leads back to it (decided
 * to a fixed point).  Such a stream is local: its emitting tasks pick the
 * consumer task and hand the tuple over in the JVM (java/host LocalOut,
 * LocalRoute), and gust's engine carries nothing on its edges but
 * barriers and the end of input.  The emitter's answers count the emits
 * (LOCAL_EMITS), the consumer's its executes, acks and fails
 * (LOCAL_COUNTS); an input tuple of the emitter is acked to gust only
 * once the local tuples anchored to it are settled, so the reliability
 * of both modes and the holds at barriers stay gust's.  Spouts never emit
 * locally (their pending messages are gust's), nor do components under
 * topology.debug (gust logs every emit), and
 * topology.gust.jvm.local.routing false turns it all off.
 *
 * Decided when the job's graph is built (rt_make_job, any restart
 * again), before any task opens; read by the tasks' threads after. */
#include "jvm_private.h"

static bool groups_locally(const gust_grouping *g)
{
  guint n = 0;
  switch (gust_grouping_get_kind(g)) {
  case GUST_GROUPING_SHUFFLE:
  case GUST_GROUPING_LOCAL_OR_SHUFFLE:
  case GUST_GROUPING_NONE:
    return true;
  case GUST_GROUPING_FIELDS:
    gust_grouping_fields(g, &n);
    return n > 0;
  default:
    return false;
  }
}

static bool is_java_bolt(const rt_component *c)
{
  const gust_impl *impl = gust_component_impl(c->model);
  return !c->is_spout && impl && impl->kind == GUST_IMPL_JVM && !c->debug;
}

static const rt_stream *input_stream(const gust_runtime *rt, const gust_input *in)
{
  const rt_component *src = g_hash_table_lookup(rt->comp_by_id, gust_input_source(in));
  return src ? rt_stream_of(src, gust_input_stream(in)) : NULL;
}

/* A candidate by itself (before the other subscribers of its streams are
 * known). */
static bool may_be_fed_locally(const gust_runtime *rt, const rt_component *c)
{
  guint n = gust_component_n_inputs(c->model);
  if (!is_java_bolt(c) || n == 0) return false;
  for (guint k = 0; k < n; k++) {
    const gust_input *in = gust_component_input(c->model, k);
    const rt_stream *s = input_stream(rt, in);
    if (!s || !s->comp || s->comp == c || !is_java_bolt(s->comp) ||
        !groups_locally(gust_input_grouping(in)))
      return false;
  }
  return true;
}

/* Every subscriber of s is fed locally. */
static bool all_subscribers_local(const gust_runtime *rt, const rt_stream *s)
{
  for (guint i = 0; i < rt->n_comps; i++) {
    const rt_component *c = &rt->comps[i];
    for (guint k = 0; k < gust_component_n_inputs(c->model); k++)
      if (input_stream(rt, gust_component_input(c->model, k)) == s && !c->jvm_locally_fed)
        return false;
  }
  return true;
}

/* Every stream c emits that somebody subscribes to goes to bolts fed
 * locally only. */
static bool outputs_local(const gust_runtime *rt, const rt_component *c)
{
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, c->streams);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    const rt_stream *s = value;
    if (s->subscribed && !all_subscribers_local(rt, s)) return false;
  }
  return true;
}

/* c subscribes to some stream of from. */
static bool fed_by(const gust_runtime *rt, const rt_component *c, const rt_component *from)
{
  for (guint k = 0; k < gust_component_n_inputs(c->model); k++) {
    const rt_stream *s = input_stream(rt, gust_component_input(c->model, k));
    if (s && s->comp == from) return true;
  }
  return false;
}

/* from feeds to over local routes, directly or through other bolts fed
 * locally (seen: components visited, by index). */
static bool feeds_locally(const gust_runtime *rt, const rt_component *from, const rt_component *to,
                          bool *seen)
{
  for (guint i = 0; i < rt->n_comps; i++) {
    const rt_component *c = &rt->comps[i];
    if (!c->jvm_locally_fed || seen[i] || !fed_by(rt, c, from)) continue;
    seen[i] = true;
    if (c == to || feeds_locally(rt, c, to, seen)) return true;
  }
  return false;
}

/* c stays fed locally: all it gets and all it sends stays in the JVM, and
 * no local route leads back to it (the emitting thread runs the consumer,
 * which must not run its feeder again). */
static bool stays_local(const gust_runtime *rt, const rt_component *c)
{
  for (guint k = 0; k < gust_component_n_inputs(c->model); k++)
    if (!all_subscribers_local(rt, input_stream(rt, gust_component_input(c->model, k))))
      return false;
  if (!outputs_local(rt, c)) return false;
  g_autofree bool *seen = g_new0(bool, rt->n_comps);
  return !feeds_locally(rt, c, c, seen);
}

void rt_jvm_local_setup(gust_runtime *rt)
{
  bool on = rt->jvm_socket && gust_conf_bool(rt->conf, "topology.gust.jvm.local.routing");
  for (guint i = 0; i < rt->n_comps; i++)
    rt->comps[i].jvm_locally_fed = on && may_be_fed_locally(rt, &rt->comps[i]);
  bool changed = true;
  while (changed) { /* dropping one may drop those it shares streams with */
    changed = false;
    for (guint i = 0; i < rt->n_comps; i++) {
      rt_component *c = &rt->comps[i];
      if (c->jvm_locally_fed && !stays_local(rt, c)) {
        c->jvm_locally_fed = false;
        changed = true;
      }
    }
  }
  for (guint i = 0; i < rt->streams->len; i++) {
    rt_stream *s = g_ptr_array_index(rt->streams, i);
    s->jvm_local = s->comp && s->subscribed && all_subscribers_local(rt, s);
  }
  g_autoptr(GString) fed = g_string_new(NULL);
  for (guint i = 0; i < rt->n_comps; i++)
    if (rt->comps[i].jvm_locally_fed)
      g_string_append_printf(fed, "%s%s", fed->len ? ", " : "", rt->comps[i].id);
  if (fed->len)
    g_message("topology %s: Java bolts fed inside the JVM (local routes): %s",
              gust_topology_name(rt->topology), fed->str);
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    c->jvm_local_out = false;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, c->streams);
    while (g_hash_table_iter_next(&it, NULL, &value))
      if (((const rt_stream *)value)->jvm_local) c->jvm_local_out = true;
  }
}

char *jvm_local_consumers(const rt_component *comp)
{
  GString *names = g_string_new(NULL);
  for (guint i = 0; comp->jvm_local_out && i < comp->rt->n_comps; i++) {
    const rt_component *c = &comp->rt->comps[i];
    if (c->jvm_locally_fed && fed_by(comp->rt, c, comp))
      g_string_append_printf(names, "%s%s", names->len ? ", " : "", c->id);
  }
  return g_string_free(names, names->len == 0);
}
