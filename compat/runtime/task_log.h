/* task_log.h — log lines about one task of a component.
 *
 * A message logged here carries the structured field GUST_TASK
 * ("component:task"), which the gust command's log writer prints in its
 * component:task column; the message text stays as given (for example
 * Storm's own "ShellLog pid:..., name:..." of a multilang child's log
 * command).  Other GLib writers ignore the field.  Any thread; can't fail. */
#ifndef GUST_TASK_LOG_H
#define GUST_TASK_LOG_H

#include <glib.h>

/* domain: the log domain (NULL: none); task_id: the Storm task id. */
void rt_task_log(const char *domain, GLogLevelFlags level, const char *component, int task_id,
                 const char *format, ...) G_GNUC_PRINTF(5, 6);

/* rt_task_log() in the calling file's G_LOG_DOMAIN. */
#define rt_task_log_here(level, component, task_id, ...)                                           \
  rt_task_log(G_LOG_DOMAIN, level, component, task_id, __VA_ARGS__)

#endif
