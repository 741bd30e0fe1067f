/* fuzz_support.h — what every fuzz target shares: quiet logging and a
 * scratch directory.
 *
 * The readers log warnings for inputs they accept with a remark (a bolt
 * left out, an unusable checkpoint skipped); at millions of inputs that is
 * noise, so messages below CRITICAL are dropped (set GUST_FUZZ_VERBOSE=1
 * to see them).  Criticals and errors still abort: they are bugs.
 */
#ifndef GUST_FUZZ_SUPPORT_H
#define GUST_FUZZ_SUPPORT_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* A directory of this process, made on first use and deleted with its
 * contents at exit.  Never fails (aborts if it cannot be made). */
const char *fuzz_scratch_dir(void);

/* Writes len bytes to name inside the scratch directory (making the
 * directories on the way); returns the path (g_free). Aborts on failure. */
char *fuzz_write_file(const char *name, const void *data, size_t len);

/* A copy of data[0..size) with a NUL after it, as a reader's buffer
 * (NULs inside are kept). g_free it. */
char *fuzz_text_copy(const void *data, size_t size);

/* The part of [*data, *data + *size) before the first "\n%%\n", which is
 * skipped; both move past it.  With no separator left, the whole
 * rest (and *size becomes 0).  Lets one input carry several files. */
GBytes *fuzz_take_part(const uint8_t **data, size_t *size);

#endif
