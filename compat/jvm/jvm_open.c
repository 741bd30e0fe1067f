/* jvm_open.c — what Java spouts and bolts share: opening a task in the
 * JVM host (the OPEN record: the topology's name, the component and task
 * id, every component's task ids, every stream's number, component, name,
 * fields, whether anybody subscribes to it, whether it is routed in the
 * JVM (jvm_local.c) and its subscriptions, the component's configuration, the custom groupings of
 * its streams; answered READY or OPEN_FAILED with the Java stack trace),
 * and reading an answer's emits, acks, fails, errors and counts.  Runs on
 * the task's thread. */
#include "jvm_private.h"

#include <unistd.h>

int64_t jvm_timeout_ms(const rt_component *comp)
{
  gint secs;
  if (!gust_conf_lookup_int(comp->conf, "topology.subprocess.timeout.secs", &secs))
    secs = gust_conf_int(comp->conf, "supervisor.worker.timeout.secs");
  return (int64_t)secs * 1000;
}

static void write_string_value(GString *out, const char *s)
{
  jw_u8(out, JW_V_STR);
  jw_str(out, s, strlen(s));
}

/* Who subscribes to s and how (Storm's getSources and getTargets): a list
 * of [component, grouping kind name, fields]. */
static void write_subscriptions(GString *out, const gust_runtime *rt, const rt_stream *s)
{
  guint n = 0;
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1) {
      jw_u8(out, JW_V_LIST);
      jw_i32(out, (int32_t)n);
    }
    for (guint i = 0; s->comp && i < rt->n_comps; i++) {
      const gust_component *model = rt->comps[i].model;
      for (guint k = 0; k < gust_component_n_inputs(model); k++) {
        const gust_input *in = gust_component_input(model, k);
        if (strcmp(gust_input_source(in), s->comp->id) || strcmp(gust_input_stream(in), s->name))
          continue;
        if (pass == 0) {
          n++;
          continue;
        }
        const gust_grouping *g = gust_input_grouping(in);
        guint n_fields = 0;
        const char *const *fields = gust_grouping_fields(g, &n_fields);
        jw_u8(out, JW_V_LIST);
        jw_i32(out, 3);
        write_string_value(out, rt->comps[i].id);
        write_string_value(out, gust_grouping_kind_name(gust_grouping_get_kind(g)));
        jw_u8(out, JW_V_LIST);
        jw_i32(out, (int32_t)n_fields);
        for (guint f = 0; f < n_fields; f++)
          write_string_value(out, fields[f]);
      }
    }
  }
}

void jvm_write_task_context(GString *out, rt_component *comp, int task_index)
{
  gust_runtime *rt = comp->rt;
  const char *name = gust_topology_name(rt->topology);
  jw_str(out, name, strlen(name));
  jw_str(out, comp->id, strlen(comp->id));
  jw_i32(out, comp->storm_task_ids[task_index]);
  jw_u8(out, JW_V_MAP);
  jw_i32(out, (int32_t)rt->n_comps);
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    fc_value id = fc_str(c->id);
    jw_value(out, &id);
    jw_u8(out, JW_V_LIST);
    jw_i32(out, c->n_tasks);
    for (int t = 0; t < c->n_tasks; t++) {
      jw_u8(out, JW_V_I64);
      jw_i64(out, c->storm_task_ids[t]);
    }
  }
  jw_u8(out, JW_V_LIST);
  jw_i32(out, (int32_t)rt->streams->len);
  for (guint i = 0; i < rt->streams->len; i++) {
    const rt_stream *s = g_ptr_array_index(rt->streams, i);
    const char *owner = s->comp ? s->comp->id : "__system";
    jw_u8(out, JW_V_LIST);
    jw_i32(out, 7);
    jw_u8(out, JW_V_I64);
    jw_i64(out, s->id);
    jw_u8(out, JW_V_STR);
    jw_str(out, owner, strlen(owner));
    jw_u8(out, JW_V_STR);
    jw_str(out, s->name, strlen(s->name));
    jw_u8(out, JW_V_LIST);
    jw_i32(out, (int32_t)s->n_fields);
    for (guint f = 0; f < s->n_fields; f++) {
      jw_u8(out, JW_V_STR);
      jw_str(out, s->fields[f], strlen(s->fields[f]));
    }
    jw_u8(out, s->subscribed ? JW_V_TRUE : JW_V_FALSE);
    jw_u8(out, s->jvm_local ? JW_V_TRUE : JW_V_FALSE);
    write_subscriptions(out, rt, s);
  }
  jw_json(out, comp->conf);
}

