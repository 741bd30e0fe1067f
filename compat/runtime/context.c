/* context.c — the topology context a component instance sees (Storm's
 * TopologyContext): its ids, its component's tasks, its configuration.
 * Read-only after open; lives as long as the task. */
#include "context.h"
#include "state_host.h"

void rt_context_init(gust_context *ctx, gust_runtime *rt, rt_component *comp, int task_index)
{
  ctx->rt = rt;
  ctx->comp = comp;
  ctx->task_index = task_index;
}

const char *gust_context_topology_name(const gust_context *ctx)
{
  return gust_topology_name(ctx->rt->topology);
}
const char *gust_context_component_id(const gust_context *ctx)
{
  return ctx->comp->id;
}
int gust_context_task_id(const gust_context *ctx)
{
  return ctx->comp->storm_task_ids[ctx->task_index];
}
int gust_context_task_index(const gust_context *ctx)
{
  return ctx->task_index;
}
const json_t *gust_context_conf(const gust_context *ctx)
{
  return ctx->comp->conf;
}

const int *gust_context_component_tasks(const gust_context *ctx, const char *component, size_t *n)
{
  return gust_runtime_component_tasks(ctx->rt, component, n);
}

const char *gust_context_task_component(const gust_context *ctx, int task_id)
{
  int engine = task_id - 1;
  if (engine < 0 || engine >= ctx->rt->n_tasks) return NULL;
  rt_component *c = ctx->rt->comp_of_task[engine];
  return c ? c->id : "__acker";
}

const uint8_t *gust_context_restored_state(const gust_context *ctx, size_t *len)
{
  gsize n = 0;
  const uint8_t *p = ctx->restored ? g_bytes_get_data(ctx->restored, &n) : NULL;
  *len = n;
  return n ? p : NULL;
}

size_t gust_context_restored_task_count(const gust_context *ctx)
{
  return ctx->restored_parts ? ctx->restored_parts->len : 0;
}

const uint8_t *gust_context_restored_task_state(const gust_context *ctx, size_t old_index,
                                                size_t *len)
{
  *len = 0;
  if (!ctx->restored_parts || old_index >= ctx->restored_parts->len) return NULL;
  GBytes *b = g_ptr_array_index(ctx->restored_parts, old_index);
  gsize n = 0;
  const uint8_t *p = b ? g_bytes_get_data(b, &n) : NULL;
  *len = n;
  return n ? p : NULL;
}

gboolean rt_context_restore(gust_context *ctx, GError **error)
{
  rt_component *c = ctx->comp;
  if (!c->restored) return TRUE;
  if (!rt_restored_rescaled(c)) {
    g_autoptr(GBytes) state = NULL;
    if (!rt_state_split_task_snapshot(rt_restored_bytes(c, ctx->task_index), &ctx->restored, &state,
                                      error))
      return FALSE;
    return !ctx->state || rt_state_restore(ctx->state, state, error);
  }
  guint n = c->restored->len;
  ctx->restored_parts = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < n; i++) {
    GBytes *component = NULL, *state = NULL;
    GBytes *old = g_ptr_array_index(c->restored, i);
    if (old && !rt_state_split_task_snapshot(old, &component, &state, error)) return FALSE;
    g_ptr_array_add(ctx->restored_parts, component);
    g_ptr_array_add(states, state);
  }
  return !ctx->state ||
         rt_state_restore_rescaled(ctx->state, (GBytes *const *)states->pdata, (int)n, error);
}

void rt_context_clear(gust_context *ctx)
{
  if (ctx->restored) g_bytes_unref(ctx->restored);
  if (ctx->restored_parts) g_ptr_array_unref(ctx->restored_parts);
  ctx->restored = NULL;
  ctx->restored_parts = NULL;
}
