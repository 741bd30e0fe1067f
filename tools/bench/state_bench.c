/* state_bench.c — what a checkpoint of keyed state costs, per backend.
 *
 * For each backend (RocksDB, then in-memory for comparison) one task's
 * state is loaded with --keys keys (value state: key "user-<n>", a value of
 * --value-bytes bytes), then:
 *   checkpoint 1   a snapshot into <dir>/checkpoints/chk-1 (as a job's task
 *                  takes it: fc_state_snapshot on the task's thread), then
 *                  its bytes written to task-0.state and fsync'ed (as the
 *                  coordinator does);
 *   change         --changed-pct percent of the keys get new values;
 *   checkpoint 2   the same into chk-2;
 *   restore        a new backend from checkpoint 2's bytes (as a restarted
 *                  task does), checked by reading every changed key.
 * For each checkpoint: the time on the task's thread, the time to write
 * the bytes, its size on disk, and how much of it is new on disk: bytes in
 * files that share no inode with the previous checkpoint (RocksDB's SST
 * files are hard links: unchanged ones are not written again).
 *
 * Usage: state-bench [--keys N] [--changed-pct P] [--value-bytes B]
 *                    [--dir DIR] [--backend memory|rocksdb|both]
 * DIR (default: a new temporary directory, deleted at the end) must be on
 * one file system: working directories and checkpoints both live there.
 */
#define _GNU_SOURCE /* nftw */
#include <gust/flinkcore.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  int64_t keys;
  double changed_pct;
  int value_bytes;
  char *dir;
  char *backend;
} bench_options;

/* ---- disk accounting ---- */

typedef struct {
  uint64_t total, fresh;
  GHashTable *seen; /* inodes of earlier checkpoints */
  GHashTable *now;  /* inodes of this one */
} disk_walk;

static void walk_dir(const char *dir, disk_walk *w)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d) return;
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    struct stat st;
    if (lstat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      walk_dir(path, w);
      continue;
    }
    uint64_t *id = g_new(uint64_t, 1);
    *id = (uint64_t)st.st_dev << 48 ^ (uint64_t)st.st_ino;
    w->total += (uint64_t)st.st_size;
    if (!g_hash_table_contains(w->seen, id)) w->fresh += (uint64_t)st.st_size;
    g_hash_table_add(w->now, id);
  }
  g_dir_close(d);
}

/* Sizes of dir's files: all, and those sharing no inode with an earlier
 * checkpoint (seen); then adds dir's inodes to seen. */
static void disk_use(const char *dir, GHashTable *seen, uint64_t *total, uint64_t *fresh)
{
  disk_walk w = {.seen = seen,
                 .now = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL)};
  walk_dir(dir, &w);
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, w.now);
  while (g_hash_table_iter_next(&it, &k, NULL)) {
    g_hash_table_iter_steal(&it);
    g_hash_table_add(seen, k);
  }
  g_hash_table_unref(w.now);
  *total = w.total;
  *fresh = w.fresh;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  return remove(path);
}

/* ---- the steps ---- */

static double seconds_since(int64_t t0)
{
  return (double)(fc_now_ns() - t0) / 1e9;
}

static void die_on(GError *error, const char *what)
{
  if (!error) return;
  fprintf(stderr, "state-bench: %s: %s\n", what, error->message);
  g_error_free(error);
  _exit(1);
}

static void fill_value(uint8_t *buf, int n, int64_t k, int64_t round)
{
  uint64_t x = (uint64_t)k * 0x9e3779b97f4a7c15ULL ^ (uint64_t)round * 0xbf58476d1ce4e5b9ULL;
  for (int i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    buf[i] = (uint8_t)x;
  }
}

static void put_key(fc_state *st, int64_t k, int64_t round, uint8_t *buf, int n)
{
  char name[32];
  int len = snprintf(name, sizeof name, "user-%07" G_GINT64_FORMAT, k);
  fill_value(buf, n, k, round);
  fc_value key = fc_str_len(name, (uint32_t)len), v = fc_bytes(buf, (uint32_t)n);
  GError *error = NULL;
  if (!fc_state_value_put(st, "profile", &key, &v, &error)) die_on(error, "put");
}

