/* validate_records.c — reading records from files and directories (JSON
 * lines, CSV) into the (key, value) pairs validate_compare.c compares; a
 * kafka:// source goes to validate_kafka.c.  See validate_records.h.
 * Caller's thread; no state between calls.
 */
#include "validate_kafka.h"
#include "validate_records.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum { PROGRESS_EVERY = 5000 };

G_DEFINE_QUARK(gust - validate - error - quark, gust_validate_error)

static void record_free(gpointer p)
{
  gust_validate_record *r = p;
  g_free(r->key);
  g_free(r->value);
  g_free(r);
}

gust_validate_recordset *gust_validate_recordset_new(const char *source)
{
  gust_validate_recordset *set = g_new0(gust_validate_recordset, 1);
  set->source = g_strdup(source);
  set->records = g_ptr_array_new_with_free_func(record_free);
  return set;
}

void gust_validate_recordset_free(gust_validate_recordset *set)
{
  if (!set) return;
  g_free(set->source);
  g_ptr_array_unref(set->records);
  g_strfreev(set->columns);
  g_free(set);
}

static void add(gust_validate_recordset *set, char *key, char *value)
{
  gust_validate_record *r = g_new(gust_validate_record, 1);
  r->key = key;
  r->value = value;
  g_ptr_array_add(set->records, r);
}

/* A JSON value as compared text: a string's own text, anything else
 * compact with sorted keys.  Caller frees. */
static char *json_text(const json_t *v)
{
  if (json_is_string(v)) return g_strdup(json_string_value(v));
  char *dumped = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
  char *text = g_strdup(dumped);
  free(dumped);
  return text;
}

/* The value of an object under sel->value_fields; NULL when one is absent. */
static char *select_value(json_t *object, const gust_validate_selection *sel)
{
  g_auto(GStrv) fields = g_strsplit(sel->value_fields, ",", -1);
  if (g_strv_length(fields) == 1) {
    json_t *v = json_object_get(object, g_strstrip(fields[0]));
    return v ? json_text(v) : NULL;
  }
  json_t *array = json_array();
  for (char **f = fields; *f; f++) {
    json_t *v = json_object_get(object, g_strstrip(*f));
    if (!v) {
      json_decref(array);
      return NULL;
    }
    json_array_append(array, v);
  }
  char *text = json_text(array);
  json_decref(array);
  return text;
}

void gust_validate_recordset_add_json(gust_validate_recordset *set,
                                      const gust_validate_selection *sel, const char *kafka_key,
                                      const char *text, size_t len)
{
  gboolean wants_fields = sel->key_field || sel->value_fields;
  json_t *json = wants_fields ? json_loadb(text, len, JSON_DECODE_ANY, NULL) : NULL;
  char *key = NULL, *value = NULL;
  if (sel->key_field) {
    json_t *k = json_object_get(json, sel->key_field);
    if (k)
      key = json_text(k);
    else
      set->missing_key++;
  }
  if (!key) key = g_strdup(kafka_key ? kafka_key : "");
  if (sel->value_fields) {
    if (!json_is_object(json) || !(value = select_value(json, sel))) set->missing_value++;
  } else if (sel->key_field && json_is_object(json)) {
    json_t *rest = json_deep_copy(json);
    json_object_del(rest, sel->key_field);
    value = json_text(rest);
    json_decref(rest);
  } else if ((json = json ? json : json_loadb(text, len, JSON_DECODE_ANY, NULL)) &&
             (!kafka_key || json_is_object(json) || json_is_array(json))) {
    /* compared as JSON, not as spelled; a Kafka payload that is a bare
     * word or number stays as written */
    value = json_text(json);
  }
  if (!value) value = g_strndup(text, len);
  json_decref(json);
  add(set, key, value);
}

/* ---- CSV ---- */

/* One CSV line's fields (RFC 4180 quoting within the line). */
static GStrv csv_split(const char *line)
{
  GPtrArray *fields = g_ptr_array_new();
  GString *field = g_string_new(NULL);
  gboolean quoted = FALSE;
  for (const char *p = line;; p++) {
    if (quoted && *p == '"' && p[1] == '"') {
      g_string_append_c(field, '"');
      p++;
    } else if (*p == '"' && (quoted || field->len == 0)) {
      quoted = !quoted;
    } else if (!*p || (*p == ',' && !quoted)) {
      g_ptr_array_add(fields, g_string_free(field, FALSE));
      if (!*p) break;
      field = g_string_new(NULL);
    } else {
      g_string_append_c(field, *p);
    }
  }
  g_ptr_array_add(fields, NULL);
  return (GStrv)g_ptr_array_free(fields, FALSE);
}

