/* jvm_launch.c — the JVM `gust jar` starts (see gust/jvm.h).
 *
 * The JVM is `java OPTIONS -cp CLASS_PATH gust.jvm.Launcher SOCKET MAIN
 * ARGS...`, started without a shell; its standard output and error are
 * ours, its standard input a pipe that gust closes to end it, and its
 * descriptor 3 the write end of the control pipe.  SOCKET is a Unix
 * socket in a private temporary directory (removed by gust_jvm_free).
 * Control messages are frames (jvm_private.h): SUBMIT, KILL, MAIN_DONE,
 * LOADED;
 * the end of the pipe means the JVM exited.  Everything here runs on the
 * caller's thread.
 */
#define G_LOG_DOMAIN "gust-jvm"

#include "jvm_private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gust/jvm.h>
#include <signal.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

struct gust_jvm {
  GPid pid;
  bool reaped;
  int wait_status;
  int stdin_fd;   /* -1 once closed */
  int control_fd; /* read end; -1 at its end */
  char *dir;
  char *socket;
  GByteArray *control; /* bytes read, not yet a whole frame */
};

static void add_all(GPtrArray *argv, const char *const *items)
{
  for (; items && *items; items++)
    g_ptr_array_add(argv, g_strdup(*items));
}

gust_jvm *gust_jvm_start(const gust_jvm_options *o, GError **error)
{
  int control[2];
  g_autofree char *dir = g_dir_make_tmp("gust-jvm-XXXXXX", error);
  if (!dir) return NULL;
  if (!g_unix_open_pipe(control, FD_CLOEXEC, error)) {
    g_rmdir(dir);
    return NULL;
  }
  gust_jvm *jvm = g_new0(gust_jvm, 1);
  jvm->dir = g_steal_pointer(&dir);
  jvm->socket = g_build_filename(jvm->dir, "host.sock", NULL);
  jvm->control = g_byte_array_new();
  jvm->stdin_fd = -1;
  jvm->control_fd = control[0];

  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(argv, g_strdup(o->java ? o->java : "java"));
  add_all(argv, o->jvm_options);
  g_ptr_array_add(argv, g_strdup("-cp"));
  g_ptr_array_add(argv, g_strdup(o->class_path));
  g_ptr_array_add(argv, g_strdup("gust.jvm.Launcher"));
  g_ptr_array_add(argv, g_strdup(jvm->socket));
  g_ptr_array_add(argv, g_strdup(o->main_class));
  add_all(argv, o->args);
  g_ptr_array_add(argv, NULL);
  int source_fds[] = {control[1]}, target_fds[] = {3};
  gboolean ok = g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)argv->pdata, NULL,
                                                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                                 NULL, NULL, -1, -1, -1, source_fds, target_fds, 1,
                                                 &jvm->pid, &jvm->stdin_fd, NULL, NULL, error);
  close(control[1]);
  if (!ok) {
    g_prefix_error(error, "cannot start the JVM (%s): ", (char *)argv->pdata[0]);
    jvm->reaped = true;
    gust_jvm_free(jvm);
    return NULL;
  }
  return jvm;
}

const char *gust_jvm_socket(const gust_jvm *jvm)
{
  return jvm->socket;
}

GPid gust_jvm_pid(const gust_jvm *jvm)
{
  return jvm->pid;
}

