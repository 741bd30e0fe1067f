/* task_log.c — see task_log.h.  No state; any thread. */
#include "task_log.h"

/* The syslog priority GLib gives each level (its fields follow journald's). */
static const char *priority_of(GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR) return "3";
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) return "4";
  if (level & G_LOG_LEVEL_MESSAGE) return "5";
  if (level & G_LOG_LEVEL_INFO) return "6";
  return "7";
}

void rt_task_log(const char *domain, GLogLevelFlags level, const char *component, int task_id,
                 const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_autofree char *task = g_strdup_printf("%s:%d", component, task_id);
  GLogField fields[] = {
      {"PRIORITY", priority_of(level), -1},
      {"MESSAGE", message, -1},
      {"GUST_TASK", task, -1},
      {"GLIB_DOMAIN", domain, -1},
  };
  g_log_structured_array(level, fields, G_N_ELEMENTS(fields) - (domain ? 0 : 1));
}
