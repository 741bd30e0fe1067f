/* ui_history.h — what the server keeps of past samples, for the charts:
 * the last samples (a ring of snapshots) and every checkpoint seen to
 * complete or fail.  Owned and used by the server's thread only. */
#ifndef GUST_UI_HISTORY_H
#define GUST_UI_HISTORY_H

#include <gust/ui.h>

typedef struct ui_history ui_history;

ui_history *ui_history_new(guint max_samples);
void ui_history_free(ui_history *h);
/* Takes a reference to s. */
void ui_history_add(ui_history *h, gust_ui_snapshot *s);
/* The newest snapshot (borrowed), or NULL before the first sample. */
const gust_ui_snapshot *ui_history_latest(const ui_history *h);
/* The chart data of one topology (a new reference), or NULL + NOT_ALIVE. */
json_t *ui_history_topology_json(const ui_history *h, const char *id, GError **error);

#endif
