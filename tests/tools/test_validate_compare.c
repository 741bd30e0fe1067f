/* test_validate_compare.c — gust validate's comparison library without any
 * process or broker: records selected from JSON lines and CSV files, the
 * multiset comparison (lost, changed, extra, duplicates apart), final
 * values with a tolerance, per-key order, and the JSON / HTML reports of a
 * partial result.  Runs in the sanitizer builds too.
 */
#include "validate_compare.h"
#include "validate_records.h"
#include "validate_report.h"

#include <glib/gstdio.h>
#include <jansson.h>
#include <string.h>

static const gust_validate_options MULTISET = {.max_shown = 20};

static gust_validate_recordset *from_json(const char *name, const gust_validate_selection *sel,
                                          const char *const *lines)
{
  gust_validate_recordset *set = gust_validate_recordset_new(name);
  for (; *lines; lines++)
    gust_validate_recordset_add_json(set, sel, NULL, *lines, strlen(*lines));
  return set;
}

static void test_duplicates_alone_are_equivalent_and_losses_are_not(void)
{
  gust_validate_selection sel = {.key_field = "w"};
  const char *legacy[] = {"{\"w\":\"a\",\"n\":1}", "{\"w\":\"b\",\"n\":1}", "{\"w\":\"c\",\"n\":1}",
                          NULL};
  const char *dup[] = {"{\"n\":1,\"w\":\"a\"}", "{\"w\":\"a\",\"n\":1}", "{\"w\":\"b\",\"n\":1}",
                       "{\"w\":\"c\",\"n\":1}", NULL};
  const char *lossy[] = {"{\"w\":\"a\",\"n\":1}", "{\"w\":\"b\",\"n\":2}", "{\"w\":\"d\",\"n\":1}",
                         NULL};
  g_autoptr(gust_validate_recordset) l = from_json("legacy", &sel, legacy);
  g_autoptr(gust_validate_recordset) d = from_json("dup", &sel, dup);
  g_autoptr(gust_validate_recordset) x = from_json("lossy", &sel, lossy);
  gust_validate_sink_result *r = gust_validate_compare("s", l, d, &MULTISET);
  g_assert_cmpint(r->verdict, ==, GUST_VALIDATE_EQUIVALENT);
  g_assert_cmpuint(r->counts[GUST_VALIDATE_DUPLICATE], ==, 1);
  gust_validate_sink_result_free(r);
  r = gust_validate_compare("s", l, x, &MULTISET);
  g_assert_cmpint(r->verdict, ==, GUST_VALIDATE_DIFFERENT);
  g_assert_cmpuint(r->counts[GUST_VALIDATE_LOST], ==, 1);    /* c */
  g_assert_cmpuint(r->counts[GUST_VALIDATE_CHANGED], ==, 1); /* b: n 1 -> 2 */
  g_assert_cmpuint(r->counts[GUST_VALIDATE_EXTRA], ==, 1);   /* d */
  gust_validate_difference *first = g_ptr_array_index(r->shown, 0);
  g_assert_cmpint(first->kind, ==, GUST_VALIDATE_LOST);
  g_assert_cmpstr(first->key, ==, "c");
  g_autofree char *line = gust_validate_sink_summary(r);
  g_assert_nonnull(strstr(line, "1 lost (keys c)"));
  gust_validate_sink_result_free(r);
}