static void write_open(GString *out, rt_component *comp, int task_index)
{
  jw_begin(out);
  jw_u8(out, JW_OPEN);
  jvm_write_task_context(out, comp, task_index);
  jvm_write_task_groupings(out, comp);
}

gboolean jvm_task_open(jvm_conn *c, rt_component *comp, int task_index, GError **error)
{
  g_autofree char *label =
      g_strdup_printf("%s (task %d)", comp->id, comp->storm_task_ids[task_index]);
  if (!comp->rt->jvm_socket) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "%s: a Java component needs the JVM host: run the topology with `gust jar`", label);
    return FALSE;
  }
  if (!jvm_conn_open(c, comp->rt->jvm_socket, label, jvm_timeout_ms(comp), error)) return FALSE;
  c->task_index = task_index;
  c->totals = comp->rt->jvm_boundary;
  c->measure = c->totals != NULL;
  write_open(c->out, comp, task_index);
  jr answer;
  uint8_t kind = 0;
  if (!jvm_conn_call(c, &answer, error)) return FALSE;
  if (!jr_u8(&answer, &kind) || (kind != JW_READY && kind != JW_OPEN_FAILED)) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "%s: the JVM host answered OPEN with something else", label);
    return FALSE;
  }
  if (kind == JW_READY &&
      (!jr_i64(&answer, &c->jvm_pid) || !jvm_read_task_groupings(&answer, comp, task_index))) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "%s: the JVM host's READY is broken", label);
    return FALSE;
  }
  if (kind == JW_OPEN_FAILED) {
    const char *text = "";
    uint32_t len = 0;
    jr_str(&answer, &text, &len);
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT, "%s: %.*s", label,
                (int)len, text);
    return FALSE;
  }
  return TRUE;
}

void jvm_task_lost(jvm_conn *c, rt_component *comp, int task_index, const GError *error,
                   guint n_failed)
{
  const char *what = jvm_conn_end_hung(c);
  /* a bolt fed over local routes runs on its feeder's thread: its hang is the feeder's call's */
  g_autofree char *consumers = *what ? jvm_local_consumers(comp) : NULL;
  g_autofree char *hint =
      consumers ? g_strdup_printf("; %s runs the execute of the bolts it feeds inside the JVM "
                                  "(%s): the hang may be theirs",
                                  comp->id, consumers)
                : g_strdup("");
  g_autofree char *report = g_strdup_printf(
      comp->is_spout ? "%s%s%s; the instance's %u pending message(s) are dropped with it; the task "
                       "opens again in the JVM gust starts next"
                     : "%s%s%s; %u in-flight tuple(s) failed; the task opens again in the JVM gust "
                       "starts next",
      error->message, what, hint, n_failed);
  rt_report_error(comp, comp->storm_task_ids[task_index], report);
  g_warning("Java %s %s", comp->is_spout ? "spout" : "bolt", report);
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
}

gboolean jvm_task_reopen(jvm_conn *c, rt_component *comp, int task_index, bool *reported)
{
  GError *error = NULL;
  int64_t pid_before = c->jvm_pid;
  jvm_conn_close(c);
  if (jvm_task_open(c, comp, task_index, &error)) {
    g_message("%s (task %d) opened again in the restarted JVM (pid %" G_GINT64_FORMAT ")", comp->id,
              comp->storm_task_ids[task_index], c->jvm_pid);
    *reported = false;
    return TRUE;
  }
  if (c->fd >= 0 && !*reported) { /* connected, but the open failed */
    rt_report_error(comp, comp->storm_task_ids[task_index], error->message);
    g_warning("Java task %s", error->message);
    *reported = true;
  }
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->jvm_pid = pid_before;
  g_error_free(error);
  return FALSE;
}

