/* validate_compare.h — comparing what a sink received on the legacy side
 * with what it received on the new side, as streams are compared.
 *
 * Multiset mode (the default): per key, the values of each side are counted.
 * A value the legacy side has and the new side lacks is LOST, one the new
 * side has and the legacy side lacks is EXTRA; when a key has both, they
 * are paired as CHANGED.  A value on both sides with more copies on one
 * side is a DUPLICATE (at-least-once delivery allows it; never a loss).
 * Final mode (--final): per key, the last value of each side, equal within
 * the numeric tolerance when both are numbers (the last count per word).
 * Ordered (--ordered): per key, the sequence of first occurrences must be
 * the same on both sides; an ORDER difference otherwise.
 *
 * Verdict: IDENTICAL (no difference at all), EQUIVALENT (duplicates only:
 * the same under at-least-once), DIFFERENT.  Pure computation on the
 * caller's thread; the result owns its strings.
 */
#ifndef GUST_VALIDATE_COMPARE_H
#define GUST_VALIDATE_COMPARE_H

#include "validate_records.h"

G_BEGIN_DECLS

typedef enum {
  GUST_VALIDATE_LOST,
  GUST_VALIDATE_CHANGED,
  GUST_VALIDATE_EXTRA,
  GUST_VALIDATE_DUPLICATE,
  GUST_VALIDATE_ORDER,
} gust_validate_kind;

const char *gust_validate_kind_name(gust_validate_kind kind);

typedef struct {
  gust_validate_kind kind;
  char *key;
  char *legacy_value, *new_value; /* NULL where that side has none */
  guint64 legacy_count, new_count;
} gust_validate_difference;

typedef enum {
  GUST_VALIDATE_IDENTICAL,
  GUST_VALIDATE_EQUIVALENT,
  GUST_VALIDATE_DIFFERENT,
} gust_validate_verdict;

typedef struct {
  gboolean final_values; /* compare the last value per key */
  double tolerance;      /* final mode: |a - b| <= tolerance for numbers */
  gboolean ordered;      /* check per-key order */
  guint max_shown;       /* differences kept per sink and kind (the first, by key) */
} gust_validate_options;

typedef struct {
  char *sink;
  char *legacy_source, *new_source;
  guint64 legacy_records, new_records, keys;
  guint64 counts[GUST_VALIDATE_ORDER + 1]; /* records (keys for ORDER) per kind */
  GPtrArray *shown; /* of gust_validate_difference, sorted by kind, then key */
  guint shown_per_kind[GUST_VALIDATE_ORDER + 1];
  gust_validate_verdict verdict;
} gust_validate_sink_result;

void gust_validate_sink_result_free(gust_validate_sink_result *result);

/* Compares the two sides of sink.  Can't fail. */
gust_validate_sink_result *gust_validate_compare(const char *sink,
                                                 const gust_validate_recordset *legacy,
                                                 const gust_validate_recordset *new_side,
                                                 const gust_validate_options *opts);

/* One line: "counts: DIFFERENT — 3 lost (keys a, b, c), 1 changed ..." ;
 * caller frees. */
char *gust_validate_sink_summary(const gust_validate_sink_result *result);

G_END_DECLS

#endif
