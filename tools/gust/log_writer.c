/* log_writer.c — the one log format of the gust command (see log_writer.h).
 *
 * Installed once by main() before any subcommand runs; GLib then hands
 * every g_message/g_warning/g_info/... of any thread to write_line(),
 * which formats the whole line in a buffer and writes it with one write()
 * call, so lines of different threads never interleave.
 *
 * component:task comes from the structured field GUST_TASK when a caller
 * sets one, else from the idiom the runtime's messages begin with: an
 * optional kind, the component id (possibly quoted) and "(task N)", as in
 * "count (task 2): ..." or "kafka spout 'words' (task 1): ...".  The id and
 * task move to their column; the kind stays in the text.
 *
 * The writer's only state is a compiled pattern, set before other threads
 * exist and read-only afterwards, and the verbosity, set by a subcommand
 * while it parses its options (before it starts threads).
 */
#include "log_writer.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static gboolean log_verbose;
static GRegex *task_prefix;

static const char *level_name(GLogLevelFlags level)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) return "ERROR";
  if (level & G_LOG_LEVEL_WARNING) return "WARN";
  if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO)) return "INFO";
  return "DEBUG";
}

static const char *field_text(const GLogField *fields, gsize n_fields, const char *key)
{
  for (gsize i = 0; i < n_fields; i++)
    if (!strcmp(fields[i].key, key) && fields[i].value)
      return fields[i].length < 0 ? fields[i].value : NULL;
  return NULL;
}

/* Appends "component:task message" to line, taking component:task from the
 * GUST_TASK field or the message's leading "ID (task N)". */
static void append_task_and_message(GString *line, const char *task, const char *message)
{
  GMatchInfo *match = NULL;
  if (!task && g_regex_match(task_prefix, message, 0, &match)) {
    g_autofree char *kind = g_match_info_fetch(match, 1);
    g_autofree char *id = g_match_info_fetch(match, 2);
    g_autofree char *n = g_match_info_fetch(match, 3);
    int end = 0;
    g_match_info_fetch_pos(match, 0, NULL, &end);
    g_string_append_printf(line, "%s:%s %s%s", id, n, kind, message + end);
  } else {
    g_string_append_printf(line, "%s %s", task ? task : "-", message);
  }
  g_match_info_free(match);
}

static GLogWriterOutput write_line(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                                   gpointer unused)
{
  if ((level & G_LOG_LEVEL_DEBUG) && !log_verbose) return G_LOG_WRITER_HANDLED;
  const char *message = field_text(fields, n_fields, "MESSAGE");
  const char *domain = field_text(fields, n_fields, "GLIB_DOMAIN");
  if (domain && g_str_has_prefix(domain, "gust-")) domain += strlen("gust-");
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
  GString *line = g_string_sized_new(160);
  g_string_printf(line, "%s.%03d %-5s %s ", stamp, g_date_time_get_microsecond(now) / 1000,
                  level_name(level), domain ? domain : "gust");
  append_task_and_message(line, field_text(fields, n_fields, "GUST_TASK"), message ? message : "");
  g_string_append_c(line, '\n');
  gboolean ok = write(STDERR_FILENO, line->str, line->len) == (ssize_t)line->len;
  g_string_free(line, TRUE);
  return ok ? G_LOG_WRITER_HANDLED : G_LOG_WRITER_UNHANDLED;
}

void gust_log_writer_install(void)
{
  task_prefix =
      g_regex_new("^((?:[a-z]+ )*)'?([^' ]+)'? \\(task (\\d+)\\):? ?", G_REGEX_OPTIMIZE, 0, NULL);
  g_setenv("G_MESSAGES_DEBUG", "all",
           FALSE); /* GLib passes debug and info on; write_line filters */
  g_log_set_writer_func(write_line, NULL, NULL);
}

void gust_log_writer_set_verbose(gboolean verbose)
{
  log_verbose = verbose;
}
