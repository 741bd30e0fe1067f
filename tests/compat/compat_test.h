/* compat_test.h — helpers shared by the compat tests (header-only).
 *
 * assert_contains() fails with both strings printed, so a broken message is
 * visible in the test log; example_path() locates files under
 * examples/flux/ through GUST_SOURCE_DIR, the source tree the build
 * compiled in (so a test binary runs by hand as well as under ctest).
 */
#ifndef GUST_COMPAT_TEST_H
#define GUST_COMPAT_TEST_H

#include <glib.h>
#include <string.h>

#define assert_contains(haystack, needle)                                                          \
  do {                                                                                             \
    const char *h_ = (haystack), *n_ = (needle);                                                   \
    if (!h_ || !strstr(h_, n_)) {                                                                  \
      g_printerr("\n\"%s\"\n  does not contain\n\"%s\"\n", h_ ? h_ : "(null)", n_);                \
      g_assert_not_reached();                                                                      \
    }                                                                                              \
  } while (0)

#define assert_error_contains(error, domain, code, needle)                                         \
  do {                                                                                             \
    g_assert_error((error), (domain), (code));                                                     \
    assert_contains((error)->message, (needle));                                                   \
  } while (0)

static inline char *example_path(const char *relative)
{
  return g_build_filename(GUST_SOURCE_DIR, "examples", "flux", relative, NULL);
}

#endif /* GUST_COMPAT_TEST_H */
