/* number_options.c — see number_options.h.  No state; any thread. */
#include "number_options.h"

#include <math.h>

#define OPTION_ERROR (g_quark_from_static_string("gust-option-error"))

gboolean gust_option_double(const char *option, const char *text, double min, double max,
                            double *out, GError **error)
{
  if (!text) return TRUE;
  char *end = NULL;
  double value = g_ascii_strtod(text, &end);
  if (!*text || *end || !isfinite(value) || value < min || value > max) {
    g_set_error(error, OPTION_ERROR, 0, "%s '%s' is not a number from %.0f to %.0f", option, text,
                min, max);
    return FALSE;
  }
  *out = value;
  return TRUE;
}

gboolean gust_option_int(const char *option, const char *text, int min, int max, int *out,
                         GError **error)
{
  if (!text) return TRUE;
  gint64 value = 0;
  if (!g_ascii_string_to_signed(text, 10, min, max, &value, NULL)) {
    g_set_error(error, OPTION_ERROR, 0, "%s '%s' is not a whole number from %d to %d", option, text,
                min, max);
    return FALSE;
  }
  *out = (int)value;
  return TRUE;
}
