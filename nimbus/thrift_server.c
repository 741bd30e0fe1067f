/* thrift_server.c — Nimbus's listening socket and its client connections,
 * in Thrift's framed transport (each message preceded by its length as a
 * 4-byte big-endian integer), as Storm's THsHaServer speaks it.
 *
 * Threads:
 *  - the I/O thread (one, owned here) runs a GMainLoop with a GSocketService
 *    and every connection's asynchronous reads and writes.  It never blocks:
 *    a client that is idle, slow or stalled mid-frame only leaves a pending
 *    read behind, so hundreds of idle connections cost one buffer each.
 *  - a GThreadPool (nimbus.thrift.threads workers) runs the frame handler:
 *    a complete frame goes to the pool, the reply comes back to the I/O
 *    thread (g_main_context_invoke) which writes it and reads the next frame.
 *    One frame per connection is in flight (Thrift clients wait for each
 *    reply), so a connection's calls run in order.
 *
 * A connection (struct client) is reference counted: the I/O thread holds
 * one reference while it is open, a pool job another while its frame runs.
 * Only the I/O thread touches its socket and the table of connections.
 *
 * Refused at the framing level, each with a message the client can show,
 * then the connection is closed: a frame over max_frame_bytes (a framed
 * TApplicationException naming the size and nimbus.thrift.max_buffer_size),
 * an unframed binary-protocol client (the reply is written unframed, so
 * that client can read it), an HTTP request (an HTTP 400 answer), a
 * negative length.  An empty frame gets a PROTOCOL_ERROR and the connection
 * stays. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "thrift_server.h"

#include <gio/gio.h>
#include <gust/storm_thrift.h>
#include <string.h>

/* How much of a refused frame is read to name its method and seqid. */
#define REFUSED_HEADER_PEEK 512
#define LISTEN_BACKLOG 1024

struct gust_thrift_server {
  gust_thrift_server_options options;
  char *bind_address;
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  GSocketService *service;
  guint16 port;
  GThreadPool *pool;
  GHashTable *clients; /* conn id -> struct client; I/O thread only */
  guint64 next_id;     /* I/O thread only */
  gint open_clients;   /* atomic */
};

struct client {
  gint ref;
  gust_thrift_server *server;
  guint64 id;
  GSocketConnection *connection;
  GCancellable *cancellable;
  gboolean closed; /* I/O thread only */
  guint8 length_word[4];
  guint8 *frame;
  gsize frame_len;
  GBytes *reply;           /* set by the pool job */
  gboolean close_after;    /* set by the pool job */
  gboolean reply_unframed; /* a non-framed client's error */
  guint8 *out;
  gsize out_len;
  guint8 peek[REFUSED_HEADER_PEEK];
  char *refusal; /* message for a refused frame, while its header is peeked */
  gsize drained; /* bytes discarded after a refusal */
  guint drain_timeout;
};

static void read_next_frame(struct client *c);
static void drain_then_close(struct client *c);

static struct client *client_ref(struct client *c)
{
  g_atomic_int_inc(&c->ref);
  return c;
}

static void client_unref(struct client *c)
{
  if (!g_atomic_int_dec_and_test(&c->ref)) return;
  g_object_unref(c->connection);
  g_object_unref(c->cancellable);
  g_free(c->frame);
  g_free(c->out);
  g_free(c->refusal);
  if (c->reply) g_bytes_unref(c->reply);
  g_free(c);
}

/* Locality: I/O thread. */
static void client_close(struct client *c)
{
  if (c->closed) return;
  c->closed = TRUE;
  if (c->drain_timeout) {
    GSource *timeout = g_main_context_find_source_by_id(c->server->context, c->drain_timeout);
    c->drain_timeout = 0;
    if (timeout) g_source_destroy(timeout);
  }
  g_cancellable_cancel(c->cancellable);
  g_io_stream_close(G_IO_STREAM(c->connection), NULL, NULL);
  g_atomic_int_add(&c->server->open_clients, -1);
  if (c->server->options.on_closed) c->server->options.on_closed(c->id, c->server->options.data);
  g_hash_table_remove(c->server->clients, &c->id); /* drops the I/O thread's reference */
}

