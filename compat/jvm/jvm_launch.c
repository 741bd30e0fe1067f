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
 *
 * Every JVM runs with -XX:+ExitOnOutOfMemoryError first among its options
 * (a later -XX:-ExitOnOutOfMemoryError undoes it), so one that runs out
 * of memory ends instead of limping on.  A JVM that ended is started
 * again by gust_jvm_relaunch() with the components only: `Launcher SOCKET
 * gust.jvm.StoredTopology FILE`, FILE being the components the first one
 * kept (components.bin beside the socket, written at submission; for a
 * worker, the file gust_jvm_start_stored() wrote).  The user's main does
 * not run again.  The new JVM binds the same socket, so the Java tasks
 * reconnect to it and open their components again (jvm_bolt.c,
 * jvm_spout.c).
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
  /* for gust_jvm_relaunch(): the first start's program, class path and options */
  char *java, *class_path;
  char **jvm_options;
  char *components; /* the file the components are kept in */
  int64_t started_us;
  /* gust_jvm_schedule_relaunch(): when the next start is due (0: none) */
  int64_t relaunch_at_us;
  int64_t backoff_ms;
  int relaunches;
};

enum { RELAUNCH_QUIET_MS = 10 * 1000, BACKOFF_MIN_MS = 1000, BACKOFF_MAX_MS = 30 * 1000 };

static void add_all(GPtrArray *argv, const char *const *items)
{
  for (; items && *items; items++)
    g_ptr_array_add(argv, g_strdup(*items));
}

/* Starts `java OPTIONS -cp CLASS_PATH gust.jvm.Launcher SOCKET MAIN
 * ARGS...` with a new control pipe.  FALSE + error if it cannot start. */
static gboolean spawn(gust_jvm *jvm, const char *main_class, const char *const *args,
                      GError **error)
{
  int control[2];
  if (!g_unix_open_pipe(control, FD_CLOEXEC, error)) return FALSE;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(argv, g_strdup(jvm->java));
  g_ptr_array_add(argv, g_strdup("-XX:+ExitOnOutOfMemoryError"));
  add_all(argv, (const char *const *)jvm->jvm_options);
  g_ptr_array_add(argv, g_strdup("-cp"));
  g_ptr_array_add(argv, g_strdup(jvm->class_path));
  g_ptr_array_add(argv, g_strdup("gust.jvm.Launcher"));
  g_ptr_array_add(argv, g_strdup(jvm->socket));
  g_ptr_array_add(argv, g_strdup(main_class));
  add_all(argv, args);
  g_ptr_array_add(argv, NULL);
  int source_fds[] = {control[1]}, target_fds[] = {3};
  gboolean ok = g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)argv->pdata, NULL,
                                                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                                 NULL, NULL, -1, -1, -1, source_fds, target_fds, 1,
                                                 &jvm->pid, &jvm->stdin_fd, NULL, NULL, error);
  close(control[1]);
  if (!ok) {
    close(control[0]);
    g_prefix_error(error, "cannot start the JVM (%s): ", (char *)argv->pdata[0]);
    return FALSE;
  }
  jvm->reaped = false;
  jvm->control_fd = control[0];
  g_byte_array_set_size(jvm->control, 0);
  jvm->started_us = g_get_monotonic_time();
  return TRUE;
}

gust_jvm *gust_jvm_start(const gust_jvm_options *o, GError **error)
{
  g_autofree char *dir = g_dir_make_tmp("gust-jvm-XXXXXX", error);
  if (!dir) return NULL;
  gust_jvm *jvm = g_new0(gust_jvm, 1);
  jvm->dir = g_steal_pointer(&dir);
  jvm->socket = g_build_filename(jvm->dir, "host.sock", NULL);
  jvm->components = g_build_filename(jvm->dir, "components.bin", NULL);
  jvm->control = g_byte_array_new();
  jvm->stdin_fd = -1;
  jvm->control_fd = -1;
  jvm->reaped = true;
  jvm->java = g_strdup(o->java ? o->java : "java");
  jvm->class_path = g_strdup(o->class_path);
  jvm->jvm_options = g_strdupv((char **)o->jvm_options);
  if (!spawn(jvm, o->main_class, o->args, error)) {
    gust_jvm_free(jvm);
    return NULL;
  }
  return jvm;
}

