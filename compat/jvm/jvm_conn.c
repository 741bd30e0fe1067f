/* jvm_conn.c — one Java task's connection to the JVM host: a Unix stream
 * socket; a call writes one frame and reads its one-frame answer (at
 * once, or later: jvm_conn_send, then jvm_conn_receive).  The
 * socket blocks, with SO_SNDTIMEO and SO_RCVTIMEO set to the connection's
 * timeout, and every call also checks its own deadline between reads, so
 * a JVM that hangs fails the call instead of the task's thread
 * (jvm_conn_end_hung then kills that JVM).  A call is one send() and, for
 * an answer that fits the input buffer, one recv(): a read takes all
 * the socket has, and bytes past the answer's frame stay for the next
 * read.  A JVM that exits closes the socket: the call fails with the end
 * of the connection.  A call whose answer asks for the task ids of its
 * emits (TASK_IDS_QUERY) goes on with another call from jvm_apply_answer,
 * the reply.  Used only on the owning task's thread. */
#include "jvm_private.h"

#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

gboolean jvm_conn_open(jvm_conn *c, const char *socket_path, const char *label, int64_t timeout_ms,
                       GError **error)
{
  memset(c, 0, sizeof *c);
  c->fd = -1;
  c->label = g_strdup(label);
  c->timeout_ms = timeout_ms;
  c->out = g_string_sized_new(64 * 1024);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(socket_path) >= sizeof addr.sun_path) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "%s: the JVM host's socket path %s is too long", label, socket_path);
    return FALSE;
  }
  strcpy(addr.sun_path, socket_path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int err = errno;
    if (fd >= 0) close(fd);
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "%s: cannot connect to the JVM host at %s: %s", label, socket_path,
                g_strerror(err));
    return FALSE;
  }
  struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = timeout_ms % 1000 * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  c->in_cap = 64 * 1024;
  c->in = g_malloc(c->in_cap);
  c->fd = fd;
  return TRUE;
}

static gboolean timed_out(jvm_conn *c, GError **error)
{
  c->timed_out = true;
  g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
              "%s: the JVM host did not answer within %" G_GINT64_FORMAT
              " ms (topology.subprocess.timeout.secs)",
              c->label, c->timeout_ms);
  return FALSE;
}

static gboolean gone(jvm_conn *c, const char *what, int err, GError **error)
{
  g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
              "%s: the JVM host is gone (%s%s%s)", c->label, what, err ? ": " : "",
              err ? g_strerror(err) : "");
  return FALSE;
}

static gboolean write_all(jvm_conn *c, const char *p, size_t len, int64_t deadline_us,
                          GError **error)
{
  while (len > 0) {
    ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
    if (n > 0) {
      p += n;
      len -= (size_t)n;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return timed_out(c, error);
    } else if (n < 0 && errno != EINTR) {
      return gone(c, "writing", errno, error);
    }
    if (len > 0 && g_get_monotonic_time() > deadline_us) return timed_out(c, error);
  }
  return TRUE;
}

/* Reads until the input buffer holds at least want bytes past c->in_next
 * (bytes before it were the last answer).  FALSE + error when the JVM is
 * gone or silent until the deadline. */
static gboolean read_at_least(jvm_conn *c, size_t want, int64_t deadline_us, GError **error)
{
  if (c->in_next > 0) {
    memmove(c->in, c->in + c->in_next, c->in_have - c->in_next);
    c->in_have -= c->in_next;
    c->in_next = 0;
  }
  if (want > c->in_cap) {
    c->in_cap = MAX(want, 2 * c->in_cap);
    c->in = g_realloc(c->in, c->in_cap);
  }
  while (c->in_have < want) {
    ssize_t n = recv(c->fd, c->in + c->in_have, c->in_cap - c->in_have, 0);
    if (n > 0) {
      c->in_have += (size_t)n;
    } else if (n == 0) {
      return gone(c, "it closed the connection", 0, error);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return timed_out(c, error);
    } else if (errno != EINTR) {
      return gone(c, "reading", errno, error);
    }
    if (c->in_have < want && g_get_monotonic_time() > deadline_us) return timed_out(c, error);
  }
  return TRUE;
}

/* A call that failed leaves the stream in an unknown place (a frame half
 * written or half read): the connection is closed, so later calls (the
 * task's close) fail at once instead of waiting again. */
static gboolean call_failed(jvm_conn *c)
{
  close(c->fd);
  c->fd = -1;
  return FALSE;
}

gboolean jvm_conn_send(jvm_conn *c, GError **error)
{
  if (c->fd < 0) return gone(c, "closed before", 0, error);
  c->deadline_us = g_get_monotonic_time() + c->timeout_ms * 1000;
  jw_end(c->out);
  int64_t cpu_before = c->measure ? jvm_thread_cpu_ns() : 0;
  if (c->in_next == c->in_have) c->in_next = c->in_have = 0; /* nothing read ahead */
  if (!write_all(c, c->out->str, c->out->len, c->deadline_us, error)) return call_failed(c);
  if (c->measure) c->transfer_ns += jvm_thread_cpu_ns() - cpu_before;
  return TRUE;
}

gboolean jvm_conn_receive(jvm_conn *c, jr *answer, GError **error)
{
  if (c->fd < 0) return gone(c, "closed before", 0, error);
  int64_t cpu_before = c->measure ? jvm_thread_cpu_ns() : 0;
  uint32_t len;
  if (!read_at_least(c, 4, c->deadline_us, error)) return call_failed(c);
  memcpy(&len, c->in, 4);
  len = GUINT32_FROM_LE(len);
  if (len > (1u << 30)) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "%s: the JVM host sent a frame of %u bytes", c->label, len);
    return call_failed(c);
  }
  if (!read_at_least(c, 4 + (size_t)len, c->deadline_us, error)) return call_failed(c);
  c->in_next = 4 + (size_t)len;
  *answer = (jr){.p = c->in + 4, .end = c->in + 4 + len};
  if (c->measure) {
    c->transfer_ns += jvm_thread_cpu_ns() - cpu_before;
    if (c->calls++ % JVM_SAMPLE_EVERY == 0) answer->decode_ticks = &c->decode_ticks;
  }
  return TRUE;
}

gboolean jvm_conn_call(jvm_conn *c, jr *answer, GError **error)
{
  return jvm_conn_send(c, error) && jvm_conn_receive(c, answer, error);
}

const char *jvm_conn_end_hung(jvm_conn *c)
{
  if (!c->timed_out) return "";
  c->timed_out = false;
  if (c->jvm_pid > 0 && kill((pid_t)c->jvm_pid, SIGKILL) == 0)
    return "; the JVM hung: gust killed it (SIGKILL)";
  return "";
}

void jvm_conn_close(jvm_conn *c)
{
  jvm_boundary_add(c->totals, c);
  c->encode_ticks = c->decode_ticks = c->calls = 0;
  c->transfer_ns = 0;
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  g_free(c->label);
  c->label = NULL;
  if (c->out) g_string_free(c->out, TRUE);
  c->out = NULL;
  g_free(c->in);
  c->in = NULL;
  g_free(c->sent.ids);
  g_free(c->sent.ends);
  memset(&c->sent, 0, sizeof c->sent);
}
