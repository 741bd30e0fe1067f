/* context.h — the gust_context structure (see context.c). */
#ifndef GUST_RT_CONTEXT_H
#define GUST_RT_CONTEXT_H

#include "runtime_private.h"

struct gust_context {
  gust_runtime *rt;
  rt_component *comp;
  int task_index;
  GBytes *restored;          /* the component's own bytes to resume from, or NULL (owned) */
  GPtrArray *restored_parts; /* after a change of parallelism: every old task's component
                                bytes (GBytes), or NULL (owned) */
  struct gust_state *state;  /* keyed state (state_host.h), or NULL (not owned) */
};

void rt_context_init(gust_context *ctx, gust_runtime *rt, rt_component *comp, int task_index);
/* Finds what this task resumes from (restore.c): its component bytes, and
 * its keyed state restored into ctx->state when that is set.  FALSE when
 * the bytes are damaged. */
gboolean rt_context_restore(gust_context *ctx, GError **error);
void rt_context_clear(gust_context *ctx);

#endif