static void on_written(GObject *stream, GAsyncResult *result, gpointer data)
{
  struct client *c = data;
  GError *error = NULL;
  if (!g_output_stream_write_all_finish(G_OUTPUT_STREAM(stream), result, NULL, &error)) {
    if (!c->closed)
      g_debug("nimbus client %" G_GUINT64_FORMAT ": write failed: %s", c->id, error->message);
    g_error_free(error);
    if (!c->closed) client_close(c);
  } else if (!c->closed) {
    if (c->close_after)
      drain_then_close(c);
    else
      read_next_frame(c);
  }
  client_unref(c);
}

/* After a refusal: the reply is out, the write side is shut, and what the
 * client still sends is read and dropped (up to DRAIN_LIMIT bytes or
 * DRAIN_SECONDS) before closing, so that closing with unread data does not
 * reset the connection before the client has read the reply. */
#define DRAIN_LIMIT (64u << 20)
#define DRAIN_SECONDS 5

static gboolean on_drain_timeout(gpointer data)
{
  struct client *c = data;
  c->drain_timeout = 0;
  client_close(c);
  return G_SOURCE_REMOVE;
}

static void on_drained(GObject *stream, GAsyncResult *result, gpointer data)
{
  struct client *c = data;
  gssize got = g_input_stream_read_finish(G_INPUT_STREAM(stream), result, NULL);
  if (!c->closed) {
    c->drained += got > 0 ? (gsize)got : 0;
    if (got <= 0 || c->drained > DRAIN_LIMIT)
      client_close(c);
    else
      g_input_stream_read_async(G_INPUT_STREAM(stream), c->peek, sizeof c->peek, G_PRIORITY_DEFAULT,
                                c->cancellable, on_drained, client_ref(c));
  }
  client_unref(c);
}

static void drain_then_close(struct client *c)
{
  g_socket_shutdown(g_socket_connection_get_socket(c->connection), FALSE, TRUE, NULL);
  GSource *timeout = g_timeout_source_new_seconds(DRAIN_SECONDS);
  g_source_set_callback(timeout, on_drain_timeout, client_ref(c), (GDestroyNotify)client_unref);
  c->drain_timeout = g_source_attach(timeout, c->server->context);
  g_source_unref(timeout);
  GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(c->connection));
  g_input_stream_read_async(in, c->peek, sizeof c->peek, G_PRIORITY_DEFAULT, c->cancellable,
                            on_drained, client_ref(c));
}

/* Writes body (framed unless the client is unframed), then reads on or
 * closes.  Locality: I/O thread. */
static void write_reply(struct client *c, GBytes *body, gboolean close_after)
{
  gsize len;
  const guint8 *data = g_bytes_get_data(body, &len);
  g_free(c->out);
  gsize prefix = c->reply_unframed ? 0 : 4;
  c->out_len = len + prefix;
  c->out = g_malloc(c->out_len);
  if (prefix) {
    guint32 be = GUINT32_TO_BE((guint32)len);
    memcpy(c->out, &be, 4);
  }
  memcpy(c->out + prefix, data, len);
  c->close_after = close_after;
  GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(c->connection));
  g_output_stream_write_all_async(out, c->out, c->out_len, G_PRIORITY_DEFAULT, c->cancellable,
                                  on_written, client_ref(c));
}

/* Locality: I/O thread (invoked by the pool job). */
static gboolean on_reply_ready(gpointer data)
{
  struct client *c = data;
  if (!c->closed) {
    if (!c->reply)
      client_close(c);
    else
      write_reply(c, c->reply, c->close_after);
  }
  if (c->reply) g_bytes_unref(c->reply);
  c->reply = NULL;
  client_unref(c);
  return G_SOURCE_REMOVE;
}