static void test_final_values_within_tolerance_and_order(void)
{
  gust_validate_selection sel = {.key_field = "w", .value_fields = "n"};
  const char *legacy[] = {"{\"w\":\"a\",\"n\":1}", "{\"w\":\"a\",\"n\":2}", NULL};
  const char *close[] = {"{\"w\":\"a\",\"n\":2}", "{\"w\":\"a\",\"n\":2.4}", NULL};
  g_autoptr(gust_validate_recordset) l = from_json("legacy", &sel, legacy);
  g_autoptr(gust_validate_recordset) c = from_json("close", &sel, close);
  gust_validate_options final = {.final_values = TRUE, .tolerance = 0.5, .max_shown = 5};
  gust_validate_sink_result *r = gust_validate_compare("s", l, c, &final);
  g_assert_cmpint(r->verdict, ==, GUST_VALIDATE_IDENTICAL);
  gust_validate_sink_result_free(r);
  final.tolerance = 0.1;
  r = gust_validate_compare("s", l, c, &final);
  g_assert_cmpuint(r->counts[GUST_VALIDATE_CHANGED], ==, 1);
  gust_validate_sink_result_free(r);
  const char *reversed[] = {"{\"w\":\"a\",\"n\":2}", "{\"w\":\"a\",\"n\":1}", NULL};
  g_autoptr(gust_validate_recordset) rev = from_json("reversed", &sel, reversed);
  gust_validate_options ordered = {.ordered = TRUE, .max_shown = 5};
  r = gust_validate_compare("s", l, rev, &ordered);
  g_assert_cmpuint(r->counts[GUST_VALIDATE_ORDER], ==, 1);
  g_assert_cmpint(r->verdict, ==, GUST_VALIDATE_DIFFERENT);
  gust_validate_sink_result_free(r);
}

static void test_csv_columns_by_name_or_number_and_missing_fields(void)
{
  g_autofree char *dir = g_dir_make_tmp("validate-test-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename(dir, "out.csv", NULL);
  g_assert_true(g_file_set_contents(csv, "word,count\n\"a,b\",3\nc,4\n", -1, NULL));
  gust_validate_selection by_name = {.key_field = "word", .value_fields = "count"};
  gust_validate_selection by_number = {.key_field = "1", .value_fields = "2"};
  GError *error = NULL;
  g_autoptr(gust_validate_recordset) a =
      gust_validate_read(csv, &by_name, NULL, NULL, NULL, &error);
  g_assert_no_error(error);
  g_autoptr(gust_validate_recordset) b =
      gust_validate_read(csv, &by_number, NULL, NULL, NULL, &error);
  g_assert_no_error(error);
  gust_validate_record *first = g_ptr_array_index(a->records, 0);
  g_assert_cmpstr(first->key, ==, "a,b");
  g_assert_cmpstr(first->value, ==, "3");
  gust_validate_sink_result *r = gust_validate_compare("s", a, b, &MULTISET);
  g_assert_cmpint(r->verdict, ==, GUST_VALIDATE_IDENTICAL);
  gust_validate_sink_result_free(r);
  gust_validate_selection absent = {.key_field = "nope"};
  g_assert_null(gust_validate_read(csv, &absent, NULL, NULL, NULL, &error));
  g_assert_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE);
  g_assert_nonnull(strstr(error->message, "its columns are word, count"));
  g_clear_error(&error);

  gust_validate_report *report = gust_validate_report_new("offline");
  g_ptr_array_add(report->sinks, gust_validate_compare("<sink>", a, b, &MULTISET));
  report->partial_reason = g_strdup("interrupted while reading <sink>");
  g_autofree char *json = g_build_filename(dir, "r.json", NULL);
  g_autofree char *html = g_build_filename(dir, "r.html", NULL);
  g_assert_true(gust_validate_report_write_json(report, json, NULL));
  g_assert_true(gust_validate_report_write_html(report, html, NULL));
  gust_validate_report_free(report);
  json_t *root = json_load_file(json, 0, NULL);
  g_assert_true(json_is_true(json_object_get(root, "partial")));
  g_assert_cmpstr(json_string_value(json_object_get(root, "verdict")), ==, "partial");
  json_decref(root);
  g_autofree char *page = NULL;
  g_assert_true(g_file_get_contents(html, &page, NULL, NULL));
  g_assert_nonnull(strstr(page, "PARTIAL REPORT"));
  g_assert_nonnull(strstr(page, "&lt;sink&gt;")); /* escaped */
  g_assert_null(strstr(page, "<sink>"));
  g_unlink(json), g_unlink(html), g_unlink(csv), g_rmdir(dir);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/validate/duplicates_alone_are_equivalent_and_losses_are_not",
                  test_duplicates_alone_are_equivalent_and_losses_are_not);
  g_test_add_func("/validate/final_values_within_tolerance_and_order",
                  test_final_values_within_tolerance_and_order);
  g_test_add_func("/validate/csv_columns_by_name_or_number_and_missing_fields",
                  test_csv_columns_by_name_or_number_and_missing_fields);
  return g_test_run();
}
