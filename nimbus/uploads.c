/* uploads.c — jars coming in (beginFileUpload, uploadChunk,
 * finishFileUpload) and topology files going out (beginBlobDownload,
 * downloadBlobChunk, downloadChunk).
 *
 * An upload is a file nimbus/inbox/stormjar-<uuid>.jar and a session bound
 * to the connection that began it: uploadChunk and finishFileUpload from
 * another connection, or to a location never begun, are refused.  The
 * location is only ever looked up, never opened as a path a client gave.
 * Limits: storm.gust.nimbus.jar.max.bytes (256 MiB) per jar; an unfinished
 * upload idle for nimbus.file.copy.expiration.secs (600) or whose
 * connection closed is dropped with its file; a finished upload not
 * submitted within nimbus.inbox.jar.expiration.secs (3600) is deleted.
 * finishFileUpload checks the jar is a zip whose entries stay inside it (no
 * absolute names, no `..`), so a zip-slip jar is refused before submission.
 *
 * Downloads serve exactly the keys <id>-stormjar.jar, <id>-stormcode.ser and
 * <id>-stormconf.ser of stored topologies; a session reads its file in
 * chunks of at most 307200 bytes (an empty chunk: the end).
 *
 * Sessions live in nimbus->uploads under nimbus->lock; file I/O of a chunk
 * happens under the lock too (chunks are small, one client's order is
 * serial anyway). */
#define G_LOG_DOMAIN "gust-nimbus"

#include "nimbus_private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

#define DOWNLOAD_CHUNK_BYTES 307200

typedef struct {
  char *location;
  guint64 conn_id;
  FILE *file; /* NULL once finished */
  gsize size;
  gint64 last_use_secs;
} upload;

typedef struct {
  char *session;
  char *path;
  goffset offset;
  gint64 last_use_secs;
} download;

struct gust_nimbus_uploads {
  GHashTable *uploads;   /* location -> upload */
  GHashTable *downloads; /* session -> download */
};

static gint64 now_secs(void)
{
  return g_get_monotonic_time() / G_USEC_PER_SEC;
}

static void upload_free(upload *u)
{
  if (u->file) { /* unfinished: nothing will ever use the file */
    fclose(u->file);
    g_unlink(u->location);
  }
  g_free(u->location);
  g_free(u);
}

static void download_free(download *d)
{
  g_free(d->session);
  g_free(d->path);
  g_free(d);
}

gust_nimbus_uploads *gust_nimbus_uploads_new(void)
{
  gust_nimbus_uploads *u = g_new0(gust_nimbus_uploads, 1);
  u->uploads = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)upload_free);
  u->downloads =
      g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)download_free);
  return u;
}

void gust_nimbus_uploads_free(gust_nimbus_uploads *u)
{
  if (!u) return;
  g_hash_table_destroy(u->uploads);
  g_hash_table_destroy(u->downloads);
  g_free(u);
}

static gboolean refuse(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);
static gboolean refuse(GError **error, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  char *message = g_strdup_vprintf(format, ap);
  va_end(ap);
  g_set_error_literal(error, GUST_NIMBUS_CALL_ERROR, GUST_NIMBUS_CALL_ERROR_INTERNAL, message);
  g_free(message);
  return FALSE;
}

gboolean gust_nimbus_upload_finished(gust_nimbus *nimbus, const char *location)
{
  upload *u = location ? g_hash_table_lookup(nimbus->uploads->uploads, location) : NULL;
  return u && !u->file;
}

void gust_nimbus_upload_forget(gust_nimbus *nimbus, const char *location)
{
  g_hash_table_remove(nimbus->uploads->uploads, location);
}

void gust_nimbus_uploads_connection_closed(gust_nimbus *nimbus, guint64 conn_id)
{
  g_mutex_lock(&nimbus->lock);
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, nimbus->uploads->uploads);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    upload *u = value;
    if (u->file && u->conn_id == conn_id) {
      g_message("upload %s dropped: its connection closed before finishFileUpload", u->location);
      g_hash_table_iter_remove(&iter);
    }
  }
  g_mutex_unlock(&nimbus->lock);
}

void gust_nimbus_uploads_expire(gust_nimbus *nimbus)
{
  gint64 idle_limit = gust_nimbus_conf_int(nimbus->conf, "nimbus.file.copy.expiration.secs", 600);
  gint64 inbox_limit = gust_nimbus_conf_int(nimbus->conf, "nimbus.inbox.jar.expiration.secs", 3600);
  gint64 now = now_secs();
  g_mutex_lock(&nimbus->lock);
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, nimbus->uploads->uploads);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    upload *u = value;
    if (now - u->last_use_secs <= (u->file ? idle_limit : inbox_limit)) continue;
    g_message("upload %s expired", u->location);
    if (!u->file) g_unlink(u->location);
    g_hash_table_iter_remove(&iter);
  }
  g_hash_table_iter_init(&iter, nimbus->uploads->downloads);
  while (g_hash_table_iter_next(&iter, NULL, &value))
    if (now - ((download *)value)->last_use_secs > idle_limit) g_hash_table_iter_remove(&iter);
  g_mutex_unlock(&nimbus->lock);
}

