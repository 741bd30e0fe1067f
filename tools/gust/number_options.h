/* number_options.h — numeric command-line options, range-checked.
 *
 * GOption's own number types accept "nan", "inf" and values a command
 * cannot use (a negative duration, 100000 threads); these read the option
 * as text and refuse anything outside [min, max] with a message naming the
 * option, the value and the range. */
#ifndef GUST_NUMBER_OPTIONS_H
#define GUST_NUMBER_OPTIONS_H

#include <glib.h>

/* A finite decimal number in [min, max]; text NULL (option not given)
 * leaves *out as it is.  FALSE + error otherwise. */
gboolean gust_option_double(const char *option, const char *text, double min, double max,
                            double *out, GError **error);
/* A decimal integer in [min, max]; as gust_option_double. */
gboolean gust_option_int(const char *option, const char *text, int min, int max, int *out,
                         GError **error);

#endif
