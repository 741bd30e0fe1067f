/* stormdist.c — fetching an assigned topology's files from Nimbus.
 *
 * The blob keys are Storm 2's: "<id>-stormjar.jar", "<id>-stormcode.ser",
 * "<id>-stormconf.ser".  Each file is fetched into "<name>.download" and
 * renamed, so a worker never reads half a file; then the jar's resources/
 * folder is extracted (jar_resources.c refuses zip slip).  The topology id
 * names a folder, so it is checked first: it comes from ZooKeeper.
 * Locality: the supervisor's thread.
 */
#define G_LOG_DOMAIN "gust-supervisor"

#include "jar_resources.h"
#include "supervisor_private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

static const char *const stormdist_files[] = {"stormjar.jar", "stormcode.ser", "stormconf.ser"};

gboolean sv_topology_id_is_safe(const char *id)
{
  if (!id || !*id || *id == '.' || strlen(id) > 255) return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '.' && *p != '_' && *p != '-') return FALSE;
  return TRUE;
}

gboolean sv_stormdist_fetch_all(const sv_stormdist_fetch *fetch, GError **error)
{
  if (!sv_topology_id_is_safe(fetch->topology_id)) {
    g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_DOWNLOAD,
                "topology id '%s' cannot name a folder (letters, digits, '.', '_', '-' only)",
                fetch->topology_id);
    return FALSE;
  }
  if (g_mkdir_with_parents(fetch->dir, 0755) < 0) {
    g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_STORAGE, "cannot create %s: %s",
                fetch->dir, g_strerror(errno));
    return FALSE;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(stormdist_files); i++) {
    g_autofree char *key = g_strdup_printf("%s-%s", fetch->topology_id, stormdist_files[i]);
    g_autofree char *path = g_build_filename(fetch->dir, stormdist_files[i], NULL);
    g_autofree char *partial = g_strconcat(path, ".download", NULL);
    GError *why = NULL;
    if (!fetch->download(fetch->nimbus, key, partial, fetch->download_data, &why)) {
      g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_DOWNLOAD,
                  "cannot fetch %s from Nimbus %s: %s", key, fetch->nimbus, why->message);
      g_error_free(why);
      g_unlink(partial);
      return FALSE;
    }
    if (g_rename(partial, path) < 0) {
      g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_STORAGE,
                  "cannot rename %s to %s: %s", partial, path, g_strerror(errno));
      return FALSE;
    }
  }
  g_autofree char *jar = g_build_filename(fetch->dir, "stormjar.jar", NULL);
  g_autofree char *resources = g_build_filename(fetch->dir, "resources", NULL);
  return gust_jar_extract_resources(jar, resources, fetch->max_resources_bytes, error);
}
