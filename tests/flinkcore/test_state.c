/* test_state.c — keyed state and its backends (fc_state.h).
 *
 * Most tests run once per backend (the test path names it): value, map and
 * list state; snapshots and restores, with and without a checkpoint
 * directory; redistribution to another parallelism; damaged snapshots.
 * RocksDB-only tests check that snapshots are hard links (incremental on
 * disk) and that retention deletes them.  The last tests run a real job:
 * a source feeds a keyed counter through a key-group edge; its state goes
 * through the job's checkpoints into a new job, with the same and with
 * another parallelism.
 *
 * Each test works in its own temporary directory (checkpoints, and the
 * RocksDB working directories), deleted at the end.
 */
#define _GNU_SOURCE /* nftw */
#include <gust/flinkcore.h>

#include <ftw.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* ---- fixture ---- */

typedef struct {
  char *dir;      /* scratch root */
  char *work;     /* RocksDB working directories */
  char *ckpt;     /* checkpoint directory */
  fc_arena arena; /* for reads */
  fc_state_backend backend;
} fixture;

static void fixture_set_up(fixture *f, gconstpointer data)
{
  GError *error = NULL;
  f->dir = g_dir_make_tmp("gust-state-XXXXXX", &error);
  g_assert_no_error(error);
  f->work = g_build_filename(f->dir, "work", NULL);
  f->ckpt = g_build_filename(f->dir, "checkpoints", NULL);
  fc_arena_init(&f->arena, 0);
  f->backend = (fc_state_backend)GPOINTER_TO_INT(data);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  return remove(path);
}

