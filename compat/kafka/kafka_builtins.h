/* kafka_builtins.h — the Kafka spout and bolt as built-in components: the
 * runtime hooks of the KafkaSpout and KafkaBolt rows of the registry of
 * built-in classes (<gust/builtin_class.h>), which name these symbols in
 * compat/model/kafka_spout_class.c and kafka_bolt_class.c. */
#ifndef GUST_KAFKA_BUILTINS_H
#define GUST_KAFKA_BUILTINS_H

#include <gust/storm.h>

extern const gust_component_def gust_kafka_spout_def; /* ...kafka.spout.KafkaSpout */
extern const gust_component_def gust_kafka_bolt_def;  /* ...kafka.bolt.KafkaBolt */

#endif
