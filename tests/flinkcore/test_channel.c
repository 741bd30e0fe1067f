/* test_channel.c — the SPSC ring between two real threads keeps order and
 * loses nothing; a channel's pool always has a batch for the producer; the
 * arena reuses its memory after a reset; values copy deeply. */
#include <gust/flinkcore.h>

#include "channel.h"

#include <string.h>

enum { ITEMS = 200000 };

static gpointer ring_consumer(gpointer data)
{
  fc_ring *r = data;
  uintptr_t expect = 1;
  while (expect <= ITEMS) {
    void *p = fc_ring_pop(r);
    if (!p) {
      g_thread_yield();
      continue;
    }
    g_assert_cmpuint((uintptr_t)p, ==, expect);
    expect++;
  }
  return NULL;
}

static void test_ring_keeps_order_across_threads(void)
{
  fc_ring r;
  fc_ring_init(&r, 5); /* rounds to 8 */
  g_assert_cmpuint(fc_ring_capacity(&r), ==, 8);
  GThread *th = g_thread_new("consumer", ring_consumer, &r);
  for (uintptr_t i = 1; i <= ITEMS; i++)
    while (!fc_ring_push(&r, (void *)i))
      g_thread_yield();
  g_thread_join(th);
  g_assert_null(fc_ring_pop(&r));
  fc_ring_clear(&r);
}

static void test_ring_refuses_past_capacity(void)
{
  fc_ring r;
  fc_ring_init(&r, 4);
  for (uintptr_t i = 1; i <= 4; i++)
    g_assert_true(fc_ring_push(&r, (void *)i));
  g_assert_false(fc_ring_push(&r, (void *)5));
  g_assert_cmpuint(fc_ring_size(&r), ==, 4);
  g_assert_cmpuint((uintptr_t)fc_ring_pop(&r), ==, 1);
  g_assert_true(fc_ring_push(&r, (void *)5));
  fc_ring_clear(&r);
}

static void test_channel_pool_always_has_a_batch_after_a_send(void)
{
  fc_channel *ch = fc_channel_new(4, 2);
  fc_value v = fc_i64(1);
  fc_record rec = {.n_values = 1, .values = &v};
  int sent = 0;
  for (;;) {
    fc_batch_append(ch->filling, &rec, 0);
    fc_batch_append(ch->filling, &rec, 0);
    if (!fc_channel_send(ch)) break;
    g_assert_nonnull(ch->filling);
    sent++;
  }
  g_assert_cmpint(sent, ==, 4); /* the ring's capacity */
  /* Consumer takes one and gives it back: the producer can send again. */
  fc_batch *b = fc_ring_pop(&ch->full);
  g_assert_cmpuint(b->n, ==, 2);
  fc_batch_reset(b);
  fc_ring_push(&ch->empty, b);
  g_assert_true(fc_channel_send(ch));
  fc_channel_free(ch);
}

static void test_arena_reuses_memory_after_reset(void)
{
  fc_arena a;
  fc_arena_init(&a, 1024);
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 100; i++)
      fc_arena_alloc(&a, 100);
    if (round == 0) g_assert_cmpuint(a.bytes_reserved, >=, 100 * 100);
    size_t reserved = a.bytes_reserved;
    fc_arena_reset(&a);
    if (round > 0) g_assert_cmpuint(a.bytes_reserved, ==, reserved);
  }
  void *big = fc_arena_alloc(&a, 10000); /* bigger than a chunk */
  memset(big, 1, 10000);
  fc_arena_clear(&a);
}

static void test_values_copy_deeply_and_compare(void)
{
  char word[] = "hello";
  fc_value items[3] = {fc_str(word), fc_f64(2.5), fc_null()};
  fc_value kv[2] = {fc_str("k"), fc_list(items, 3)};
  fc_value m = fc_map(kv, 1);
  fc_arena a;
  fc_arena_init(&a, 0);
  fc_value copy = fc_value_copy(&a, &m);
  word[0] = 'j'; /* the copy must not see this */
  g_autoptr(GString) text = g_string_new(NULL);
  fc_value_append_text(&copy, text);
  g_assert_cmpstr(text->str, ==, "{\"k\":[\"hello\",2.5,null]}");
  g_assert_false(fc_value_equal(&copy, &m));
  word[0] = 'h';
  g_assert_true(fc_value_equal(&copy, &m));
  g_assert_cmpuint(fc_value_hash(&copy), ==, fc_value_hash(&m));
  fc_value one_i = fc_i64(1), one_f = fc_f64(1.0);
  g_assert_false(fc_value_equal(&one_i, &one_f));
  fc_arena_clear(&a);
}

/* Keyed state files each key under a key group derived from its value's
 * hash, so a string's hash must never change between versions (a
 * checkpoint written by one must restore under the next).  Known answers,
 * for every length up to 20 and three starting offsets. */
static void test_string_hashes_never_change(void)
{
  const char *text = "gust: keyed state stays put across versions";
  uint64_t combined = 0;
  for (uint32_t n = 0; n <= 20; n++)
    for (uint32_t off = 0; off < 3; off++) {
      fc_value v = fc_str_len(text + off, n);
      combined = combined * 31 + fc_value_hash(&v);
    }
  g_assert_cmphex(combined, ==, 0xa9a0f9812cce3705ULL);
  fc_value empty = fc_str_len(text, 0), seven = fc_str_len(text, 7), eight = fc_str_len(text, 8);
  g_assert_cmphex(fc_value_hash(&empty), ==, 0xe7ff9472093d02b5ULL);
  g_assert_cmphex(fc_value_hash(&seven), ==, 0x6e0220eb3bbb4db1ULL);
  g_assert_cmphex(fc_value_hash(&eight), ==, 0x67bcd54603cd81a0ULL);
}

/* Strings of every short length copy exactly, NUL-terminated, alone in a
 * record or among other values. */
static void test_strings_of_every_length_copy_exactly(void)
{
  char text[48];
  for (size_t i = 0; i < sizeof text; i++)
    text[i] = (char)('a' + i % 26);
  fc_arena a;
  fc_arena_init(&a, 0);
  for (uint32_t n = 0; n <= 40; n++) {
    fc_value one = fc_str_len(text + 3, n);
    fc_value several[2] = {fc_i64(n), fc_str_len(text + 1, n)};
    fc_value *copy = fc_values_copy(&a, &one, 1);
    fc_value *copies = fc_values_copy(&a, several, 2);
    g_assert_true(fc_value_equal(copy, &one));
    g_assert_true(fc_value_equal(&copies[1], &several[1]));
    g_assert_true(copy->u.str != one.u.str);
    g_assert_cmpint(copy->u.str[n], ==, '\0');
    g_assert_cmpint(copies[1].u.str[n], ==, '\0');
    g_assert_cmpmem(copy->u.str, n, text + 3, n);
  }
  fc_arena_clear(&a);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/channel/ring_keeps_order_across_threads", test_ring_keeps_order_across_threads);
  g_test_add_func("/channel/ring_refuses_past_capacity", test_ring_refuses_past_capacity);
  g_test_add_func("/channel/pool_always_has_a_batch_after_a_send",
                  test_channel_pool_always_has_a_batch_after_a_send);
  g_test_add_func("/channel/arena_reuses_memory_after_reset", test_arena_reuses_memory_after_reset);
  g_test_add_func("/channel/values_copy_deeply_and_compare", test_values_copy_deeply_and_compare);
  g_test_add_func("/channel/string_hashes_never_change", test_string_hashes_never_change);
  g_test_add_func("/channel/strings_of_every_length_copy_exactly",
                  test_strings_of_every_length_copy_exactly);
  return g_test_run();
}
