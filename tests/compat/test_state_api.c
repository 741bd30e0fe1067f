/* test_state_api.c — keyed state as native bolts see it (gust/state.h) and
 * as component hosts set it up (compat/runtime/state_host.h): choosing the
 * backend from the topology configuration, the calls on both backends,
 * task snapshots that carry a component's bytes and its state, restoring
 * them, and handing keys to a new number of tasks.
 *
 * The host side is driven directly, as bolt_host.c drives it; snapshots are
 * taken with fc_snapshot_new() (in memory, or into a checkpoint directory).
 */
#define _GNU_SOURCE /* nftw */
#include "context.h"
#include "state_host.h"

#include <ftw.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  char *dir; /* scratch: RocksDB working directories and checkpoints */
  char *ckpt;
} fixture;

static void set_up(fixture *f, gconstpointer data)
{
  GError *error = NULL;
  f->dir = g_dir_make_tmp("gust-state-api-XXXXXX", &error);
  g_assert_no_error(error);
  f->ckpt = g_build_filename(f->dir, "checkpoints", NULL);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  return remove(path);
}

static void tear_down(fixture *f, gconstpointer data)
{
  nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  g_free(f->dir);
  g_free(f->ckpt);
}

/* The component conf for a provider (NULL: not set). */
static json_t *conf_for(const fixture *f, const char *provider)
{
  g_autofree char *work = g_build_filename(f->dir, "work", NULL);
  json_t *conf = json_pack("{s:s}", "topology.gust.state.dir", work);
  if (provider) json_object_set_new(conf, "topology.state.provider", json_string(provider));
  return conf;
}

static gust_state *new_state(const fixture *f, const char *provider, int subtask, int n)
{
  GError *error = NULL;
  json_t *conf = conf_for(f, provider);
  gust_state *st = rt_state_new(conf, "count (task 3)", subtask, n, &error);
  json_decref(conf);
  g_assert_no_error(error);
  g_assert_nonnull(st);
  return st;
}

static fc_state_backend backend_of(gust_state *st)
{
  GError *error = NULL;
  fc_state *b = rt_state_backend(st, &error);
  g_assert_no_error(error);
  return fc_state_get_backend(b);
}

/* ---- configuration ---- */

static void test_provider_comes_from_the_topology_conf(fixture *f, gconstpointer data)
{
  static const struct {
    const char *provider;
    fc_state_backend backend;
  } cases[] = {
      {NULL, FC_STATE_MEMORY},
      {"memory", FC_STATE_MEMORY},
      {"org.apache.storm.state.InMemoryKeyValueStateProvider", FC_STATE_MEMORY},
      {"rocksdb", FC_STATE_ROCKSDB},
      {"org.apache.storm.redis.state.RedisKeyValueStateProvider", FC_STATE_ROCKSDB},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    gust_state *st = new_state(f, cases[i].provider, 0, 1);
    g_assert_cmpint(backend_of(st), ==, cases[i].backend);
    rt_state_free(st);
  }
  /* no conf at all: memory */
  GError *error = NULL;
  gust_state *st = rt_state_new(NULL, "count (task 3)", 0, 1, &error);
  g_assert_no_error(error);
  g_assert_cmpint(backend_of(st), ==, FC_STATE_MEMORY);
  rt_state_free(st);
}

static void test_bad_provider_is_refused_naming_it(fixture *f, gconstpointer data)
{
  GError *error = NULL;
  json_t *conf = conf_for(f, "cassandra-ish");
  g_assert_null(rt_state_new(conf, "count (task 3)", 0, 1, &error));
  g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID);
  g_assert_nonnull(strstr(error->message, "topology.state.provider"));
  g_assert_nonnull(strstr(error->message, "cassandra-ish"));
  g_assert_nonnull(strstr(error->message, "count (task 3)"));
  g_clear_error(&error);
  json_object_set_new(conf, "topology.state.provider", json_integer(3));
  g_assert_null(rt_state_new(conf, "count (task 3)", 0, 1, &error));
  g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID);
  g_clear_error(&error);
  json_object_set_new(conf, "topology.state.provider", json_string("rocksdb"));
  json_object_set_new(conf, "topology.gust.state.dir", json_true());
  g_assert_null(rt_state_new(conf, "count (task 3)", 0, 1, &error));
  g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID);
  g_assert_nonnull(strstr(error->message, "topology.gust.state.dir"));
  g_clear_error(&error);
  json_decref(conf);
}