GUST_NIMBUS_HANDLER(gust_nimbus_begin_file_upload)
{
  gust_nimbus *nimbus = call->nimbus;
  char *uuid = g_uuid_string_random();
  char *name = g_strdup_printf("stormjar-%s.jar", uuid);
  upload *u = g_new0(upload, 1);
  u->location = g_build_filename(nimbus->inbox_dir, name, NULL);
  u->conn_id = call->conn_id;
  u->last_use_secs = now_secs();
  g_free(uuid);
  g_free(name);
  u->file = fopen(u->location, "wbx");
  if (!u->file) {
    int e = errno;
    gboolean ok =
        refuse(error, "beginFileUpload: cannot create %s: %s", u->location, g_strerror(e));
    g_free(u->location);
    g_free(u);
    return ok;
  }
  g_mutex_lock(&nimbus->lock);
  g_hash_table_insert(nimbus->uploads->uploads, u->location, u);
  g_mutex_unlock(&nimbus->lock);
  g_object_set(result, "success", u->location, NULL);
  return TRUE;
}

/* The open upload at location owned by conn_id, or NULL with error. */
static upload *own_upload(gust_nimbus *nimbus, const gust_nimbus_call *call, const char *location,
                          GError **error)
{
  upload *u = location ? g_hash_table_lookup(nimbus->uploads->uploads, location) : NULL;
  if (!u || !u->file) {
    refuse(error,
           "%s: upload location '%s' does not exist (or timed out, or is finished): call "
           "beginFileUpload first",
           call->method, location ? location : "");
    return NULL;
  }
  if (u->conn_id != call->conn_id) {
    refuse(error, "%s: upload location '%s' belongs to another client's connection", call->method,
           location);
    return NULL;
  }
  u->last_use_secs = now_secs();
  return u;
}

GUST_NIMBUS_HANDLER(gust_nimbus_upload_chunk)
{
  GustStormNimbusUploadChunkArgs *a = args;
  gust_nimbus *nimbus = call->nimbus;
  gint64 max = gust_nimbus_conf_int(nimbus->conf, "storm.gust.nimbus.jar.max.bytes", 256 << 20);
  g_mutex_lock(&nimbus->lock);
  upload *u = own_upload(nimbus, call, a->location, error);
  gboolean ok = u != NULL;
  guint len = a->chunk ? a->chunk->len : 0;
  if (ok && (gint64)(u->size + len) > max) {
    ok = refuse(error,
                "uploadChunk: the jar at '%s' would exceed storm.gust.nimbus.jar.max.bytes "
                "(%" G_GINT64_FORMAT " bytes); the upload is dropped",
                a->location, max);
    g_hash_table_remove(nimbus->uploads->uploads, a->location);
  } else if (ok && len && fwrite(a->chunk->data, 1, len, u->file) != len) {
    ok = refuse(error, "uploadChunk: writing %s failed: %s", u->location, g_strerror(errno));
  } else if (ok) {
    u->size += len;
  }
  g_mutex_unlock(&nimbus->lock);
  return ok;
}

/* NULL when the jar at path is a zip whose entries all stay inside the
 * extraction directory, else what is wrong (new string). */
