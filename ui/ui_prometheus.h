/* ui_prometheus.h — a snapshot as Prometheus's text exposition format
 * (version 0.0.4), served at /metrics.  Names follow Prometheus's
 * conventions: gust_ prefix, base units in the name (_seconds, _bytes),
 * counters end in _total; labels topology, component, task. */
#ifndef GUST_UI_PROMETHEUS_H
#define GUST_UI_PROMETHEUS_H

#include <gust/ui.h>

#define UI_PROMETHEUS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* The exposition text (a new string).  Any thread. */
char *ui_prometheus_render(const gust_ui_snapshot *s);

#endif
