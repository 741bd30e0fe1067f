/* ml_describe.h — everything a parsed multilang message says, as one line
 * of text: what the tests and the fuzz target compare when they check
 * that two readers read a message alike.
 */
#ifndef GUST_ML_DESCRIBE_H
#define GUST_ML_DESCRIBE_H

#include "ml_private.h"

/* Every field of m, values with their types (1 and "1" differ).  Returns a
 * new string (g_free).  Cannot fail. */
char *ml_describe(const ml_msg *m);

#endif
