/* ui_local.h — the UI's data source for a topology running in this
 * process (gust local).  Snapshots read the runtime's counters (atomics
 * and short copies: they never wait for a task); activate and deactivate
 * switch the spouts; kill calls back the program, which stops the run;
 * rebalance is refused (a local run has one worker). */
#ifndef GUST_UI_LOCAL_H
#define GUST_UI_LOCAL_H

#include <gust/runtime.h>
#include <gust/ui.h>

G_BEGIN_DECLS

/* Asked to stop the run after wait_secs (Storm's kill wait time); any
 * thread; must not block. */
typedef void (*gust_ui_kill_func)(int wait_secs, void *user_data);

/* The source's functions, and its data (*data) for gust_ui_server_start().
 * Borrows rt and topology: they must outlive the server. */
const gust_ui_source_funcs *gust_ui_local_source(gust_runtime *rt, gust_topology *topology,
                                                 gust_ui_kill_func on_kill, void *user_data,
                                                 void **data);

G_END_DECLS

#endif