static void remove_tree(const char *path)
{
  nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Nothing may be left in the RocksDB working directory once every state
 * is freed. */
static void assert_work_dir_empty(const fixture *f)
{
  GDir *d = g_dir_open(f->work, 0, NULL);
  if (!d) return;
  const char *name = g_dir_read_name(d);
  g_assert_null(name);
  g_dir_close(d);
}

static void fixture_tear_down(fixture *f, gconstpointer data)
{
  assert_work_dir_empty(f);
  remove_tree(f->dir);
  fc_arena_clear(&f->arena);
  g_free(f->dir);
  g_free(f->work);
  g_free(f->ckpt);
}

static fc_state_options options(const fixture *f, int subtask, int parallelism)
{
  return (fc_state_options){.backend = f->backend,
                            .name = "counter[0]",
                            .subtask = subtask,
                            .parallelism = parallelism,
                            .work_dir = f->work};
}

static fc_state *new_state(const fixture *f, int subtask, int parallelism)
{
  GError *error = NULL;
  fc_state_options o = options(f, subtask, parallelism);
  fc_state *st = fc_state_new(&o, &error);
  g_assert_no_error(error);
  g_assert_nonnull(st);
  return st;
}

/* A snapshot taken outside a job; dir NULL keeps it in memory. */
static GBytes *take_snapshot(fc_state *st, const char *dir, uint64_t id, int task)
{
  GError *error = NULL;
  fc_snapshot *snap = fc_snapshot_new(dir, id, task);
  g_assert_true(fc_state_snapshot(st, snap, &error));
  g_assert_no_error(error);
  return fc_snapshot_free_to_bytes(snap);
}

static fc_state *restore(const fixture *f, GBytes *bytes)
{
  GError *error = NULL;
  fc_state_options o = options(f, 0, 1);
  fc_state *st = fc_state_restore(&o, bytes, &error);
  g_assert_no_error(error);
  g_assert_nonnull(st);
  return st;
}

static int64_t get_count(fixture *f, fc_state *st, int64_t k)
{
  GError *error = NULL;
  fc_value key = fc_i64(k);
  const fc_value *v = fc_state_value_get(st, "count", &key, &f->arena, &error);
  g_assert_no_error(error);
  if (!v) return -1;
  g_assert_cmpint(v->type, ==, FC_I64);
  return v->u.i;
}

static void put_count(fc_state *st, int64_t k, int64_t count)
{
  GError *error = NULL;
  fc_value key = fc_i64(k), v = fc_i64(count);
  g_assert_true(fc_state_value_put(st, "count", &key, &v, &error));
  g_assert_no_error(error);
}

/* ---- key groups ---- */

static void test_key_group_ranges_cover_every_group_once_and_match_owners(void)
{
  for (int p = 1; p <= FC_STATE_KEY_GROUPS + 3; p++) {
    int owner_of[FC_STATE_KEY_GROUPS];
    for (int g = 0; g < FC_STATE_KEY_GROUPS; g++)
      owner_of[g] = -1;
    for (int i = 0; i < p; i++) {
      uint32_t first, last;
      fc_state_key_group_range(i, p, &first, &last);
      for (uint32_t g = first; g <= last && first <= last; g++) {
        g_assert_cmpint(owner_of[g], ==, -1);
        owner_of[g] = i;
      }
    }
    for (uint32_t g = 0; g < FC_STATE_KEY_GROUPS; g++) {
      g_assert_cmpint(owner_of[g], >=, 0);
      if (p <= FC_STATE_KEY_GROUPS)
        g_assert_cmpint(fc_state_key_group_owner(g, p), ==, owner_of[g]);
    }
  }
  /* keys spread over all groups */
  int seen[FC_STATE_KEY_GROUPS] = {0};
  for (int64_t k = 0; k < 10000; k++) {
    fc_value key = fc_i64(k);
    seen[fc_state_key_group(&key)]++;
  }
  for (int g = 0; g < FC_STATE_KEY_GROUPS; g++)
    g_assert_cmpint(seen[g], >, 30);
}

/* ---- value, map and list state ---- */

static void test_value_state_puts_gets_and_deletes(fixture *f, gconstpointer data)
{
  fc_state *st = new_state(f, 0, 1);
  GError *error = NULL;
  fc_value key = fc_str("apple");
  g_assert_null(fc_state_value_get(st, "count", &key, &f->arena, &error));
  g_assert_no_error(error);

  fc_value items[3] = {fc_i64(1), fc_str("two"), fc_bytes("\0\1\2", 3)};
  fc_value value = fc_list(items, 3);
  g_assert_true(fc_state_value_put(st, "count", &key, &value, &error));
  const fc_value *got = fc_state_value_get(st, "count", &key, &f->arena, &error);
  g_assert_no_error(error);
  g_assert_true(fc_value_equal(got, &value));

  /* another name, another key: other entries */
  fc_value other = fc_str("pear"), v7 = fc_i64(7);
  g_assert_true(fc_state_value_put(st, "count", &other, &v7, &error));
  g_assert_true(fc_state_value_put(st, "sum", &key, &v7, &error));
  g_assert_true(fc_value_equal(fc_state_value_get(st, "count", &key, &f->arena, &error), &value));

  /* overwrite, then delete */
  g_assert_true(fc_state_value_put(st, "count", &key, &v7, &error));
  g_assert_cmpint(fc_state_value_get(st, "count", &key, &f->arena, &error)->u.i, ==, 7);
  g_assert_true(fc_state_value_delete(st, "count", &key, &error));
  g_assert_null(fc_state_value_get(st, "count", &key, &f->arena, &error));
  g_assert_no_error(error);
  g_assert_cmpint(fc_state_value_get(st, "sum", &key, &f->arena, &error)->u.i, ==, 7);
  g_assert_true(fc_state_value_delete(st, "count", &key, &error)); /* absent: fine */

  /* raw bytes keys and a null value */
  fc_value bkey = fc_bytes("k\0y", 3), null = fc_null();
  g_assert_true(fc_state_value_put(st, "raw", &bkey, &null, &error));
  got = fc_state_value_get(st, "raw", &bkey, &f->arena, &error);
  g_assert_nonnull(got);
  g_assert_cmpint(got->type, ==, FC_NULL);
  g_assert_no_error(error);
  fc_state_free(st);
}

static void test_equal_keys_address_one_entry(fixture *f, gconstpointer data)
{
  fc_state *st = new_state(f, 0, 1);
  GError *error = NULL;
  /* maps equal in any entry order, and 0.0 == -0.0 */
  fc_value kv1[4] = {fc_str("a"), fc_i64(1), fc_str("b"), fc_f64(0.0)};
  fc_value kv2[4] = {fc_str("b"), fc_f64(-0.0), fc_str("a"), fc_i64(1)};
  fc_value k1 = fc_map(kv1, 2), k2 = fc_map(kv2, 2), v = fc_i64(42);
  g_assert_true(fc_value_equal(&k1, &k2));
  g_assert_true(fc_state_value_put(st, "m", &k1, &v, &error));
  const fc_value *got = fc_state_value_get(st, "m", &k2, &f->arena, &error);
  g_assert_nonnull(got);
  g_assert_cmpint(got->u.i, ==, 42);
  /* i64 1 and f64 1.0 are different keys */
  fc_value i1 = fc_i64(1), f1 = fc_f64(1.0);
  g_assert_true(fc_state_value_put(st, "m", &i1, &v, &error));
  g_assert_null(fc_state_value_get(st, "m", &f1, &f->arena, &error));
  g_assert_no_error(error);
  fc_state_free(st);
}

typedef struct {
  GHashTable *seen; /* map key string -> value i64 */
  int stop_after;   /* 0: never */
  int calls;
} map_seen;

static gboolean collect_map(const fc_value *map_key, const fc_value *value, void *data)
{
  map_seen *s = data;
  g_assert_cmpint(map_key->type, ==, FC_STR);
  g_assert_false(g_hash_table_contains(s->seen, map_key->u.str));
  g_hash_table_insert(s->seen, g_strdup(map_key->u.str), GINT_TO_POINTER((int)value->u.i));
  s->calls++;
  return s->stop_after == 0 || s->calls < s->stop_after;
}

static void test_map_state_puts_gets_removes_and_iterates(fixture *f, gconstpointer data)
{
  fc_state *st = new_state(f, 0, 1);
  GError *error = NULL;
  fc_value user = fc_i64(17), other_user = fc_i64(18);
  for (int i = 0; i < 50; i++) {
    g_autofree char *word = g_strdup_printf("word%d", i);
    fc_value mk = fc_str(word), v = fc_i64(i * 10);
    g_assert_true(fc_state_map_put(st, "words", &user, &mk, &v, &error));
  }
  fc_value mk = fc_str("word3"), v = fc_i64(-1);
  g_assert_true(fc_state_map_put(st, "words", &other_user, &mk, &v, &error));
  /* a value state of the same name and key is another state */
  g_assert_true(fc_state_value_put(st, "words", &user, &v, &error));

  const fc_value *got = fc_state_map_get(st, "words", &user, &mk, &f->arena, &error);
  g_assert_cmpint(got->u.i, ==, 30);
  got = fc_state_map_get(st, "words", &other_user, &mk, &f->arena, &error);
  g_assert_cmpint(got->u.i, ==, -1);
  fc_value missing = fc_str("nope");
  g_assert_null(fc_state_map_get(st, "words", &user, &missing, &f->arena, &error));
  g_assert_no_error(error);

  g_assert_true(fc_state_map_remove(st, "words", &user, &mk, &error));
  g_assert_null(fc_state_map_get(st, "words", &user, &mk, &f->arena, &error));

  map_seen s = {.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
  g_assert_true(fc_state_map_iterate(st, "words", &user, collect_map, &s, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(g_hash_table_size(s.seen), ==, 49);
  g_assert_cmpint(GPOINTER_TO_INT(g_hash_table_lookup(s.seen, "word49")), ==, 490);
  g_assert_false(g_hash_table_contains(s.seen, "word3"));

  /* the callback can stop the walk */
  g_hash_table_remove_all(s.seen);
  s.calls = 0;
  s.stop_after = 5;
  g_assert_true(fc_state_map_iterate(st, "words", &user, collect_map, &s, &error));
  g_assert_cmpint(s.calls, ==, 5);

  g_assert_true(fc_state_map_clear(st, "words", &user, &error));
  g_hash_table_remove_all(s.seen);
  s.stop_after = 0;
  g_assert_true(fc_state_map_iterate(st, "words", &user, collect_map, &s, &error));
  g_assert_cmpuint(g_hash_table_size(s.seen), ==, 0);
  /* the other user's map and the value state stay */
  g_assert_cmpint(fc_state_map_get(st, "words", &other_user, &mk, &f->arena, &error)->u.i, ==, -1);
  g_assert_cmpint(fc_state_value_get(st, "words", &user, &f->arena, &error)->u.i, ==, -1);
  g_assert_no_error(error);
  g_hash_table_unref(s.seen);
  fc_state_free(st);
}

static void test_list_state_appends_gets_and_clears(fixture *f, gconstpointer data)
{
  fc_state *st = new_state(f, 0, 1);
  GError *error = NULL;
  fc_value key = fc_str("session-1");
  size_t n = 99;
  g_assert_null(fc_state_list_get(st, "events", &key, &f->arena, &n, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(n, ==, 0);
  for (int i = 0; i < 1000; i++) {
    g_autofree char *s = g_strdup_printf("event %d", i);
    fc_value items[2] = {fc_i64(i), fc_str(s)};
    fc_value v = fc_list(items, 2);
    g_assert_true(fc_state_list_append(st, "events", &key, &v, &error));
  }
  const fc_value *list = fc_state_list_get(st, "events", &key, &f->arena, &n, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(n, ==, 1000);
  for (size_t i = 0; i < n; i++) {
    g_assert_cmpint(list[i].type, ==, FC_LIST);
    g_assert_cmpint(list[i].u.items[0].u.i, ==, (int64_t)i);
  }
  g_assert_cmpstr(list[999].u.items[1].u.str, ==, "event 999");
  g_assert_true(fc_state_list_clear(st, "events", &key, &error));
  g_assert_null(fc_state_list_get(st, "events", &key, &f->arena, &n, &error));
  g_assert_cmpuint(n, ==, 0);
  fc_value one = fc_i64(1);
  g_assert_true(fc_state_list_append(st, "events", &key, &one, &error));
  list = fc_state_list_get(st, "events", &key, &f->arena, &n, &error);
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpint(list[0].u.i, ==, 1);
  g_assert_no_error(error);
  fc_state_free(st);
}

/* ---- snapshots and restores ---- */

/* Fills st with N keys of every kind. */
enum { N = 3000 };

static void fill(fc_state *st, int64_t from, int64_t to, int64_t salt)
{
  GError *error = NULL;
  for (int64_t k = from; k < to; k++) {
    fc_value key = fc_i64(k), v = fc_i64(k * 3 + salt), mk = fc_str("m");
    g_assert_true(fc_state_value_put(st, "count", &key, &v, &error));
    if (k % 3 == 0) g_assert_true(fc_state_map_put(st, "map", &key, &mk, &v, &error));
    if (k % 5 == 0) g_assert_true(fc_state_list_append(st, "list", &key, &v, &error));
  }
  g_assert_no_error(error);
}

static void assert_filled(fixture *f, fc_state *st, int64_t from, int64_t to, int64_t salt)
{
  GError *error = NULL;
  for (int64_t k = from; k < to; k++) {
    fc_arena_reset(&f->arena);
    fc_value key = fc_i64(k), mk = fc_str("m");
    g_assert_cmpint(get_count(f, st, k), ==, k * 3 + salt);
    const fc_value *m = fc_state_map_get(st, "map", &key, &mk, &f->arena, &error);
    g_assert_no_error(error);
    if (k % 3 == 0)
      g_assert_cmpint(m->u.i, ==, k * 3 + salt);
    else
      g_assert_null(m);
    size_t n;
    const fc_value *l = fc_state_list_get(st, "list", &key, &f->arena, &n, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(n, ==, k % 5 == 0 ? 1 : 0);
    if (n) g_assert_cmpint(l[0].u.i, ==, k * 3 + salt);
  }
}

static void test_snapshot_restores_everything(fixture *f, gconstpointer data)
{
  fc_state *st = new_state(f, 0, 1);
  fill(st, 0, N, 0);
  /* in memory (no checkpoint directory) and into a checkpoint directory */
  g_autoptr(GBytes) in_memory = take_snapshot(st, NULL, 1, 0);
  g_autoptr(GBytes) on_disk = take_snapshot(st, f->ckpt, 2, 0);
  /* later changes are not in the snapshots */
  put_count(st, 5, -5);
  fc_state_free(st);

  GBytes *snaps[2] = {in_memory, on_disk};
  for (int i = 0; i < 2; i++) {
    fc_state *back = restore(f, snaps[i]);
    assert_filled(f, back, 0, N, 0);
    /* the restored state is writable and independent of the snapshot */
    put_count(back, 1, 100);
    fc_state_free(back);
    fc_state *again = restore(f, snaps[i]);
    g_assert_cmpint(get_count(f, again, 1), ==, 3);
    fc_state_free(again);
  }
  /* an empty snapshot (a task that never wrote) restores an empty state */
  g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
  fc_state *none = restore(f, empty);
  g_assert_cmpint(get_count(f, none, 1), ==, -1);
  fc_state_free(none);
}

static void test_snapshot_restores_into_the_other_backend(fixture *f, gconstpointer data)
{
  fc_state *st = new_state(f, 0, 1);
  fill(st, 0, 500, 1);
  g_autoptr(GBytes) snap = take_snapshot(st, f->ckpt, 1, 3);
  fc_state_free(st);
  fixture other = *f;
  other.backend = f->backend == FC_STATE_MEMORY ? FC_STATE_ROCKSDB : FC_STATE_MEMORY;
  fc_state *back = restore(&other, snap);
  g_assert_cmpint(fc_state_get_backend(back), ==, other.backend);
  assert_filled(f, back, 0, 500, 1);
  fc_state_free(back);
}

static void test_large_memory_snapshot_goes_to_a_file(fixture *f, gconstpointer data)
{
  GError *error = NULL;
  fc_state_options o = options(f, 0, 1);
  o.memory_spill_bytes = 1000;
  fc_state *st = fc_state_new(&o, &error);
  fill(st, 0, N, 2);
  g_autoptr(GBytes) snap = take_snapshot(st, f->ckpt, 4, 7);
  fc_state_free(st);
  g_assert_cmpuint(g_bytes_get_size(snap), <, 300); /* a reference, not the data */
  g_autofree char *file = g_build_filename(f->ckpt, "chk-4", "task-7-memory.state", NULL);
  g_assert_true(g_file_test(file, G_FILE_TEST_IS_REGULAR));
  fc_state *back = restore(f, snap);
  assert_filled(f, back, 0, N, 2);
  fc_state_free(back);

  /* a damaged file is refused, naming it */
  gchar *content;
  gsize len;
  g_assert_true(g_file_get_contents(file, &content, &len, NULL));
  content[len / 2] ^= 0x40;
  g_assert_true(g_file_set_contents(file, content, (gssize)len, NULL));
  g_free(content);
  back = fc_state_restore(&o, snap, &error);
  g_assert_null(back);
  g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT);
  g_assert_nonnull(strstr(error->message, "task-7-memory.state"));
  g_assert_nonnull(strstr(error->message, "counter[0]"));
  g_clear_error(&error);
}

/* ---- RocksDB snapshots are hard links ---- */

typedef struct {
  uint64_t total, fresh; /* bytes; fresh: files not in the other checkpoint */
  int shared;            /* SST files that are one inode with the other's */
} disk_use;

static disk_use compare_checkpoints(const char *older, const char *newer)
{
  disk_use u = {0};
  GHashTable *inodes = g_hash_table_new(g_int64_hash, g_int64_equal);
  GDir *d = g_dir_open(older, 0, NULL);
  g_assert_nonnull(d);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree char *path = g_build_filename(older, name, NULL);
    struct stat st;
    g_assert_cmpint(stat(path, &st), ==, 0);
    gint64 *ino = g_new(gint64, 1);
    *ino = (gint64)st.st_ino;
    g_ptr_array_add(keep, ino);
    g_hash_table_add(inodes, ino);
  }
  g_dir_close(d);
  d = g_dir_open(newer, 0, NULL);
  while ((name = g_dir_read_name(d))) {
    g_autofree char *path = g_build_filename(newer, name, NULL);
    struct stat st;
    g_assert_cmpint(stat(path, &st), ==, 0);
    gint64 ino = (gint64)st.st_ino;
    u.total += (uint64_t)st.st_size;
    if (g_hash_table_contains(inodes, &ino)) {
      /* only files RocksDB never changes are shared (it links OPTIONS too) */
      g_assert_true(g_str_has_suffix(name, ".sst") || g_str_has_prefix(name, "OPTIONS-"));
      g_assert_cmpuint(st.st_nlink, >, 1);
      u.shared += g_str_has_suffix(name, ".sst");
    } else {
      u.fresh += (uint64_t)st.st_size;
    }
  }
  g_dir_close(d);
  g_hash_table_unref(inodes);
  return u;
}

static void test_rocksdb_checkpoints_share_unchanged_files(fixture *f, gconstpointer data)
{
  fc_state *st = new_state(f, 0, 1);
  fill(st, 0, 20000, 0);
  g_autoptr(GBytes) s1 = take_snapshot(st, f->ckpt, 1, 2);
  for (int64_t k = 0; k < 10; k++) /* a small change */
    put_count(st, k, -k);
  g_autoptr(GBytes) s2 = take_snapshot(st, f->ckpt, 2, 2);
  g_autofree char *c1 = g_build_filename(f->ckpt, "chk-1", "task-2-rocksdb", NULL);
  g_autofree char *c2 = g_build_filename(f->ckpt, "chk-2", "task-2-rocksdb", NULL);
  disk_use u = compare_checkpoints(c1, c2);
  g_test_message("second checkpoint: %" G_GUINT64_FORMAT " bytes, %" G_GUINT64_FORMAT
                 " of them new; %d SST files shared",
                 u.total, u.fresh, u.shared);
  g_assert_cmpint(u.shared, >=, 1);
  g_assert_cmpuint(u.fresh * 5, <, u.total); /* the change costs little on disk */

  /* both still restore, each as it was */
  fc_state_free(st);
  fc_state *a = restore(f, s1), *b = restore(f, s2);
  assert_filled(f, a, 0, 20000, 0);
  for (int64_t k = 0; k < 10; k++)
    g_assert_cmpint(get_count(f, b, k), ==, -k);
  assert_filled(f, b, 10, 20000, 0);
  fc_state_free(a);
  /* the restored instance's SST files are links to the checkpoint's */
  GDir *d = g_dir_open(f->work, 0, NULL);
  g_autofree char *instance = g_build_filename(f->work, g_dir_read_name(d), "db", NULL);
  g_assert_null(g_dir_read_name(d)); /* b's is the only one */
  g_dir_close(d);
  disk_use linked = compare_checkpoints(c2, instance);
  g_assert_cmpint(linked.shared, >=, 1);
  fc_state_free(b);
}

static void test_restore_never_writes_into_the_checkpoint(fixture *f, gconstpointer data)
{
  fc_state *st = new_state(f, 0, 1);
  fill(st, 0, 2000, 0);
  g_autoptr(GBytes) snap = take_snapshot(st, f->ckpt, 1, 0);
  fc_state_free(st);
  g_autofree char *cdir = g_build_filename(f->ckpt, "chk-1", "task-0-rocksdb", NULL);
  g_autoptr(GBytes) before = NULL;
  {
    GString *listing = g_string_new(NULL);
    GDir *d = g_dir_open(cdir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name(d))) {
      g_autofree char *path = g_build_filename(cdir, name, NULL);
      struct stat s;
      stat(path, &s);
      g_string_append_printf(listing, "%s:%ld:%ld;", name, (long)s.st_size, (long)s.st_mtime);
    }
    g_dir_close(d);
    before = g_string_free_to_bytes(listing);
  }
  fc_state *back = restore(f, snap);
  fill(back, 0, 5000, 9); /* write a lot, flush, maybe compact */
  g_autoptr(GBytes) later = take_snapshot(back, f->ckpt, 2, 0);
  fc_state_free(back);
  GString *listing = g_string_new(NULL);
  GDir *d = g_dir_open(cdir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree char *path = g_build_filename(cdir, name, NULL);
    struct stat s;
    stat(path, &s);
    g_string_append_printf(listing, "%s:%ld:%ld;", name, (long)s.st_size, (long)s.st_mtime);
  }
  g_dir_close(d);
  g_autoptr(GBytes) after = g_string_free_to_bytes(listing);
  g_assert_true(g_bytes_equal(before, after));
  fc_state *first = restore(f, snap);
  assert_filled(f, first, 0, 2000, 0);
  fc_state_free(first);
}

/* ---- damaged snapshots ---- */

static void assert_refused(fixture *f, GBytes *bytes, int code, const char *fragment)
{
  GError *error = NULL;
  fc_state_options o = options(f, 0, 1);
  fc_state *st = fc_state_restore(&o, bytes, &error);
  g_assert_null(st);
  g_assert_error(error, FC_STATE_ERROR, code);
  g_test_message("refused: %s", error->message);
  g_assert_nonnull(strstr(error->message, "counter[0]"));
  if (fragment) g_assert_nonnull(strstr(error->message, fragment));
  g_error_free(error);
}

static GBytes *damage(GBytes *b, size_t at, uint8_t bits, size_t keep)
{
  gsize len;
  const uint8_t *p = g_bytes_get_data(b, &len);
  uint8_t *copy = g_memdup2(p, len);
  if (at < len) copy[at] ^= bits;
  return g_bytes_new_take(copy, MIN(keep, len));
}

static void test_damaged_snapshots_give_clear_errors(fixture *f, gconstpointer data)
{
  fc_state *st = new_state(f, 0, 1);
  fill(st, 0, 200, 0);
  g_autoptr(GBytes) inline_snap = take_snapshot(st, NULL, 1, 0);
  g_autoptr(GBytes) dir_snap = take_snapshot(st, f->ckpt, 2, 0);
  fc_state_free(st);
  gsize len = g_bytes_get_size(inline_snap);

  g_autoptr(GBytes) flipped = damage(inline_snap, len / 2, 0x10, len);
  assert_refused(f, flipped, FC_STATE_ERROR_CORRUPT, "checksum");
  g_autoptr(GBytes) truncated = damage(inline_snap, 0, 0, len - 20);
  assert_refused(f, truncated, FC_STATE_ERROR_CORRUPT, NULL);
  g_autoptr(GBytes) garbage = g_bytes_new_static("hello, this is not state", 24);
  assert_refused(f, garbage, FC_STATE_ERROR_CORRUPT, "not a state snapshot");
  g_autoptr(GBytes) tiny = g_bytes_new_static("GUST", 4);
  assert_refused(f, tiny, FC_STATE_ERROR_CORRUPT, "too short");

  gsize dlen = g_bytes_get_size(dir_snap);
  g_autoptr(GBytes) bad_ref = damage(dir_snap, dlen / 2, 0x01, dlen);
  assert_refused(f, bad_ref, FC_STATE_ERROR_CORRUPT, "checksum");

  if (f->backend == FC_STATE_ROCKSDB) {
    /* a file the snapshot names has gone */
    g_autofree char *cdir = g_build_filename(f->ckpt, "chk-2", "task-0-rocksdb", NULL);
    GDir *d = g_dir_open(cdir, 0, NULL);
    const char *name;
    g_autofree char *victim = NULL;
    while ((name = g_dir_read_name(d)))
      if (g_str_has_suffix(name, ".sst") && !victim) victim = g_build_filename(cdir, name, NULL);
    g_dir_close(d);
    g_assert_nonnull(victim);
    g_assert_cmpint(remove(victim), ==, 0);
    assert_refused(f, dir_snap, FC_STATE_ERROR_CORRUPT, victim);
  }
}

/* ---- rescaling ---- */

/* Every key k in 0..n-1 must be in exactly one of the states, in a key
 * group its task owns, with its value; nothing else may be there. */
typedef struct {
  GHashTable *counts; /* key -> times seen */
  uint32_t first, last;
  int map_entries, list_entries;
} rescale_check;

static gboolean check_entry(const fc_state_entry *e, void *data)
{
  rescale_check *c = data;
  g_assert_cmpuint(e->key_group, >=, c->first);
  g_assert_cmpuint(e->key_group, <=, c->last);
  g_assert_cmpuint(e->key_group, ==, fc_state_key_group(e->key));
  int64_t k = e->key->u.i;
  if (e->kind == FC_STATE_VALUE) {
    g_assert_cmpstr(e->name, ==, "count");
    g_assert_cmpint(e->value->u.i, ==, k * 3);
    gpointer old = g_hash_table_lookup(c->counts, GINT_TO_POINTER((int)k + 1));
    g_hash_table_insert(c->counts, GINT_TO_POINTER((int)k + 1),
                        GINT_TO_POINTER(GPOINTER_TO_INT(old) + 1));
  } else if (e->kind == FC_STATE_MAP) {
    g_assert_cmpstr(e->map_key->u.str, ==, "m");
    c->map_entries++;
  } else {
    g_assert_cmpint(e->value->type, ==, FC_LIST);
    g_assert_cmpuint(e->value->len, ==, 1);
    c->list_entries++;
  }
  return TRUE;
}

static void rescale(fixture *f, int from, int to, gboolean with_dir)
{
  enum { KEYS = 4000 };
  GError *error = NULL;
  /* the old tasks hold the keys of their key groups, as key-group routing
   * would have given them */
  fc_state **old_states = g_new0(fc_state *, from);
  for (int i = 0; i < from; i++)
    old_states[i] = new_state(f, i, from);
  for (int64_t k = 0; k < KEYS; k++) {
    fc_value key = fc_i64(k);
    int owner = fc_state_key_group_owner(fc_state_key_group(&key), from);
    fill(old_states[owner], k, k + 1, 0);
  }
  GBytes **old = g_new0(GBytes *, from);
  for (int i = 0; i < from; i++) {
    old[i] = take_snapshot(old_states[i], with_dir ? f->ckpt : NULL, 1, i);
    fc_state_free(old_states[i]);
  }
  rescale_check c = {.counts = g_hash_table_new(NULL, NULL)};
  for (int j = 0; j < to; j++) {
    fc_state_options o = options(f, j, to);
    fc_state *st = fc_state_restore_rescaled(&o, old, from, &error);
    g_assert_no_error(error);
    fc_state_owned_key_groups(st, &c.first, &c.last);
    g_assert_true(fc_state_foreach(st, check_entry, &c, &error));
    g_assert_no_error(error);
    fc_state_free(st);
  }
  g_assert_cmpuint(g_hash_table_size(c.counts), ==, KEYS);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, c.counts);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_assert_cmpint(GPOINTER_TO_INT(v), ==, 1);
  g_assert_cmpint(c.map_entries, ==, (KEYS + 2) / 3);
  g_assert_cmpint(c.list_entries, ==, (KEYS + 4) / 5);
  g_hash_table_unref(c.counts);
  for (int i = 0; i < from; i++)
    g_bytes_unref(old[i]);
  g_free(old);
  g_free(old_states);
}

static void test_rescaling_keeps_every_key_once(fixture *f, gconstpointer data)
{
  rescale(f, 2, 3, FALSE);
  rescale(f, 3, 2, FALSE);
  rescale(f, 2, 3, TRUE);
  rescale(f, 3, 2, TRUE);
  rescale(f, 1, 5, TRUE);
  rescale(f, 4, 1, TRUE);
}

static void test_restore_with_the_same_parallelism_keeps_every_key(fixture *f, gconstpointer data)
{
  /* hash routing puts keys of any group on a task: restoring with the same
   * parallelism keeps them all */
  fc_state *st = new_state(f, 1, 2);
  fill(st, 0, 300, 0);
  g_autoptr(GBytes) snap = take_snapshot(st, f->ckpt, 1, 1);
  fc_state_free(st);
  GBytes *old[2] = {NULL, snap};
  GError *error = NULL;
  fc_state_options o = options(f, 1, 2);
  fc_state *back = fc_state_restore_rescaled(&o, old, 2, &error);
  g_assert_no_error(error);
  assert_filled(f, back, 0, 300, 0);
  fc_state_free(back);
}

static void test_bad_options_are_refused(fixture *f, gconstpointer data)
{
  GError *error = NULL;
  fc_state_options o = options(f, 3, 2);
  g_assert_null(fc_state_new(&o, &error));
  g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID);
  g_clear_error(&error);
  if (f->backend == FC_STATE_ROCKSDB) {
    /* a working directory that cannot be made */
    g_autofree char *file = g_build_filename(f->dir, "a-file", NULL);
    g_assert_true(g_file_set_contents(file, "x", 1, NULL));
    o = options(f, 0, 1);
    o.work_dir = file;
    g_assert_null(fc_state_new(&o, &error));
    g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_IO);
    g_assert_nonnull(strstr(error->message, file));
    g_clear_error(&error);
  }
  fc_state *st = new_state(f, 0, 1);
  g_autofree char *long_name = g_strnfill(70000, 'n');
  fc_value key = fc_i64(1), v = fc_i64(2);
  g_assert_false(fc_state_value_put(st, long_name, &key, &v, &error));
  g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID);
  g_clear_error(&error);
  fc_state_free(st);
}

/* ---- through a real job ---- */

/* source[0] emits [key, 1] for keys 0..n_keys-1, `rounds` times, then
 * idles (so checkpoints can still run); counter[p] counts per key in
 * value state "count", appends to list "seen" and keeps map "last".  In a
 * restored job the counter records what it restored, per task. */
enum { JOB_KEYS = 500, JOB_ROUNDS = 3 };

typedef struct {
  fc_state_backend backend;
  const char *work_dir;
  int64_t n_keys, rounds;
  _Atomic int64_t processed;
  /* restoring: the old snapshots of every counter task */
  GBytes **old;
  int n_old;
  /* what each new task restored: key -> count (written in open) */
  GHashTable *restored[8];
  uint32_t first[8], last[8];
} job_world;

typedef struct {
  job_world *w;
  int64_t next;
  fc_state *st;
  fc_arena arena;
} job_op;

static gboolean source_open(fc_task *t, void *data, void **state, GError **error)
{
  job_op *o = g_new0(job_op, 1);
  o->w = data;
  *state = o;
  return TRUE;
}

static fc_produce_result source_produce(fc_task *t, void *state, GError **error)
{
  job_op *o = state;
  if (o->next >= o->w->n_keys * o->w->rounds) return FC_PRODUCE_IDLE;
  fc_value v[2] = {fc_i64(o->next % o->w->n_keys), fc_i64(1)};
  o->next++;
  fc_record rec = {.n_values = 2, .values = v};
  fc_task_emit(t, &rec, NULL, 0);
  return FC_PRODUCE_MORE;
}

static void op_close(fc_task *t, void *state)
{
  job_op *o = state;
  fc_state_free(o->st);
  fc_arena_clear(&o->arena);
  g_free(o);
}

static gboolean record_restored(const fc_state_entry *e, void *data)
{
  GHashTable *seen = data;
  if (e->kind == FC_STATE_VALUE) {
    g_assert_false(g_hash_table_contains(seen, GINT_TO_POINTER((int)e->key->u.i + 1)));
    g_hash_table_insert(seen, GINT_TO_POINTER((int)e->key->u.i + 1),
                        GINT_TO_POINTER((int)e->value->u.i));
  }
  return TRUE;
}

static gboolean counter_open(fc_task *t, void *data, void **state, GError **error)
{
  job_op *o = g_new0(job_op, 1);
  o->w = data;
  fc_arena_init(&o->arena, 0);
  *state = o;
  fc_state_options opts = {.backend = o->w->backend,
                           .name = fc_task_name(t),
                           .subtask = fc_task_subtask(t),
                           .parallelism = fc_task_parallelism(t),
                           .work_dir = o->w->work_dir};
  if (o->w->old)
    o->st = fc_state_restore_rescaled(&opts, o->w->old, o->w->n_old, error);
  else if (fc_task_restored_state(t))
    o->st = fc_state_restore(&opts, fc_task_restored_state(t), error);
  else
    o->st = fc_state_new(&opts, error);
  if (!o->st) return FALSE;
  if (o->w->old || fc_task_restored_state(t)) {
    int i = fc_task_subtask(t);
    o->w->restored[i] = g_hash_table_new(NULL, NULL);
    fc_state_owned_key_groups(o->st, &o->w->first[i], &o->w->last[i]);
    if (!fc_state_foreach(o->st, record_restored, o->w->restored[i], error)) return FALSE;
  }
  return TRUE;
}

static gboolean counter_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  job_op *o = state;
  fc_arena_reset(&o->arena);
  const fc_value *key = &rec->values[0];
  /* key-group routing brought the key to its owner */
  uint32_t first, last, kg = fc_state_key_group(key);
  fc_state_owned_key_groups(o->st, &first, &last);
  g_assert_cmpuint(kg, >=, first);
  g_assert_cmpuint(kg, <=, last);
  GError *err = NULL;
  const fc_value *old = fc_state_value_get(o->st, "count", key, &o->arena, &err);
  if (err) {
    g_propagate_error(error, err);
    return FALSE;
  }
  fc_value count = fc_i64((old ? old->u.i : 0) + rec->values[1].u.i);
  fc_value mk = fc_str("last");
  if (!fc_state_value_put(o->st, "count", key, &count, error) ||
      !fc_state_list_append(o->st, "seen", key, &count, error) ||
      !fc_state_map_put(o->st, "last", key, &mk, &count, error))
    return FALSE;
  atomic_fetch_add(&o->w->processed, 1);
  return TRUE;
}

