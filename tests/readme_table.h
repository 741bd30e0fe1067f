/* readme_table.h — the rows of one table in README.md, for the tests that
 * check a key table in the code against the table README shows. */
#ifndef GUST_TEST_README_TABLE_H
#define GUST_TEST_README_TABLE_H

#include <glib.h>
#include <string.h>

/* The lines after header (the table's heading and separator lines, each
 * ending in '\n') up to the first line that is not a row.  A new string;
 * the test fails when README has no such header. */
static inline char *readme_table_rows(const char *readme_path, const char *header)
{
  g_autofree char *readme = NULL;
  g_assert_true(g_file_get_contents(readme_path, &readme, NULL, NULL));
  const char *start = strstr(readme, header);
  g_assert_nonnull(start);
  start += strlen(header);
  const char *end = start;
  while (*end == '|') {
    const char *newline = strchr(end, '\n');
    end = newline ? newline + 1 : end + strlen(end);
  }
  return g_strndup(start, (gsize)(end - start));
}

#endif
