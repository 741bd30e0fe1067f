/* state_private.h — what the state files share: the backend interface, the
 * byte codec, the portable snapshot format, and file helpers.
 *
 * Layering (one file each):
 *   state.c          the fc_state object: creating, snapshot and restore
 *                    dispatch, rescaling
 *   state_keyed.c    value/map/list state over the backend interface
 *   state_keygroups.c  key-group arithmetic
 *   state_codec.c    varints, fc_value <-> bytes, the snapshot checksum
 *   state_format.c   the portable snapshot format (write and read)
 *   state_memory.c   the in-memory backend
 *   state_rocksdb.c  the RocksDB backend
 *   state_files.c    copying, linking, writing files durably
 *
 * The backend interface stores opaque bytes at an address: a key group, a
 * primary key (pk: state kind, name and encoded key; never empty) and a
 * secondary key (sk: the encoded map key; empty for value and list state).
 * List state is one entry whose bytes are the concatenation of its encoded
 * elements, grown with append().  Everything here runs on the thread that
 * owns the fc_state.
 */
#ifndef GUST_FC_STATE_PRIVATE_H
#define GUST_FC_STATE_PRIVATE_H

#include "../internal.h"

#include <stdio.h>

#define ST_DEFAULT_SPILL_BYTES (64u << 20)

/* A file of a snapshot directory and its size. */
typedef struct {
  char *name;
  uint64_t size;
} st_file;

/* ---- backend interface ---- */

typedef struct {
  uint32_t kg;
  const uint8_t *pk;
  size_t pk_len;
  const uint8_t *sk; /* may be NULL when sk_len is 0 */
  size_t sk_len;
} st_addr;

/* Called for each stored entry; FALSE stops the walk (not an error). */
typedef gboolean (*st_entry_fn)(const st_addr *a, const uint8_t *v, size_t v_len, void *data);

typedef struct {
  /* *v = NULL when absent; else valid until the next call on the backend. */
  gboolean (*get)(fc_state *st, const st_addr *a, const uint8_t **v, size_t *v_len, GError **error);
  gboolean (*put)(fc_state *st, const st_addr *a, const uint8_t *v, size_t v_len, GError **error);
  /* Appends v to the entry's bytes (creating it). */
  gboolean (*append)(fc_state *st, const st_addr *a, const uint8_t *v, size_t v_len,
                     GError **error);
  gboolean (*remove)(fc_state *st, const st_addr *a, GError **error);
  /* Removes every entry of a->pk (any sk). */
  gboolean (*remove_all)(fc_state *st, const st_addr *a, GError **error);
  /* Every entry of a->pk (any sk). */
  gboolean (*scan)(fc_state *st, const st_addr *a, st_entry_fn fn, void *data, GError **error);
  /* Every entry of key groups first..last, in ascending key group. */
  gboolean (*export_groups)(fc_state *st, uint32_t first, uint32_t last, st_entry_fn fn, void *data,
                            GError **error);
  gboolean (*snapshot)(fc_state *st, fc_snapshot *snap, GError **error);
  void (*free)(fc_state *st);
} st_backend_ops;

/* The common head of every backend's struct. */
struct fc_state {
  const st_backend_ops *ops;
  fc_state_backend backend;
  char *name;
  uint32_t first_kg, last_kg; /* owned key groups */
  char *work_dir;
  uint64_t spill_bytes;
  GByteArray *pk, *sk, *val; /* scratch for encoding one call's address and value */
  fc_arena scratch;          /* decoded values handed to iteration callbacks */
};

/* Fills the head from opts (name, range, work_dir, spill).  FALSE with
 * FC_STATE_ERROR_INVALID. */
gboolean st_head_init(fc_state *st, const fc_state_options *opts, GError **error);
void st_head_clear(fc_state *st);

/* state_memory.c */
fc_state *st_memory_new(const fc_state_options *opts, GError **error);
/* state_rocksdb.c: an empty instance; one restored from a RocksDB snapshot
 * directory (files: names and sizes recorded in the snapshot, checked). */
fc_state *st_rocksdb_new(const fc_state_options *opts, GError **error);
fc_state *st_rocksdb_open_checkpoint(const fc_state_options *opts, const char *dir,
                                     const st_file *files, size_t n_files, GError **error);
/* Deletes every entry outside key groups first..last. */
gboolean st_rocksdb_keep_only(fc_state *st, uint32_t first, uint32_t last, GError **error);

