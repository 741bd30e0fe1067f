/* validate_compare.c — the multiset, final-value and order comparisons of
 * validate_compare.h.  Builds one table per side, key -> values in read
 * order, then walks the union of keys in sorted order so that the
 * differences shown are the same from run to run.
 */
#include "validate_compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *gust_validate_kind_name(gust_validate_kind kind)
{
  static const char *const names[] = {"lost", "changed", "extra", "duplicate", "order"};
  return names[kind];
}

static void difference_free(gpointer p)
{
  gust_validate_difference *d = p;
  g_free(d->key);
  g_free(d->legacy_value);
  g_free(d->new_value);
  g_free(d);
}

void gust_validate_sink_result_free(gust_validate_sink_result *result)
{
  if (!result) return;
  g_free(result->sink);
  g_free(result->legacy_source);
  g_free(result->new_source);
  g_ptr_array_unref(result->shown);
  g_free(result);
}

/* g_ptr_array_sort's comparator for arrays of strings. */
static int compare_strings(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of a table of strings, sorted; borrowed. */
static GPtrArray *sorted_keys(GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_sized_new(g_hash_table_size(table));
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, table);
  while (g_hash_table_iter_next(&it, &k, NULL))
    g_ptr_array_add(keys, k);
  g_ptr_array_sort(keys, compare_strings);
  return keys;
}

/* key -> GPtrArray of borrowed value strings, in read order. */
static GHashTable *by_key(const gust_validate_recordset *set)
{
  GHashTable *keys =
      g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  for (guint i = 0; i < set->records->len; i++) {
    gust_validate_record *r = g_ptr_array_index(set->records, i);
    GPtrArray *values = g_hash_table_lookup(keys, r->key);
    if (!values) g_hash_table_insert(keys, r->key, values = g_ptr_array_new());
    g_ptr_array_add(values, r->value);
  }
  return keys;
}

static void note(gust_validate_sink_result *res, const gust_validate_options *opts,
                 gust_validate_kind kind, const char *key, const char *legacy_value,
                 const char *new_value, guint64 legacy_count, guint64 new_count, guint64 weight)
{
  res->counts[kind] += weight;
  if (res->shown_per_kind[kind]++ >= opts->max_shown) return;
  gust_validate_difference *d = g_new(gust_validate_difference, 1);
  *d = (gust_validate_difference){
      kind, g_strdup(key), g_strdup(legacy_value), g_strdup(new_value), legacy_count, new_count};
  g_ptr_array_add(res->shown, d);
}

/* value -> count of one side's values of a key. */
static GHashTable *counted(GPtrArray *values)
{
  GHashTable *counts = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; values && i < values->len; i++) {
    gpointer v = g_ptr_array_index(values, i);
    g_hash_table_insert(counts, v,
                        GSIZE_TO_POINTER(GPOINTER_TO_SIZE(g_hash_table_lookup(counts, v)) + 1));
  }
  return counts;
}

/* The values of a that b lacks, sorted; each with its count in a. */
static GPtrArray *lacking(GHashTable *a, GHashTable *b)
{
  GPtrArray *out = g_ptr_array_new();
  GHashTableIter it;
  gpointer v, n;
  g_hash_table_iter_init(&it, a);
  while (g_hash_table_iter_next(&it, &v, &n))
    if (!g_hash_table_contains(b, v)) g_ptr_array_add(out, v);
  g_ptr_array_sort(out, compare_strings);
  return out;
}

static guint64 count_of(GHashTable *counts, gconstpointer v)
{
  return GPOINTER_TO_SIZE(g_hash_table_lookup(counts, v));
}