static char *jar_problem(const char *path)
{
  int zip_error = 0;
  zip_t *zip = zip_open(path, ZIP_RDONLY, &zip_error);
  if (!zip) {
    zip_error_t e;
    zip_error_init_with_code(&e, zip_error);
    char *problem = g_strdup_printf("it is not a jar (zip) file: %s", zip_error_strerror(&e));
    zip_error_fini(&e);
    return problem;
  }
  char *problem = NULL;
  zip_int64_t n = zip_get_num_entries(zip, 0);
  for (zip_int64_t i = 0; i < n && !problem; i++) {
    const char *name = zip_get_name(zip, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
    if (!name) continue;
    gboolean bad = name[0] == '/' || name[0] == '\\' || strchr(name, ':') != NULL;
    char **parts = g_strsplit_set(name, "/\\", -1);
    for (char **p = parts; *p && !bad; p++)
      bad = !strcmp(*p, "..");
    g_strfreev(parts);
    if (bad)
      problem = g_strdup_printf("entry '%s' would be extracted outside the topology's directory "
                                "(zip slip)",
                                name);
  }
  zip_discard(zip);
  return problem;
}

GUST_NIMBUS_HANDLER(gust_nimbus_finish_file_upload)
{
  GustStormNimbusFinishFileUploadArgs *a = args;
  gust_nimbus *nimbus = call->nimbus;
  g_mutex_lock(&nimbus->lock);
  upload *u = own_upload(nimbus, call, a->location, error);
  gboolean ok = u != NULL;
  if (ok) {
    ok = fclose(u->file) == 0;
    u->file = NULL;
    char *problem = ok ? jar_problem(u->location) : g_strdup(g_strerror(errno));
    if (problem) {
      ok = refuse(error, "finishFileUpload: the jar at '%s' is refused: %s", a->location, problem);
      g_unlink(u->location);
      g_hash_table_remove(nimbus->uploads->uploads, a->location);
      g_free(problem);
    } else {
      g_message("upload %s finished (%zu bytes)", u->location, u->size);
    }
  }
  g_mutex_unlock(&nimbus->lock);
  return ok;
}

/* The file a blob key names, or NULL when no stored topology has it. */
static char *blob_path(gust_nimbus *nimbus, const char *key)
{
  static const char *const files[] = {"stormjar.jar", "stormcode.ser", "stormconf.ser"};
  for (gsize i = 0; key && i < G_N_ELEMENTS(files); i++) {
    gsize klen = strlen(key), flen = strlen(files[i]);
    if (klen <= flen + 1 || strcmp(key + klen - flen, files[i]) || key[klen - flen - 1] != '-')
      continue;
    char *id = g_strndup(key, klen - flen - 1);
    char *path =
        gust_nimbus_find_by_id(nimbus, id) ? gust_nimbus_store_path(nimbus, id, files[i]) : NULL;
    g_free(id);
    return path;
  }
  return NULL;
}

GUST_NIMBUS_HANDLER(gust_nimbus_begin_blob_download)
{
  GustStormNimbusBeginBlobDownloadArgs *a = args;
  gust_nimbus *nimbus = call->nimbus;
  g_mutex_lock(&nimbus->lock);
  char *path = blob_path(nimbus, a->key);
  GStatBuf st;
  if (!path || g_stat(path, &st) != 0) {
    gust_nimbus_set_exception(result, "knf", GUST_STORM_TYPE_KEY_NOT_FOUND_EXCEPTION,
                              "%s: gust nimbus serves only the keys <topology-id>-stormjar.jar, "
                              "-stormcode.ser and -stormconf.ser of live topologies",
                              a->key ? a->key : "");
    g_free(path);
    g_mutex_unlock(&nimbus->lock);
    return TRUE;
  }
  download *d = g_new0(download, 1);
  d->session = g_uuid_string_random();
  d->path = path;
  d->last_use_secs = now_secs();
  g_hash_table_insert(nimbus->uploads->downloads, d->session, d);
  GustStormBeginDownloadResult *r =
      g_object_new(GUST_STORM_TYPE_BEGIN_DOWNLOAD_RESULT, "version", (gint64)st.st_mtime, "session",
                   d->session, "data_size", (gint64)st.st_size, NULL);
  g_mutex_unlock(&nimbus->lock);
  g_object_set(result, "success", r, NULL);
  g_object_unref(r);
  return TRUE;
}

static gboolean read_chunk(const gust_nimbus_call *call, const char *session, gpointer result,
                           GError **error)
{
  gust_nimbus *nimbus = call->nimbus;
  g_mutex_lock(&nimbus->lock);
  download *d = session ? g_hash_table_lookup(nimbus->uploads->downloads, session) : NULL;
  if (!d) {
    g_mutex_unlock(&nimbus->lock);
    return refuse(error, "%s: download session '%s' does not exist (or timed out)", call->method,
                  session ? session : "");
  }
  GByteArray *chunk = g_byte_array_sized_new(DOWNLOAD_CHUNK_BYTES);
  FILE *file = fopen(d->path, "rb");
  gboolean ok = file && fseeko(file, d->offset, SEEK_SET) == 0;
  if (ok) {
    g_byte_array_set_size(chunk, DOWNLOAD_CHUNK_BYTES);
    size_t got = fread(chunk->data, 1, DOWNLOAD_CHUNK_BYTES, file);
    ok = !ferror(file);
    g_byte_array_set_size(chunk, (guint)got);
    d->offset += (goffset)got;
    d->last_use_secs = now_secs();
  }
  if (file) fclose(file);
  if (!ok) refuse(error, "%s: reading %s failed", call->method, d->path);
  if (ok && chunk->len == 0) g_hash_table_remove(nimbus->uploads->downloads, session);
  g_mutex_unlock(&nimbus->lock);
  if (ok) g_object_set(result, "success", chunk, NULL);
  g_byte_array_unref(chunk);
  return ok;
}

GUST_NIMBUS_HANDLER(gust_nimbus_download_blob_chunk)
{
  return read_chunk(call, ((GustStormNimbusDownloadBlobChunkArgs *)args)->session, result, error);
}

GUST_NIMBUS_HANDLER(gust_nimbus_download_chunk)
{
  return read_chunk(call, ((GustStormNimbusDownloadChunkArgs *)args)->id, result, error);
}
