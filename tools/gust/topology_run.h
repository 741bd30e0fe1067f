/* topology_run.h — what `gust local` and `gust worker` share to run a
 * topology in this process: where native libraries are looked for, the
 * stop signals, the run loop and the drain (`gust jar` uses the loop's
 * poll). */
#ifndef GUST_TOPOLOGY_RUN_H
#define GUST_TOPOLOGY_RUN_H

#include <gust/runtime.h>

enum {
  GUST_STOP_TIMEOUT_S = 60,      /* the drain's bound */
  GUST_FORCED_STOP_STATUS = 130, /* 128 + SIGINT, as shells report an interrupted command */
};

/* $GUST_NATIVE_PATH, then the build's library directory; caller frees. */
char *gust_native_search_path(void);

/* Ctrl-C and SIGTERM count as stop requests from now on. */
void gust_stop_signals_install(void);
/* A stop request as Ctrl-C makes one (any thread; the UI's kill). */
void gust_stop_request(void);
/* How many stop requests came so far (async-signal-safe counter). */
int gust_stop_requests(void);

/* Waits up to timeout_ms on the running topology: 0 when every spout
 * ended by itself, 1 when it failed (logged as "topology failed: ..."),
 * GUST_RUN_GOING_ON while it runs on. */
enum { GUST_RUN_GOING_ON = -1 };
int gust_run_poll(gust_runtime *rt, int timeout_ms);

/* Runs until duration seconds passed (0: no bound), a stop is asked for
 * or the topology ends; 0, or 1 when the topology failed (logged).  tick,
 * when not NULL, is called with data every 100 ms or so from this thread. */
int gust_run_until_stop(gust_runtime *rt, double duration, void (*tick)(void *data), void *data);

/* Deactivates the spouts and drains (a checkpointing topology takes its
 * final checkpoint), reporting what it waits for every few seconds, until
 * the topology ended (0), the bound passed or stopping failed (1), or a
 * further stop request came (GUST_FORCED_STOP_STATUS). */
int gust_drain(gust_runtime *rt);

#endif
