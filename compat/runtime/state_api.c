/* state_api.c — the keyed state calls native bolts make (gust/state.h),
 * over the task's fc_state (state_host.c opens it on first use).
 *
 * Each call checks its handle, opens the backend if needed and hands over
 * to flinkcore's fc_state_* with the same arguments.  Reads decode into
 * the handle's arena, rewound at the start of every read: what a read
 * returns lives until the next read.  Everything runs on the task's
 * thread.
 */
#include "context.h"
#include "state_host.h"

gust_state *gust_context_state(const gust_context *ctx)
{
  return ctx->state;
}

/* The backend, or NULL with *error (no handle, or it cannot be opened). */
static fc_state *backend(gust_state *st, GError **error)
{
  if (!st) {
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID,
                "this task has no keyed state (gust_context_state() gave NULL)");
    return NULL;
  }
  return rt_state_backend(st, error);
}

/* Opens the backend and rewinds the read arena. */
static fc_state *for_read(gust_state *st, fc_arena **arena, GError **error)
{
  fc_state *b = backend(st, error);
  if (b) {
    *arena = rt_state_arena(st);
    fc_arena_reset(*arena);
  }
  return b;
}

/* ---- value state ---- */

const fc_value *gust_state_value_get(gust_state *st, const char *name, const fc_value *key,
                                     GError **error)
{
  fc_arena *arena;
  fc_state *b = for_read(st, &arena, error);
  return b ? fc_state_value_get(b, name, key, arena, error) : NULL;
}

gboolean gust_state_value_put(gust_state *st, const char *name, const fc_value *key,
                              const fc_value *value, GError **error)
{
  fc_state *b = backend(st, error);
  return b && fc_state_value_put(b, name, key, value, error);
}

gboolean gust_state_value_delete(gust_state *st, const char *name, const fc_value *key,
                                 GError **error)
{
  fc_state *b = backend(st, error);
  return b && fc_state_value_delete(b, name, key, error);
}

/* ---- map state ---- */

const fc_value *gust_state_map_get(gust_state *st, const char *name, const fc_value *key,
                                   const fc_value *map_key, GError **error)
{
  fc_arena *arena;
  fc_state *b = for_read(st, &arena, error);
  return b ? fc_state_map_get(b, name, key, map_key, arena, error) : NULL;
}

gboolean gust_state_map_put(gust_state *st, const char *name, const fc_value *key,
                            const fc_value *map_key, const fc_value *value, GError **error)
{
  fc_state *b = backend(st, error);
  return b && fc_state_map_put(b, name, key, map_key, value, error);
}

gboolean gust_state_map_remove(gust_state *st, const char *name, const fc_value *key,
                               const fc_value *map_key, GError **error)
{
  fc_state *b = backend(st, error);
  return b && fc_state_map_remove(b, name, key, map_key, error);
}

gboolean gust_state_map_iterate(gust_state *st, const char *name, const fc_value *key,
                                gust_state_map_fn fn, void *data, GError **error)
{
  fc_state *b = backend(st, error);
  return b && fc_state_map_iterate(b, name, key, fn, data, error);
}

gboolean gust_state_map_clear(gust_state *st, const char *name, const fc_value *key, GError **error)
{
  fc_state *b = backend(st, error);
  return b && fc_state_map_clear(b, name, key, error);
}

/* ---- list state ---- */

gboolean gust_state_list_append(gust_state *st, const char *name, const fc_value *key,
                                const fc_value *value, GError **error)
{
  fc_state *b = backend(st, error);
  return b && fc_state_list_append(b, name, key, value, error);
}

const fc_value *gust_state_list_get(gust_state *st, const char *name, const fc_value *key,
                                    size_t *n, GError **error)
{
  *n = 0;
  fc_arena *arena;
  fc_state *b = for_read(st, &arena, error);
  return b ? fc_state_list_get(b, name, key, arena, n, error) : NULL;
}

gboolean gust_state_list_clear(gust_state *st, const char *name, const fc_value *key,
                               GError **error)
{
  fc_state *b = backend(st, error);
  return b && fc_state_list_clear(b, name, key, error);
}
