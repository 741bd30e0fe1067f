/* state.h — keyed state for native bolts: Storm's KeyValueState, with
 * Flink's value, map and list state, saved in gust's checkpoints.
 *
 * A bolt takes its task's state handle in open() with
 * gust_context_state(context) and keeps it: it lives as long as the task.
 * Entries are addressed by a state name and a key; a key is any fc_value
 * (raw bytes: fc_bytes(p, n)), equal values (fc_value_equal) address the
 * same entry:
 *
 *   value state  name, key            -> one value       (Storm's KeyValueState)
 *   map state    name, key, map key   -> one value per map key
 *   list state   name, key            -> values in append order
 *
 *   fc_value word = fc_str("storm"), one;
 *   const fc_value *n = gust_state_value_get(st, "counts", &word, &error);
 *   one = fc_i64((n ? n->u.i : 0) + 1);
 *   gust_state_value_put(st, "counts", &word, &one, &error);
 *
 * Where it is kept (topology configuration): topology.state.provider
 * "memory" (the default; also Storm's InMemoryKeyValueStateProvider) or
 * "rocksdb" (Storm's durable providers — Redis, HBase, ... — map to it:
 * gust keeps state in its own checkpoints); RocksDB instances live under
 * topology.gust.state.dir.  With reliability "checkpoint" the state is
 * part of every checkpoint and comes back after a restart as it was at the
 * last complete one.  Keys hash into 128 key groups (the largest
 * parallelism state can be spread over), so a restart with another number
 * of tasks hands each task the keys it now receives.
 *
 * Rules: call these on the task's own thread (inside the bolt's
 * callbacks).  Values are copied in.  What a read returns (value_get,
 * map_get, list_get) stays valid until the next read on the same handle;
 * writes do not invalidate it, so read-modify-write needs no copy.  Reads
 * return NULL both when there is nothing and on failure: pass a GError to
 * tell them apart.  Failures (FC_STATE_ERROR, see gust/fc_state.h) name
 * the task, the state and the path involved; a bolt usually returns them
 * from execute(), which fails the task.
 */
#ifndef GUST_STATE_H
#define GUST_STATE_H

#include <gust/fc_state.h>
#include <gust/storm.h>

G_BEGIN_DECLS

typedef struct gust_state gust_state;

/* The task's keyed state, or NULL for a task that has none (spouts, and
 * bolts whose host did not set one up). */
gust_state *gust_context_state(const gust_context *context);

/* ---- value state ---- */

const fc_value *gust_state_value_get(gust_state *st, const char *name, const fc_value *key,
                                     GError **error);
gboolean gust_state_value_put(gust_state *st, const char *name, const fc_value *key,
                              const fc_value *value, GError **error);
gboolean gust_state_value_delete(gust_state *st, const char *name, const fc_value *key,
                                 GError **error);

/* ---- map state ---- */

const fc_value *gust_state_map_get(gust_state *st, const char *name, const fc_value *key,
                                   const fc_value *map_key, GError **error);
gboolean gust_state_map_put(gust_state *st, const char *name, const fc_value *key,
                            const fc_value *map_key, const fc_value *value, GError **error);
gboolean gust_state_map_remove(gust_state *st, const char *name, const fc_value *key,
                               const fc_value *map_key, GError **error);
/* Calls fn for each entry of the map, in no particular order, until it
 * returns FALSE.  The values are valid during the call only; fn must not
 * change the state. */
typedef gboolean (*gust_state_map_fn)(const fc_value *map_key, const fc_value *value, void *data);
gboolean gust_state_map_iterate(gust_state *st, const char *name, const fc_value *key,
                                gust_state_map_fn fn, void *data, GError **error);
gboolean gust_state_map_clear(gust_state *st, const char *name, const fc_value *key,
                              GError **error);

/* ---- list state ---- */

gboolean gust_state_list_append(gust_state *st, const char *name, const fc_value *key,
                                const fc_value *value, GError **error);
/* The values in append order (*n of them), or NULL with *n = 0 if none. */
const fc_value *gust_state_list_get(gust_state *st, const char *name, const fc_value *key,
                                    size_t *n, GError **error);
gboolean gust_state_list_clear(gust_state *st, const char *name, const fc_value *key,
                               GError **error);

G_END_DECLS

#endif