static gboolean counter_snapshot(fc_task *t, void *state, uint64_t id, fc_snapshot *out,
                                 GError **error)
{
  job_op *o = state;
  return fc_state_snapshot(o->st, out, error);
}

static const fc_operator job_source_op = {
    .open = source_open, .produce = source_produce, .close = op_close};
static const fc_operator job_counter_op = {.open = counter_open,
                                           .process = counter_process,
                                           .snapshot = counter_snapshot,
                                           .close = op_close};

static uint64_t first_value_hash(const fc_record *rec, void *data)
{
  return fc_value_hash(&rec->values[0]);
}

static fc_job *counter_job(job_world *w, int parallelism, const char *ckpt_dir, int retention)
{
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "source", 1, &job_source_op, w, NULL);
  int cnt = fc_graph_add_vertex(g, "counter", parallelism, &job_counter_op, w, NULL);
  fc_edge_spec e = {.partitioner = FC_PART_KEY_GROUPS, .stream = -1, .key = first_value_hash};
  fc_graph_add_edge(g, src, cnt, &e);
  GError *error = NULL;
  fc_job *job =
      fc_job_new(g,
                 &(fc_job_options){
                     .threads = 2, .checkpoint_dir = ckpt_dir, .checkpoint_retention = retention},
                 &error);
  g_assert_no_error(error);
  return job;
}

