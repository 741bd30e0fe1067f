/* methods.c — the Nimbus methods gust serves: one row per method, its name
 * and its handler (handlers live in the file of their subject).  The
 * statistics methods have their own table (gust_nimbus_stats_handlers,
 * stats_methods.c), looked up first.  Every other method of Storm's IDL
 * answers at once "gust nimbus does not support <method>". */
#include "dispatch.h"

const gust_nimbus_handler_row gust_nimbus_handlers[] = {
    {NULL, NULL},
};