static char *how_it_ended(int status)
{
  if (WIFEXITED(status)) return g_strdup_printf("exited with code %d", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return g_strdup_printf("was killed by signal %d", WTERMSIG(status));
  return g_strdup("ended");
}

/* Reaps the JVM, waiting up to wait_ms (0: only if it has ended).  TRUE once reaped. */
static gboolean reap(gust_jvm *jvm, int wait_ms)
{
  int64_t deadline = g_get_monotonic_time() + (int64_t)wait_ms * 1000;
  while (!jvm->reaped) {
    pid_t r = waitpid(jvm->pid, &jvm->wait_status, WNOHANG);
    if (r == jvm->pid || (r < 0 && errno == ECHILD)) {
      jvm->reaped = true;
      break;
    }
    if (g_get_monotonic_time() >= deadline) break;
    g_usleep(10 * 1000);
  }
  return jvm->reaped;
}

/* A whole frame at the start of the buffer: its length, or -1. */
static gssize whole_frame(const gust_jvm *jvm)
{
  uint32_t len;
  if (jvm->control->len < 4) return -1;
  memcpy(&len, jvm->control->data, 4);
  len = GUINT32_FROM_LE(len);
  return jvm->control->len - 4 >= len ? (gssize)len : -1;
}

static gboolean read_event(const uint8_t *data, size_t len, gust_jvm_event *ev, GError **error)
{
  jr r = {.p = data, .end = data + len};
  uint8_t kind = 0;
  const char *text;
  uint32_t text_len;
  jr_u8(&r, &kind);
  switch (kind) {
  case JW_SUBMIT:
    ev->topology = gust_jvm_topology_from_description(r.p, (size_t)(r.end - r.p), error);
    if (!ev->topology) return FALSE;
    ev->kind = GUST_JVM_EVENT_SUBMIT;
    return TRUE;
  case JW_KILL:
    if (!jr_str(&r, &text, &text_len)) break;
    ev->kind = GUST_JVM_EVENT_KILL;
    ev->text = g_strndup(text, text_len);
    return TRUE;
  case JW_LOADED:
    ev->components = jvm_loaded_read(r.p, (size_t)(r.end - r.p), error);
    if (!ev->components) return FALSE;
    ev->kind = GUST_JVM_EVENT_LOADED;
    return TRUE;
  case JW_MAIN_DONE: {
    int32_t status;
    if (!jr_i32(&r, &status) || !jr_str(&r, &text, &text_len)) break;
    ev->kind = GUST_JVM_EVENT_MAIN_DONE;
    ev->status = status;
    ev->text = g_strndup(text, text_len);
    return TRUE;
  }
  default:
    break;
  }
  g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
              "the JVM sent a control message gust cannot read (kind %u, %zu bytes)", kind, len);
  return FALSE;
}

gboolean gust_jvm_next_event(gust_jvm *jvm, int timeout_ms, gust_jvm_event *ev, GError **error)
{
  memset(ev, 0, sizeof *ev);
  int64_t deadline = g_get_monotonic_time() + (int64_t)timeout_ms * 1000;
  for (;;) {
    gssize len = whole_frame(jvm);
    if (len >= 0) {
      gboolean ok = read_event(jvm->control->data + 4, (size_t)len, ev, error);
      g_byte_array_remove_range(jvm->control, 0, (guint)len + 4);
      return ok;
    }
    if (jvm->control_fd < 0) {
      reap(jvm, 5000);
      ev->kind = GUST_JVM_EVENT_EXITED;
      ev->text = jvm->reaped ? how_it_ended(jvm->wait_status) : g_strdup("closed its control pipe");
      return TRUE;
    }
    int64_t left_ms = (deadline - g_get_monotonic_time()) / 1000;
    if (left_ms <= 0) return TRUE; /* GUST_JVM_EVENT_NONE */
    struct pollfd p = {.fd = jvm->control_fd, .events = POLLIN};
    if (poll(&p, 1, (int)left_ms) <= 0) continue;
    uint8_t buf[64 * 1024];
    ssize_t n = read(jvm->control_fd, buf, sizeof buf);
    if (n > 0)
      g_byte_array_append(jvm->control, buf, (guint)n);
    else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      close(jvm->control_fd);
      jvm->control_fd = -1;
    }
  }
}

void gust_jvm_event_clear(gust_jvm_event *ev)
{
  gust_topology_free(ev->topology);
  g_free(ev->text);
  if (ev->components) g_hash_table_unref(ev->components);
  memset(ev, 0, sizeof *ev);
}

char *gust_jvm_stop(gust_jvm *jvm, int grace_ms)
{
  if (jvm->stdin_fd >= 0) close(jvm->stdin_fd);
  jvm->stdin_fd = -1;
  if (!reap(jvm, grace_ms)) {
    kill(jvm->pid, SIGKILL);
    reap(jvm, 5000);
  }
  return jvm->reaped ? how_it_ended(jvm->wait_status) : g_strdup("could not be reaped");
}

void gust_jvm_free(gust_jvm *jvm)
{
  if (!jvm) return;
  if (!jvm->reaped) g_free(gust_jvm_stop(jvm, 2000));
  if (jvm->pid) g_spawn_close_pid(jvm->pid);
  if (jvm->control_fd >= 0) close(jvm->control_fd);
  g_unlink(jvm->socket);
  g_rmdir(jvm->dir);
  g_free(jvm->socket);
  g_free(jvm->dir);
  g_byte_array_unref(jvm->control);
  g_free(jvm);
}
