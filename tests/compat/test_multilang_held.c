/* test_multilang_held.c — the table of tuples a multilang bolt's child
 * holds (ml_held.c): found by id while held, gone once removed, whatever
 * the order of settling; the ring grows, wraps around, and parks tuples
 * held while more than its largest span of later ids passed; walking and
 * emptying see every held tuple exactly once.  Checked against a plain
 * hash table driven by the same random operations.
 */
#include "compat_test.h"
#include "ml_private.h"

static gust_tuple view_with_tags(uint32_t n_tags, uint64_t seed)
{
  static uint64_t tags[8];
  for (uint32_t i = 0; i < n_tags; i++)
    tags[i] = seed * 31 + i;
  return (gust_tuple){.source_task = (int)(seed % 100), .n_tags = n_tags, .tags = tags};
}

static gboolean count_one(ml_held_tuple *e, void *data)
{
  GHashTable *seen = data;
  g_assert_false(g_hash_table_contains(seen, &e->id)); /* once each */
  g_hash_table_add(seen, g_memdup2(&e->id, sizeof e->id));
  return TRUE;
}

/* The table holds exactly the ids in model, each with its own tags. */
static void assert_same(ml_held *t, GHashTable *model, uint64_t max_id)
{
  g_assert_cmpuint(ml_held_count(t), ==, g_hash_table_size(model));
  GHashTable *seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  ml_held_foreach(t, count_one, seen);
  g_assert_cmpuint(g_hash_table_size(seen), ==, g_hash_table_size(model));
  g_hash_table_destroy(seen);
  for (uint64_t id = 1; id <= max_id; id++) {
    ml_held_tuple *e = ml_held_find(t, id);
    g_assert_true((e != NULL) == g_hash_table_contains(model, &id));
    if (e) {
      g_assert_cmpuint(e->id, ==, id);
      g_assert_cmpint(e->tuple.source_task, ==, (int)(id % 100));
      for (uint32_t i = 0; i < e->tuple.n_tags; i++)
        g_assert_cmpuint(e->tuple.tags[i], ==, id * 31 + i);
    }
  }
}

static void test_in_order_settling_keeps_the_ring_small(void)
{
  ml_held t;
  ml_held_init(&t);
  for (uint64_t id = 1; id <= 1000000; id++) {
    gust_tuple v = view_with_tags(id % 3, id);
    ml_held_add(&t, id, &v);
    if (id > 100) ml_held_remove(&t, ml_held_find(&t, id - 100));
  }
  g_assert_cmpuint(ml_held_count(&t), ==, 100);
  g_assert_cmpuint(t.capacity, ==, 1024); /* never grew */
  g_assert_null(t.parked);
  g_assert_null(ml_held_find(&t, 999900));
  g_assert_nonnull(ml_held_find(&t, 999901));
  ml_held_clear(&t);
}

static void test_a_tuple_held_for_long_is_parked_and_still_found(void)
{
  ml_held t;
  ml_held_init(&t);
  gust_tuple v = view_with_tags(2, 1);
  ml_held_add(&t, 1, &v); /* the child keeps this one */
  for (uint64_t id = 2; id <= 300000; id++) {
    v = view_with_tags(1, id);
    ml_held_add(&t, id, &v);
    ml_held_remove(&t, ml_held_find(&t, id));
  }
  g_assert_nonnull(t.parked); /* the ring stopped growing at its largest */
  g_assert_cmpuint(t.capacity, <=, 1 << 16);
  ml_held_tuple *e = ml_held_find(&t, 1);
  g_assert_nonnull(e);
  g_assert_cmpuint(e->tuple.tags[1], ==, 32);
  g_assert_null(ml_held_find(&t, 2));
  g_assert_cmpuint(ml_held_count(&t), ==, 1);
  ml_held_remove(&t, e);
  g_assert_cmpuint(ml_held_count(&t), ==, 0);
  g_assert_null(ml_held_find(&t, 1));
  ml_held_clear(&t);
}

static void test_random_settling_matches_a_hash_table(void)
{
  GRand *rand = g_rand_new_with_seed(20261122);
  ml_held t;
  ml_held_init(&t);
  GHashTable *model = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  GArray *held = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  uint64_t next = 1;
  for (int step = 0; step < 400000; step++) {
    int what = g_rand_int_range(rand, 0, 100);
    if (what < 52 || !held->len) {
      next += g_rand_int_range(rand, 0, 10) == 0 ? g_rand_int_range(rand, 1, 5) : 0; /* gaps */
      gust_tuple v = view_with_tags((uint32_t)(next % 7), next);
      ml_held_add(&t, next, &v);
      g_hash_table_add(model, g_memdup2(&next, sizeof next));
      g_array_append_val(held, next);
      next++;
    } else {
      /* mostly the oldest few, sometimes any: some tuples stay for long */
      guint i = what < 95 ? (guint)g_rand_int_range(rand, 0, (gint)MIN(held->len, 8))
                          : (guint)g_rand_int_range(rand, 0, (gint)held->len);
      uint64_t id = g_array_index(held, uint64_t, i);
      ml_held_tuple *e = ml_held_find(&t, id);
      g_assert_nonnull(e);
      ml_held_remove(&t, e);
      g_hash_table_remove(model, &id);
      g_array_remove_index(held, i);
    }
    if (step % 50000 == 0) assert_same(&t, model, next);
  }
  assert_same(&t, model, next);
  ml_held_remove_all(&t);
  g_hash_table_remove_all(model);
  assert_same(&t, model, next);
  /* and it goes on working after being emptied */
  gust_tuple v = view_with_tags(1, next);
  ml_held_add(&t, next, &v);
  g_assert_nonnull(ml_held_find(&t, next));
  ml_held_clear(&t);
  g_hash_table_destroy(model);
  g_array_free(held, TRUE);
  g_rand_free(rand);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/multilang/held/in_order_settling_keeps_the_ring_small",
                  test_in_order_settling_keeps_the_ring_small);
  g_test_add_func("/multilang/held/a_tuple_held_for_long_is_parked_and_still_found",
                  test_a_tuple_held_for_long_is_parked_and_still_found);
  g_test_add_func("/multilang/held/random_settling_matches_a_hash_table",
                  test_random_settling_matches_a_hash_table);
  return g_test_run();
}
