/* test_jar_resources.c — a topology jar's resources/ folder extracted
 * with libzip; every zip-slip shape refused whole, nothing written. */
#include <glib.h>
#include <glib/gstdio.h>
#include <gust/supervisor.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "jar_resources.h"

/* Temporary folders go when the test ends. */
static void remove_tree(const char *path)
{
  GDir *dir = g_dir_open(path, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name(dir))) {
    g_autofree char *child = g_build_filename(path, name, NULL);
    if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
      remove_tree(child);
    else
      g_unlink(child);
  }
  if (dir) g_dir_close(dir);
  g_rmdir(path);
}

static char *temp_dir(void)
{
  char *dir = g_dir_make_tmp("gust-jar-XXXXXX", NULL);
  g_assert_nonnull(dir);
  char *copy = g_strdup(dir);
  g_test_queue_free(copy); /* the queue runs last in, first out: remove_tree first */
  g_test_queue_destroy((GDestroyNotify)remove_tree, copy);
  return dir;
}

typedef struct {
  const char *name;
  const char *text;  /* NULL: a folder */
  unsigned int mode; /* Unix mode incl. type; 0: not recorded */
} entry;

static char *write_jar(const char *dir, const entry *entries, size_t n)
{
  char *path = g_build_filename(dir, "test.jar", NULL);
  int code;
  zip_t *zip = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
  g_assert_nonnull(zip);
  for (size_t i = 0; i < n; i++) {
    zip_int64_t index;
    if (entries[i].text) {
      zip_source_t *src = zip_source_buffer(zip, entries[i].text, strlen(entries[i].text), 0);
      index = zip_file_add(zip, entries[i].name, src, ZIP_FL_ENC_RAW);
    } else {
      index = zip_dir_add(zip, entries[i].name, ZIP_FL_ENC_RAW);
    }
    g_assert_cmpint(index, >=, 0);
    if (entries[i].mode)
      g_assert_cmpint(zip_file_set_external_attributes(zip, (zip_uint64_t)index, 0, ZIP_OPSYS_UNIX,
                                                       (zip_uint32_t)entries[i].mode << 16),
                      ==, 0);
  }
  g_assert_cmpint(zip_close(zip), ==, 0);
  return path;
}

static char *read_text(const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  char *text = NULL;
  return g_file_get_contents(path, &text, NULL, NULL) ? text : NULL;
}

static void test_extracts_only_the_resources_folder_with_exec_bits(void)
{
  g_autofree char *dir = temp_dir();
  entry entries[] = {
      {"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n", 0},
      {"resources/", NULL, S_IFDIR | 0755},
      {"resources/splitsentence.py", "print('split')\n", S_IFREG | 0755},
      {"resources/lib/storm.py", "# storm\n", S_IFREG | 0644},
      {"org/example/Main.class", "\xca\xfe", 0},
  };
  g_autofree char *jar = write_jar(dir, entries, G_N_ELEMENTS(entries));
  g_autofree char *dest = g_build_filename(dir, "resources", NULL);
  GError *error = NULL;
  g_assert_true(gust_jar_extract_resources(jar, dest, 1 << 20, &error));
  g_assert_no_error(error);
  g_autofree char *split = read_text(dest, "splitsentence.py");
  g_autofree char *storm = read_text(dest, "lib/storm.py");
  g_assert_cmpstr(split, ==, "print('split')\n");
  g_assert_cmpstr(storm, ==, "# storm\n");
  g_autofree char *split_path = g_build_filename(dest, "splitsentence.py", NULL);
  g_assert_true(g_file_test(split_path, G_FILE_TEST_IS_EXECUTABLE));
  g_autofree char *manifest = g_build_filename(dest, "META-INF", NULL);
  g_assert_false(g_file_test(manifest, G_FILE_TEST_EXISTS));
  g_autofree char *partial = g_strconcat(dest, ".partial", NULL);
  g_assert_false(g_file_test(partial, G_FILE_TEST_EXISTS));
}

/* A jar with one bad entry: refused with a message naming it; neither the
 * destination nor anything outside it is written; a previous extraction
 * stays as it was. */
