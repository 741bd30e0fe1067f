/* fuzz_state.c — the state snapshot readers: the portable entry format,
 * the file references, and the value codec.
 *
 * The first byte of an input chooses what the rest is:
 *   'v'  an encoded value (st_decode_value); what decodes must encode
 *        canonically, decode again and encode to the same bytes;
 *   'r'  the body of a file reference (after its magic): st_ref_read;
 *   else the body of an inline snapshot (after "GUSTSTM1"): restored into
 *        a memory backend, whole and as subtask 1 of 3 (rescaling); a
 *        restored state snapshots again, and restoring that snapshot must
 *        give the same entries (restoring is idempotent).
 * The 8-byte checksum the snapshot formats end with is appended by this
 * target, so the fuzzer reaches the parsers behind it.
 * Checks, besides memory safety: refusals are FC_STATE_ERROR_CORRUPT.
 */
#include "fuzz_support.h"

#include "state_private.h"

static GByteArray *with_magic_and_checksum(const char *magic, const uint8_t *data, size_t size)
{
  GByteArray *b = g_byte_array_new();
  g_byte_array_append(b, (const guint8 *)magic, ST_MAGIC_LEN);
  g_byte_array_append(b, data, (guint)size);
  uint64_t sum = st_hash_bytes(b->data, b->len);
  for (int i = 0; i < 8; i++, sum >>= 8) {
    uint8_t byte = (uint8_t)sum;
    g_byte_array_append(b, &byte, 1);
  }
  return b;
}

static void check_value(const uint8_t *data, size_t size)
{
  fc_arena arena;
  fc_arena_init(&arena, 0);
  const uint8_t *p = data;
  fc_value v;
  if (st_decode_value(&p, data + size, &arena, &v)) {
    g_assert_true(p <= data + size);
    GByteArray *once = g_byte_array_new(), *twice = g_byte_array_new();
    st_encode_value(once, &v, TRUE);
    const uint8_t *q = once->data;
    fc_value again;
    g_assert_true(st_decode_value(&q, once->data + once->len, &arena, &again));
    g_assert_true(q == once->data + once->len);
    st_encode_value(twice, &again, TRUE);
    g_assert_cmpmem(once->data, once->len, twice->data, twice->len);
    g_byte_array_unref(once);
    g_byte_array_unref(twice);
  }
  fc_arena_clear(&arena);
}

static void check_reference(const uint8_t *data, size_t size)
{
  GByteArray *b = with_magic_and_checksum(ST_MAGIC_FILE, data, size);
  st_ref ref;
  GError *error = NULL;
  if (st_ref_read(b->data, b->len, &ref, "fuzz", &error)) {
    g_assert_true(g_path_is_absolute(ref.dir));
    for (guint i = 0; i < ref.files->len; i++)
      g_assert_null(strchr(g_array_index(ref.files, st_file, i).name, '/'));
    st_ref_clear(&ref);
  } else {
    g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT);
    g_error_free(error);
  }
  g_byte_array_unref(b);
}

/* ---- snapshots ---- */

static gboolean collect_entry(const st_addr *a, const uint8_t *v, size_t v_len, void *data)
{
  GString *line = g_string_new(NULL);
  g_string_append_printf(line, "%u|", a->kg);
  g_string_append_len(line, (const char *)a->pk, (gssize)a->pk_len);
  g_string_append_printf(line, "|%zu|", a->pk_len);
  if (a->sk_len) g_string_append_len(line, (const char *)a->sk, (gssize)a->sk_len);
  g_string_append_printf(line, "|%zu|", a->sk_len);
  g_string_append_len(line, (const char *)v, (gssize)v_len);
  g_ptr_array_add(data, g_string_free(line, FALSE));
  return TRUE;
}

static int compare_lines(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A snapshot of st, and its entries as sorted lines. */
static GBytes *snapshot_of(fc_state *st, GPtrArray *entries)
{
  fc_snapshot *snap = fc_snapshot_new(NULL, 1, 0);
  GError *error = NULL;
  g_assert_true(fc_state_snapshot(st, snap, &error));
  GBytes *bytes = fc_snapshot_free_to_bytes(snap);
  gsize len;
  const uint8_t *p = g_bytes_get_data(bytes, &len);
  if (len > 0)
    g_assert_true(
        st_format_read(p, len, 0, FC_STATE_KEY_GROUPS - 1, collect_entry, entries, "fuzz", &error));
  g_ptr_array_sort(entries, compare_lines);
  return bytes;
}

static void assert_same_entries(GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpuint(a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr(a->pdata[i], ==, b->pdata[i]);
}

static void check_snapshot(const uint8_t *data, size_t size)
{
  GByteArray *b = with_magic_and_checksum(ST_MAGIC_INLINE, data, size);
  GBytes *bytes = g_byte_array_free_to_bytes(b);
  GError *error = NULL;
  fc_state_options whole = {.name = "fuzz"};
  fc_state *st = fc_state_restore(&whole, bytes, &error);
  if (!st) {
    g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT);
    g_clear_error(&error);
  } else {
    GPtrArray *first = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *second = g_ptr_array_new_with_free_func(g_free);
    GBytes *again = snapshot_of(st, first);
    fc_state *restored = fc_state_restore(&whole, again, &error);
    g_assert_no_error(error);
    g_bytes_unref(snapshot_of(restored, second));
    assert_same_entries(first, second);
    fc_state_free(restored);
    g_bytes_unref(again);
    g_ptr_array_unref(first);
    g_ptr_array_unref(second);
    fc_state_free(st);
  }

  fc_state_options part = {.name = "fuzz", .subtask = 1, .parallelism = 3};
  st = fc_state_restore_rescaled(&part, &bytes, 1, &error);
  if (st) {
    fc_state_free(st);
  } else {
    g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT);
    g_clear_error(&error);
  }
  g_bytes_unref(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > 0 && data[0] == 'v')
    check_value(data + 1, size - 1);
  else if (size > 0 && data[0] == 'r')
    check_reference(data + 1, size - 1);
  else
    check_snapshot(data + (size > 0), size - (size > 0));
  return 0;
}
