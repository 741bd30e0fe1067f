/* context.h — the gust_context structure (see context.c). */
#ifndef GUST_RT_CONTEXT_H
#define GUST_RT_CONTEXT_H

#include "runtime_private.h"

struct gust_context {
  gust_runtime *rt;
  rt_component *comp;
  int task_index;
};

void rt_context_init(gust_context *ctx, gust_runtime *rt, rt_component *comp, int task_index);

#endif