static void wait_processed(job_world *w, int64_t n)
{
  int64_t deadline = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  while (atomic_load(&w->processed) < n) {
    g_assert_cmpint(g_get_monotonic_time(), <, deadline);
    g_usleep(1000);
  }
}

static uint64_t checkpoint_now(fc_job *job)
{
  uint64_t id = fc_job_trigger_checkpoint(job);
  g_assert_cmpuint(id, >, 0);
  GError *error = NULL;
  g_assert_true(fc_job_checkpoint_wait(job, id, 120000, &error));
  g_assert_no_error(error);
  return id;
}

/* Runs the first job (parallelism `from`) to a checkpoint, then a second
 * (parallelism `to`) restored from it; checks what every new task got. */
static void job_round_trip(fixture *f, int from, int to)
{
  job_world w = {
      .backend = f->backend, .work_dir = f->work, .n_keys = JOB_KEYS, .rounds = JOB_ROUNDS};
  fc_job *job = counter_job(&w, from, f->ckpt, 0);
  fc_job_start(job);
  wait_processed(&w, JOB_KEYS * JOB_ROUNDS);
  checkpoint_now(job);
  fc_job_cancel(job);
  fc_job_free(job);

  GError *error = NULL;
  fc_checkpoint_info *info = fc_checkpoint_latest(f->ckpt, &error);
  g_assert_no_error(error);
  GBytes **old = g_new0(GBytes *, from);
  for (int i = 0; i < from; i++) {
    old[i] = fc_checkpoint_read_task_state(info, 1 + i, &error); /* counters follow the source */
    g_assert_no_error(error);
    g_assert_cmpuint(g_bytes_get_size(old[i]), >, 0);
  }
  fc_checkpoint_info_free(info);

  job_world w2 = {.backend = f->backend, .work_dir = f->work, .n_keys = 0, .rounds = 0};
  if (from != to) {
    w2.old = old;
    w2.n_old = from;
  }
  job = counter_job(&w2, to, f->ckpt, 0);
  if (from == to)
    for (int i = 0; i < from; i++)
      fc_job_set_restored_state(job, 1 + i, old[i]);
  fc_job_start(job);
  int64_t deadline = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  /* open() runs on the task threads: wait for the last one by checkpointing
   * (a checkpoint completes only once every task runs) */
  checkpoint_now(job);
  g_assert_cmpint(g_get_monotonic_time(), <, deadline);
  fc_job_cancel(job);
  fc_job_free(job);

  GHashTable *all = g_hash_table_new(NULL, NULL);
  for (int j = 0; j < to; j++) {
    g_assert_nonnull(w2.restored[j]);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, w2.restored[j]);
    while (g_hash_table_iter_next(&it, &k, &v)) {
      g_assert_false(g_hash_table_contains(all, k));
      g_hash_table_insert(all, k, v);
      g_assert_cmpint(GPOINTER_TO_INT(v), ==, JOB_ROUNDS);
      fc_value key = fc_i64(GPOINTER_TO_INT(k) - 1);
      uint32_t kg = fc_state_key_group(&key);
      g_assert_cmpuint(kg, >=, w2.first[j]);
      g_assert_cmpuint(kg, <=, w2.last[j]);
    }
    g_hash_table_unref(w2.restored[j]);
  }
  g_assert_cmpuint(g_hash_table_size(all), ==, JOB_KEYS);
  g_hash_table_unref(all);
  for (int i = 0; i < from; i++)
    g_bytes_unref(old[i]);
  g_free(old);
}