/* Locality: pool thread. */
static void run_frame(gpointer job, gpointer user_data)
{
  struct client *c = job;
  gust_thrift_server *s = c->server;
  gboolean close_after = FALSE;
  c->reply = s->options.on_frame(c->id, c->frame, c->frame_len, &close_after, s->options.data);
  c->close_after = close_after;
  g_free(c->frame);
  c->frame = NULL;
  g_main_context_invoke(s->context, on_reply_ready, c); /* passes the job's reference on */
}

static void on_frame_read(GObject *stream, GAsyncResult *result, gpointer data)
{
  struct client *c = data;
  GError *error = NULL;
  gsize got = 0;
  if (!g_input_stream_read_all_finish(G_INPUT_STREAM(stream), result, &got, &error) ||
      got < c->frame_len) {
    if (!c->closed)
      g_debug("nimbus client %" G_GUINT64_FORMAT ": frame truncated at %zu of %zu bytes (%s)",
              c->id, got, c->frame_len, error ? error->message : "end of stream");
    g_clear_error(&error);
    if (!c->closed) client_close(c);
    client_unref(c);
    return;
  }
  if (c->closed) {
    client_unref(c);
    return;
  }
  g_thread_pool_push(c->server->pool, c, NULL); /* the read's reference goes to the job */
}

/* The header of a refused frame has been peeked: answer with its method and
 * seqid when they parse, then close. */
static void on_refused_peek(GObject *stream, GAsyncResult *result, gpointer data)
{
  struct client *c = data;
  gssize got = g_input_stream_read_finish(G_INPUT_STREAM(stream), result, NULL);
  if (!c->closed) {
    guint8 header[4 + REFUSED_HEADER_PEEK];
    gsize header_len = 0;
    if (c->reply_unframed) { /* the length word was the header's first word */
      memcpy(header, c->length_word, 4);
      header_len = 4;
    }
    if (got > 0) memcpy(header + header_len, c->peek, (gsize)got), header_len += (gsize)got;
    gust_thrift_message call = {0};
    gust_thrift_message_parse(header, header_len, FALSE, header_len, &call, NULL);
    GBytes *reply = gust_thrift_application_exception(call.method ? call.method : "", call.seqid,
                                                      GUST_TAPP_PROTOCOL_ERROR, c->refusal);
    write_reply(c, reply, TRUE);
    g_bytes_unref(reply);
    gust_thrift_message_clear(&call);
  }
  client_unref(c);
}

/* Refuses the frame whose length word was just read: with peek, reads what
 * follows to name the call's method and seqid in the reply first. */
static void refuse_frame(struct client *c, char *message, gboolean unframed, gboolean peek)
{
  g_warning("nimbus client %" G_GUINT64_FORMAT ": %s; closing the connection", c->id, message);
  c->refusal = message;
  c->reply_unframed = unframed;
  if (!peek) {
    GBytes *reply = gust_thrift_application_exception("", 0, GUST_TAPP_PROTOCOL_ERROR, message);
    write_reply(c, reply, TRUE);
    g_bytes_unref(reply);
    return;
  }
  GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(c->connection));
  g_input_stream_read_async(in, c->peek, sizeof c->peek, G_PRIORITY_DEFAULT, c->cancellable,
                            on_refused_peek, client_ref(c));
}

static gboolean looks_like_http(const guint8 *w)
{
  static const char *const verbs[] = {"GET ", "POST", "HEAD", "PUT ", "OPTI",
                                      "DELE", "PATC", "CONN", "TRAC"};
  for (gsize i = 0; i < G_N_ELEMENTS(verbs); i++)
    if (!memcmp(w, verbs[i], 4)) return TRUE;
  return FALSE;
}

