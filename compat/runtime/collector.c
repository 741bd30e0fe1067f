/* collector.c — what a component calls: emits, acks, fails, and the
 * input tuple's accessors.
 *
 * Runs on the calling task's thread, inside one of its callbacks.  In
 * acker mode every emit to a receiver carries its own edge id (so the
 * emit is routed first, then sent receiver by receiver with that
 * receiver's tags); without tracking an emit is one fc_task_emit().
 *
 * Acker-mode bookkeeping, as Storm does it:
 *   spout emit (msg id): root r; per receiver an edge e, tags {r: e};
 *                        then ACK_INIT [r, XOR of the e's, spout task];
 *   bolt emit anchored:  per receiver and anchor a new edge e; a.ack_val ^= e;
 *                        the receiver's tags map every root of a to e (XOR);
 *   bolt ack(t):         per root r of t: ACK_ACK [r, t.edge(r) ^ t.ack_val];
 *                        acks are XOR-combined per root during a turn and
 *                        sent at its end (XOR is associative: the acker sees
 *                        the same value, in fewer messages);
 *   bolt fail(t):        per root r of t: ACK_FAIL [r].
 * An emit that a custom grouping could not route (it threw, chose a task
 * that is not a target, or its JVM is gone: jvm_grouping.c reported it)
 * fails its tree: a spout's ACK_FAIL goes before its ACK_INIT, a bolt's
 * per root of its anchors; in checkpoint mode the roots' spouts are told
 * at once, as for a bolt's fail.
 */
#include "runtime_private.h"

#include <string.h>

/* ---- values kept on the heap (message ids) ---- */

fc_value rt_value_dup_heap(const fc_value *v)
{
  fc_value out = *v;
  switch ((fc_type)v->type) {
  case FC_STR:
  case FC_BYTES: {
    char *s = g_malloc(v->len + 1);
    memcpy(s, v->u.str, v->len);
    s[v->len] = '\0';
    out.u.str = s;
    break;
  }
  case FC_LIST:
  case FC_MAP: {
    uint32_t n = v->type == FC_MAP ? 2 * v->len : v->len;
    fc_value *items = g_new(fc_value, n ? n : 1);
    for (uint32_t i = 0; i < n; i++)
      items[i] = rt_value_dup_heap(&v->u.items[i]);
    out.u.items = items;
    break;
  }
  default:
    break;
  }
  return out;
}

void rt_value_free_heap(fc_value *v)
{
  switch ((fc_type)v->type) {
  case FC_STR:
  case FC_BYTES:
    g_free((void *)v->u.str);
    break;
  case FC_LIST:
  case FC_MAP: {
    uint32_t n = v->type == FC_MAP ? 2 * v->len : v->len;
    for (uint32_t i = 0; i < n; i++)
      rt_value_free_heap((fc_value *)&v->u.items[i]);
    g_free((void *)v->u.items);
    break;
  }
  default:
    break;
  }
  *v = fc_null();
}

/* ---- collector set-up ---- */

static void pending_free(gpointer p)
{
  pending_msg *m = p;
  rt_value_free_heap(&m->msg_id);
  g_free(m);
}

void rt_collector_init(gust_collector *c, gust_runtime *rt, rt_component *comp, fc_task *task)
{
  memset(c, 0, sizeof *c);
  c->rt = rt;
  c->comp = comp;
  c->task = task;
  c->stats = comp->task_counters[fc_task_subtask(task)];
  c->rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(fc_task_id(task) + 1) ^ (uint64_t)fc_now_ns();
  c->max_routes = fc_task_max_routes(task) + 1;
  c->routes = g_new(fc_route, c->max_routes);
  if (comp->is_spout) {
    rt_ledger_init(&c->ledger);
    c->pending = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, pending_free);
    c->ack_now = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  }
  rt_custom_groupings_open(c);
}

static void send_to_acker(gust_collector *c, int kind, uint64_t root, uint64_t value);

enum { ACK_SLOTS = 1024 }; /* a power of 2; flushed when half full */