/* Sets FC_STATE_ERROR code with "<state name>: <message>". */
void st_set_error(GError **error, const fc_state *st, int code, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

/* ---- codec (state_codec.c) ---- */

enum { ST_VARINT_MAX = 10 };
/* v as a LEB128 varint in buf; returns its length. */
size_t st_encode_varint(uint8_t buf[ST_VARINT_MAX], uint64_t v);
void st_put_varint(GByteArray *out, uint64_t v);
/* Reads a varint at *p (< end); FALSE if truncated or too long. */
gboolean st_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v);
/* Encodes v.  canonical: equal values (fc_value_equal) encode equally
 * (map entries sorted, -0.0 as 0.0): for keys. */
void st_encode_value(GByteArray *out, const fc_value *v, gboolean canonical);
/* Decodes one value at *p into arena (strings NUL-terminated); FALSE if
 * the bytes are not a value. */
gboolean st_decode_value(const uint8_t **p, const uint8_t *end, fc_arena *arena, fc_value *out);

/* A checksum over a byte stream, independent of how it is cut into calls. */
typedef struct {
  uint64_t h, total;
  uint8_t tail[8];
  unsigned n_tail;
} st_hash;
void st_hash_init(st_hash *hs);
void st_hash_update(st_hash *hs, const void *p, size_t n);
uint64_t st_hash_final(const st_hash *hs);
uint64_t st_hash_bytes(const void *p, size_t n);
/* A fast 64-bit hash for hash tables. */
uint64_t st_hash_mix(uint64_t x);

/* ---- the portable snapshot format (state_format.c) ---- */

#define ST_MAGIC_LEN 8
#define ST_MAGIC_INLINE "GUSTSTM1"  /* entries in the bytes */
#define ST_MAGIC_FILE "GUSTSTF1"    /* entries in a file the bytes name */
#define ST_MAGIC_ROCKSDB "GUSTSTR1" /* a RocksDB checkpoint directory */

/* Where formatted bytes go: an fc_snapshot, or a file. */
typedef struct st_writer st_writer;
st_writer *st_writer_new_snapshot(fc_snapshot *snap);
st_writer *st_writer_new_file(const char *path, GError **error);
void st_writer_write(st_writer *w, const void *p, size_t n);
/* Flushes (a file: fsyncs, closes); frees w either way.  FALSE with _IO. */
gboolean st_writer_finish(st_writer *w, uint64_t *size, GError **error);

/* Writes st's entries of every key group in the portable format. */
gboolean st_format_write(fc_state *st, st_writer *w, GError **error);
/* The whole state, in the portable format, into the snapshot's own bytes
 * (what both backends do when there is no checkpoint directory). */
gboolean st_format_write_inline(fc_state *st, fc_snapshot *snap, GError **error);
/* Creates the checkpoint directory dir (and its parents) for st's files.
 * FALSE with FC_STATE_ERROR_IO naming it. */
gboolean st_make_checkpoint_dir(fc_state *st, const char *dir, GError **error);
/* Checks data (magic ST_MAGIC_INLINE, structure, checksum) and calls fn for
 * every entry of key groups first..last.  what names the data in errors. */
gboolean st_format_read(const uint8_t *data, size_t len, uint32_t first, uint32_t last,
                        st_entry_fn fn, void *fn_data, const char *what, GError **error);

/* The short snapshot bytes that name files instead of holding entries:
 *   magic (ST_MAGIC_FILE or ST_MAGIC_ROCKSDB), varint first_kg, varint
 *   last_kg, varint length + absolute directory, varint n_files, per file
 *   varint length + name and varint size; 8 bytes of st_hash. */
typedef struct {
  char magic[ST_MAGIC_LEN + 1];
  uint32_t first_kg, last_kg;
  char *dir;
  GArray *files; /* st_file */
} st_ref;
void st_ref_write(fc_snapshot *snap, const char *magic, const fc_state *st, const char *dir,
                  const st_file *files, size_t n_files);
/* FALSE with _CORRUPT naming what. */
gboolean st_ref_read(const uint8_t *data, size_t len, st_ref *out, const char *what,
                     GError **error);
void st_ref_clear(st_ref *ref);

/* ---- files (state_files.c) ---- */

/* Makes dst a copy of the listed files of src_dir: immutable files (*.sst,
 * *.blob) hard-linked when possible, the rest copied.  Checks each source's
 * size.  dst must not exist; it is created. */
gboolean st_files_link_or_copy(const char *src_dir, const char *dst, const st_file *files,
                               size_t n_files, GError **error);
/* The regular files directly in dir with their sizes (sorted by name). */
GArray *st_files_list(const char *dir, GError **error); /* st_file; free with st_files_free */
void st_files_free(GArray *files);
/* A new directory under parent named <name>-XXXXXX (parent created). */
char *st_files_make_instance_dir(const char *parent, const char *name, GError **error);

#endif