static void answer_http(struct client *c)
{
  static const char body[] = "gust nimbus speaks Thrift (framed transport, binary protocol) on "
                             "this port, not HTTP\n";
  g_warning("nimbus client %" G_GUINT64_FORMAT ": sent an HTTP request to the Thrift port; "
            "closing the connection",
            c->id);
  char *text = g_strdup_printf("HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\n"
                               "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                               sizeof body - 1, body);
  GBytes *reply = g_bytes_new_take(text, strlen(text));
  c->reply_unframed = TRUE;
  write_reply(c, reply, TRUE);
  g_bytes_unref(reply);
}

static void on_length_read(GObject *stream, GAsyncResult *result, gpointer data)
{
  struct client *c = data;
  GError *error = NULL;
  gsize got = 0;
  gboolean ok = g_input_stream_read_all_finish(G_INPUT_STREAM(stream), result, &got, &error);
  if (c->closed) goto out;
  if (!ok || got < 4) { /* end of stream between frames is a normal goodbye */
    if (error || got)
      g_debug("nimbus client %" G_GUINT64_FORMAT ": connection ended (%s)", c->id,
              error ? error->message : "inside a length word");
    client_close(c);
    goto out;
  }
  const gust_thrift_server_options *o = &c->server->options;
  guint32 len = GUINT32_FROM_BE(*(guint32 *)c->length_word);
  if (c->length_word[0] == 0x80 && c->length_word[1] == 0x01) {
    refuse_frame(c,
                 g_strdup("the client sent a Thrift message without framing; gust nimbus, like "
                          "Storm's Nimbus, speaks the framed transport (TFramedTransport: a "
                          "4-byte big-endian length before each message)"),
                 TRUE, TRUE);
  } else if (looks_like_http(c->length_word)) {
    answer_http(c);
  } else if (len & 0x80000000u) {
    refuse_frame(c,
                 g_strdup_printf("frame length word 0x%08x is negative: not a framed Thrift "
                                 "client",
                                 len),
                 FALSE, FALSE);
  } else if (len > o->max_frame_bytes) {
    refuse_frame(c,
                 g_strdup_printf("frame of %u bytes is over nimbus.thrift.max_buffer_size (%zu "
                                 "bytes)",
                                 len, o->max_frame_bytes),
                 FALSE, TRUE);
  } else if (len == 0) {
    GBytes *reply = gust_thrift_application_exception("", 0, GUST_TAPP_PROTOCOL_ERROR,
                                                      "empty frame: a frame holds one message");
    write_reply(c, reply, FALSE);
    g_bytes_unref(reply);
  } else {
    c->frame_len = len;
    c->frame = g_malloc(len);
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(c->connection));
    g_input_stream_read_all_async(in, c->frame, len, G_PRIORITY_DEFAULT, c->cancellable,
                                  on_frame_read, client_ref(c));
  }
out:
  g_clear_error(&error);
  client_unref(c);
}

/* Locality: I/O thread. */
static void read_next_frame(struct client *c)
{
  GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(c->connection));
  g_input_stream_read_all_async(in, c->length_word, 4, G_PRIORITY_DEFAULT, c->cancellable,
                                on_length_read, client_ref(c));
}

static gboolean on_incoming(GSocketService *service, GSocketConnection *connection, GObject *source,
                            gpointer data)
{
  gust_thrift_server *s = data;
  struct client *c = g_new0(struct client, 1);
  c->ref = 1; /* the table's */
  c->server = s;
  c->id = ++s->next_id;
  c->connection = g_object_ref(connection);
  c->cancellable = g_cancellable_new();
  g_socket_set_keepalive(g_socket_connection_get_socket(connection), TRUE);
  g_hash_table_insert(s->clients, &c->id, c);
  g_atomic_int_inc(&s->open_clients);
  read_next_frame(c);
  return TRUE;
}

static gpointer run_io_thread(gpointer data)
{
  gust_thrift_server *s = data;
  g_main_context_push_thread_default(s->context);
  g_main_loop_run(s->loop);
  g_main_context_pop_thread_default(s->context);
  return NULL;
}

static GInetAddress *resolve_bind_address(const char *name, GError **error)
{
  GInetAddress *address = g_inet_address_new_from_string(name);
  if (address) return address;
  GList *found = g_resolver_lookup_by_name(g_resolver_get_default(), name, NULL, error);
  if (!found) {
    g_prefix_error(error, "storm.gust.bind.address '%s': ", name);
    return NULL;
  }
  address = g_object_ref(found->data);
  g_resolver_free_addresses(found);
  return address;
}