static void compare_multiset(gust_validate_sink_result *res, const gust_validate_options *opts,
                             const char *key, GPtrArray *lv, GPtrArray *nv)
{
  g_autoptr(GHashTable) lc = counted(lv), nc = counted(nv);
  g_autoptr(GPtrArray) missing = lacking(lc, nc), unexpected = lacking(nc, lc);
  guint paired = MIN(missing->len, unexpected->len);
  for (guint i = 0; i < paired; i++) {
    const char *l = g_ptr_array_index(missing, i), *n = g_ptr_array_index(unexpected, i);
    note(res, opts, GUST_VALIDATE_CHANGED, key, l, n, count_of(lc, l), count_of(nc, n),
         count_of(lc, l));
  }
  for (guint i = paired; i < missing->len; i++) {
    const char *l = g_ptr_array_index(missing, i);
    note(res, opts, GUST_VALIDATE_LOST, key, l, NULL, count_of(lc, l), 0, count_of(lc, l));
  }
  for (guint i = paired; i < unexpected->len; i++) {
    const char *n = g_ptr_array_index(unexpected, i);
    note(res, opts, GUST_VALIDATE_EXTRA, key, NULL, n, 0, count_of(nc, n), count_of(nc, n));
  }
  g_autoptr(GPtrArray) both = sorted_keys(lc);
  for (guint i = 0; i < both->len; i++) {
    const char *v = g_ptr_array_index(both, i);
    guint64 l = count_of(lc, v), n = count_of(nc, v);
    if (n && l != n)
      note(res, opts, GUST_VALIDATE_DUPLICATE, key, v, v, l, n, l > n ? l - n : n - l);
  }
}

static gboolean numbers_close(const char *a, const char *b, double tolerance)
{
  char *end_a, *end_b;
  double x = g_ascii_strtod(a, &end_a), y = g_ascii_strtod(b, &end_b);
  if (end_a == a || *end_a || end_b == b || *end_b) return FALSE;
  return fabs(x - y) <= tolerance;
}

static void compare_final(gust_validate_sink_result *res, const gust_validate_options *opts,
                          const char *key, GPtrArray *lv, GPtrArray *nv)
{
  const char *l = lv ? g_ptr_array_index(lv, lv->len - 1) : NULL;
  const char *n = nv ? g_ptr_array_index(nv, nv->len - 1) : NULL;
  if (!n)
    note(res, opts, GUST_VALIDATE_LOST, key, l, NULL, 1, 0, 1);
  else if (!l)
    note(res, opts, GUST_VALIDATE_EXTRA, key, NULL, n, 0, 1, 1);
  else if (strcmp(l, n) && !numbers_close(l, n, opts->tolerance))
    note(res, opts, GUST_VALIDATE_CHANGED, key, l, n, 1, 1, 1);
}

/* Values in order of first occurrence. */
static GPtrArray *first_occurrences(GPtrArray *values)
{
  GPtrArray *out = g_ptr_array_new();
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; values && i < values->len; i++)
    if (g_hash_table_add(seen, g_ptr_array_index(values, i)))
      g_ptr_array_add(out, g_ptr_array_index(values, i));
  return out;
}

static void compare_order(gust_validate_sink_result *res, const gust_validate_options *opts,
                          const char *key, GPtrArray *lv, GPtrArray *nv)
{
  g_autoptr(GPtrArray) l = first_occurrences(lv), n = first_occurrences(nv);
  for (guint i = 0; i < MIN(l->len, n->len); i++)
    if (strcmp(g_ptr_array_index(l, i), g_ptr_array_index(n, i))) {
      note(res, opts, GUST_VALIDATE_ORDER, key, g_ptr_array_index(l, i), g_ptr_array_index(n, i),
           i + 1, i + 1, 1);
      return;
    }
}

static int by_kind_then_key(gconstpointer a, gconstpointer b)
{
  const gust_validate_difference *x = *(gust_validate_difference *const *)a;
  const gust_validate_difference *y = *(gust_validate_difference *const *)b;
  return x->kind != y->kind ? (int)x->kind - (int)y->kind : strcmp(x->key, y->key);
}

