/* fc_state.h — keyed state for operators: value, map and list state kept
 * in a state backend (in memory or RocksDB), snapshotted into checkpoints,
 * restored from them, and redistributed when the parallelism changes.
 *
 * How it works, seen from outside:
 *  - A task owns one fc_state (a backend instance) and addresses entries by
 *    a state name and a key (an fc_value; raw bytes are fc_bytes(p, n)):
 *      value state  name, key            -> one value
 *      map state    name, key, map key   -> one value per map key
 *      list state   name, key            -> values in append order
 *    The same name used as two kinds names two independent states.
 *    Values are fc_value trees (bytes, strings, numbers, lists, maps); they
 *    are copied in, and read back into an arena the caller gives.
 *  - Key groups.  Every key hashes into one of FC_STATE_KEY_GROUPS (128)
 *    key groups: fc_state_key_group(key), from fc_value_hash(key).  128 is
 *    the largest parallelism keyed state can be spread over (Flink's "max
 *    parallelism"); it is fixed, because snapshots are written per key
 *    group.  Subtask i of p owns a contiguous range of key groups
 *    (fc_state_key_group_range).  A snapshot keeps entries per key group,
 *    so restoring with another parallelism hands each new subtask exactly
 *    the key groups it owns, from every old subtask's snapshot
 *    (fc_state_restore_rescaled).  For records to meet their state after
 *    such a change, they must be routed by key group too: an edge with
 *    FC_PART_KEY_GROUPS whose key function returns fc_value_hash(key) of
 *    the key the consumer uses for its state.  A backend accepts keys of
 *    any group (with hash routing, a task's keys are spread over all of
 *    them); restoring with the same parallelism is always exact.
 *  - Backends.  FC_STATE_MEMORY: hash tables; a snapshot serializes them,
 *    into the snapshot bytes, or when large (memory_spill_bytes) into a file
 *    task-<n>-memory.state in the checkpoint's directory that the bytes
 *    name.  FC_STATE_ROCKSDB: one RocksDB instance per task in a fresh
 *    directory under work_dir, keys prefixed by their key group; a snapshot
 *    is a RocksDB checkpoint in the checkpoint's directory
 *    (chk-<id>/task-<n>-rocksdb/): hard links to the immutable SST files,
 *    so files unchanged since the previous checkpoint are shared on disk
 *    (incremental), and the bytes record that directory.  Without a
 *    checkpoint directory a RocksDB backend writes its content into the
 *    bytes, in the in-memory format.  Hard links need work_dir and the
 *    checkpoint directory on one file system (else RocksDB copies).
 *  - Restoring never opens a checkpoint's own files for writing: a RocksDB
 *    snapshot is linked (SST files) and copied (the rest) into a fresh
 *    working directory first.  Any snapshot can be restored into either
 *    backend.  The working directory is deleted when the fc_state is freed:
 *    the checkpoints are the durable copy.
 *
 * Threads: an fc_state belongs to one thread at a time, the task that owns
 * it (it has no locks); creating, restoring and freeing may happen on any
 * thread.  Reads return values decoded into the caller's arena (valid
 * until the caller resets it); nothing returned points into the backend.
 *
 * Errors: FC_STATE_ERROR; messages name the backend's name (the task), the
 * state name and the path involved.
 */
#ifndef GUST_FC_STATE_H
#define GUST_FC_STATE_H

#include <gust/fc_value.h>

G_BEGIN_DECLS

typedef struct fc_snapshot fc_snapshot; /* see fc_checkpoint.h */

/* The number of key groups: the largest parallelism keyed state can have. */
#define FC_STATE_KEY_GROUPS 128

#define FC_STATE_ERROR (fc_state_error_quark())
GQuark fc_state_error_quark(void);
typedef enum {
  FC_STATE_ERROR_INVALID, /* bad options or arguments: the message says which */
  FC_STATE_ERROR_IO,      /* a file, directory or RocksDB operation failed */
  FC_STATE_ERROR_CORRUPT, /* snapshot bytes or files are damaged or not a state snapshot */
} fc_state_error_code;

/* ---- key groups (pure functions; any thread) ---- */

/* The key group of a key hash (the hash is mixed first, so any 64-bit key
 * hash spreads well): 0 .. FC_STATE_KEY_GROUPS-1. */
uint32_t fc_state_key_group_of_hash(uint64_t hash);
/* The key group of a state key: fc_state_key_group_of_hash(fc_value_hash(key)). */
uint32_t fc_state_key_group(const fc_value *key);
/* The subtask (of parallelism p, 1..FC_STATE_KEY_GROUPS) owning key_group. */
int fc_state_key_group_owner(uint32_t key_group, int parallelism);
/* The key groups subtask owns: first..last, inclusive.  Subtasks beyond
 * FC_STATE_KEY_GROUPS own none (*first > *last). */
void fc_state_key_group_range(int subtask, int parallelism, uint32_t *first, uint32_t *last);

/* ---- backends ---- */

typedef enum {
  FC_STATE_MEMORY = 0,
  FC_STATE_ROCKSDB = 1,
} fc_state_backend;

const char *fc_state_backend_name(fc_state_backend backend); /* "memory", "rocksdb" */