gust_thrift_server *gust_thrift_server_start(const gust_thrift_server_options *options,
                                             GError **error)
{
  GInetAddress *address = resolve_bind_address(options->bind_address, error);
  if (!address) return NULL;
  gust_thrift_server *s = g_new0(gust_thrift_server, 1);
  s->options = *options;
  s->bind_address = g_strdup(options->bind_address);
  s->options.bind_address = s->bind_address;
  s->context = g_main_context_new();
  s->loop = g_main_loop_new(s->context, FALSE);
  s->clients =
      g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, (GDestroyNotify)client_unref);
  s->pool = g_thread_pool_new(run_frame, s, options->handler_threads ? options->handler_threads : 8,
                              FALSE, NULL);
  /* The service accepts in the context current when it starts listening. */
  g_main_context_push_thread_default(s->context);
  s->service = g_socket_service_new();
  /* GLib's default backlog of 10 drops the SYNs of a burst of clients (each
   * then waits a second to retry). */
  g_socket_listener_set_backlog(G_SOCKET_LISTENER(s->service), LISTEN_BACKLOG);
  GSocketAddress *wanted = g_inet_socket_address_new(address, options->port);
  GSocketAddress *bound = NULL;
  gboolean ok =
      g_socket_listener_add_address(G_SOCKET_LISTENER(s->service), wanted, G_SOCKET_TYPE_STREAM,
                                    G_SOCKET_PROTOCOL_TCP, NULL, &bound, error);
  if (ok) {
    s->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
    g_signal_connect(s->service, "incoming", G_CALLBACK(on_incoming), s);
    g_socket_service_start(s->service);
  }
  g_main_context_pop_thread_default(s->context);
  g_object_unref(wanted);
  g_clear_object(&bound);
  g_object_unref(address);
  if (!ok) {
    g_prefix_error(error, "nimbus cannot listen on %s:%u: ", options->bind_address, options->port);
    gust_thrift_server_stop(s);
    return NULL;
  }
  s->thread = g_thread_new("nimbus-io", run_io_thread, s);
  g_message("nimbus listening on %s:%u", s->bind_address, s->port);
  return s;
}

guint16 gust_thrift_server_port(gust_thrift_server *server)
{
  return server->port;
}

guint gust_thrift_server_connections(gust_thrift_server *server)
{
  return (guint)g_atomic_int_get(&server->open_clients);
}

/* Locality: I/O thread. */
static gboolean close_everything(gpointer data)
{
  gust_thrift_server *s = data;
  g_socket_service_stop(s->service);
  g_socket_listener_close(G_SOCKET_LISTENER(s->service));
  GList *clients = g_hash_table_get_values(s->clients);
  for (GList *l = clients; l; l = l->next)
    client_ref(l->data);
  for (GList *l = clients; l; l = l->next) {
    client_close(l->data);
    client_unref(l->data);
  }
  g_list_free(clients);
  return G_SOURCE_REMOVE;
}

static gboolean quit_loop(gpointer data)
{
  g_main_loop_quit(data);
  return G_SOURCE_REMOVE;
}

void gust_thrift_server_stop(gust_thrift_server *s)
{
  if (!s) return;
  if (s->thread) {
    g_main_context_invoke(s->context, close_everything, s);
    g_thread_pool_free(s->pool, FALSE, TRUE); /* running frames finish and post their replies */
    s->pool = NULL;
    g_main_context_invoke(s->context, quit_loop, s->loop);
    g_thread_join(s->thread);
  } else if (s->service) {
    g_socket_listener_close(G_SOCKET_LISTENER(s->service));
  }
  while (g_main_context_iteration(s->context, FALSE)) /* replies and reads still pending */
    ;
  if (s->pool) g_thread_pool_free(s->pool, TRUE, TRUE);
  g_clear_object(&s->service);
  g_hash_table_destroy(s->clients);
  g_main_loop_unref(s->loop);
  g_main_context_unref(s->context);
  g_free(s->bind_address);
  g_free(s);
}