void rt_collector_hold(gust_collector *c, const gust_tuple *input, int delta)
{
  if (!c->holds) c->holds = g_array_new(FALSE, FALSE, sizeof(spout_hold));
  for (uint32_t k = 0; k < input->n_tags; k++) {
    spout_hold h = {.root = input->tags[k], .delta = delta};
    g_array_append_val(c->holds, h);
  }
}

void rt_collector_post_holds(gust_collector *c)
{
  /* one message per owning spout task (topologies have few) */
  while (c->holds && c->holds->len) {
    int owner = rt_root_owner(g_array_index(c->holds, spout_hold, 0).root);
    GArray *mine = g_array_new(FALSE, FALSE, sizeof(spout_hold));
    guint kept = 0;
    for (guint i = 0; i < c->holds->len; i++) {
      spout_hold *h = &g_array_index(c->holds, spout_hold, i);
      if (rt_root_owner(h->root) == owner)
        g_array_append_val(mine, *h);
      else
        g_array_index(c->holds, spout_hold, kept++) = *h;
    }
    g_array_set_size(c->holds, kept);
    fc_message msg = {
        .kind = MSG_SPOUT_HOLDS, .ptr = mine, .free_ptr = (GDestroyNotify)g_array_unref};
    fc_task_post(c->task, owner, &msg);
  }
}

void rt_collector_flush(gust_collector *c)
{
  if (c->holds && c->holds->len) rt_collector_post_holds(c);
  if (!c->ack_used) return;
  for (uint32_t i = 0; i < ACK_SLOTS; i++) {
    if (c->ack_roots[i]) {
      send_to_acker(c, ACK_ACK, c->ack_roots[i], c->ack_values[i]);
      c->ack_roots[i] = 0;
    }
  }
  c->ack_used = 0;
}

/* XORs value into root's pending ack. */
static void gather_ack(gust_collector *c, uint64_t root, uint64_t value)
{
  if (!c->ack_roots) {
    c->ack_roots = g_new0(uint64_t, ACK_SLOTS);
    c->ack_values = g_new0(uint64_t, ACK_SLOTS);
  }
  uint32_t i = (uint32_t)(root * 0x9e3779b97f4a7c15ULL >> 54) & (ACK_SLOTS - 1);
  while (c->ack_roots[i] && c->ack_roots[i] != root)
    i = (i + 1) & (ACK_SLOTS - 1);
  if (!c->ack_roots[i]) {
    c->ack_roots[i] = root;
    c->ack_values[i] = 0;
    c->ack_used++;
  }
  c->ack_values[i] ^= value;
  if (c->ack_used >= ACK_SLOTS / 2) rt_collector_flush(c);
}

void rt_collector_clear(gust_collector *c)
{
  g_free(c->ack_roots);
  g_free(c->ack_values);
  g_free(c->routes);
  if (c->holds) g_array_free(c->holds, TRUE);
  if (c->pending) g_hash_table_destroy(c->pending);
  rt_ledger_clear(&c->ledger);
  if (c->ack_now) g_array_free(c->ack_now, TRUE);
  rt_custom_groupings_close(c);
}

