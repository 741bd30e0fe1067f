/* flux_error.c — the GUST_FLUX_ERROR domain and the one way the loader
 * words an error: "file:line: what went wrong".  Every stage of the loader
 * reports through flux_fail() so positions look the same everywhere.
 */
#include "flux_private.h"

/* The domain name is stringified as written: keep the formatter away. */
/* clang-format off */
G_DEFINE_QUARK(gust-flux-error-quark, gust_flux_error)
/* clang-format on */

gboolean flux_fail(GError **error, gint code, const char *file, guint line, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  char *message = g_strdup_vprintf(format, args);
  va_end(args);
  if (line)
    g_set_error(error, GUST_FLUX_ERROR, code, "%s:%u: %s", file, line, message);
  else
    g_set_error(error, GUST_FLUX_ERROR, code, "%s: %s", file, message);
  g_free(message);
  return FALSE;
}
