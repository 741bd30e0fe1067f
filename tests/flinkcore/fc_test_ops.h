/* fc_test_ops.h — small operators the engine tests share: a counting
 * source, a pass-through map, a recording sink.
 *
 * The sink records, per receiving subtask, every value it got and from
 * which producer, in a table the test reads after the job: each subtask
 * writes only its own row, so no locking is needed while the job runs.
 */
#ifndef GUST_FC_TEST_OPS_H
#define GUST_FC_TEST_OPS_H

#include <gust/flinkcore.h>

/* Source: each subtask emits n records with values [i64 i] for i in 0..n-1
 * (n < 0: forever), on `stream`; sleeps `delay_us` before each when > 0. */
typedef struct {
  int64_t n;
  uint32_t stream;
  int delay_us;
} seq_source_conf;
extern const fc_operator seq_source_op;

/* Pass-through: emits what it receives. */
extern const fc_operator pass_op;

/* Sink: appends to rows[subtask] (GArray of int64 values) and
 * producers[subtask] (GArray of int32 producer task ids); sleeps
 * `delay_us` per record when > 0; fails when it sees value fail_on
 * (if fail_on >= 0). */
typedef struct {
  GArray **rows;
  GArray **producers;
  int n;
  int delay_us;
  int64_t fail_on;
} record_sink;
record_sink *record_sink_new(int parallelism);
void record_sink_free(record_sink *s);
uint64_t record_sink_total(const record_sink *s);
extern const fc_operator record_sink_op;

/* Key function for hash edges: the first value's i64. */
uint64_t first_value_key(const fc_record *rec, void *unused);

#endif
