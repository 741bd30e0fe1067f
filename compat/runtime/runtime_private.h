/* runtime_private.h — the translated topology, shared by the runtime's
 * files (runtime.c builds it; the hosts, collectors and ackers read it).
 *
 * After gust_runtime_new() everything here is read-only except the
 * per-component statistics (atomics, written by the component's tasks)
 * and the job.  Engine task ids are Storm task ids minus one: user
 * components come first, in sorted id order, then the acker tasks.
 *
 * Tracking tags on records (acker mode): pairs (root id, edge id), the
 * tuple's anchorsToIds map of Storm.
 */
#ifndef GUST_RUNTIME_PRIVATE_H
#define GUST_RUNTIME_PRIVATE_H

#include <gust/flinkcore.h>
#include <gust/runtime.h>
#include <gust/storm.h>
#include <stdatomic.h>

typedef enum {
  RELIABILITY_NONE,       /* acker mode with 0 ackers: ack at emit */
  RELIABILITY_ACKER,      /* XOR tracking in acker tasks */
  RELIABILITY_CHECKPOINT, /* acks follow checkpoints */
} reliability_mode;

typedef struct rt_component rt_component;

typedef struct {
  uint32_t id;            /* the record's stream number */
  rt_component *comp;     /* emitter; NULL for system streams */
  char *name;
  char **fields;          /* NULL-terminated */
  guint n_fields;
  bool direct;
} rt_stream;

struct rt_component {
  gust_runtime *rt;
  gust_component *model;
  const char *id;
  bool is_spout;
  int n_tasks;
  int vertex;
  int first_task;              /* engine id of task index 0 */
  int *storm_task_ids;         /* n_tasks, sorted */
  const gust_component_def *def;
  json_t *conf;                /* topology conf overlaid with the component's */
  int tick_secs;               /* 0 = no ticks */
  int64_t max_pending;         /* spouts: 0 = unlimited */
  GHashTable *streams;         /* name -> rt_stream* (owned by rt->streams) */
  _Atomic uint64_t emitted, acked, failed, executed, errors;
  _Atomic uint64_t latency_ns, latency_count;
};

struct gust_runtime {
  gust_topology *topology;
  json_t *conf;
  char *base_dir;
  gust_native_lookup native_lookup;
  void *native_lookup_data;
  rt_component *comps;
  guint n_comps;
  GPtrArray *streams;          /* rt_stream*, index = id */
  const rt_stream *tick_stream; /* __system / __tick */
  GHashTable *comp_by_id;      /* id -> rt_component* */
  reliability_mode reliability;
  int n_ackers;
  int acker_vertex, acker_first_task;
  uint32_t ack_stream;         /* spout/bolt -> acker: [kind, root, value, spout task] */
  int64_t timeout_ns;          /* topology.message.timeout.secs */
  int n_tasks;                 /* engine tasks, ackers included */
  rt_component **comp_of_task; /* engine task -> component (NULL for ackers) */
  GPtrArray *libraries;        /* GModule* of native components */
  GPtrArray *key_data;         /* fields-grouping key data */
  fc_job *job;
  gboolean started;
};

/* kinds on the ack stream */
enum { ACK_INIT = 1, ACK_ACK = 2, ACK_FAIL = 3 };
/* mailbox kinds: acker -> spout (ptr: GArray of spout_ack) */
enum { MSG_SPOUT_ACKS = 1, MSG_SPOUT_DEACTIVATE = 2 };
typedef struct {
  uint64_t root;
  bool failed;
} spout_ack;

/* components (component_resolve.c) */
gboolean rt_resolve_component(gust_runtime *rt, rt_component *c, GError **error);

/* engine operators (bolt_host.c, spout_host.c, acker.c) */
extern const fc_operator rt_bolt_operator;
extern const fc_operator rt_spout_operator;
extern const fc_operator rt_acker_operator;

/* the collector and tuple view the hosts hand to components (collector.c) */
struct gust_tuple {
  const rt_stream *stream;
  int source_task;             /* Storm task id, -1 for ticks */
  uint32_t n_values;
  const fc_value *values;
  uint32_t n_tags;             /* 2 * number of roots */
  const uint64_t *tags;
  uint64_t ack_val;            /* XOR of the edge ids of tuples anchored to this one */
  bool owned;                  /* a gust_tuple_copy(): values and tags are heap copies */
  fc_arena arena;              /* owned copies live here */
};

struct gust_collector {
  gust_runtime *rt;
  rt_component *comp;
  fc_task *task;
  uint64_t rng;                /* edge and root ids */
  fc_route *routes;            /* room for fc_task_max_routes() */
  size_t max_routes;
  /* spouts */
  GHashTable *pending;         /* root -> pending_msg* (reliable emits in flight) */
  GArray *ack_now;             /* NONE mode: roots to ack after next_tuple */
  uint64_t emitted_now;        /* tuples emitted during the current callback */
};

typedef struct {
  uint64_t root;
  fc_value msg_id;             /* heap copy: rt_value_free_heap */
  int64_t emitted_ns;
} pending_msg;

void rt_collector_init(gust_collector *c, gust_runtime *rt, rt_component *comp, fc_task *task);
void rt_collector_clear(gust_collector *c);
uint64_t rt_next_id(gust_collector *c); /* nonzero random 64-bit */
const rt_stream *rt_stream_of(const rt_component *comp, const char *name); /* NULL: unknown */

/* heap copies of values, for message ids kept across callbacks */
fc_value rt_value_dup_heap(const fc_value *v);
void rt_value_free_heap(fc_value *v);

int rt_storm_task(const gust_runtime *rt, int engine_task);

#endif