uint64_t rt_next_id(gust_collector *c)
{
  uint64_t z;
  do {
    z = (c->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
  } while (z == 0);
  return z;
}

const rt_stream *rt_stream_of(const rt_component *comp, const char *name)
{
  if (!name || !strcmp(name, GUST_DEFAULT_STREAM))
    return comp->default_stream; /* no hash lookup on the common path */
  return g_hash_table_lookup(comp->streams, name);
}

int rt_storm_task(const gust_runtime *rt, int engine_task)
{
  return engine_task + 1;
}

/* ---- acker messages ---- */

static void send_to_acker(gust_collector *c, int kind, uint64_t root, uint64_t value)
{
  fc_value v[4] = {fc_i64(kind), fc_i64((int64_t)root), fc_i64((int64_t)value),
                   fc_i64(fc_task_id(c->task))};
  fc_record rec = {.stream = c->rt->ack_stream, .n_values = 4, .values = v};
  fc_task_emit(c->task, &rec, NULL, 0);
}

/* ---- emitting ---- */

static void copy_task_ids(const fc_route *routes, size_t n, int *task_ids, size_t max)
{
  for (size_t i = 0; i < n && i < max; i++)
    task_ids[i] = routes[i].task + 1;
}

/* Checkpoint mode: tells the spout task owning each root (the root id
 * says which) that it failed, or that its ack waits (deferred). */
static void post_to_owners(fc_task *task, const uint64_t *roots, uint32_t n, bool failed,
                           bool deferred)
{
  for (uint32_t k = 0; k < n; k++) {
    GArray *acks = g_array_sized_new(FALSE, FALSE, sizeof(spout_ack), 1);
    spout_ack a = {.root = roots[k], .failed = failed, .deferred = deferred};
    g_array_append_val(acks, a);
    fc_message msg = {
        .kind = MSG_SPOUT_ACKS, .ptr = acks, .free_ptr = (GDestroyNotify)g_array_unref};
    fc_task_post(task, rt_root_owner(roots[k]), &msg);
  }
}

/* Checkpoint mode: a bolt's fail goes straight to the spout task that
 * owns each root. */
static void fail_to_owners(gust_collector *c, const gust_tuple *input)
{
  post_to_owners(c->task, input->tags, input->n_tags, true, false);
}

void rt_defer_crossed_roots(gust_runtime *rt, fc_task *task, const fc_record *rec)
{
  if (G_LIKELY(!rec->n_tags) || rt->reliability != RELIABILITY_CHECKPOINT ||
      G_LIKELY(!fc_task_crossed_checkpoint(task)))
    return;
  post_to_owners(task, rec->tags, rec->n_tags, false, true);
}

/* Checkpoint mode: the roots of every anchor, once each, into tags. */
static uint32_t union_of_roots(const gust_tuple *const *anchors, size_t n_anchors, uint64_t *tags)
{
  uint32_t n = 0;
  for (size_t a = 0; a < n_anchors; a++)
    for (uint32_t k = 0; k < anchors[a]->n_tags; k++) {
      uint32_t j = 0;
      while (j < n && tags[j] != anchors[a]->tags[k])
        j++;
      if (j == n) tags[n++] = anchors[a]->tags[k];
    }
  return n;
}

/* The stream an emit names, looked up; NULL (said in the log) if it is
 * not declared or not of the emit's kind. */
static const rt_stream *stream_named(gust_collector *c, const char *stream, bool direct)
{
  const rt_stream *s = rt_stream_of(c->comp, stream);
  g_autofree char *why = NULL;
  if (!s)
    why = g_strdup_printf("emit on undeclared stream '%s' dropped",
                          stream ? stream : GUST_DEFAULT_STREAM);
  else if (s->direct != direct)
    why = g_strdup_printf("%s emit on %s stream '%s' dropped", direct ? "direct" : "plain",
                          s->direct ? "direct" : "non-direct", s->name);
  if (why) {
    g_warning("%s: %s", c->comp->id, why);
    rt_report_error(c->comp, fc_task_id(c->task) + 1, why);
    return NULL;
  }
  return s;
}

/* The same, with the default stream of a plain emit as the quick case:
 * named by NULL, or by the stream's own name (a host that holds the
 * rt_stream, as the JVM host does, passes s->name), no lookup. */
static inline const rt_stream *stream_or_complain(gust_collector *c, const char *stream,
                                                  bool direct)
{
  const rt_stream *s = c->comp->default_stream;
  if (G_LIKELY(s && (!stream || stream == s->name) && s->direct == direct)) return s;
  return stream_named(c, stream, direct);
}

/* topology.debug: each emit logged in the words of Storm's Task.java. */
static void log_emit(gust_collector *c, const rt_stream *s, int target, const fc_value *values,
                     size_t n_values)
{
  g_autoptr(GString) text = g_string_new(NULL);
  if (target >= 0)
    g_string_append_printf(text, "Emitting direct: %d; %s %s [", rt_storm_task(c->rt, target),
                           c->comp->id, s->name);
  else
    g_string_append_printf(text, "Emitting Tuple: taskId=%d componentId=%s stream=%s values=[",
                           rt_storm_task(c->rt, fc_task_id(c->task)), c->comp->id, s->name);
  for (size_t i = 0; i < n_values; i++) {
    if (i) g_string_append(text, ", ");
    if (values[i].type == FC_STR) /* as Java's List.toString() shows a String */
      g_string_append_len(text, values[i].u.str, values[i].len);
    else
      fc_value_append_text(&values[i], text);
  }
  g_string_append_c(text, ']');
  g_info("%s", text->str);
}

/* Counts an emit on s sent to n receiving tasks (Storm's emitted and
 * transferred; TRANSFERRED follows EMITTED in a slot). */
static inline void count_emit(gust_collector *c, const rt_stream *s, size_t n)
{
  rt_counter *emitted = rt_stream_stat(c->comp, c->stats, s->id, RT_STAT_EMITTED);
  if (G_UNLIKELY(!emitted)) return;
  rt_stat_add(emitted, 1);
  rt_stat_add(emitted + (RT_STAT_TRANSFERRED - RT_STAT_EMITTED), n);
}

void rt_count_unrouted_emits(gust_collector *c, const rt_stream *s, uint64_t n)
{
  rt_counter *emitted = rt_stream_stat(c->comp, c->stats, s->id, RT_STAT_EMITTED);
  if (emitted) rt_stat_add(emitted, n);
}

void rt_count_local_emits(gust_collector *c, const rt_stream *s, uint64_t n)
{
  rt_stream_add(c->comp, c->stats, s->id, RT_STAT_EMITTED, n);
  rt_stream_add(c->comp, c->stats, s->id, RT_STAT_TRANSFERRED, n);
}

void rt_count_local_inputs(gust_collector *c, const rt_stream *s, uint64_t executed, uint64_t acked,
                           uint64_t failed)
{
  rt_stream_add(c->comp, c->stats, s->id, RT_STAT_EXECUTED, executed);
  rt_stream_add(c->comp, c->stats, s->id, RT_STAT_ACKED, acked);
  rt_stream_add(c->comp, c->stats, s->id, RT_STAT_FAILED, failed);
}

/* A custom grouping could not choose where an anchored emit goes
 * (jvm_grouping.c reported why): the anchors' trees fail, as when the
 * bolt fails its input. */
static void fail_unrouted_anchors(gust_collector *c, const fc_record *rec,
                                  const gust_tuple *const *anchors, size_t n_anchors)
{
  if (c->rt->reliability == RELIABILITY_CHECKPOINT) {
    post_to_owners(c->task, rec->tags, rec->n_tags, true, false);
  } else if (c->rt->reliability == RELIABILITY_ACKER) {
    for (size_t a = 0; a < n_anchors; a++)
      for (uint32_t k = 0; k < anchors[a]->n_tags; k += 2)
        send_to_acker(c, ACK_FAIL, anchors[a]->tags[k], 0);
  }
}

/* Bolt emit, tracked or not.  target >= 0: direct to that engine task. */
static inline size_t bolt_emit(gust_collector *c, const rt_stream *s, int target,
                               const gust_tuple *const *anchors, size_t n_anchors,
                               const fc_value *values, size_t n_values, int *task_ids,
                               size_t max_task_ids)
{
  if (G_UNLIKELY(c->comp->debug)) log_emit(c, s, target, values, n_values);
  fc_record rec = {
      .stream = s->id, .n_values = (uint32_t)n_values, .values = values, .created_ns = 0};
  bool tracked = c->rt->reliability == RELIABILITY_ACKER && n_anchors > 0;
  if (c->rt->reliability == RELIABILITY_CHECKPOINT && n_anchors > 0) {
    if (n_anchors == 1) { /* the common case: its roots are a set already */
      rec.n_tags = anchors[0]->n_tags;
      rec.tags = anchors[0]->tags;
    } else {
      size_t max_roots = 0;
      for (size_t a = 0; a < n_anchors; a++)
        max_roots += anchors[a]->n_tags;
      uint64_t *roots = fc_arena_alloc(fc_task_scratch(c->task), (max_roots + 1) * sizeof *roots);
      rec.n_tags = union_of_roots(anchors, n_anchors, roots);
      rec.tags = roots;
    }
  }
  size_t n;
  if (target >= 0)
    n = fc_task_route_direct(c->task, &rec, target, c->routes, c->max_routes);
  else if (!tracked) { /* the fast path: one copy per receiver, no routing table */
    size_t sent = fc_task_emit(c->task, &rec, task_ids, max_task_ids);
    for (size_t i = 0; task_ids && i < sent && i < max_task_ids; i++)
      task_ids[i] = rt_storm_task(c->rt, task_ids[i]);
    count_emit(c, s, sent);
    if (G_UNLIKELY(c->comp->custom_out) && rt_custom_grouping_failed(c) && n_anchors)
      fail_unrouted_anchors(c, &rec, anchors, n_anchors);
    return sent;
  } else {
    n = fc_task_route(c->task, &rec, c->routes, c->max_routes);
    if (G_UNLIKELY(c->comp->custom_out) && rt_custom_grouping_failed(c) && n_anchors)
      fail_unrouted_anchors(c, &rec, anchors, n_anchors);
  }
  size_t max_roots = 0;
  for (size_t a = 0; a < n_anchors; a++)
    max_roots += anchors[a]->n_tags / 2;
  uint64_t *tags =
      tracked ? fc_arena_alloc(fc_task_scratch(c->task), (2 * max_roots + 1) * sizeof *tags) : NULL;
  for (size_t r = 0; r < n; r++) {
    if (tracked) {
      uint32_t n_tags = 0;
      for (size_t a = 0; a < n_anchors; a++) {
        gust_tuple *anchor = (gust_tuple *)anchors[a];
        if (!anchor->n_tags) continue;
        uint64_t edge = rt_next_id(c);
        anchor->ack_val ^= edge;
        for (uint32_t k = 0; k < anchor->n_tags; k += 2) {
          uint64_t root = anchor->tags[k];
          uint32_t j = 0;
          while (j < n_tags && tags[j] != root)
            j += 2;
          if (j == n_tags) {
            tags[n_tags] = root;
            tags[n_tags + 1] = 0;
            n_tags += 2;
          }
          tags[j + 1] ^= edge;
        }
      }
      rec.tags = tags;
      rec.n_tags = n_tags;
    }
    fc_task_send(c->task, &rec, &c->routes[r]);
  }
  if (task_ids) copy_task_ids(c->routes, n, task_ids, max_task_ids);
  count_emit(c, s, n);
  return n;
}

size_t gust_emit(gust_collector *out, const char *stream, const gust_tuple *const *anchors,
                 size_t n_anchors, const fc_value *values, size_t n_values, int *task_ids,
                 size_t max_task_ids)
{
  const rt_stream *s = stream_or_complain(out, stream, false);
  if (!s) return 0;
  return bolt_emit(out, s, -1, anchors, n_anchors, values, n_values, task_ids, max_task_ids);
}

gboolean gust_emit_direct(gust_collector *out, int task_id, const char *stream,
                          const gust_tuple *const *anchors, size_t n_anchors,
                          const fc_value *values, size_t n_values)
{
  const rt_stream *s = stream_or_complain(out, stream, true);
  if (!s) return FALSE;
  return bolt_emit(out, s, task_id - 1, anchors, n_anchors, values, n_values, NULL, 0) > 0;
}

void gust_ack(gust_collector *out, const gust_tuple *input)
{
  rt_stream_add(out->comp, out->stats, input->stream->id, RT_STAT_ACKED, 1);
  if (input->started_ns) /* sampled: from execute() to the ack, Storm's process latency */
    rt_stream_latency(out->comp, out->stats, input->stream->id, RT_STAT_PROCESS_NS,
                      fc_now_ns() - input->started_ns);
  if (out->rt->reliability != RELIABILITY_ACKER) return;
  for (uint32_t k = 0; k < input->n_tags; k += 2)
    gather_ack(out, input->tags[k], input->tags[k + 1] ^ input->ack_val);
}

void gust_fail(gust_collector *out, const gust_tuple *input)
{
  rt_stream_add(out->comp, out->stats, input->stream->id, RT_STAT_FAILED, 1);
  rt_collector_fail_tree(out, input);
}

void rt_collector_fail_tree(gust_collector *out, const gust_tuple *input)
{
  if (out->rt->reliability == RELIABILITY_CHECKPOINT) {
    fail_to_owners(out, input);
    return;
  }
  if (out->rt->reliability != RELIABILITY_ACKER) return;
  for (uint32_t k = 0; k < input->n_tags; k += 2)
    send_to_acker(out, ACK_FAIL, input->tags[k], 0);
}

void rt_collector_reset_timeout(gust_collector *out, const gust_tuple *input)
{
  if (out->rt->reliability != RELIABILITY_ACKER)
    return; /* checkpoint mode: nothing times out per tuple */
  for (uint32_t k = 0; k < input->n_tags; k += 2)
    send_to_acker(out, ACK_RESET_TIMEOUT, input->tags[k], 0);
}

void gust_report_error(gust_collector *out, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree char *msg = g_strdup_vprintf(format, ap);
  va_end(ap);
  rt_report_error(out->comp, fc_task_id(out->task) + 1, msg);
  g_warning("%s (task %d) reported an error: %s", out->comp->id, fc_task_id(out->task) + 1, msg);
}

/* Spout emit.  target >= 0: direct to that engine task. */
static size_t spout_emit(gust_collector *c, const rt_stream *s, int target, const fc_value *values,
                         size_t n_values, const fc_value *msg_id, int *task_ids,
                         size_t max_task_ids)
{
  if (c->closed) return 0;
  if (G_UNLIKELY(c->comp->debug)) log_emit(c, s, target, values, n_values);
  int64_t now = !msg_id ? 0 : c->call_ns ? c->call_ns : fc_now_ns();
  fc_record rec = {
      .stream = s->id, .n_values = (uint32_t)n_values, .values = values, .created_ns = now};
  size_t n = target >= 0 ? fc_task_route_direct(c->task, &rec, target, c->routes, c->max_routes)
                         : fc_task_route(c->task, &rec, c->routes, c->max_routes);
  c->emitted_now++;
  count_emit(c, s, n);
  bool unrouted = G_UNLIKELY(c->comp->custom_out) && rt_custom_grouping_failed(c);
  if (!msg_id || c->rt->reliability == RELIABILITY_NONE) {
    for (size_t r = 0; r < n; r++)
      fc_task_send(c->task, &rec, &c->routes[r]);
    if (msg_id) { /* no ackers: acked at emit (after the callback) */
      uint64_t root = rt_next_id(c);
      pending_msg *m = g_new0(pending_msg, 1);
      m->root = root;
      m->msg_id = rt_value_dup_heap(msg_id);
      m->emitted_ns = m->timeout_from_ns = now;
      m->stream = s->id;
      g_hash_table_insert(c->pending, &m->root, m);
      g_array_append_val(c->ack_now, root);
    }
  } else if (c->rt->reliability == RELIABILITY_CHECKPOINT) {
    /* acked when the first checkpoint whose barrier follows this emit completes */
    uint64_t root = ((uint64_t)(fc_task_id(c->task) + 1) << RT_ROOT_TASK_SHIFT) | ++c->root_seq;
    rec.tags = &root;
    rec.n_tags = 1;
    for (size_t r = 0; r < n; r++)
      fc_task_send(c->task, &rec, &c->routes[r]);
    rt_ledger_add(&c->ledger, c->epoch, root, msg_id, now, s->id);
    if (unrouted) post_to_owners(c->task, &root, 1, true, false);
  } else {
    uint64_t root = rt_next_id(c), xor_all = 0;
    uint64_t tags[2] = {root, 0};
    rec.tags = tags;
    rec.n_tags = 2;
    for (size_t r = 0; r < n; r++) {
      tags[1] = rt_next_id(c);
      xor_all ^= tags[1];
      fc_task_send(c->task, &rec, &c->routes[r]);
    }
    pending_msg *m = g_new0(pending_msg, 1);
    m->root = root;
    m->msg_id = rt_value_dup_heap(msg_id);
    m->emitted_ns = m->timeout_from_ns = now;
    m->stream = s->id;
    g_hash_table_insert(c->pending, &m->root, m);
    if (c->rt->reliability == RELIABILITY_ACKER) {
      /* a fail before the init: the acker settles the tree failed even
       * when the init's XOR is zero (no receiver) */
      if (unrouted) send_to_acker(c, ACK_FAIL, root, 0);
      send_to_acker(c, ACK_INIT, root, xor_all);
    }
  }
  if (task_ids) copy_task_ids(c->routes, n, task_ids, max_task_ids);
  return n;
}

size_t gust_spout_emit(gust_collector *out, const char *stream, const fc_value *values,
                       size_t n_values, const fc_value *msg_id, int *task_ids, size_t max_task_ids)
{
  const rt_stream *s = stream_or_complain(out, stream, false);
  if (!s) return 0;
  return spout_emit(out, s, -1, values, n_values, msg_id, task_ids, max_task_ids);
}

gboolean gust_spout_emit_direct(gust_collector *out, int task_id, const char *stream,
                                const fc_value *values, size_t n_values, const fc_value *msg_id)
{
  const rt_stream *s = stream_or_complain(out, stream, true);
  if (!s) return FALSE;
  return spout_emit(out, s, task_id - 1, values, n_values, msg_id, NULL, 0) > 0;
}

/* ---- input tuples ---- */

const char *gust_tuple_source_component(const gust_tuple *t)
{
  return t->stream->comp ? t->stream->comp->id : "__system";
}
int gust_tuple_source_task(const gust_tuple *t)
{
  return t->source_task;
}
const char *gust_tuple_stream(const gust_tuple *t)
{
  return t->stream->name;
}
size_t gust_tuple_size(const gust_tuple *t)
{
  return t->n_values;
}
const char *const *gust_tuple_fields(const gust_tuple *t)
{
  return (const char *const *)t->stream->fields;
}

const fc_value *gust_tuple_get(const gust_tuple *t, size_t index)
{
  return index < t->n_values ? &t->values[index] : NULL;
}

const fc_value *gust_tuple_get_by_field(const gust_tuple *t, const char *field)
{
  for (guint i = 0; i < t->stream->n_fields && i < t->n_values; i++)
    if (!strcmp(t->stream->fields[i], field)) return &t->values[i];
  return NULL;
}

gboolean gust_tuple_is_tick(const gust_tuple *t)
{
  return t->stream->comp == NULL && !strcmp(t->stream->name, "__tick");
}

gust_tuple *gust_tuple_copy(const gust_tuple *t)
{
  gust_tuple *c = g_new0(gust_tuple, 1);
  *c = *t;
  c->owned = true;
  fc_arena_init(&c->arena, 256);
  c->values = fc_values_copy(&c->arena, t->values, t->n_values);
  if (t->n_tags) {
    uint64_t *tags = fc_arena_alloc(&c->arena, t->n_tags * sizeof *tags);
    memcpy(tags, t->tags, t->n_tags * sizeof *tags);
    c->tags = tags;
  }
  return c;
}

void gust_tuple_free(gust_tuple *t)
{
  if (!t) return;
  g_return_if_fail(t->owned);
  fc_arena_clear(&t->arena);
  g_free(t);
}
