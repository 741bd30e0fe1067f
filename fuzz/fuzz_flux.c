/* fuzz_flux.c — the Flux loader with substitution and includes.
 *
 * An input is up to three files separated by "\n%%\n" lines: the --filter
 * properties file, the Flux file, and include.yaml beside it (which the
 * Flux file may include).  With no separator the input is the Flux file
 * alone.  The loader runs with --env-filter on over a fixed environment.
 * Checks, besides memory safety: a load that fails says why.
 */
#include "fuzz_support.h"

#include <gust/flux.h>
#include <string.h>

static const char *const environment[] = {"HOST=127.0.0.1", "PARALLELISM=2", "EMPTY=", NULL};

static char *nul_terminated(GBytes *part)
{
  gsize n;
  const char *p = g_bytes_get_data(part, &n);
  return g_strndup(p ? p : "", n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  GBytes *parts[3] = {NULL};
  int n = 0;
  while (n < 3 && (n == 0 || size > 0))
    parts[n++] = fuzz_take_part(&data, &size);
  GBytes *properties = n > 1 ? parts[0] : NULL, *flux = n > 1 ? parts[1] : parts[0];
  GBytes *include = n > 2 ? parts[2] : NULL;

  char *properties_path = NULL;
  if (properties) {
    gsize len;
    const void *p = g_bytes_get_data(properties, &len);
    properties_path = fuzz_write_file("fuzz.properties", p ? p : "", len);
  }
  gsize len;
  const void *p = include ? g_bytes_get_data(include, &len) : NULL;
  char *include_path = fuzz_write_file("include.yaml", p ? p : "", include ? len : 0);
  char *flux_path = g_build_filename(fuzz_scratch_dir(), "topology.yaml", NULL);
  char *text = nul_terminated(flux);

  gust_flux_options options = {
      .properties_file = properties_path,
      .env_filter = TRUE,
      .environment = environment,
  };
  GError *error = NULL;
  gust_topology *topology = gust_flux_load_string(text, flux_path, &options, &error);
  if (topology) {
    g_assert_no_error(error);
    gust_topology_free(topology);
  } else {
    g_assert_nonnull(error);
    g_assert_true(error->message[0] != '\0');
    g_error_free(error);
  }

  g_free(text);
  g_free(flux_path);
  g_free(include_path);
  g_free(properties_path);
  for (int i = 0; i < n; i++)
    g_bytes_unref(parts[i]);
  return 0;
}