static void test_job_checkpoint_restores_keyed_state_in_a_new_job(fixture *f, gconstpointer data)
{
  job_round_trip(f, 2, 2);
}

static void test_job_checkpoint_restores_with_another_parallelism(fixture *f, gconstpointer data)
{
  job_round_trip(f, 2, 3);
  remove_tree(f->ckpt);
  job_round_trip(f, 3, 2);
}

static void test_retention_deletes_rocksdb_checkpoints(fixture *f, gconstpointer data)
{
  job_world w = {.backend = FC_STATE_ROCKSDB, .work_dir = f->work, .n_keys = 100, .rounds = 1};
  fc_job *job = counter_job(&w, 2, f->ckpt, 1);
  fc_job_start(job);
  wait_processed(&w, 100);
  uint64_t last = 0;
  for (int i = 0; i < 3; i++)
    last = checkpoint_now(job);
  fc_job_cancel(job);
  fc_job_free(job);
  for (uint64_t id = 1; id <= last; id++) {
    g_autofree char *name = g_strdup_printf("chk-%" G_GUINT64_FORMAT, id);
    g_autofree char *path = g_build_filename(f->ckpt, name, NULL);
    g_autofree char *sub = g_build_filename(path, "task-1-rocksdb", NULL);
    g_assert_cmpint(g_file_test(path, G_FILE_TEST_EXISTS), ==, id == last);
    g_assert_cmpint(g_file_test(sub, G_FILE_TEST_IS_DIR), ==, id == last);
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/state/key-groups/ranges-cover-every-group-once",
                  test_key_group_ranges_cover_every_group_once_and_match_owners);
  static const struct {
    const char *name;
    fc_state_backend backend;
  } backends[] = {{"memory", FC_STATE_MEMORY}, {"rocksdb", FC_STATE_ROCKSDB}};
  static const struct {
    const char *name;
    void (*fn)(fixture *, gconstpointer);
    gboolean rocksdb_only, memory_only;
  } tests[] = {
      {.name = "value-state-puts-gets-and-deletes", .fn = test_value_state_puts_gets_and_deletes},
      {.name = "equal-keys-address-one-entry", .fn = test_equal_keys_address_one_entry},
      {.name = "map-state-puts-gets-removes-and-iterates",
       .fn = test_map_state_puts_gets_removes_and_iterates},
      {.name = "list-state-appends-gets-and-clears", .fn = test_list_state_appends_gets_and_clears},
      {.name = "snapshot-restores-everything", .fn = test_snapshot_restores_everything},
      {.name = "snapshot-restores-into-the-other-backend",
       .fn = test_snapshot_restores_into_the_other_backend},
      {.name = "large-memory-snapshot-goes-to-a-file",
       .fn = test_large_memory_snapshot_goes_to_a_file,
       .memory_only = TRUE},
      {.name = "checkpoints-share-unchanged-files",
       .fn = test_rocksdb_checkpoints_share_unchanged_files,
       .rocksdb_only = TRUE},
      {.name = "restore-never-writes-into-the-checkpoint",
       .fn = test_restore_never_writes_into_the_checkpoint,
       .rocksdb_only = TRUE},
      {.name = "damaged-snapshots-give-clear-errors",
       .fn = test_damaged_snapshots_give_clear_errors},
      {.name = "rescaling-keeps-every-key-once", .fn = test_rescaling_keeps_every_key_once},
      {.name = "same-parallelism-keeps-every-key",
       .fn = test_restore_with_the_same_parallelism_keeps_every_key},
      {.name = "bad-options-are-refused", .fn = test_bad_options_are_refused},
      {.name = "job-checkpoint-restores-in-a-new-job",
       .fn = test_job_checkpoint_restores_keyed_state_in_a_new_job},
      {.name = "job-checkpoint-restores-with-another-parallelism",
       .fn = test_job_checkpoint_restores_with_another_parallelism},
      {.name = "retention-deletes-rocksdb-checkpoints",
       .fn = test_retention_deletes_rocksdb_checkpoints,
       .rocksdb_only = TRUE},
  };
  for (size_t b = 0; b < G_N_ELEMENTS(backends); b++)
    for (size_t t = 0; t < G_N_ELEMENTS(tests); t++) {
      if (tests[t].rocksdb_only && backends[b].backend != FC_STATE_ROCKSDB) continue;
      if (tests[t].memory_only && backends[b].backend != FC_STATE_MEMORY) continue;
      g_autofree char *path = g_strdup_printf("/state/%s/%s", backends[b].name, tests[t].name);
      g_test_add(path, fixture, GINT_TO_POINTER(backends[b].backend), fixture_set_up, tests[t].fn,
                 fixture_tear_down);
    }
  return g_test_run();
}