/* A column by name or 1-based number; -1 when there is none. */
static int csv_column(char **columns, const char *field)
{
  guint n = g_strv_length(columns);
  for (guint i = 0; i < n; i++)
    if (g_str_equal(columns[i], field)) return (int)i;
  guint64 number;
  if (g_ascii_string_to_unsigned(field, 10, 1, n, &number, NULL)) return (int)number - 1;
  return -1;
}

static gboolean csv_add_line(gust_validate_recordset *set, const gust_validate_selection *sel,
                             const char *line)
{
  g_auto(GStrv) cells = csv_split(line);
  guint n = g_strv_length(cells);
  int key_col = sel->key_field ? csv_column(set->columns, sel->key_field) : -1;
  json_t *object = json_object();
  for (guint i = 0; set->columns[i] && i < n; i++)
    json_object_set_new(object, set->columns[i], json_string(cells[i]));
  char *key = g_strdup(key_col >= 0 && (guint)key_col < n ? cells[key_col] : "");
  if (sel->key_field && (key_col < 0 || (guint)key_col >= n)) set->missing_key++;
  char *value = NULL;
  if (sel->value_fields) {
    g_auto(GStrv) fields = g_strsplit(sel->value_fields, ",", -1);
    json_t *array = json_array();
    gboolean missing = FALSE;
    for (char **f = fields; *f; f++) {
      int col = csv_column(set->columns, g_strstrip(*f));
      if (col < 0 || (guint)col >= n) {
        missing = TRUE;
        continue;
      }
      json_array_append_new(array, json_string(cells[col]));
    }
    if (missing) set->missing_value++;
    value = json_array_size(array) == 1 ? g_strdup(json_string_value(json_array_get(array, 0)))
                                        : json_text(array);
    json_decref(array);
  } else {
    if (key_col >= 0) json_object_del(object, set->columns[key_col]);
    value = json_text(object);
  }
  json_decref(object);
  add(set, key, value);
  return TRUE;
}

/* ---- files and directories ---- */

static gboolean is_csv(const char *path)
{
  return g_str_has_suffix(path, ".csv") || g_str_has_suffix(path, ".CSV");
}

static gboolean read_file(gust_validate_recordset *set, const char *path,
                          const gust_validate_selection *sel, gust_validate_progress_fn progress,
                          void *data, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, error)) {
    g_prefix_error(error, "cannot read %s: ", set->source);
    (*error)->domain = GUST_VALIDATE_ERROR;
    (*error)->code = GUST_VALIDATE_ERROR_UNUSABLE;
    return FALSE;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  gboolean csv = is_csv(path);
  for (guint i = 0; lines[i]; i++) {
    g_strchomp(lines[i]);
    if (!*lines[i]) continue;
    if (csv && !set->columns) {
      set->columns = csv_split(lines[i]);
      continue;
    }
    if (csv) {
      csv_add_line(set, sel, lines[i]);
    } else {
      json_error_t jerr;
      json_t *probe = json_loads(lines[i], JSON_DECODE_ANY, &jerr);
      if (!probe) {
        g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                    "%s:%u is not a JSON value (%s); a file of records holds one JSON value per "
                    "line, or is a .csv file with a header line",
                    path, i + 1, jerr.text);
        return FALSE;
      }
      json_decref(probe);
      gust_validate_recordset_add_json(set, sel, NULL, lines[i], strlen(lines[i]));
    }
    if (progress && set->records->len % PROGRESS_EVERY == 0 &&
        !progress(set->source, set->records->len, data)) {
      g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_INTERRUPTED,
                  "interrupted while reading %s", path);
      return FALSE;
    }
  }
  return TRUE;
}

static int compare_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The files of a directory source, sorted by name (hidden files skipped). */
static GPtrArray *directory_files(const char *source, GError **error)
{
  GDir *dir = g_dir_open(source, 0, error);
  if (!dir) {
    g_prefix_error(error, "cannot read the directory %s: ", source);
    return NULL;
  }
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(dir)))
    if (name[0] != '.') g_ptr_array_add(files, g_build_filename(source, name, NULL));
  g_dir_close(dir);
  g_ptr_array_sort(files, compare_names);
  return files;
}

