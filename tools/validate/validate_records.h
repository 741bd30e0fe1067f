/* validate_records.h — the records `gust validate` compares, and where they
 * come from: a file of JSON lines, a CSV file (its first line names the
 * columns), a directory of such files (read in name order), or a Kafka
 * topic, kafka://BOOTSTRAP/TOPIC with an optional offset range
 * (?from=N&to=M, per partition, M exclusive) or time window (?since=T&until=T,
 * epoch milliseconds or ISO 8601).
 *
 * Every record becomes a (key, value) pair of strings chosen by the
 * selection: --key names one field (a JSON field, a CSV column name or a
 * 1-based column number), --value a comma-separated list of fields (one
 * field: its text; several: a JSON array of them).  Without --value the
 * value is the whole record minus its key (JSON: compact, keys sorted).  A
 * Kafka record's key is its Kafka key and its value its payload unless
 * --key/--value name fields of a JSON payload.
 *
 * Everything runs on the caller's thread.  Errors are GUST_VALIDATE_ERROR:
 * UNUSABLE (exit status 2) names the source and what is wrong with it.
 */
#ifndef GUST_VALIDATE_RECORDS_H
#define GUST_VALIDATE_RECORDS_H

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

#define GUST_VALIDATE_ERROR (gust_validate_error_quark())
GQuark gust_validate_error_quark(void);
typedef enum {
  GUST_VALIDATE_ERROR_UNUSABLE,    /* unreadable source, mismatched schema, empty range */
  GUST_VALIDATE_ERROR_INTERRUPTED, /* a stop request (Ctrl-C) came while reading */
} gust_validate_error_code;

typedef struct {
  char *key, *value;
} gust_validate_record;

/* What to compare of each record; borrowed strings, NULL = default. */
typedef struct {
  const char *key_field;
  const char *value_fields;
} gust_validate_selection;

/* Progress of a long read: called every few thousand records with the
 * number read so far; returns FALSE to stop (the read then fails with
 * INTERRUPTED, keeping what it read). */
typedef gboolean (*gust_validate_progress_fn)(const char *source, guint64 records, void *data);

/* A set of records read from one source; owns its records. */
typedef struct {
  char *source;          /* as the user named it */
  GPtrArray *records;    /* of gust_validate_record, in read order */
  char **columns;        /* a CSV source's header, else NULL */
  guint64 missing_key;   /* records without the key field */
  guint64 missing_value; /* records without a value field */
} gust_validate_recordset;

void gust_validate_recordset_free(gust_validate_recordset *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gust_validate_recordset, gust_validate_recordset_free)

/* Reads every record of source.  NULL + UNUSABLE when the source cannot be
 * read, holds a line that is not JSON, or names fields none of its records
 * has; on INTERRUPTED *partial (when not NULL) gets what was read. */
gust_validate_recordset *gust_validate_read(const char *source, const gust_validate_selection *sel,
                                            gust_validate_progress_fn progress, void *data,
                                            gust_validate_recordset **partial, GError **error);

/* Appends one record (key and value copied) to set, from a raw line of
 * JSON or a Kafka record (key may be NULL); exposed for the Kafka reader. */
void gust_validate_recordset_add_json(gust_validate_recordset *set,
                                      const gust_validate_selection *sel, const char *kafka_key,
                                      const char *text, size_t len);

gust_validate_recordset *gust_validate_recordset_new(const char *source);

/* The records of a file or directory source as text, without a CSV
 * header: what local mode writes into the spout's topic (a line holding a
 * JSON string becomes that string's text, any other line goes as written).
 * NULL + UNUSABLE. */
GPtrArray *gust_validate_read_lines(const char *source, GError **error);

G_END_DECLS

#endif
