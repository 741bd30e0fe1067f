/* context.c — the topology context a component instance sees (Storm's
 * TopologyContext): its ids, its component's tasks, its configuration.
 * Read-only after open; lives as long as the task. */
#include "context.h"

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
const char *gust_context_component_id(const gust_context *ctx) { return ctx->comp->id; }
int gust_context_task_id(const gust_context *ctx) { return ctx->comp->storm_task_ids[ctx->task_index]; }
int gust_context_task_index(const gust_context *ctx) { return ctx->task_index; }
const json_t *gust_context_conf(const gust_context *ctx) { return ctx->comp->conf; }

const int *gust_context_component_tasks(const gust_context *ctx, const char *component, size_t *n)
{
  return gust_runtime_component_tasks(ctx->rt, component, n);
}

const char *gust_context_task_component(const gust_context *ctx, int task_id)
{
  int engine = task_id - 1;
  if (engine < 0 || engine >= ctx->rt->n_tasks)
    return NULL;
  rt_component *c = ctx->rt->comp_of_task[engine];
  return c ? c->id : "__acker";
}
