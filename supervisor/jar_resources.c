/* jar_resources.c — extracting a topology jar's resources/ folder with
 * libzip, as Storm's supervisor does for multilang components (their
 * working directory).
 *
 * The jar comes from a client over the network: every entry name is
 * untrusted.  Pass one checks every entry (not only those under
 * resources/): a name that is absolute, holds a ".." component or a
 * backslash, or whose Unix mode (external attributes) says symbolic link
 * or anything but a file or folder refuses the jar (zip slip).  Pass two
 * writes the resources/ entries into "<dest>.partial", with the sizes
 * libzip reads bounded by max_bytes in all, then renames it over dest, so
 * dest is either the previous complete folder or the new complete one.
 * No state; any thread.
 */
#define G_LOG_DOMAIN "gust-supervisor"

#include "jar_resources.h"

#include <gust/supervisor.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define RESOURCES_PREFIX "resources/"

static gboolean jar_error(GError **error, const char *jar, const char *entry, const char *why)
{
  g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_JAR,
              "topology jar %s refused: entry '%s' %s", jar, entry, why);
  return FALSE;
}

/* The entry's Unix file type, or 0 when the archive did not record one. */
static mode_t entry_file_type(zip_t *zip, zip_uint64_t i, mode_t *mode)
{
  zip_uint8_t opsys;
  zip_uint32_t attributes;
  *mode = 0;
  if (zip_file_get_external_attributes(zip, i, 0, &opsys, &attributes) < 0 ||
      opsys != ZIP_OPSYS_UNIX)
    return 0;
  *mode = (attributes >> 16) & 07777;
  return (attributes >> 16) & S_IFMT;
}

static gboolean check_entry(zip_t *zip, zip_uint64_t i, const char *jar, GError **error)
{
  const char *name = zip_get_name(zip, i, ZIP_FL_ENC_RAW);
  if (!name || !*name) return jar_error(error, jar, "(unnamed)", "has no name");
  if (name[0] == '/') return jar_error(error, jar, name, "is an absolute path");
  if (strchr(name, '\\'))
    return jar_error(error, jar, name, "holds a backslash (a path outside the folder on Windows)");
  g_auto(GStrv) parts = g_strsplit(name, "/", -1);
  for (char **p = parts; *p; p++)
    if (!strcmp(*p, "..")) return jar_error(error, jar, name, "leaves its folder ('..')");
  mode_t mode;
  mode_t type = entry_file_type(zip, i, &mode);
  if (type == S_IFLNK) return jar_error(error, jar, name, "is a symbolic link");
  if (type && type != S_IFREG && type != S_IFDIR)
    return jar_error(error, jar, name, "is neither a file nor a folder");
  return TRUE;
}

static gboolean write_entry(zip_t *zip, zip_uint64_t i, const char *jar, const char *name,
                            const char *path, guint64 *budget, GError **error)
{
  zip_stat_t st;
  if (zip_stat_index(zip, i, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE))
    return jar_error(error, jar, name, "cannot be read (no size)");
  if (st.size > *budget)
    return jar_error(error, jar, name, "makes the resources larger than the bound allowed");
  mode_t mode;
  entry_file_type(zip, i, &mode);
  zip_file_t *in = zip_fopen_index(zip, i, 0);
  if (!in) return jar_error(error, jar, name, zip_strerror(zip));
  int out = g_open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                   (mode & 0111) ? 0755 : 0644);
  gboolean ok = out >= 0;
  if (!ok)
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s", path,
                g_strerror(errno));
  char buffer[65536];
  zip_uint64_t total = 0;
  zip_int64_t n;
  while (ok && (n = zip_fread(in, buffer, sizeof buffer)) > 0) {
    total += (zip_uint64_t)n;
    if (total > st.size) { /* the header lied about the size */
      ok = jar_error(error, jar, name, "is longer than its recorded size");
      break;
    }
    if (write(out, buffer, (size_t)n) != n) {
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write %s: %s", path,
                  g_strerror(errno));
      ok = FALSE;
    }
  }
  if (ok && n < 0) ok = jar_error(error, jar, name, zip_file_strerror(in));
  *budget -= total;
  zip_fclose(in);
  if (out >= 0 && close(out) < 0 && ok) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write %s: %s", path,
                g_strerror(errno));
    ok = FALSE;
  }
  return ok;
}

static gboolean extract(zip_t *zip, const char *jar, const char *partial, guint64 max_bytes,
                        GError **error)
{
  guint64 budget = max_bytes;
  zip_int64_t n = zip_get_num_entries(zip, 0);
  for (zip_int64_t i = 0; i < n; i++) {
    const char *name = zip_get_name(zip, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
    if (!g_str_has_prefix(name, RESOURCES_PREFIX)) continue;
    const char *rest = name + strlen(RESOURCES_PREFIX);
    if (!*rest) continue;
    g_autofree char *path = g_build_filename(partial, rest, NULL);
    gboolean is_dir = g_str_has_suffix(name, "/");
    g_autofree char *dir = is_dir ? g_strdup(path) : g_path_get_dirname(path);
    if (g_mkdir_with_parents(dir, 0755) < 0) {
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s", dir,
                  g_strerror(errno));
      return FALSE;
    }
    if (!is_dir && !write_entry(zip, (zip_uint64_t)i, jar, name, path, &budget, error))
      return FALSE;
  }
  return TRUE;
}

static void remove_tree(const char *path)
{
  GDir *dir = g_dir_open(path, 0, NULL);
  if (dir) {
    const char *name;
    while ((name = g_dir_read_name(dir))) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
        remove_tree(child);
      else
        g_unlink(child);
    }
    g_dir_close(dir);
  }
  g_rmdir(path);
}

gboolean gust_jar_extract_resources(const char *jar, const char *dest, guint64 max_bytes,
                                    GError **error)
{
  int code = 0;
  zip_t *zip = zip_open(jar, ZIP_RDONLY, &code);
  if (!zip) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_JAR,
                "topology jar %s cannot be opened: %s", jar, zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return FALSE;
  }
  gboolean ok = TRUE;
  zip_int64_t n = zip_get_num_entries(zip, 0);
  for (zip_int64_t i = 0; ok && i < n; i++)
    ok = check_entry(zip, (zip_uint64_t)i, jar, error);
  g_autofree char *partial = g_strconcat(dest, ".partial", NULL);
  if (ok) {
    remove_tree(partial);
    if (g_mkdir_with_parents(partial, 0755) < 0) {
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s",
                  partial, g_strerror(errno));
      ok = FALSE;
    }
  }
  if (ok) ok = extract(zip, jar, partial, max_bytes, error);
  zip_discard(zip);
  if (ok) {
    remove_tree(dest);
    if (g_rename(partial, dest) < 0) {
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot rename %s to %s: %s",
                  partial, dest, g_strerror(errno));
      ok = FALSE;
    }
  }
  if (!ok) remove_tree(partial);
  return ok;
}