static void write_synced(const char *path, GBytes *bytes)
{
  gsize len;
  const char *p = g_bytes_get_data(bytes, &len);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    fprintf(stderr, "state-bench: %s: %s\n", path, g_strerror(errno));
    _exit(1);
  }
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fprintf(stderr, "state-bench: %s: %s\n", path, g_strerror(errno));
      _exit(1);
    }
    p += n;
    len -= (size_t)n;
  }
  fsync(fd);
  close(fd);
}

typedef struct {
  double snapshot_s, write_s;
  uint64_t bytes_len, disk_total, disk_fresh;
} checkpoint_figures;

/* Checkpoint id of st into root, as a job would take it. */
static GBytes *checkpoint(fc_state *st, const char *root, uint64_t id, GHashTable *seen,
                          checkpoint_figures *out)
{
  GError *error = NULL;
  int64_t t0 = fc_now_ns();
  fc_snapshot *snap = fc_snapshot_new(root, id, 0);
  if (!fc_state_snapshot(st, snap, &error)) die_on(error, "snapshot");
  GBytes *bytes = fc_snapshot_free_to_bytes(snap);
  out->snapshot_s = seconds_since(t0);
  out->bytes_len = g_bytes_get_size(bytes);
  g_autofree char *name = g_strdup_printf("chk-%" G_GUINT64_FORMAT, id);
  g_autofree char *dir = g_build_filename(root, name, NULL);
  g_mkdir_with_parents(dir, 0755);
  g_autofree char *file = g_build_filename(dir, "task-0.state", NULL);
  t0 = fc_now_ns();
  write_synced(file, bytes);
  out->write_s = seconds_since(t0);
  disk_use(dir, seen, &out->disk_total, &out->disk_fresh);
  return bytes;
}

static void print_checkpoint(const char *label, const checkpoint_figures *c)
{
  printf("  %-13s task thread %8.3f s   write bytes %7.3f s   snapshot bytes %10" G_GUINT64_FORMAT
         "   on disk %8.2f MiB, new %8.2f MiB (%5.2f%%)\n",
         label, c->snapshot_s, c->write_s, c->bytes_len, c->disk_total / 1048576.0,
         c->disk_fresh / 1048576.0, c->disk_total ? 100.0 * c->disk_fresh / c->disk_total : 0.0);
}