static void test_backend_that_cannot_open_fails_every_call(fixture *f, gconstpointer data)
{
  g_autofree char *file = g_build_filename(f->dir, "not-a-dir", NULL);
  g_assert_true(g_file_set_contents(file, "x", 1, NULL));
  json_t *conf = json_pack("{s:s, s:s}", "topology.state.provider", "rocksdb",
                           "topology.gust.state.dir", file);
  GError *error = NULL;
  gust_state *st = rt_state_new(conf, "count (task 3)", 0, 1, &error);
  json_decref(conf);
  g_assert_no_error(error); /* nothing is opened yet */
  fc_value key = fc_str("k"), v = fc_i64(1);
  for (int i = 0; i < 2; i++) {
    g_assert_false(gust_state_value_put(st, "counts", &key, &v, &error));
    g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_IO);
    g_assert_nonnull(strstr(error->message, file));
    g_assert_nonnull(strstr(error->message, "count (task 3)"));
    g_clear_error(&error);
  }
  g_assert_null(gust_state_value_get(st, "counts", &key, &error));
  g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_IO);
  g_clear_error(&error);
  rt_state_free(st);
}

/* ---- the calls ---- */

static gboolean count_entries(const fc_value *map_key, const fc_value *value, void *data)
{
  int64_t *sum = data;
  *sum += value->u.i;
  return TRUE;
}

static void test_calls_work_on_both_backends(fixture *f, gconstpointer data)
{
  gust_state *st = new_state(f, data, 0, 1);
  GError *error = NULL;
  fc_value word = fc_str("storm");
  /* Storm's word count: read-modify-write needs no copy */
  for (int i = 0; i < 5; i++) {
    const fc_value *n = gust_state_value_get(st, "counts", &word, &error);
    g_assert_no_error(error);
    fc_value next = fc_i64((n ? n->u.i : 0) + 1);
    g_assert_true(gust_state_value_put(st, "counts", &word, &next, &error));
  }
  g_assert_cmpint(gust_state_value_get(st, "counts", &word, &error)->u.i, ==, 5);
  g_assert_true(gust_state_value_delete(st, "counts", &word, &error));
  g_assert_null(gust_state_value_get(st, "counts", &word, &error));
  g_assert_no_error(error);

  /* bytes keys */
  fc_value raw = fc_bytes("\x00\x01\xff", 3), v = fc_str("raw");
  g_assert_true(gust_state_value_put(st, "blobs", &raw, &v, &error));
  g_assert_cmpstr(gust_state_value_get(st, "blobs", &raw, &error)->u.str, ==, "raw");

  fc_value user = fc_i64(7), a = fc_str("a"), b = fc_str("b"), one = fc_i64(1), two = fc_i64(2);
  g_assert_true(gust_state_map_put(st, "clicks", &user, &a, &one, &error));
  g_assert_true(gust_state_map_put(st, "clicks", &user, &b, &two, &error));
  g_assert_cmpint(gust_state_map_get(st, "clicks", &user, &b, &error)->u.i, ==, 2);
  int64_t sum = 0;
  g_assert_true(gust_state_map_iterate(st, "clicks", &user, count_entries, &sum, &error));
  g_assert_cmpint(sum, ==, 3);
  g_assert_true(gust_state_map_remove(st, "clicks", &user, &a, &error));
  g_assert_null(gust_state_map_get(st, "clicks", &user, &a, &error));
  g_assert_true(gust_state_map_clear(st, "clicks", &user, &error));
  sum = 0;
  g_assert_true(gust_state_map_iterate(st, "clicks", &user, count_entries, &sum, &error));
  g_assert_cmpint(sum, ==, 0);

  size_t n;
  for (int i = 0; i < 3; i++) {
    fc_value e = fc_i64(i);
    g_assert_true(gust_state_list_append(st, "events", &user, &e, &error));
  }
  const fc_value *list = gust_state_list_get(st, "events", &user, &n, &error);
  g_assert_cmpuint(n, ==, 3);
  g_assert_cmpint(list[2].u.i, ==, 2);
  g_assert_true(gust_state_list_clear(st, "events", &user, &error));
  g_assert_null(gust_state_list_get(st, "events", &user, &n, &error));
  g_assert_cmpuint(n, ==, 0);
  g_assert_no_error(error);
  rt_state_free(st);
}

