/* loops.c — cycles in a job graph: finding them, and ending them.
 *
 * A graph may have cycles (a vertex subscribed to its own output, or a
 * loop through several vertices).  fc_job_new() calls fc_loops_find(),
 * which:
 *   - groups the vertices into strongly connected components (Tarjan); a
 *     component of more than one vertex, or one vertex with an edge to
 *     itself, is a loop (fc_loop).  Edges between two vertices of the same
 *     loop are its internal edges;
 *   - runs a depth-first search from the sources (vertices without inputs,
 *     in vertex order): an edge to a vertex still on the search's stack is a
 *     feedback edge.  Removing the feedback edges leaves an acyclic graph,
 *     so barriers aligned on every other input can never wait for
 *     themselves.  A vertex the search never reaches is fed only by a loop
 *     no source feeds: it could never receive a record or a barrier, and
 *     the graph is refused, naming the loop.
 *
 * How the engine treats them (task.c):
 *   - checkpoints: a task does not align on its feedback inputs; barriers
 *     still travel feedback edges, and a task that consumes one acknowledges
 *     checkpoint n to the coordinator only once barrier n has come back on
 *     every feedback input.  The records it takes from a feedback input in
 *     between were emitted before the loop's cut for n and are processed
 *     after it: fc_task_crossed_checkpoint() tells the operator so, which
 *     lets the layer above withhold the acknowledgement of what they
 *     descend from (the records are not logged in the snapshot);
 *   - back-pressure: a feedback edge never parks its producer (in a loop
 *     that would wait for itself); what the ring cannot take waits in the
 *     channel's overflow queue, without bound;
 *   - end of input: internal edges never carry end marks.  Each loop counts
 *     the records in flight on its internal edges (in_flight) and the member
 *     tasks whose other inputs have not all ended (open_tasks); when both
 *     are zero the loop is quiet: `done` is set, every member ends its input
 *     as if all its inputs had ended, and what members emit on internal
 *     edges from then on is dropped.
 *
 * Counting in_flight without a lock: a task adds the records it appended
 * to internal edges (t->loop_emitted, kept during the turn) before it sends
 * any internal batch and before it gives back any input batch; it subtracts
 * an internal batch's records when it gives that batch back, after adding.
 * So a record is counted from before anyone can take it until after
 * whatever it caused is counted, and in_flight is zero only when no record
 * is on, or being processed from, an internal edge.  The two counters are
 * sequentially consistent atomics, each changed then the other read, so
 * whichever of the last two changes comes second sees both at zero.
 * Records a member's timer emits into the loop after its other inputs
 * ended do not keep the loop open.
 *
 * Threads: fc_loops_find() runs on the caller of fc_job_new(); the counters
 * are touched by member tasks' turns; `done` is set once, by whichever turn
 * sees the loop quiet.
 */
#include "internal.h"

#include <string.h>

typedef struct {
  const fc_graph *g;
  GPtrArray **out; /* per vertex: edge indexes leaving it */
  int *index, *low, *comp;
  bool *on_stack;
  GArray *stack;
  int next_index, n_comps;
} scc_search;

static void strong_connect(scc_search *s, int v)
{
  s->index[v] = s->low[v] = s->next_index++;
  g_array_append_val(s->stack, v);
  s->on_stack[v] = true;
  for (guint k = 0; k < s->out[v]->len; k++) {
    const fc_edge *e =
        &g_array_index(s->g->edges, fc_edge, GPOINTER_TO_INT(g_ptr_array_index(s->out[v], k)));
    if (s->index[e->to] < 0) {
      strong_connect(s, e->to);
      s->low[v] = MIN(s->low[v], s->low[e->to]);
    } else if (s->on_stack[e->to]) {
      s->low[v] = MIN(s->low[v], s->index[e->to]);
    }
  }
  if (s->low[v] != s->index[v]) return;
  int w;
  do {
    w = g_array_index(s->stack, int, s->stack->len - 1);
    g_array_set_size(s->stack, s->stack->len - 1);
    s->on_stack[w] = false;
    s->comp[w] = s->n_comps;
  } while (w != v);
  s->n_comps++;
}

/* Depth-first search marking feedback edges; state: 0 unseen, 1 on the
 * stack, 2 done. */
static void mark_feedback(fc_graph *g, GPtrArray **out, int *state, int v)
{
  state[v] = 1;
  for (guint k = 0; k < out[v]->len; k++) {
    fc_edge *e = &g_array_index(g->edges, fc_edge, GPOINTER_TO_INT(g_ptr_array_index(out[v], k)));
    if (state[e->to] == 1)
      e->feedback = true;
    else if (state[e->to] == 0)
      mark_feedback(g, out, state, e->to);
  }
  state[v] = 2;
}

/* "a -> b -> a": the vertices of component c, in vertex order. */
static char *describe_component(const fc_graph *g, const int *comp, int c)
{
  GString *s = g_string_new(NULL);
  const char *first = NULL;
  for (guint v = 0; v < g->vertices->len; v++) {
    if (comp[v] != c) continue;
    const char *name = g_array_index(g->vertices, fc_vertex, v).name;
    if (!first) first = name;
    g_string_append_printf(s, "%s -> ", name);
  }
  g_string_append(s, first ? first : "?");
  return g_string_free(s, FALSE);
}

static void loop_free(fc_loop *l)
{
  g_free(l->description);
  g_free(l->tasks);
  g_free(l);
}