typedef struct {
  fc_state_backend backend;    /* 0 = FC_STATE_MEMORY */
  const char *name;            /* in messages and directory names, e.g. the task's
                                  name "count[1]"; copied; NULL = "state" */
  int subtask;                 /* key groups owned: subtask's range of parallelism */
  int parallelism;             /* 0 = 1 (every key group) */
  const char *work_dir;        /* RocksDB: where the instance's directory is made
                                  (created; copied); NULL = <tmp>/gust-state */
  uint64_t memory_spill_bytes; /* memory: a snapshot larger than this goes to a
                                  file in the checkpoint's directory when there
                                  is one; 0 = 64 MiB */
} fc_state_options;

typedef struct fc_state fc_state;

/* An empty backend.  NULL with FC_STATE_ERROR_INVALID (bad options) or
 * _IO (RocksDB cannot be opened). */
fc_state *fc_state_new(const fc_state_options *opts, GError **error);
/* A backend holding what snapshot (bytes a fc_state_snapshot wrote, of
 * either backend) held, all of it.  An empty snapshot gives an empty
 * backend.  NULL with _CORRUPT (not a state snapshot, truncated, checksum
 * mismatch, a file it names is missing or has another size), _IO (a file
 * cannot be read or copied, RocksDB fails) or _INVALID (bad options). */
fc_state *fc_state_restore(const fc_state_options *opts, GBytes *snapshot, GError **error);
/* A backend for subtask opts->subtask of opts->parallelism, holding the
 * entries of the key groups it owns, taken from the snapshots of all n_old
 * subtasks of the previous run (in subtask order; NULL or empty ones are
 * skipped).  When n_old equals the new parallelism this is
 * fc_state_restore(old[subtask]).  Errors as fc_state_restore, the message
 * naming which old snapshot failed. */
fc_state *fc_state_restore_rescaled(const fc_state_options *opts, GBytes *const *old, int n_old,
                                    GError **error);
/* Closes the backend and deletes its working directory.  NULL is fine. */
void fc_state_free(fc_state *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(fc_state, fc_state_free)

/* Writes a snapshot of everything into snap (from an operator's
 * snapshot(); or with fc_snapshot_new()).  FALSE with _IO. */
gboolean fc_state_snapshot(fc_state *st, fc_snapshot *snap, GError **error);

fc_state_backend fc_state_get_backend(const fc_state *st);
const char *fc_state_name(const fc_state *st);
/* The key groups this backend owns (from its options). */
void fc_state_owned_key_groups(const fc_state *st, uint32_t *first, uint32_t *last);

/* ---- keyed state (the owning thread) ----
 *
 * Reads return a value allocated in arena, or NULL when there is none.
 * A NULL is also returned on failure, with *error set: pass an error to
 * tell the two apart.  Writes return FALSE with *error on failure.
 * name is a NUL-terminated state name (at most 65535 bytes). */

const fc_value *fc_state_value_get(fc_state *st, const char *name, const fc_value *key,
                                   fc_arena *arena, GError **error);
gboolean fc_state_value_put(fc_state *st, const char *name, const fc_value *key,
                            const fc_value *value, GError **error);
gboolean fc_state_value_delete(fc_state *st, const char *name, const fc_value *key, GError **error);

const fc_value *fc_state_map_get(fc_state *st, const char *name, const fc_value *key,
                                 const fc_value *map_key, fc_arena *arena, GError **error);
gboolean fc_state_map_put(fc_state *st, const char *name, const fc_value *key,
                          const fc_value *map_key, const fc_value *value, GError **error);
gboolean fc_state_map_remove(fc_state *st, const char *name, const fc_value *key,
                             const fc_value *map_key, GError **error);
/* Calls fn for each entry of the map (in no particular order) until it
 * returns FALSE.  The values are valid during the call only.  fn must not
 * change this fc_state.  FALSE with *error if reading failed. */
typedef gboolean (*fc_state_map_fn)(const fc_value *map_key, const fc_value *value, void *data);
gboolean fc_state_map_iterate(fc_state *st, const char *name, const fc_value *key,
                              fc_state_map_fn fn, void *data, GError **error);
gboolean fc_state_map_clear(fc_state *st, const char *name, const fc_value *key, GError **error);

gboolean fc_state_list_append(fc_state *st, const char *name, const fc_value *key,
                              const fc_value *value, GError **error);
/* The list's values in append order (*n of them, in arena), or NULL with
 * *n = 0 when it is empty (or on failure, with *error). */
const fc_value *fc_state_list_get(fc_state *st, const char *name, const fc_value *key,
                                  fc_arena *arena, size_t *n, GError **error);
gboolean fc_state_list_clear(fc_state *st, const char *name, const fc_value *key, GError **error);

/* ---- looking at everything (tools, tests; the owning thread) ---- */

typedef enum {
  FC_STATE_VALUE = 'v',
  FC_STATE_MAP = 'm',
  FC_STATE_LIST = 'l',
} fc_state_kind;

typedef struct {
  uint32_t key_group;
  fc_state_kind kind;
  const char *name;
  const fc_value *key;
  const fc_value *map_key; /* FC_STATE_MAP only, else NULL */
  const fc_value *value;   /* FC_STATE_LIST: an FC_LIST of the elements */
} fc_state_entry;

/* Calls fn for every entry (map state: every map entry), key group by key
 * group in ascending order, until it returns FALSE.  The entry is valid
 * during the call only; fn must not change this fc_state. */
typedef gboolean (*fc_state_entry_fn)(const fc_state_entry *entry, void *data);
gboolean fc_state_foreach(fc_state *st, fc_state_entry_fn fn, void *data, GError **error);

G_END_DECLS

#endif