static void test_context_hands_out_the_task_state(fixture *f, gconstpointer data)
{
  gust_state *st = new_state(f, NULL, 0, 1);
  gust_context ctx = {.task_index = 0};
  g_assert_null(gust_context_state(&ctx));
  ctx.state = st;
  g_assert_true(gust_context_state(&ctx) == st);
  /* a task without state: calls fail clearly instead of crashing */
  GError *error = NULL;
  fc_value key = fc_i64(1), v = fc_i64(2);
  g_assert_false(gust_state_value_put(NULL, "x", &key, &v, &error));
  g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID);
  g_assert_nonnull(strstr(error->message, "no keyed state"));
  g_clear_error(&error);
  rt_state_free(st);
}

/* ---- snapshots ---- */

static GBytes *task_snapshot(gust_state *st, const char *dir, int task, const char *component)
{
  GError *error = NULL;
  fc_snapshot *snap = fc_snapshot_new(dir, 1, task);
  g_assert_true(
      rt_state_write_task_snapshot(st, component, component ? strlen(component) : 0, snap, &error));
  g_assert_no_error(error);
  return fc_snapshot_free_to_bytes(snap);
}

static void test_task_snapshot_carries_component_bytes_and_state(fixture *f, gconstpointer data)
{
  for (int with_dir = 0; with_dir < 2; with_dir++) {
    gust_state *st = new_state(f, data, 0, 1);
    GError *error = NULL;
    for (int64_t i = 0; i < 1000; i++) {
      fc_value k = fc_i64(i), v = fc_i64(i * i);
      g_assert_true(gust_state_value_put(st, "squares", &k, &v, &error));
    }
    g_autoptr(GBytes) bytes = task_snapshot(st, with_dir ? f->ckpt : NULL, 4, "offset=42");
    rt_state_free(st);

    GBytes *component, *state;
    g_assert_true(rt_state_split_task_snapshot(bytes, &component, &state, &error));
    g_assert_cmpmem(g_bytes_get_data(component, NULL), g_bytes_get_size(component), "offset=42", 9);
    g_assert_nonnull(state);
    gust_state *back = new_state(f, data, 0, 1);
    g_assert_true(rt_state_restore(back, state, &error));
    g_assert_no_error(error);
    for (int64_t i = 0; i < 1000; i += 37) {
      fc_value k = fc_i64(i);
      g_assert_cmpint(gust_state_value_get(back, "squares", &k, &error)->u.i, ==, i * i);
    }
    rt_state_free(back);
    g_bytes_unref(component);
    g_bytes_unref(state);
  }
}

static void test_unused_state_adds_nothing_and_old_bytes_still_split(fixture *f, gconstpointer data)
{
  GError *error = NULL;
  gust_state *st = new_state(f, "rocksdb", 0, 1);
  g_autoptr(GBytes) bytes = task_snapshot(st, f->ckpt, 0, "pos");
  rt_state_free(st);
  g_assert_cmpuint(g_bytes_get_size(bytes), ==, 16 + 3); /* frame + component bytes */
  g_autofree char *work = g_build_filename(f->dir, "work", NULL);
  g_assert_false(g_file_test(work, G_FILE_TEST_EXISTS)); /* no RocksDB was opened */
  GBytes *component, *state;
  g_assert_true(rt_state_split_task_snapshot(bytes, &component, &state, &error));
  g_assert_null(state);
  g_bytes_unref(component);

  /* bytes a host wrote without the frame: all the component's */
  g_autoptr(GBytes) plain = g_bytes_new_static("spout offsets", 13);
  g_assert_true(rt_state_split_task_snapshot(plain, &component, &state, &error));
  g_assert_true(g_bytes_equal(component, plain));
  g_assert_null(state);
  g_bytes_unref(component);
  g_assert_true(rt_state_split_task_snapshot(NULL, &component, &state, &error));
  g_assert_null(component);
  g_assert_null(state);

  /* a frame cut short */
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes(bytes, 0, 17);
  g_assert_false(rt_state_split_task_snapshot(cut, &component, &state, &error));
  g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT);
  g_clear_error(&error);

  /* damaged state bytes: restoring fails, naming the task */
  gust_state *used = new_state(f, "memory", 0, 1);
  fc_value k = fc_i64(1);
  g_assert_true(gust_state_value_put(used, "x", &k, &k, &error));
  g_autoptr(GBytes) good = task_snapshot(used, NULL, 0, NULL);
  rt_state_free(used);
  gsize len;
  const void *good_data = g_bytes_get_data(good, &len);
  uint8_t *copy = g_memdup2(good_data, len);
  copy[len - 3] ^= 0x20;
  g_autoptr(GBytes) bad = g_bytes_new_take(copy, len);
  g_assert_true(rt_state_split_task_snapshot(bad, &component, &state, &error));
  gust_state *back = new_state(f, "memory", 0, 1);
  g_assert_false(rt_state_restore(back, state, &error));
  g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT);
  g_assert_nonnull(strstr(error->message, "count (task 3)"));
  g_clear_error(&error);
  rt_state_free(back);
  g_bytes_unref(component);
  g_bytes_unref(state);
}

