/* nimbus_blobs.c — fetching a blob from Nimbus over Thrift, as Storm 2's
 * supervisors do: beginBlobDownload(key) opens a session,
 * downloadBlobChunk(session) returns the next chunk until an empty one.
 *
 * One connection per blob (framed transport, binary protocol) with a
 * receive timeout, so a Nimbus that stops answering fails the download
 * instead of stalling the supervisor; the file is written as the chunks
 * come and removed if anything fails.  The size is bounded by what
 * beginBlobDownload announced (when it does) and by max_bytes.
 * Locality: the calling thread; no shared state.
 */
#define G_LOG_DOMAIN "gust-supervisor"

#include "supervisor_private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <gust_storm_nimbus.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/transport/thrift_framed_transport.h>
#include <thrift/c_glib/transport/thrift_socket.h>

enum { RECEIVE_TIMEOUT_S = 60, MAX_BLOB_BYTES_DEFAULT = 1 << 30 };

static gboolean download_error(GError **error, const char *key, const char *why)
{
  g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_DOWNLOAD, "blob %s: %s", key,
              why);
  return FALSE;
}

static gboolean split_host_port(const char *nimbus, char **host, guint *port, GError **error)
{
  const char *colon = strrchr(nimbus, ':');
  gint64 p = colon ? g_ascii_strtoll(colon + 1, NULL, 10) : 0;
  if (!colon || colon == nimbus || p < 1 || p > 65535) {
    g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_DOWNLOAD,
                "the leader's address '%s' is not host:port", nimbus);
    return FALSE;
  }
  *host = g_strndup(nimbus, (gsize)(colon - nimbus));
  *port = (guint)p;
  return TRUE;
}

/* Writes every chunk of session into out. */
static gboolean copy_chunks(GustStormNimbusIf *client, const char *key, const char *session,
                            gint64 announced, FILE *out, GError **error)
{
  gint64 total = 0;
  for (;;) {
    GByteArray *chunk = NULL;
    GustStormAuthorizationException *aze = NULL;
    if (!gust_storm_nimbus_if_download_blob_chunk(client, &chunk, session, &aze, error)) {
      if (aze) {
        g_clear_error(error);
        download_error(error, key, aze->msg ? aze->msg : "not authorized");
        g_object_unref(aze);
      }
      return FALSE;
    }
    guint len = chunk ? chunk->len : 0;
    total += len;
    gboolean ok = (announced < 0 || total <= announced) && total <= MAX_BLOB_BYTES_DEFAULT;
    if (ok && len && fwrite(chunk->data, 1, len, out) != len) {
      g_byte_array_unref(chunk);
      return download_error(error, key, "cannot write the file");
    }
    if (chunk) g_byte_array_unref(chunk);
    if (!ok) return download_error(error, key, "Nimbus sent more bytes than the blob holds");
    if (len == 0) break;
  }
  if (announced >= 0 && total != announced)
    return download_error(error, key, "Nimbus sent fewer bytes than the blob holds");
  return TRUE;
}

gboolean sv_nimbus_blob_download(const char *nimbus, const char *key, const char *path,
                                 void *unused, GError **error)
{
  g_autofree char *host = NULL;
  guint port;
  if (!split_host_port(nimbus, &host, &port, error)) return FALSE;
  ThriftSocket *socket = g_object_new(THRIFT_TYPE_SOCKET, "hostname", host, "port", port, NULL);
  ThriftTransport *transport =
      g_object_new(THRIFT_TYPE_FRAMED_TRANSPORT, "transport", socket, NULL);
  ThriftProtocol *protocol =
      g_object_new(THRIFT_TYPE_BINARY_PROTOCOL, "transport", transport, NULL);
  GustStormNimbusIf *client = g_object_new(GUST_STORM_TYPE_NIMBUS_CLIENT, "input_protocol",
                                           protocol, "output_protocol", protocol, NULL);
  /* c_glib fills a struct result the caller allocated */
  GustStormBeginDownloadResult *begin = g_object_new(GUST_STORM_TYPE_BEGIN_DOWNLOAD_RESULT, NULL);
  FILE *out = NULL;
  gboolean ok = thrift_transport_open(transport, error);
  if (ok) {
    struct timeval timeout = {.tv_sec = RECEIVE_TIMEOUT_S};
    setsockopt(socket->sd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    GustStormAuthorizationException *aze = NULL;
    GustStormKeyNotFoundException *knf = NULL;
    ok = gust_storm_nimbus_if_begin_blob_download(client, &begin, key, &aze, &knf, error);
    if (!ok && (aze || knf)) {
      g_clear_error(error);
      const char *msg = knf ? knf->msg : aze->msg;
      g_autofree char *why = g_strdup_printf("%s: %s", knf ? "no such blob" : "not authorized",
                                             msg ? msg : "(no message)");
      download_error(error, key, why);
    }
    if (aze) g_object_unref(aze);
    if (knf) g_object_unref(knf);
  }
  if (ok && !(out = g_fopen(path, "wb"))) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s", path,
                g_strerror(errno));
    ok = FALSE;
  }
  if (ok)
    ok = copy_chunks(client, key, begin->session, begin->__isset_data_size ? begin->data_size : -1,
                     out, error);
  if (out && fclose(out) != 0 && ok) ok = download_error(error, key, "cannot write the file");
  if (!ok && out) g_unlink(path);
  g_object_unref(begin);
  if (thrift_transport_is_open(transport)) thrift_transport_close(transport, NULL);
  g_object_unref(client);
  g_object_unref(protocol);
  g_object_unref(transport);
  g_object_unref(socket);
  return ok;
}
