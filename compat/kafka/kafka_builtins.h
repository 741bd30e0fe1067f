/* kafka_builtins.h — the Kafka spout and bolt as built-in components, for
 * the runtime's table of built-in classes (builtin_components.c). */
#ifndef GUST_KAFKA_BUILTINS_H
#define GUST_KAFKA_BUILTINS_H

#include <gust/storm.h>

extern const gust_component_def gust_kafka_spout_def; /* ...kafka.spout.KafkaSpout */
extern const gust_component_def gust_kafka_bolt_def;  /* ...kafka.bolt.KafkaBolt */

#endif
