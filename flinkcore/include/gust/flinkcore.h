/* flinkcore.h — the dataflow engine's public interface, in one include.
 * The engine knows nothing of Storm: see compat/ for that. */
#ifndef GUST_FLINKCORE_H
#define GUST_FLINKCORE_H

#include <gust/fc_value.h>
#include <gust/fc_record.h>
#include <gust/fc_graph.h>
#include <gust/fc_task.h>
#include <gust/fc_job.h>
#include <gust/fc_checkpoint.h>
#include <gust/fc_state.h>

#endif
