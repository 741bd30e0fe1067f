/* topology_jar.c — resources/ folder -> jar with libzip (see
 * topology_jar.h).  Entries are added depth first in name order, so the
 * same folder gives the same entry list; libzip reads the files when the
 * archive is closed, which is when read errors surface. */
#include "topology_jar.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

/* The domain name is stringified as written: keep the formatter away. */
/* clang-format off */
G_DEFINE_QUARK(gust-topology-jar-error-quark, gust_topology_jar_error)
/* clang-format on */

static const char manifest[] = "Manifest-Version: 1.0\r\nCreated-By: gust submit\r\n\r\n";

static gboolean zip_failed(zip_t *zip, const char *what, GError **error)
{
  g_set_error(error, GUST_TOPOLOGY_JAR_ERROR, GUST_TOPOLOGY_JAR_ERROR_WRITE,
              "cannot add %s to the topology jar: %s", what, zip_strerror(zip));
  return FALSE;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds directory dir as entry prefix (ending in '/') and everything under it. */
static gboolean add_directory(zip_t *zip, const char *dir, const char *prefix, GError **error)
{
  GError *dir_error = NULL;
  GDir *handle = g_dir_open(dir, 0, &dir_error);
  if (!handle) {
    g_set_error(error, GUST_TOPOLOGY_JAR_ERROR, GUST_TOPOLOGY_JAR_ERROR_READ,
                "cannot read the resources folder: %s", dir_error->message);
    g_error_free(dir_error);
    return FALSE;
  }
  if (zip_dir_add(zip, prefix, ZIP_FL_ENC_UTF_8) < 0) {
    g_dir_close(handle);
    return zip_failed(zip, prefix, error);
  }
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  for (const char *name; (name = g_dir_read_name(handle));)
    g_ptr_array_add(names, g_strdup(name));
  g_dir_close(handle);
  g_ptr_array_sort(names, compare_names);
  for (guint i = 0; i < names->len; i++) {
    const char *name = g_ptr_array_index(names, i);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *entry = g_strconcat(prefix, name, NULL);
    struct stat st;
    if (stat(path, &st) != 0) {
      g_set_error(error, GUST_TOPOLOGY_JAR_ERROR, GUST_TOPOLOGY_JAR_ERROR_READ,
                  "cannot read %s: %s", path, g_strerror(errno));
      return FALSE;
    }
    if (S_ISDIR(st.st_mode)) {
      g_autofree char *sub_prefix = g_strconcat(entry, "/", NULL);
      if (!add_directory(zip, path, sub_prefix, error)) return FALSE;
      continue;
    }
    if (!S_ISREG(st.st_mode)) continue;
    zip_source_t *source = zip_source_file(zip, path, 0, -1);
    if (!source) return zip_failed(zip, path, error);
    zip_int64_t index = zip_file_add(zip, entry, source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      return zip_failed(zip, path, error);
    }
    zip_file_set_external_attributes(zip, (zip_uint64_t)index, 0, ZIP_OPSYS_UNIX,
                                     (zip_uint32_t)(S_IFREG | (st.st_mode & 07777)) << 16);
  }
  return TRUE;
}

gboolean gust_topology_jar_write(const char *resources_dir, const char *jar_path, GError **error)
{
  int zip_error = 0;
  zip_t *zip = zip_open(jar_path, ZIP_CREATE | ZIP_TRUNCATE, &zip_error);
  if (!zip) {
    zip_error_t e;
    zip_error_init_with_code(&e, zip_error);
    g_set_error(error, GUST_TOPOLOGY_JAR_ERROR, GUST_TOPOLOGY_JAR_ERROR_WRITE,
                "cannot create the topology jar %s: %s", jar_path, zip_error_strerror(&e));
    zip_error_fini(&e);
    return FALSE;
  }
  zip_source_t *source = zip_source_buffer(zip, manifest, strlen(manifest), 0);
  gboolean ok = source && zip_dir_add(zip, "META-INF/", 0) >= 0 &&
                zip_file_add(zip, "META-INF/MANIFEST.MF", source, 0) >= 0;
  if (!ok) {
    if (source) zip_source_free(source);
    zip_failed(zip, "META-INF/MANIFEST.MF", error);
  }
  if (ok && resources_dir && g_file_test(resources_dir, G_FILE_TEST_IS_DIR))
    ok = add_directory(zip, resources_dir, "resources/", error);
  if (!ok) {
    zip_discard(zip);
    return FALSE;
  }
  if (zip_close(zip) < 0) {
    g_set_error(error, GUST_TOPOLOGY_JAR_ERROR, GUST_TOPOLOGY_JAR_ERROR_WRITE,
                "cannot write the topology jar %s: %s", jar_path, zip_strerror(zip));
    zip_discard(zip);
    return FALSE;
  }
  return TRUE;
}
