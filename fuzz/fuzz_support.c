/* fuzz_support.c — quiet logging and a scratch directory for the fuzz
 * targets (see fuzz_support.h).  One thread: libFuzzer's. */
#define _GNU_SOURCE /* memmem */
#include "fuzz_support.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static char *scratch;

static void quiet_handler(const gchar *domain, GLogLevelFlags level, const gchar *message,
                          gpointer data)
{
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    g_log_default_handler(domain, level, message, data);
}

static void remove_tree(const char *path)
{
  GDir *dir = g_dir_open(path, 0, NULL);
  if (dir) {
    const char *name;
    while ((name = g_dir_read_name(dir))) {
      char *child = g_build_filename(path, name, NULL);
      remove_tree(child);
      g_free(child);
    }
    g_dir_close(dir);
  }
  g_remove(path);
}

static void remove_scratch(void)
{
  if (scratch) remove_tree(scratch);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  if (!g_getenv("GUST_FUZZ_VERBOSE")) g_log_set_default_handler(quiet_handler, NULL);
  return 0;
}

const char *fuzz_scratch_dir(void)
{
  if (!scratch) {
    scratch = g_dir_make_tmp("gust-fuzz-XXXXXX", NULL);
    g_assert_nonnull(scratch);
    atexit(remove_scratch);
  }
  return scratch;
}

char *fuzz_write_file(const char *name, const void *data, size_t len)
{
  char *path = g_build_filename(fuzz_scratch_dir(), name, NULL);
  char *dir = g_path_get_dirname(path);
  g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
  g_free(dir);
  /* no fsync: nothing here needs to survive a crash, and it is slow */
  g_assert_true(
      g_file_set_contents_full(path, data, (gssize)len, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  return path;
}

GBytes *fuzz_take_part(const uint8_t **data, size_t *size)
{
  static const char separator[] = "\n%%\n";
  const uint8_t *at = memmem(*data, *size, separator, sizeof separator - 1);
  size_t n = at ? (size_t)(at - *data) : *size;
  GBytes *part = g_bytes_new(*data, n);
  size_t skip = at ? n + sizeof separator - 1 : n;
  *data += skip;
  *size -= skip;
  return part;
}

char *fuzz_text_copy(const void *data, size_t size)
{
  char *copy = g_malloc(size + 1);
  if (size) memcpy(copy, data, size);
  copy[size] = '\0';
  return copy;
}
