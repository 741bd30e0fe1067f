/* fc_test_ops.c — see fc_test_ops.h. */
#include "fc_test_ops.h"

typedef struct {
  const seq_source_conf *conf;
  int64_t next;
} seq_state;

static gboolean seq_open(fc_task *t, void *data, void **state, GError **error)
{
  seq_state *s = g_new0(seq_state, 1);
  s->conf = data;
  *state = s;
  return TRUE;
}

static fc_produce_result seq_produce(fc_task *t, void *state, GError **error)
{
  seq_state *s = state;
  if (s->conf->n >= 0 && s->next >= s->conf->n) return FC_PRODUCE_END;
  if (s->conf->delay_us > 0) g_usleep(s->conf->delay_us);
  fc_value v = fc_i64(s->next++);
  fc_record rec = {
      .stream = s->conf->stream, .n_values = 1, .values = &v, .created_ns = fc_now_ns()};
  fc_task_emit(t, &rec, NULL, 0);
  return FC_PRODUCE_MORE;
}

static void free_state(fc_task *t, void *state)
{
  g_free(state);
}

const fc_operator seq_source_op = {.open = seq_open, .produce = seq_produce, .close = free_state};

static gboolean pass_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  fc_task_emit(t, rec, NULL, 0);
  return TRUE;
}

const fc_operator pass_op = {.process = pass_process};

record_sink *record_sink_new(int parallelism)
{
  record_sink *s = g_new0(record_sink, 1);
  s->n = parallelism;
  s->fail_on = -1;
  s->rows = g_new0(GArray *, parallelism);
  s->producers = g_new0(GArray *, parallelism);
  for (int i = 0; i < parallelism; i++) {
    s->rows[i] = g_array_new(FALSE, FALSE, sizeof(int64_t));
    s->producers[i] = g_array_new(FALSE, FALSE, sizeof(int32_t));
  }
  return s;
}

void record_sink_free(record_sink *s)
{
  for (int i = 0; i < s->n; i++) {
    g_array_free(s->rows[i], TRUE);
    g_array_free(s->producers[i], TRUE);
  }
  g_free(s->rows);
  g_free(s->producers);
  g_free(s);
}

uint64_t record_sink_total(const record_sink *s)
{
  uint64_t n = 0;
  for (int i = 0; i < s->n; i++)
    n += s->rows[i]->len;
  return n;
}

static gboolean sink_open(fc_task *t, void *data, void **state, GError **error)
{
  *state = data;
  return TRUE;
}

static gboolean sink_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  record_sink *s = state;
  int i = fc_task_subtask(t);
  int64_t v = rec->n_values ? rec->values[0].u.i : -1;
  if (s->fail_on >= 0 && v == s->fail_on) {
    g_set_error(error, g_quark_from_static_string("test"), 1, "refusing value %" G_GINT64_FORMAT,
                v);
    return FALSE;
  }
  if (s->delay_us > 0) g_usleep(s->delay_us);
  g_array_append_val(s->rows[i], v);
  int32_t p = rec->producer;
  g_array_append_val(s->producers[i], p);
  return TRUE;
}

const fc_operator record_sink_op = {.open = sink_open, .process = sink_process};

uint64_t first_value_key(const fc_record *rec, void *unused)
{
  return fc_value_hash(&rec->values[0]);
}