static void expect_refused(const entry *bad, const char *message_part)
{
  g_autofree char *dir = temp_dir();
  g_autofree char *dest = g_build_filename(dir, "stormdist", "resources", NULL);
  g_assert_cmpint(g_mkdir_with_parents(dest, 0755), ==, 0);
  g_autofree char *previous = g_build_filename(dest, "previous.txt", NULL);
  g_assert_true(g_file_set_contents(previous, "kept", -1, NULL));
  entry entries[] = {{"resources/ok.py", "ok\n", S_IFREG | 0644}, *bad};
  g_autofree char *jar = write_jar(dir, entries, G_N_ELEMENTS(entries));
  GError *error = NULL;
  g_assert_false(gust_jar_extract_resources(jar, dest, 1 << 20, &error));
  g_assert_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_JAR);
  g_test_message("%s", error->message);
  g_assert_nonnull(strstr(error->message, bad->name));
  g_assert_nonnull(strstr(error->message, message_part));
  g_error_free(error);
  g_autofree char *kept = read_text(dest, "previous.txt");
  g_assert_cmpstr(kept, ==, "kept");
  g_autofree char *ok = g_build_filename(dest, "ok.py", NULL);
  g_assert_false(g_file_test(ok, G_FILE_TEST_EXISTS));
  g_autofree char *escaped = g_build_filename(dir, "escaped.txt", NULL);
  g_autofree char *escaped2 = g_build_filename(dir, "stormdist", "escaped.txt", NULL);
  g_assert_false(g_file_test(escaped, G_FILE_TEST_EXISTS));
  g_assert_false(g_file_test(escaped2, G_FILE_TEST_EXISTS));
  g_assert_false(g_file_test("/tmp/escaped-by-gust-test.txt", G_FILE_TEST_EXISTS));
}

static void test_refuses_dot_dot_entries(void)
{
  entry e = {"resources/../../escaped.txt", "x", S_IFREG | 0644};
  expect_refused(&e, "'..'");
  entry outside = {"../escaped.txt", "x", 0};
  expect_refused(&outside, "'..'");
}

static void test_refuses_absolute_entries(void)
{
  entry e = {"/tmp/escaped-by-gust-test.txt", "x", 0};
  expect_refused(&e, "absolute");
}

static void test_refuses_symbolic_links(void)
{
  entry e = {"resources/link", "/etc/passwd", S_IFLNK | 0777};
  expect_refused(&e, "symbolic link");
}

static void test_refuses_backslashes_and_devices(void)
{
  entry e = {"resources\\..\\escaped.txt", "x", 0};
  expect_refused(&e, "backslash");
  entry fifo = {"resources/fifo", "", S_IFIFO | 0644};
  expect_refused(&fifo, "neither a file nor a folder");
}

static void test_refuses_resources_over_the_bound(void)
{
  g_autofree char *dir = temp_dir();
  g_autofree char *big = g_strnfill(4096, 'a');
  entry entries[] = {{"resources/a", big, 0}, {"resources/b", big, 0}};
  g_autofree char *jar = write_jar(dir, entries, G_N_ELEMENTS(entries));
  g_autofree char *dest = g_build_filename(dir, "resources", NULL);
  GError *error = NULL;
  g_assert_false(gust_jar_extract_resources(jar, dest, 6000, &error));
  g_assert_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_JAR);
  g_assert_nonnull(strstr(error->message, "resources/b"));
  g_error_free(error);
  g_assert_false(g_file_test(dest, G_FILE_TEST_EXISTS));
}

static void test_refuses_a_file_that_is_not_a_jar(void)
{
  g_autofree char *dir = temp_dir();
  g_autofree char *jar = g_build_filename(dir, "not.jar", NULL);
  g_assert_true(g_file_set_contents(jar, "not a zip", -1, NULL));
  g_autofree char *dest = g_build_filename(dir, "resources", NULL);
  GError *error = NULL;
  g_assert_false(gust_jar_extract_resources(jar, dest, 1 << 20, &error));
  g_assert_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_JAR);
  g_assert_nonnull(strstr(error->message, jar));
  g_error_free(error);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/jar/extracts_only_the_resources_folder_with_exec_bits",
                  test_extracts_only_the_resources_folder_with_exec_bits);
  g_test_add_func("/jar/refuses_dot_dot_entries", test_refuses_dot_dot_entries);
  g_test_add_func("/jar/refuses_absolute_entries", test_refuses_absolute_entries);
  g_test_add_func("/jar/refuses_symbolic_links", test_refuses_symbolic_links);
  g_test_add_func("/jar/refuses_backslashes_and_devices", test_refuses_backslashes_and_devices);
  g_test_add_func("/jar/refuses_resources_over_the_bound", test_refuses_resources_over_the_bound);
  g_test_add_func("/jar/refuses_a_file_that_is_not_a_jar", test_refuses_a_file_that_is_not_a_jar);
  return g_test_run();
}