gust_validate_sink_result *gust_validate_compare(const char *sink,
                                                 const gust_validate_recordset *legacy,
                                                 const gust_validate_recordset *new_side,
                                                 const gust_validate_options *opts)
{
  gust_validate_sink_result *res = g_new0(gust_validate_sink_result, 1);
  res->sink = g_strdup(sink);
  res->legacy_source = g_strdup(legacy->source);
  res->new_source = g_strdup(new_side->source);
  res->legacy_records = legacy->records->len;
  res->new_records = new_side->records->len;
  res->shown = g_ptr_array_new_with_free_func(difference_free);
  g_autoptr(GHashTable) lk = by_key(legacy), nk = by_key(new_side);
  g_autoptr(GHashTable) all = g_hash_table_new(g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, lk);
  while (g_hash_table_iter_next(&it, &k, NULL))
    g_hash_table_add(all, k);
  g_hash_table_iter_init(&it, nk);
  while (g_hash_table_iter_next(&it, &k, NULL))
    g_hash_table_add(all, k);
  g_autoptr(GPtrArray) keys = sorted_keys(all);
  res->keys = keys->len;
  for (guint i = 0; i < keys->len; i++) {
    const char *key = g_ptr_array_index(keys, i);
    GPtrArray *lv = g_hash_table_lookup(lk, key), *nv = g_hash_table_lookup(nk, key);
    if (opts->final_values)
      compare_final(res, opts, key, lv, nv);
    else
      compare_multiset(res, opts, key, lv, nv);
    if (opts->ordered && lv && nv) compare_order(res, opts, key, lv, nv);
  }
  g_ptr_array_sort(res->shown, by_kind_then_key);
  if (res->counts[GUST_VALIDATE_LOST] || res->counts[GUST_VALIDATE_CHANGED] ||
      res->counts[GUST_VALIDATE_EXTRA] || res->counts[GUST_VALIDATE_ORDER])
    res->verdict = GUST_VALIDATE_DIFFERENT;
  else
    res->verdict =
        res->counts[GUST_VALIDATE_DUPLICATE] ? GUST_VALIDATE_EQUIVALENT : GUST_VALIDATE_IDENTICAL;
  return res;
}

/* "kind N (keys a, b, c)" for each kind that occurred. */
static void append_kind(GString *line, const gust_validate_sink_result *res,
                        gust_validate_kind kind)
{
  if (!res->counts[kind]) return;
  g_string_append_printf(line, "%s%" G_GUINT64_FORMAT " %s", line->len ? ", " : "",
                         res->counts[kind], gust_validate_kind_name(kind));
  guint shown = 0;
  for (guint i = 0; i < res->shown->len && shown < 5; i++) {
    gust_validate_difference *d = g_ptr_array_index(res->shown, i);
    if (d->kind != kind) continue;
    g_string_append_printf(line, "%s%s", shown++ ? ", " : " (keys ", d->key);
  }
  if (shown) g_string_append(line, shown < 5 ? ")" : ", ...)");
}

char *gust_validate_sink_summary(const gust_validate_sink_result *res)
{
  g_autoptr(GString) details = g_string_new(NULL);
  for (int k = GUST_VALIDATE_LOST; k <= GUST_VALIDATE_ORDER; k++)
    append_kind(details, res, k);
  const char *verdict = res->verdict == GUST_VALIDATE_IDENTICAL    ? "IDENTICAL"
                        : res->verdict == GUST_VALIDATE_EQUIVALENT ? "EQUIVALENT"
                                                                   : "DIFFERENT";
  const char *gloss = res->verdict == GUST_VALIDATE_EQUIVALENT
                          ? " (duplicates only: equivalent under at-least-once)"
                          : "";
  return g_strdup_printf("%s: %s%s — legacy %" G_GUINT64_FORMAT " records, new %" G_GUINT64_FORMAT
                         " records, %" G_GUINT64_FORMAT " keys%s%s",
                         res->sink, verdict, gloss, res->legacy_records, res->new_records,
                         res->keys, details->len ? "; " : "", details->str);
}