static void run(const bench_options *o, fc_state_backend backend)
{
  g_autofree char *root = g_build_filename(o->dir, fc_state_backend_name(backend), NULL);
  g_autofree char *work = g_build_filename(root, "work", NULL);
  g_autofree char *ckpt = g_build_filename(root, "checkpoints", NULL);
  g_mkdir_with_parents(ckpt, 0755);
  fc_state_options opts = {.backend = backend, .name = "bench[0]", .work_dir = work};
  GError *error = NULL;
  fc_state *st = fc_state_new(&opts, &error);
  die_on(error, "new state");
  uint8_t *buf = g_malloc(o->value_bytes);

  printf("%s backend: %" G_GINT64_FORMAT " keys, %d-byte values\n", fc_state_backend_name(backend),
         o->keys, o->value_bytes);
  int64_t t0 = fc_now_ns();
  for (int64_t k = 0; k < o->keys; k++)
    put_key(st, k, 0, buf, o->value_bytes);
  double load_s = seconds_since(t0);
  printf("  load          %8.3f s   (%.0f puts/s)\n", load_s, o->keys / load_s);

  GHashTable *seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  checkpoint_figures c1, c2;
  g_autoptr(GBytes) b1 = checkpoint(st, ckpt, 1, seen, &c1);
  print_checkpoint("checkpoint 1", &c1);

  int64_t n_changed = (int64_t)(o->keys * o->changed_pct / 100.0);
  int64_t stride = n_changed ? o->keys / n_changed : 1;
  t0 = fc_now_ns();
  for (int64_t i = 0; i < n_changed; i++)
    put_key(st, i * stride, 1, buf, o->value_bytes);
  printf("  change        %8.3f s   (%" G_GINT64_FORMAT " keys, %.1f%%)\n", seconds_since(t0),
         n_changed, o->changed_pct);
  g_autoptr(GBytes) b2 = checkpoint(st, ckpt, 2, seen, &c2);
  print_checkpoint("checkpoint 2", &c2);
  fc_state_free(st);

  t0 = fc_now_ns();
  fc_state *back = fc_state_restore(&opts, b2, &error);
  die_on(error, "restore");
  double restore_s = seconds_since(t0);
  fc_arena arena;
  fc_arena_init(&arena, 0);
  uint8_t *want = g_malloc(o->value_bytes);
  for (int64_t i = 0; i < n_changed; i++) {
    char name[32];
    int len = snprintf(name, sizeof name, "user-%07" G_GINT64_FORMAT, i * stride);
    fc_value key = fc_str_len(name, (uint32_t)len);
    fc_arena_reset(&arena);
    const fc_value *v = fc_state_value_get(back, "profile", &key, &arena, &error);
    die_on(error, "read back");
    fill_value(want, o->value_bytes, i * stride, 1);
    if (!v || v->len != (uint32_t)o->value_bytes || memcmp(v->u.bytes, want, v->len) != 0) {
      fprintf(stderr, "state-bench: restored state differs at key %s\n", name);
      _exit(1);
    }
  }
  printf("  restore       %8.3f s   (from checkpoint 2; %" G_GINT64_FORMAT
         " changed keys checked)\n",
         restore_s, n_changed);
  fc_arena_clear(&arena);
  fc_state_free(back);
  g_free(want);
  g_free(buf);
  g_hash_table_unref(seen);
  printf("  incremental: checkpoint 2 wrote %.2f MiB new of %.2f MiB on disk (%.2f%%)\n\n",
         c2.disk_fresh / 1048576.0, c2.disk_total / 1048576.0,
         c2.disk_total ? 100.0 * c2.disk_fresh / c2.disk_total : 0.0);
}

int main(int argc, char **argv)
{
  bench_options o = {.keys = 1000000, .changed_pct = 1.0, .value_bytes = 32};
  GOptionEntry entries[] = {
      {"keys", 0, 0, G_OPTION_ARG_INT64, &o.keys, "keys in the state", "N"},
      {"changed-pct", 0, 0, G_OPTION_ARG_DOUBLE, &o.changed_pct,
       "keys changed between checkpoints (%)", "P"},
      {"value-bytes", 0, 0, G_OPTION_ARG_INT, &o.value_bytes, "bytes per value", "B"},
      {"dir", 0, 0, G_OPTION_ARG_FILENAME, &o.dir, "scratch directory (kept)", "DIR"},
      {"backend", 0, 0, G_OPTION_ARG_STRING, &o.backend, "memory, rocksdb or both", "NAME"},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("— cost of keyed-state checkpoints");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) die_on(error, "options");
  g_option_context_free(ctx);
  if (o.keys < 1 || o.value_bytes < 1 || o.changed_pct < 0 || o.changed_pct > 100) {
    fprintf(stderr,
            "state-bench: --keys and --value-bytes must be positive, --changed-pct 0..100\n");
    return 2;
  }
  gboolean temporary = !o.dir;
  if (temporary) {
    o.dir = g_dir_make_tmp("gust-state-bench-XXXXXX", &error);
    die_on(error, "temporary directory");
  }
  const char *which = o.backend ? o.backend : "both";
  if (!strcmp(which, "rocksdb") || !strcmp(which, "both")) run(&o, FC_STATE_ROCKSDB);
  if (!strcmp(which, "memory") || !strcmp(which, "both")) run(&o, FC_STATE_MEMORY);
  if (temporary) nftw(o.dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  g_free(o.dir);
  g_free(o.backend);
  return 0;
}
