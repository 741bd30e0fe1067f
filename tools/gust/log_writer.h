/* log_writer.h — the one format of everything gust prints on stderr. */
#ifndef GUST_LOG_WRITER_H
#define GUST_LOG_WRITER_H

#include <glib.h>

/* Formats every GLib log message of the process (the command's own and the
 * libraries') as one line on stderr:
 *
 *   2025-01-31 14:02:11.348 INFO  multilang split:5 launched subprocess ...
 *
 * local date and time to the millisecond, level (ERROR for criticals, WARN,
 * INFO for messages and infos, DEBUG), the log domain without its "gust-"
 * prefix, the component:task the message is about or "-", and the text.
 * DEBUG lines are dropped until gust_log_writer_set_verbose(TRUE).  Call
 * once, before any other thread starts.  Can't fail. */
void gust_log_writer_install(void);
void gust_log_writer_set_verbose(gboolean verbose);

/* Logs at the level gust prints as ERROR (a critical: it never aborts the
 * program unless G_DEBUG=fatal-criticals). */
#define gust_log_error(...) g_log(G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, __VA_ARGS__)

#endif
