/* fc_record.h — one record as it travels the engine.
 *
 * A record is a stream id, a row of values, an optional list of opaque
 * 64-bit tags and a creation timestamp.  The engine routes on the stream id
 * and on whatever the edge's key function reads; it never interprets tags:
 * they are the layer above's (for example lineage ids for tracking).
 *
 * Records handed to an operator live in the batch that carried them and are
 * valid only during the callback.  Records given to fc_task_emit*() are
 * copied, so the caller may build them on the stack or in scratch memory.
 */
#ifndef GUST_FC_RECORD_H
#define GUST_FC_RECORD_H

#include <gust/fc_value.h>

G_BEGIN_DECLS

typedef struct {
  uint32_t stream; /* stream id; meaning is the layer above's */
  uint32_t n_values;
  const fc_value *values;
  uint32_t n_tags;
  const uint64_t *tags;
  int64_t created_ns; /* monotonic time the first record of its chain was made; 0 = unknown */
  int32_t producer;   /* global task id of the emitter; set by the engine on emit */
} fc_record;

G_END_DECLS

#endif
