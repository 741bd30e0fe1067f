/* kafka_spout_def.c — org.apache.storm.kafka.spout.KafkaSpout as a
 * built-in component: the gust_component_def the runtime calls, on the
 * spout task's thread, wrapped around gust_kafka_spout (kafka_spout.c).
 * The configuration comes from the component conf the topology model
 * wrote (compat/model/kafka_spout_class.c); the output stream is declared
 * by the model too.
 */
#include "kafka_builtins.h"
#include "kafka_spout.h"

static void emit_to_collector(void *target, const fc_value *values, size_t n_values,
                              const fc_value *msg_id)
{
  gust_spout_emit(target, NULL, values, n_values, msg_id, NULL, 0);
}

static gboolean spout_open(const gust_context *ctx, void **state, GError **error)
{
  size_t n_tasks = 0, restored_len = 0;
  gust_context_component_tasks(ctx, gust_context_component_id(ctx), &n_tasks);
  gust_kafka_spout_params params = {
      .conf = gust_context_conf(ctx),
      .topology_name = gust_context_topology_name(ctx),
      .component_id = gust_context_component_id(ctx),
      .task_id = gust_context_task_id(ctx),
      .task_index = gust_context_task_index(ctx),
      .n_tasks = (int)MAX(n_tasks, 1),
  };
  params.restored = gust_context_restored_state(ctx, &restored_len);
  params.restored_len = restored_len;
  *state = gust_kafka_spout_new(&params, error);
  return *state != NULL;
}

static gboolean spout_next(void *state, gust_collector *out, GError **error)
{
  gust_kafka_spout_next(state, emit_to_collector, out);
  return TRUE;
}

static void spout_ack(void *state, gust_collector *out, const fc_value *msg_id)
{
  gust_kafka_spout_ack(state, msg_id);
}

static void spout_fail(void *state, gust_collector *out, const fc_value *msg_id)
{
  gust_kafka_spout_fail(state, msg_id);
}

static void spout_deactivate(void *state)
{
  gust_kafka_spout_commit_now(state);
}

static void spout_close(void *state)
{
  gust_kafka_spout_free(state);
}

static gboolean spout_snapshot(void *state, uint64_t checkpoint_id, GByteArray *out, GError **error)
{
  return gust_kafka_spout_snapshot(state, checkpoint_id, out, error);
}

static void spout_checkpoint_complete(void *state, gust_collector *out, uint64_t checkpoint_id)
{
  gust_kafka_spout_checkpoint_complete(state, checkpoint_id);
}

const gust_component_def gust_kafka_spout_def = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_SPOUT,
    .open = spout_open,
    .next_tuple = spout_next,
    .ack = spout_ack,
    .fail = spout_fail,
    .deactivate = spout_deactivate,
    .close = spout_close,
    .snapshot = spout_snapshot,
    .checkpoint_complete = spout_checkpoint_complete,
};
