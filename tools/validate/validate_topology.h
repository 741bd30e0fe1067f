/* validate_topology.h — what `gust validate` needs to know about and change
 * in a topology's Kafka components: the topics its KafkaSpouts read and its
 * KafkaBolts write, and the redirection of a validation run (another
 * broker, its own consumer group, output topics with a suffix, Storm's
 * acker or gust's checkpoint reliability).  Works on the normalized Kafka
 * conf the topology model writes (GUST_KAFKA_SPOUT_CONF, GUST_KAFKA_BOLT_CONF);
 * caller's thread.
 */
#ifndef GUST_VALIDATE_TOPOLOGY_H
#define GUST_VALIDATE_TOPOLOGY_H

#include <gust/topology.h>

G_BEGIN_DECLS

/* The Kafka ends of a topology: topic names (char *), deduplicated, and
 * the bootstrap servers of the first spout and bolt. */
typedef struct {
  GPtrArray *input_topics, *output_topics;
  char *input_bootstrap, *output_bootstrap;
} gust_validate_kafka_ends;

void gust_validate_kafka_ends_free(gust_validate_kafka_ends *ends);

/* The Kafka ends of topology; NULL + GUST_VALIDATE_ERROR_UNUSABLE with a
 * sentence when the topology has no KafkaSpout (validate feeds the input
 * through one), no KafkaBolt (nothing to compare), a spout reading a topic
 * pattern, or a bolt choosing its topic per tuple. */
gust_validate_kafka_ends *gust_validate_kafka_ends_of(const gust_topology *topology,
                                                      const char *file, GError **error);

typedef struct {
  const char *bootstrap;    /* NULL: keep the topology's */
  const char *group;        /* every KafkaSpout's consumer group */
  const char *topic_suffix; /* appended to every KafkaBolt's topic */
  const char *reliability;  /* topology.gust.reliability; NULL: keep */
  int commit_period_ms;     /* the spouts' offset.commit.period.ms; 0: keep */
} gust_validate_redirect;

/* Applies redirect to topology (its spouts start from the group's committed
 * offsets, else the earliest).  Can't fail once kafka_ends_of() passed. */
void gust_validate_redirect_topology(gust_topology *topology, const gust_validate_redirect *r);

G_END_DECLS

#endif