/* The longest ACK_RUN taken: more than any bolt holds in practice (each id
 * settles a tuple it was sent). */
enum { ACK_RUN_MAX = 1 << 24 };

static gboolean broken(const char *label, const char *why, GError **error)
{
  g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
              "%s: the JVM host's answer is broken: %s", label, why);
  return FALSE;
}

/* An EMIT's stream, direct task, key and anchors (an EMIT_AGAIN's are the
 * last EMIT's), remembered for the EMIT_AGAIN records after it. */
static gboolean read_emit_head(jr *r, jvm_conn *c, uint8_t kind, rt_component *comp,
                               fc_arena *arena, const char *label, const rt_stream **s,
                               uint64_t **anchors, uint32_t *n_anchors, GError **error)
{
  if (kind == JW_EMIT_AGAIN) {
    if (c->last_emit.stream < 0)
      return broken(label, "an EMIT_AGAIN with no emit of one anchor before it", error);
  } else {
    int32_t stream;
    if (!jr_i32(r, &stream) || !jr_i32(r, &c->last_emit.direct) || !jr_i64(r, &c->last_emit.key) ||
        !jr_i32(r, (int32_t *)n_anchors)) {
      c->last_emit.stream = -1;
      return broken(label, r->error, error);
    }
    c->last_emit.stream = -1;
    if (*n_anchors > (size_t)(r->end - r->p) / 8) return broken(label, "too many anchors", error);
    if (stream < 0 || (guint)stream >= comp->rt->streams->len)
      return broken(label, "an emit names an unknown stream", error);
    *s = g_ptr_array_index(comp->rt->streams, stream);
    if ((*s)->comp != comp) return broken(label, "an emit names another component's stream", error);
    *anchors = fc_arena_alloc(arena, (size_t)MAX(*n_anchors, 1) * 8);
    for (uint32_t i = 0; i < *n_anchors; i++) {
      uint64_t le;
      memcpy(&le, r->p + 8 * i, 8);
      (*anchors)[i] = GUINT64_FROM_LE(le);
    }
    r->p += (size_t)*n_anchors * 8;
    if (*n_anchors > 1) return TRUE;
    c->last_emit.stream = stream;
    c->last_emit.n_anchors = *n_anchors;
    c->last_emit.anchor = *n_anchors ? (*anchors)[0] : 0;
    return TRUE;
  }
  *s = g_ptr_array_index(comp->rt->streams, c->last_emit.stream);
  *n_anchors = c->last_emit.n_anchors;
  *anchors = &c->last_emit.anchor;
  return TRUE;
}

/* An EMIT or EMIT_AGAIN record (kind).  decode/since: see jvm_apply_answer */
static gboolean apply_emit(jr *r, uint8_t kind, jvm_conn *c, rt_component *comp,
                           gust_collector *out, fc_arena *arena, const jvm_answer_ops *ops,
                           void *host, const char *label, uint64_t *decode, uint64_t *since,
                           GError **error)
{
  const rt_stream *s;
  uint64_t *anchors;
  uint32_t n_anchors, n_values;
  if (!read_emit_head(r, c, kind, comp, arena, label, &s, &anchors, &n_anchors, error))
    return FALSE;
  int32_t direct = c->last_emit.direct;
  int64_t key = c->last_emit.key;
  if (!jr_i32(r, (int32_t *)&n_values) || n_values > (size_t)(r->end - r->p))
    return broken(label, r->error ? r->error : "too many values", error);
  fc_value *values = fc_arena_alloc(arena, (size_t)MAX(n_values, 1) * sizeof(fc_value));
  for (uint32_t i = 0; i < n_values; i++)
    if (!jr_value(r, arena, &values[i])) return broken(label, r->error, error);
  if (G_UNLIKELY(comp->custom_out) && !jvm_read_choices(r, comp, c->task_index, s))
    return broken(label, r->error ? r->error : "a broken choice of a custom grouping", error);
  /* the receivers, kept for a TASK_IDS_QUERY of this call */
  size_t room = out ? out->max_routes : 0, n_ids = 0;
  if (c->sent.n_ids + room > c->sent.ids_cap) {
    c->sent.ids_cap = MAX(c->sent.n_ids + room, 2 * c->sent.ids_cap);
    c->sent.ids = g_renew(int, c->sent.ids, c->sent.ids_cap);
  }
  if (c->sent.n_emits == c->sent.ends_cap) {
    c->sent.ends_cap = MAX(64, 2 * c->sent.ends_cap);
    c->sent.ends = g_renew(uint32_t, c->sent.ends, c->sent.ends_cap);
  }
  if (decode) *decode += jvm_ticks() - *since;
  gboolean ok = ops->emit(host, s, direct, key, anchors, n_anchors, values, n_values,
                          room ? c->sent.ids + c->sent.n_ids : NULL, room, &n_ids, error);
  c->sent.n_ids += MIN(n_ids, room);
  c->sent.ends[c->sent.n_emits++] = (uint32_t)c->sent.n_ids;
  if (decode) *since = jvm_ticks();
  return ok;
}

