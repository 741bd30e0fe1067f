/* stats_source.h — the topology, heartbeats and supervisors the statistics
 * methods answer from (stats_source.c).  Private to gust_nimbus. */
#ifndef GUST_NIMBUS_STATS_SOURCE_H
#define GUST_NIMBUS_STATS_SOURCE_H

#include "nimbus_private.h"
#include "stats_view.h"

#include <string.h>

/* A topology copied out of the table with its heartbeats; view borrows
 * the rest.  Clear with gust_stats_loaded_clear(). */
typedef struct {
  char *id;
  json_t *storm, *beats, *conf, *components;
  gust_stats_topology view;
} gust_stats_loaded;

/* By id (or, when id is NULL, by name).  FALSE: no such topology. */
gboolean gust_stats_load(gust_nimbus *nimbus, const char *id, const char *name,
                         gust_stats_loaded *out);
void gust_stats_loaded_clear(gust_stats_loaded *loaded);
/* Every topology of the table (a GArray of gust_stats_loaded). */
GArray *gust_stats_load_all(gust_nimbus *nimbus);
void gust_stats_loaded_free_all(GArray *all);
/* The /supervisors records (a new JSON array; empty without ZooKeeper). */
json_t *gust_stats_supervisors(gust_nimbus *nimbus);

#endif
