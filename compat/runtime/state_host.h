/* state_host.h — what a component host calls to give a task keyed state
 * (gust/state.h): set-up from the topology configuration, snapshot,
 * restore, rescale.  Implemented in state_host.c; the bolt's side of it
 * (gust_state_*) in state_api.c.
 *
 * Life of a task's state, all on the task's thread except where noted:
 *
 *   open:     st = rt_state_new(conf, fc_task_name(task), subtask, parallelism, &error);
 *             FALSE/NULL only for a bad configuration.  Then, when the job
 *             resumes from a checkpoint, split the task's bytes and restore:
 *               rt_state_split_task_snapshot(fc_task_restored_state(task),
 *                                            &component_bytes, &state_bytes, &error);
 *               rt_state_restore(st, state_bytes, &error);
 *             or, when the component's parallelism changed, with the state
 *             bytes of every old task (split the same way), in subtask order:
 *               rt_state_restore_rescaled(st, old_state_bytes, n_old, &error);
 *             Then ctx.state = st, so gust_context_state() finds it, before
 *             the component's own open() runs.
 *   snapshot: rt_state_write_task_snapshot(st, component_bytes, len, out, &error)
 *             frames what the component's snapshot() wrote and appends the
 *             state after it, in one fc_snapshot.
 *   close:    rt_state_free(st) after the component's close().
 *
 * The backend is opened on first use (or by a restore): a task whose
 * component never touches its state costs no RocksDB instance, and its
 * snapshots carry no state.  If opening fails then, every gust_state_*
 * call fails with that error.
 *
 * Configuration (the component's conf: topology conf overlaid with its own):
 *   topology.state.provider   "memory" (default), "rocksdb"; Storm class
 *                             names: InMemoryKeyValueStateProvider -> memory,
 *                             any other *StateProvider -> rocksdb
 *   topology.gust.state.dir   where RocksDB working directories go
 *                             (default <tmp>/gust-state); put it on the file
 *                             system of the checkpoint directory, so that
 *                             checkpoints are hard links (incremental)
 *
 * Routing: after a change of parallelism a key's state is with the task
 * owning its key group.  Tuples reach that task only if the fields grouping
 * into the bolt is an FC_PART_KEY_GROUPS edge whose key function returns
 * fc_value_hash() of the value the bolt uses as its state key (one field:
 * that field's value).  With FC_PART_HASH routing, restoring with the same
 * parallelism is exact, but a rescaled task would not receive the tuples of
 * the keys it was given.
 */
#ifndef GUST_RT_STATE_HOST_H
#define GUST_RT_STATE_HOST_H

#include <gust/flinkcore.h>
#include <gust/state.h>

/* A task's state handle, configured from conf (read now, not kept).  The
 * backend opens on first use.  NULL with FC_STATE_ERROR_INVALID naming the
 * key and value when the configuration is not usable. */
gust_state *rt_state_new(const json_t *conf, const char *task_name, int subtask, int parallelism,
                         GError **error);
/* Frees the backend (deleting a RocksDB working directory).  NULL is fine. */
void rt_state_free(gust_state *st);

/* Replaces st's content with what state_bytes (the state part of a task
 * snapshot; NULL or empty: nothing) held.  FALSE with FC_STATE_ERROR
 * (_CORRUPT, _IO): the task should fail to open. */
gboolean rt_state_restore(gust_state *st, GBytes *state_bytes, GError **error);
/* The same from the state parts of all n_old tasks of the previous run
 * (subtask order; NULL entries allowed): st gets the key groups it owns. */
gboolean rt_state_restore_rescaled(gust_state *st, GBytes *const *old_state_bytes, int n_old,
                                   GError **error);

/* Appends a snapshot of st (nothing if it was never used) to out. */
gboolean rt_state_snapshot(gust_state *st, fc_snapshot *out, GError **error);

/* One task snapshot holding both the component's own bytes and the state:
 *   "GUSTBLT1", 8 bytes little-endian component length, the component's
 *   bytes, then the state snapshot (to the end).
 * st may be NULL (no state part). */
gboolean rt_state_write_task_snapshot(gust_state *st, const void *component_bytes, size_t len,
                                      fc_snapshot *out, GError **error);
/* Splits a task snapshot written above.  Bytes without the frame (written
 * before state existed, or by a host that does not frame) are all the
 * component's: *state_bytes = NULL.  NULL or empty task_bytes give two
 * NULLs.  FALSE with FC_STATE_ERROR_CORRUPT if the frame is cut short.
 * The caller unrefs what it gets. */
gboolean rt_state_split_task_snapshot(GBytes *task_bytes, GBytes **component_bytes,
                                      GBytes **state_bytes, GError **error);

/* Between state_host.c and state_api.c: the backend, opened if need be
 * (NULL with the opening error, the same at every call), and the arena
 * reads return values in. */
fc_state *rt_state_backend(gust_state *st, GError **error);
fc_arena *rt_state_arena(gust_state *st);

#endif
