/* stats_methods.c — the statistics methods' rows of the method table
 * (getTopologyInfo*, getTopologyPageInfo, getComponentPageInfo,
 * getSupervisorPageInfo), each a gust_nimbus_method (dispatch.h) whose
 * handler lives in a stats_*.c file.  Looked up before gust_nimbus_methods. */
#include "dispatch.h"

const gust_nimbus_method gust_nimbus_stats_methods[] = {
    {NULL, NULL, NULL, NULL},
};