static gboolean check_fields(gust_validate_recordset *set, const gust_validate_selection *sel,
                             GError **error)
{
  guint64 n = set->records->len;
  const char *what = NULL;
  if (n == 0) {
    g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                "%s holds no records (an empty range or file: nothing to compare)", set->source);
    return FALSE;
  }
  if (sel->key_field && set->missing_key == n) what = sel->key_field;
  if (sel->value_fields && set->missing_value == n) what = sel->value_fields;
  if (what) {
    g_autofree char *columns = set->columns ? g_strjoinv(", ", set->columns) : NULL;
    g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                "none of the %" G_GUINT64_FORMAT " records of %s has the field%s '%s'%s%s", n,
                set->source, strchr(what, ',') ? "s" : "", what,
                columns ? "; its columns are " : "", columns ? columns : "");
    return FALSE;
  }
  return TRUE;
}

gust_validate_recordset *gust_validate_read(const char *source, const gust_validate_selection *sel,
                                            gust_validate_progress_fn progress, void *data,
                                            gust_validate_recordset **partial, GError **error)
{
  g_autoptr(gust_validate_recordset) set = gust_validate_recordset_new(source);
  gboolean ok;
  if (g_str_has_prefix(source, "kafka://")) {
    ok = gust_validate_kafka_read(set, source, sel, progress, data, error);
  } else if (g_file_test(source, G_FILE_TEST_IS_DIR)) {
    GPtrArray *files = directory_files(source, error);
    ok = files != NULL;
    for (guint i = 0; ok && i < files->len; i++) {
      const char *file = g_ptr_array_index(files, i);
      g_auto(GStrv) columns_before = g_strdupv(set->columns);
      ok = read_file(set, file, sel, progress, data, error);
      if (ok && columns_before && set->columns &&
          !g_strv_equal((const char *const *)columns_before, (const char *const *)set->columns))
        ok = FALSE,
        g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                    "%s has other columns than the files before it in %s", file, source);
    }
    if (files) g_ptr_array_unref(files);
  } else if (g_file_test(source, G_FILE_TEST_EXISTS)) {
    ok = read_file(set, source, sel, progress, data, error);
  } else {
    g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                "%s does not exist (a source is a file of JSON lines or CSV, a directory of them, "
                "or kafka://BOOTSTRAP/TOPIC)",
                source);
    ok = FALSE;
  }
  if (!ok && error && *error && (*error)->code == GUST_VALIDATE_ERROR_INTERRUPTED && partial)
    *partial = g_steal_pointer(&set);
  if (ok && !check_fields(set, sel, error)) ok = FALSE;
  if (!ok && error && *error && (*error)->domain != GUST_VALIDATE_ERROR) {
    (*error)->domain = GUST_VALIDATE_ERROR;
    (*error)->code = GUST_VALIDATE_ERROR_UNUSABLE;
  }
  return ok ? g_steal_pointer(&set) : NULL;
}

GPtrArray *gust_validate_read_lines(const char *source, GError **error)
{
  GPtrArray *files = NULL;
  if (g_file_test(source, G_FILE_TEST_IS_DIR)) {
    if (!(files = directory_files(source, error))) goto unusable;
  } else {
    files = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(files, g_strdup(source));
  }
  GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < files->len; i++) {
    const char *file = g_ptr_array_index(files, i);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(file, &text, NULL, error)) {
      g_ptr_array_unref(lines);
      g_ptr_array_unref(files);
      goto unusable;
    }
    g_auto(GStrv) split = g_strsplit(text, "\n", -1);
    gboolean header = is_csv(file);
    for (char **l = split; *l; l++) {
      g_strchomp(*l);
      if (!**l) continue;
      if (header) {
        header = FALSE;
        continue;
      }
      json_t *string = is_csv(file) ? NULL : json_loads(*l, JSON_DECODE_ANY, NULL);
      /* a JSON string line is the record's text; anything else goes as written */
      g_ptr_array_add(lines, g_strdup(json_is_string(string) ? json_string_value(string) : *l));
      json_decref(string);
    }
  }
  g_ptr_array_unref(files);
  if (lines->len == 0) {
    g_ptr_array_unref(lines);
    g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                "the input %s holds no records", source);
    return NULL;
  }
  return lines;
unusable:
  g_prefix_error(error, "cannot read the input %s: ", source);
  (*error)->domain = GUST_VALIDATE_ERROR;
  (*error)->code = GUST_VALIDATE_ERROR_UNUSABLE;
  return NULL;
}
