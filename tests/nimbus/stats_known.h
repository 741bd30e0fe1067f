/* stats_known.h — a known worker heartbeat for the Nimbus statistics
 * tests: topology fx-java-1-1764799900 (spout sentences, bolts split x2
 * and count) in one worker on supervisor sup-1, port 6700, every window
 * with the same numbers: sentences emits 1000 on default (990 acked, 10
 * failed, 2.5 ms), split's tasks execute 600 and 400 tuples (1 and 2 ms),
 * count 2000 (0.5 ms); each bolt emits twice what it executes, plus
 * __ack_ack and __tick system streams; split reported two errors. */
#ifndef GUST_TEST_STATS_KNOWN_H
#define GUST_TEST_STATS_KNOWN_H

#include "stats_view.h"

typedef struct {
  json_t *storm, *beats, *conf, *supervisors;
  gust_stats_topology t;
} known;

/* The heartbeat object, as /workerbeats/<id>/sup-1-6700 holds it (new reference). */
json_t *known_beat(void);
/* The topology's view with the heartbeat, its record and sup-1's record. */
void known_init(known *k);
void known_clear(known *k);

#endif
