/* partition.h — picking consumer subtasks for an emit (see partition.c). */
#ifndef GUST_FC_PARTITION_H
#define GUST_FC_PARTITION_H

#include "internal.h"

/* Consumer subtask for single-target partitioners (not broadcast/direct). */
int fc_partition_pick(fc_out_edge *o, const fc_record *rec, int producer_subtask);
void fc_partition_seed(fc_out_edge *o, uint64_t seed);

#endif