gboolean fc_loops_find(fc_graph *g, GPtrArray **loops, GError **error)
{
  int nv = (int)g->vertices->len;
  scc_search s = {.g = g, .stack = g_array_new(FALSE, FALSE, sizeof(int))};
  s.out = g_new0(GPtrArray *, nv);
  s.index = g_new(int, nv);
  s.low = g_new(int, nv);
  s.comp = g_new(int, nv);
  s.on_stack = g_new0(bool, nv);
  g_autofree int *n_inputs = g_new0(int, nv);
  for (int v = 0; v < nv; v++) {
    s.out[v] = g_ptr_array_new();
    s.index[v] = -1;
  }
  for (guint i = 0; i < g->edges->len; i++) {
    fc_edge *e = &g_array_index(g->edges, fc_edge, i);
    g_ptr_array_add(s.out[e->from], GINT_TO_POINTER((int)i));
    n_inputs[e->to]++;
    e->loop = -1;
    e->feedback = false;
  }
  for (int v = 0; v < nv; v++)
    if (s.index[v] < 0) strong_connect(&s, v);

  /* which components are loops, and their fc_loop */
  g_autofree int *loop_of_comp = g_new(int, s.n_comps);
  for (int c = 0; c < s.n_comps; c++)
    loop_of_comp[c] = -1;
  g_autofree int *comp_size = g_new0(int, s.n_comps);
  for (int v = 0; v < nv; v++)
    comp_size[s.comp[v]]++;
  (*loops) = g_ptr_array_new_with_free_func((GDestroyNotify)loop_free);
  for (guint i = 0; i < g->edges->len; i++) {
    fc_edge *e = &g_array_index(g->edges, fc_edge, i);
    int c = s.comp[e->from];
    if (c != s.comp[e->to]) continue;
    if (loop_of_comp[c] < 0) {
      fc_loop *l = g_new0(fc_loop, 1);
      l->description = describe_component(g, s.comp, c);
      loop_of_comp[c] = (int)(*loops)->len;
      g_ptr_array_add((*loops), l);
    }
    e->loop = loop_of_comp[c];
  }
  for (int v = 0; v < nv; v++) {
    fc_vertex *vx = &g_array_index(g->vertices, fc_vertex, v);
    vx->loop = loop_of_comp[s.comp[v]];
  }

  g_autofree int *state = g_new0(int, nv);
  for (int v = 0; v < nv; v++)
    if (n_inputs[v] == 0) mark_feedback(g, s.out, state, v);
  gboolean ok = TRUE;
  for (int v = 0; v < nv && ok; v++) {
    if (state[v]) continue;
    int c = s.comp[v];
    g_autofree char *what = comp_size[c] > 1 || loop_of_comp[c] >= 0
                                ? describe_component(g, s.comp, c)
                                : g_strdup(g_array_index(g->vertices, fc_vertex, v).name);
    g_set_error(error, FC_ERROR, FC_ERROR_INVALID_GRAPH,
                "the loop %s is fed by no source: its vertices could never receive a record "
                "or a checkpoint barrier (subscribe one of them to a source)",
                what);
    ok = FALSE;
  }
  for (int v = 0; v < nv; v++)
    g_ptr_array_free(s.out[v], TRUE);
  g_free(s.out);
  g_free(s.index);
  g_free(s.low);
  g_free(s.comp);
  g_free(s.on_stack);
  g_array_free(s.stack, TRUE);
  return ok;
}

void fc_loops_add_task(fc_job *job, fc_task *t)
{
  if (t->v->loop < 0) return;
  fc_loop *l = g_ptr_array_index(job->loops, t->v->loop);
  l->drop_at_end = job->opts.loops_drop_at_end;
  t->loop = l;
  l->tasks = g_renew(fc_task *, l->tasks, l->n_tasks + 1);
  l->tasks[l->n_tasks++] = t;
  if (t->n_ext_ins > 0) atomic_fetch_add(&l->open_tasks, 1);
}

/* The loop may have become quiet (or, dropping at end, its input from
 * outside may have ended): if so, end it (once). */
static void check_quiet(fc_loop *l, int64_t in_flight, int open_tasks)
{
  if (open_tasks != 0 || (in_flight != 0 && !l->drop_at_end)) return;
  int expected = 0;
  if (!atomic_compare_exchange_strong(&l->done, &expected, 1)) return;
  if (in_flight > 0)
    g_message("dropped %" G_GINT64_FORMAT " record%s still circulating in the loop %s at the end "
              "of its input",
              (gint64)in_flight, in_flight == 1 ? "" : "s", l->description);
  for (int i = 0; i < l->n_tasks; i++)
    fc_task_wake(l->tasks[i]);
}

void fc_loop_count(fc_task *t, int64_t taken)
{
  fc_loop *l = t->loop;
  int64_t delta = t->loop_emitted - taken;
  t->loop_emitted = 0;
  if (delta == 0) return;
  int64_t now = atomic_fetch_add(&l->in_flight, delta) + delta;
  if (delta < 0) check_quiet(l, now, atomic_load(&l->open_tasks));
}

void fc_loop_task_inputs_ended(fc_task *t)
{
  fc_loop *l = t->loop;
  fc_loop_count(t, 0);
  int open = atomic_fetch_sub(&l->open_tasks, 1) - 1;
  check_quiet(l, atomic_load(&l->in_flight), open);
}

uint64_t fc_task_crossed_checkpoint(const fc_task *t)
{
  const fc_channel *ch = t->cur_ch;
  if (!ch || !ch->feedback) return 0;
  uint64_t seen = t->in_barrier[ch->consumer_input];
  return seen < t->ckpt_done ? seen + 1 : 0;
}