/* A TASK_IDS_QUERY, the last record of its frame: answers with the
 * receivers of the emits it names and reads the JVM's next frame of the
 * call into *r. */
static gboolean answer_task_ids(jr *r, jvm_conn *c, const char *label, GError **error)
{
  uint32_t n;
  if (!jr_i32(r, (int32_t *)&n) || n > (size_t)(r->end - r->p) / 4)
    return broken(label, "a task ids query names too many emits", error);
  GString *reply = c->out;
  jw_begin(reply);
  jw_u8(reply, JW_TASK_IDS);
  jw_i32(reply, (int32_t)n);
  for (uint32_t i = 0; i < n; i++) {
    int32_t emit;
    jr_i32(r, &emit);
    if (emit < 0 || (size_t)emit >= c->sent.n_emits)
      return broken(label, "a task ids query names an emit the call did not make", error);
    uint32_t from = emit ? c->sent.ends[emit - 1] : 0, to = c->sent.ends[emit];
    jw_i32(reply, (int32_t)(to - from));
    for (uint32_t k = from; k < to; k++)
      jw_i32(reply, c->sent.ids[k]);
  }
  if (r->p != r->end) return broken(label, "records after a task ids query", error);
  return jvm_conn_call(c, r, error);
}

/* A METRIC record: numbers and maps of numbers become component metrics,
 * as a multilang component's "metrics" command does. */
static gboolean apply_metric(jr *r, gust_collector *out, const char *label, GError **error)
{
  const char *name;
  uint32_t len;
  if (!jr_str(r, &name, &len)) return broken(label, r->error, error);
  json_t *value = jr_json(r);
  if (!value) return broken(label, r->error, error);
  if (out) {
    g_autofree char *metric = g_strndup(name, len);
    rt_report_metric(out, metric, value);
  }
  json_decref(value);
  return TRUE;
}

/* A LOCAL_EMITS or LOCAL_COUNTS record: what went over local routes
 * (jvm_local.c), counted in the statistics. */
static gboolean apply_local_counts(jr *r, uint8_t kind, rt_component *comp, gust_collector *out,
                                   const char *label, GError **error)
{
  int32_t stream, n[3] = {0, 0, 0};
  if (!jr_i32(r, &stream) || !jr_i32(r, &n[0]) ||
      (kind == JW_LOCAL_COUNTS && (!jr_i32(r, &n[1]) || !jr_i32(r, &n[2]))))
    return broken(label, r->error, error);
  if (stream < 0 || (guint)stream >= comp->rt->streams->len || n[0] < 0 || n[1] < 0 || n[2] < 0)
    return broken(label, "a local count names an unknown stream", error);
  const rt_stream *s = g_ptr_array_index(comp->rt->streams, stream);
  if (!s->jvm_local || (kind == JW_LOCAL_EMITS) != (s->comp == comp))
    return broken(label, "a local count names a stream that is not the task's local one", error);
  if (!out) return TRUE;
  if (kind == JW_LOCAL_EMITS)
    rt_count_local_emits(out, s, (uint64_t)n[0]);
  else
    rt_count_local_inputs(out, s, (uint64_t)n[0], (uint64_t)n[1], (uint64_t)n[2]);
  return TRUE;
}

