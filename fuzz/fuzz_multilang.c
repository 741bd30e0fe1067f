/* fuzz_multilang.c — the multilang fast reader held to the general one.
 *
 * The general reader (ml_parse_general) defines the protocol; the fast
 * reader (ml_fast_parse) may decline any text but must read what it takes
 * exactly as the general reader does.  ml_read_differential() checks that
 * on one text, unframed and framed; this target gives it every input, as
 * the text of one message, and the general reader must not crash on any
 * of them either (it runs on every input inside the check).
 */
#include "fuzz_support.h"

#include "ml_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *why = NULL;
  if (!ml_read_differential((const char *)data, size, &why))
    g_error("the fast and the general multilang readers differ: %s", why);
  return 0;
}