void gust_jvm_keep_components(gust_jvm *jvm, const char *path)
{
  g_unlink(jvm->components);
  g_free(jvm->components);
  jvm->components = g_strdup(path);
}

gboolean gust_jvm_relaunch(gust_jvm *jvm, GError **error)
{
  if (!jvm->reaped) g_free(gust_jvm_stop(jvm, 0));
  if (jvm->stdin_fd >= 0) close(jvm->stdin_fd);
  jvm->stdin_fd = -1;
  if (jvm->control_fd >= 0) close(jvm->control_fd);
  jvm->control_fd = -1;
  if (jvm->pid) g_spawn_close_pid(jvm->pid);
  jvm->pid = 0;
  if (!g_file_test(jvm->components, G_FILE_TEST_IS_REGULAR)) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "cannot start the JVM again: no Java components were kept (%s is missing)",
                jvm->components);
    return FALSE;
  }
  const char *args[] = {jvm->components, NULL};
  return spawn(jvm, "gust.jvm.StoredTopology", args, error);
}

void gust_jvm_schedule_relaunch(gust_jvm *jvm, const char *how)
{
  if (jvm->relaunch_at_us) return;
  int64_t lived_ms = (g_get_monotonic_time() - jvm->started_us) / 1000;
  gboolean quick = jvm->relaunches > 0 && lived_ms < RELAUNCH_QUIET_MS;
  jvm->backoff_ms = quick ? CLAMP(jvm->backoff_ms * 2, BACKOFF_MIN_MS, BACKOFF_MAX_MS) : 0;
  jvm->relaunches++;
  jvm->relaunch_at_us = g_get_monotonic_time() + jvm->backoff_ms * 1000 + 1;
  g_autofree char *when =
      jvm->backoff_ms ? g_strdup_printf(" in %.1f s", jvm->backoff_ms / 1e3) : g_strdup("");
  g_warning("the JVM hosting the Java tasks %s; starting it again%s (its tasks' in-flight tuples "
            "fail, each task opens again there)",
            how, when);
}

gboolean gust_jvm_relaunch_when_due(gust_jvm *jvm, GError **error)
{
  if (!jvm->relaunch_at_us || g_get_monotonic_time() < jvm->relaunch_at_us) return TRUE;
  jvm->relaunch_at_us = 0;
  return gust_jvm_relaunch(jvm, error);
}

gboolean gust_jvm_tend(gust_jvm *jvm, GError **error)
{
  gust_jvm_event ev;
  GError *read_error = NULL;
  if (!gust_jvm_next_event(jvm, 1, &ev, &read_error)) {
    g_warning("%s", read_error->message);
    g_clear_error(&read_error);
  }
  if (ev.kind == GUST_JVM_EVENT_EXITED) gust_jvm_schedule_relaunch(jvm, ev.text);
  gust_jvm_event_clear(&ev);
  return gust_jvm_relaunch_when_due(jvm, error);
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
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) /* what ExitOnOutOfMemoryError exits with */
    return g_strdup("exited with code 3 (an OutOfMemoryError, with -XX:+ExitOnOutOfMemoryError, "
                    "or System.exit(3))");
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
    ev->topology =
        gust_jvm_topology_from_description(r.p, (size_t)(r.end - r.p), &ev->inactive, error);
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
  if (jvm->relaunch_at_us) { /* ended; the next one is not started yet */
    g_usleep((gulong)timeout_ms * 1000);
    return TRUE;
  }
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
  if (jvm->stdin_fd >= 0) close(jvm->stdin_fd);
  g_unlink(jvm->socket);
  g_unlink(jvm->components);
  g_free(jvm->components);
  g_free(jvm->java);
  g_free(jvm->class_path);
  g_strfreev(jvm->jvm_options);
  g_rmdir(jvm->dir);
  g_free(jvm->socket);
  g_free(jvm->dir);
  g_byte_array_unref(jvm->control);
  g_free(jvm);
}
