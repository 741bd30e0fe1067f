/* test_topology_jar.c — the jar `gust submit` uploads: the manifest, the
 * resources/ folder under resources/ in name order, file modes kept,
 * symbolic links followed, and a clear error for an unreadable file. */
#include "topology_jar.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

static char *make_dir(void)
{
  char *dir = g_dir_make_tmp("gust-jar-XXXXXX", NULL);
  g_assert_nonnull(dir);
  return dir;
}

static void write_file(const char *dir, const char *name, const char *text, int mode)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname(path);
  g_mkdir_with_parents(parent, 0755);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  g_chmod(path, mode);
}

static void remove_tree(const char *path)
{
  g_autofree char *command = g_strdup_printf("rm -rf '%s'", path);
  g_assert_cmpint(system(command), ==, 0);
}

/* "name[:mode]" of every entry, in archive order. */
static char *entries(const char *jar_path, char **first_file_text)
{
  int error = 0;
  zip_t *zip = zip_open(jar_path, ZIP_RDONLY, &error);
  g_assert_nonnull(zip);
  GString *out = g_string_new(NULL);
  zip_int64_t n = zip_get_num_entries(zip, 0);
  for (zip_int64_t i = 0; i < n; i++) {
    const char *name = zip_get_name(zip, (zip_uint64_t)i, 0);
    zip_uint8_t os;
    zip_uint32_t attributes;
    zip_file_get_external_attributes(zip, (zip_uint64_t)i, 0, &os, &attributes);
    if (os == ZIP_OPSYS_UNIX && g_str_has_prefix(name, "resources/") &&
        !g_str_has_suffix(name, "/"))
      g_string_append_printf(out, "%s:%o\n", name, (attributes >> 16) & 0777);
    else
      g_string_append_printf(out, "%s\n", name);
    if (first_file_text && !*first_file_text && g_str_has_prefix(name, "resources/") &&
        !g_str_has_suffix(name, "/")) {
      zip_stat_t st;
      zip_stat_index(zip, (zip_uint64_t)i, 0, &st);
      char *text = g_malloc0(st.size + 1);
      zip_file_t *file = zip_fopen_index(zip, (zip_uint64_t)i, 0);
      g_assert_cmpint(zip_fread(file, text, st.size), ==, (zip_int64_t)st.size);
      zip_fclose(file);
      *first_file_text = text;
    }
  }
  zip_close(zip);
  return g_string_free(out, FALSE);
}

static void test_resources_go_under_resources_in_name_order_with_their_modes(void)
{
  g_autofree char *dir = make_dir();
  g_autofree char *resources = g_build_filename(dir, "resources", NULL);
  write_file(resources, "splitsentence.py", "print('split')\n", 0755);
  write_file(resources, "lib/storm.py", "# multilang\n", 0644);
  write_file(resources, "a.txt", "first", 0600);
  g_autofree char *target = g_build_filename(resources, "a.txt", NULL);
  g_autofree char *link = g_build_filename(resources, "z-link.txt", NULL);
  g_assert_cmpint(symlink(target, link), ==, 0);
  g_autofree char *jar = g_build_filename(dir, "topology.jar", NULL);
  GError *error = NULL;
  g_assert_true(gust_topology_jar_write(resources, jar, &error));
  g_assert_no_error(error);
  g_autofree char *first_text = NULL;
  g_autofree char *listing = entries(jar, &first_text);
  g_assert_cmpstr(listing, ==,
                  "META-INF/\n"
                  "META-INF/MANIFEST.MF\n"
                  "resources/\n"
                  "resources/a.txt:600\n"
                  "resources/lib/\n"
                  "resources/lib/storm.py:644\n"
                  "resources/splitsentence.py:755\n"
                  "resources/z-link.txt:600\n");
  g_assert_cmpstr(first_text, ==, "first");
  remove_tree(dir);
}

static void test_no_resources_folder_gives_a_jar_with_the_manifest(void)
{
  g_autofree char *dir = make_dir();
  g_autofree char *jar = g_build_filename(dir, "topology.jar", NULL);
  g_autofree char *missing = g_build_filename(dir, "resources", NULL);
  GError *error = NULL;
  g_assert_true(gust_topology_jar_write(missing, jar, &error));
  g_autofree char *listing = entries(jar, NULL);
  g_assert_cmpstr(listing, ==, "META-INF/\nMETA-INF/MANIFEST.MF\n");
  g_assert_true(gust_topology_jar_write(NULL, jar, &error));
  remove_tree(dir);
}

static void test_unreadable_files_and_unwritable_jars_are_named(void)
{
  g_autofree char *dir = make_dir();
  g_autofree char *resources = g_build_filename(dir, "resources", NULL);
  g_mkdir_with_parents(resources, 0755);
  g_autofree char *dangling = g_build_filename(resources, "gone.py", NULL);
  g_assert_cmpint(symlink("/nonexistent/gone.py", dangling), ==, 0);
  g_autofree char *jar = g_build_filename(dir, "topology.jar", NULL);
  GError *error = NULL;
  g_assert_false(gust_topology_jar_write(resources, jar, &error));
  g_assert_error(error, GUST_TOPOLOGY_JAR_ERROR, GUST_TOPOLOGY_JAR_ERROR_READ);
  g_assert_nonnull(strstr(error->message, "gone.py"));
  g_clear_error(&error);
  g_assert_false(g_file_test(jar, G_FILE_TEST_EXISTS));

  g_autofree char *bad_jar = g_build_filename(dir, "no-such-dir", "topology.jar", NULL);
  g_assert_false(gust_topology_jar_write(NULL, bad_jar, &error));
  g_assert_error(error, GUST_TOPOLOGY_JAR_ERROR, GUST_TOPOLOGY_JAR_ERROR_WRITE);
  g_assert_nonnull(strstr(error->message, "no-such-dir"));
  g_clear_error(&error);
  remove_tree(dir);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/topology_jar/resources_go_under_resources_in_name_order_with_their_modes",
                  test_resources_go_under_resources_in_name_order_with_their_modes);
  g_test_add_func("/topology_jar/no_resources_folder_gives_a_jar_with_the_manifest",
                  test_no_resources_folder_gives_a_jar_with_the_manifest);
  g_test_add_func("/topology_jar/unreadable_files_and_unwritable_jars_are_named",
                  test_unreadable_files_and_unwritable_jars_are_named);
  return g_test_run();
}