/* ---- a new number of tasks ---- */

static void rescale(fixture *f, const char *provider, int from, int to)
{
  enum { KEYS = 2000 };
  GError *error = NULL;
  gust_state **old = g_new0(gust_state *, from);
  for (int i = 0; i < from; i++)
    old[i] = new_state(f, provider, i, from);
  for (int64_t k = 0; k < KEYS; k++) {
    g_autofree char *word = g_strdup_printf("w%" G_GINT64_FORMAT, k);
    fc_value key = fc_str(word), v = fc_i64(k);
    int owner = fc_state_key_group_owner(fc_state_key_group(&key), from);
    g_assert_true(gust_state_value_put(old[owner], "counts", &key, &v, &error));
  }
  GBytes **parts = g_new0(GBytes *, from);
  for (int i = 0; i < from; i++) {
    g_autoptr(GBytes) bytes = task_snapshot(old[i], f->ckpt, i, "spout");
    GBytes *component;
    g_assert_true(rt_state_split_task_snapshot(bytes, &component, &parts[i], &error));
    g_bytes_unref(component);
    rt_state_free(old[i]);
  }
  int *found = g_new0(int, KEYS);
  for (int j = 0; j < to; j++) {
    gust_state *st = new_state(f, provider, j, to);
    g_assert_true(rt_state_restore_rescaled(st, parts, from, &error));
    g_assert_no_error(error);
    for (int64_t k = 0; k < KEYS; k++) {
      g_autofree char *word = g_strdup_printf("w%" G_GINT64_FORMAT, k);
      fc_value key = fc_str(word);
      const fc_value *v = gust_state_value_get(st, "counts", &key, &error);
      g_assert_no_error(error);
      if (!v) continue;
      g_assert_cmpint(v->u.i, ==, k);
      g_assert_cmpint(fc_state_key_group_owner(fc_state_key_group(&key), to), ==, j);
      found[k]++;
    }
    rt_state_free(st);
  }
  for (int k = 0; k < KEYS; k++)
    g_assert_cmpint(found[k], ==, 1);
  for (int i = 0; i < from; i++)
    if (parts[i]) g_bytes_unref(parts[i]);
  g_free(parts);
  g_free(found);
  g_free(old);
}

static void test_new_task_count_gets_every_key_once(fixture *f, gconstpointer data)
{
  rescale(f, data, 2, 3);
  rescale(f, data, 3, 2);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn, data) g_test_add(path, fixture, data, set_up, fn, tear_down)
  ADD("/state-api/conf/provider-comes-from-the-topology-conf",
      test_provider_comes_from_the_topology_conf, NULL);
  ADD("/state-api/conf/bad-provider-is-refused-naming-it", test_bad_provider_is_refused_naming_it,
      NULL);
  ADD("/state-api/conf/backend-that-cannot-open-fails-every-call",
      test_backend_that_cannot_open_fails_every_call, NULL);
  ADD("/state-api/context-hands-out-the-task-state", test_context_hands_out_the_task_state, NULL);
  ADD("/state-api/snapshot/unused-state-adds-nothing-and-old-bytes-still-split",
      test_unused_state_adds_nothing_and_old_bytes_still_split, NULL);
  static const char *providers[] = {"memory", "rocksdb"};
  for (size_t i = 0; i < G_N_ELEMENTS(providers); i++) {
    g_autofree char *p1 = g_strdup_printf("/state-api/%s/calls-work", providers[i]);
    g_autofree char *p2 = g_strdup_printf(
        "/state-api/%s/task-snapshot-carries-component-bytes-and-state", providers[i]);
    g_autofree char *p3 =
        g_strdup_printf("/state-api/%s/new-task-count-gets-every-key-once", providers[i]);
    ADD(p1, test_calls_work_on_both_backends, providers[i]);
    ADD(p2, test_task_snapshot_carries_component_bytes_and_state, providers[i]);
    ADD(p3, test_new_task_count_gets_every_key_once, providers[i]);
  }
  return g_test_run();
}