gboolean jvm_apply_answer(jvm_conn *c, jr *r, rt_component *comp, gust_collector *out,
                          fc_arena *arena, const jvm_answer_ops *ops, void *host, GError **error)
{
  const char *label = comp->id;
  /* measured: the time between callbacks adds up as decoding (the
   * callbacks are the engine's work), hence the hand-offs in the cases */
  uint64_t *decode = r->decode_ticks;
  uint64_t since = decode ? jvm_ticks() : 0;
  c->sent.n_ids = c->sent.n_emits = 0;
  c->last_emit.stream = -1;
  while (r->p < r->end) {
    uint8_t kind;
    jr_u8(r, &kind);
    switch (kind) {
    case JW_EMIT:
    case JW_EMIT_AGAIN:
      if (!apply_emit(r, kind, c, comp, out, arena, ops, host, label, decode, &since, error))
        return FALSE;
      fc_arena_reset(arena);
      break;
    case JW_TASK_IDS_QUERY:
      /* the reply is another call: not decoding */
      if (decode) *decode += jvm_ticks() - since;
      c->last_emit.stream = -1; /* the JVM's next frame starts afresh */
      if (!answer_task_ids(r, c, label, error)) return FALSE;
      decode = r->decode_ticks;
      if (decode) since = jvm_ticks();
      break;
    case JW_ACK:
    case JW_FAIL: {
      int64_t id;
      if (!jr_i64(r, &id)) return broken(label, r->error, error);
      if (decode) *decode += jvm_ticks() - since;
      ops->settle(host, (uint64_t)id, kind == JW_ACK);
      if (decode) since = jvm_ticks();
      break;
    }
    case JW_ACK_RUN: {
      int64_t first;
      int32_t n;
      if (!jr_i64(r, &first) || !jr_i32(r, &n)) return broken(label, r->error, error);
      if (n < 1 || n > ACK_RUN_MAX) return broken(label, "an ack run of a wrong length", error);
      if (decode) *decode += jvm_ticks() - since;
      for (int32_t i = 0; i < n; i++)
        ops->settle(host, (uint64_t)first + (uint64_t)i, TRUE);
      if (decode) since = jvm_ticks();
      break;
    }
    case JW_ACK_FAILED_TREE: {
      int64_t id;
      if (!jr_i64(r, &id) || !ops->fail_tree)
        return broken(label, "a stray ack of a failed local tree", error);
      if (decode) *decode += jvm_ticks() - since;
      ops->fail_tree(host, (uint64_t)id);
      ops->settle(host, (uint64_t)id, TRUE);
      if (decode) since = jvm_ticks();
      break;
    }
    case JW_RESET_TIMEOUT: {
      int64_t id;
      if (!jr_i64(r, &id) || !ops->reset_timeout)
        return broken(label, "a stray resetTimeout", error);
      ops->reset_timeout(host, (uint64_t)id);
      break;
    }
    case JW_ERROR: {
      const char *text;
      uint32_t len;
      if (!jr_str(r, &text, &len)) return broken(label, r->error, error);
      gust_report_error(out, "%.*s", (int)len, text);
      break;
    }
    case JW_METRIC:
      if (!apply_metric(r, out, label, error)) return FALSE;
      break;
    case JW_UNROUTED: {
      int32_t stream, n;
      if (!jr_i32(r, &stream) || !jr_i32(r, &n)) return broken(label, r->error, error);
      if (stream < 0 || (guint)stream >= comp->rt->streams->len ||
          ((const rt_stream *)g_ptr_array_index(comp->rt->streams, stream))->comp != comp || n < 0)
        return broken(label, "an unrouted count names a stream the component does not emit", error);
      if (out)
        rt_count_unrouted_emits(out, g_ptr_array_index(comp->rt->streams, stream), (uint64_t)n);
      break;
    }
    case JW_LOCAL_EMITS:
    case JW_LOCAL_COUNTS:
      if (!apply_local_counts(r, kind, comp, out, label, error)) return FALSE;
      break;
    default:
      return broken(label, "unknown record kind", error);
    }
  }
  if (decode) *decode += jvm_ticks() - since;
  return TRUE;
}
