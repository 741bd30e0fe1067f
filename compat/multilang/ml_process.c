/* ml_process.c — one multilang subprocess: started from an argv (never a
 * shell string) with pipes on stdin/stdout/stderr, read by its own thread.
 *
 * The reader thread polls stdout, stderr and a stop pipe.  stdout is read
 * in large chunks straight into a batch's text and cut into messages at
 * lines holding "end" (for the common messages, by the fast reader in
 * the same pass that parses them); each chunk's messages go into that
 * batch, the incomplete rest into the next, and the batch is queued for the task,
 * which a single MSG_MULTILANG_WAKE in its mailbox tells (only when the
 * queue was empty: one wake-up per burst, not per message).  When the
 * queue holds more than MAX_QUEUED bytes the reader stops reading, so a
 * child that floods stdout is slowed down by its pipe, and memory stays
 * bounded.  stderr is read line by line: every line is logged (info, as
 * Storm does) and the last TAIL_LINES are kept for error reports.  At end
 * of stdout the reader drains stderr for a moment (a crashing child
 * writes its last words there), queues an end-of-stream batch and exits.
 * A malformed message ends the stream the same way, with the error.
 *
 * When the task finds stdin full it asks the reader (a byte on the stop
 * pipe) to watch stdin too; room there posts a MSG_MULTILANG_WAKE, so the
 * task writes on without waiting in a scheduler thread.
 *
 * Threads: the reader owns out_fd, err_fd, the parser and the stderr tail
 * until it is joined; the queue, `stop`, `ended`, `want_writable` and the
 * closing of in_fd are guarded by the mutex; the last-output time is
 * atomic.  Everything else (writing stdin, pid, reaping) is the task's.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#define G_LOG_DOMAIN "gust-multilang"

#include "ml_private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
  READ_CHUNK = 256 * 1024,
  PIPE_SIZE = 1024 * 1024,
  MAX_MESSAGE = 64 * 1024 * 1024, /* one message larger than this is a protocol error */
  MAX_QUEUED = 16 * 1024 * 1024,  /* parsed input waiting for the task */
  TAIL_LINES = 20,
  MAX_LINE = 1000,       /* longer stderr lines are cut for the tail */
  MAX_SPARE = 16,        /* applied batches kept for reuse */
  STDERR_DRAIN_MS = 500, /* after stdout ended */
};

struct ml_process {
  GPid pid;
  int in_fd, out_fd, err_fd;
  int stop_pipe[2];
  char *label;
  fc_job *job;
  int task;
  int64_t started_ns;
  bool reaped;
  int wait_status;

  pthread_t reader;
  bool reader_running;
  _Atomic int64_t last_output_ns;

  pthread_mutex_t lock;
  pthread_cond_t cond;
  GQueue queue; /* ml_batch*, oldest first */
  GQueue spare; /* ml_batch*, applied and reset: the reader fills them again */
  size_t queued_bytes;
  bool notified;      /* a wake message is on its way and the queue was not taken since */
  bool stop;          /* the task asks the reader to stop */
  bool want_writable; /* the task waits for room in stdin: the reader watches it */
  bool ended;         /* the reader queued its last batch */

  /* reader thread only (the task reads `tail` after joining) */
  ml_parser *parser;
  ml_batch *filling; /* stdout is read into its text */
  size_t parsed;     /* its text up to here is parsed */
  size_t scan;       /* line framing: the next line to look at */
  bool framing;      /* the message at `parsed` is being framed by lines */
  bool discard;      /* after a protocol error: read and drop */
  GString *err_line;
  GQueue tail; /* char*, oldest first */
  char *tail_text;
};

/* ---- queue (reader -> task) ---- */

static void wake_task(ml_process *p)
{
  fc_message msg = {.kind = MSG_MULTILANG_WAKE};
  if (p->job) fc_job_post(p->job, p->task, &msg);
}

/* Queues b; waits while the queue is over its bound. */
static void push_batch(ml_process *p, ml_batch *b)
{
  pthread_mutex_lock(&p->lock);
  g_queue_push_tail(&p->queue, b);
  p->queued_bytes += b->bytes;
  if (b->end != ML_END_NONE) p->ended = true;
  bool notify = !p->notified;
  p->notified = true;
  pthread_cond_broadcast(&p->cond);
  pthread_mutex_unlock(&p->lock);
  if (notify) wake_task(p);
  pthread_mutex_lock(&p->lock);
  while (p->queued_bytes > MAX_QUEUED && !p->stop)
    pthread_cond_wait(&p->cond, &p->lock);
  pthread_mutex_unlock(&p->lock);
}

void ml_process_take(ml_process *p, GQueue *out)
{
  pthread_mutex_lock(&p->lock);
  while (!g_queue_is_empty(&p->queue))
    g_queue_push_tail(out, g_queue_pop_head(&p->queue));
  p->queued_bytes = 0;
  p->notified = false;
  pthread_cond_broadcast(&p->cond);
  pthread_mutex_unlock(&p->lock);
}

/* Waits on the condition until deadline; FALSE once it has passed.
 * Called with the lock held. */
static bool timed_wait(ml_process *p, int64_t deadline_ns)
{
  int64_t left = deadline_ns - fc_now_ns();
  if (left <= 0) return false;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  int64_t abs_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + left;
  ts.tv_sec = abs_ns / 1000000000;
  ts.tv_nsec = abs_ns % 1000000000;
  pthread_cond_timedwait(&p->cond, &p->lock, &ts);
  return true;
}

void ml_process_recycle(ml_process *p, ml_batch *b)
{
  b->n_msgs = 0;
  fc_arena_reset(&b->arena);
  g_string_truncate(b->text, 0);
  b->bytes = 0;
  pthread_mutex_lock(&p->lock);
  bool keep = g_queue_get_length(&p->spare) < MAX_SPARE;
  if (keep) g_queue_push_tail(&p->spare, b);
  pthread_mutex_unlock(&p->lock);
  if (!keep) ml_batch_free(b);
}

/* A batch to fill: a spare one, or a new one. */
static ml_batch *fresh_batch(ml_process *p)
{
  pthread_mutex_lock(&p->lock);
  ml_batch *b = g_queue_pop_head(&p->spare);
  pthread_mutex_unlock(&p->lock);
  return b ? b : ml_batch_new();
}

gboolean ml_process_wait(ml_process *p, int64_t deadline_ns)
{
  pthread_mutex_lock(&p->lock);
  while (g_queue_is_empty(&p->queue) && !p->ended && timed_wait(p, deadline_ns))
    ;
  gboolean queued = !g_queue_is_empty(&p->queue);
  pthread_mutex_unlock(&p->lock);
  return queued;
}

/* ---- stdout: framing and parsing (reader thread) ---- */

/* Marks b as the end of the stream for a protocol error. */
static gboolean protocol_error(ml_batch *b, char *error)
{
  b->end = ML_END_PROTOCOL;
  b->error = error;
  return FALSE;
}

/* Line framing from p->scan: the message at p->parsed ends at a line
 * holding "end".  Parses it and moves past it; FALSE if it is not all
 * there yet (p->scan remembers how far the lines were looked at). */
static gboolean frame_by_lines(ml_process *p, ml_batch *b, gboolean *ok)
{
  char *text = b->text->str;
  while (p->scan < b->text->len) {
    char *line = text + p->scan;
    char *nl = memchr(line, '\n', b->text->len - p->scan);
    if (!nl) break;
    size_t line_len = (size_t)(nl - line);
    if (line_len && line[line_len - 1] == '\r') line_len--;
    size_t line_start = p->scan;
    p->scan = (size_t)(nl + 1 - text);
    if (line_len == 3 && !memcmp(line, "end", 3)) {
      /* the message: the lines before, without the last one's '\n' */
      size_t len = line_start > p->parsed ? line_start - 1 - p->parsed : 0;
      char *error = NULL;
      if (!ml_parse_message(p->parser, text + p->parsed, len, b, &error))
        *ok = protocol_error(b, error);
      p->parsed = p->scan;
      p->framing = false;
      return TRUE;
    }
  }
  return FALSE;
}

/* Parses the complete messages of b from p->parsed on.  Most are read
 * directly from the stream (framing and parsing in one pass); one the
 * fast reader does not take, or that is not all there yet, is framed by
 * lines first.  FALSE (b marked) on a malformed message. */
static gboolean parse_available(ml_process *p, ml_batch *b)
{
  gboolean ok = TRUE;
  while (ok && p->parsed < b->text->len) {
    if (!p->framing) {
      size_t used;
      if (ml_fast_parse(b->text->str + p->parsed, b->text->len - p->parsed, true, &b->arena,
                        ml_batch_add(b), &used)) {
        p->parsed += used;
        continue;
      }
      b->n_msgs--;
      p->framing = true;
      p->scan = p->parsed;
    }
    if (!frame_by_lines(p, b, &ok)) break;
  }
  if (ok && b->text->len - p->parsed > MAX_MESSAGE)
    ok = protocol_error(
        b, g_strdup_printf("a message longer than %d bytes, or no \"end\" line", MAX_MESSAGE));
  return ok;
}

/* One read of stdout, straight into the filling batch's text.  Its
 * complete messages are parsed and it is queued; what follows the last of
 * them starts the next batch.  FALSE at the end (EOF, error). */
static gboolean read_stdout(ml_process *p)
{
  ml_batch *b = p->filling;
  size_t len = b->text->len;
  g_string_set_size(b->text, len + READ_CHUNK);
  ssize_t n = read(p->out_fd, b->text->str + len, READ_CHUNK);
  g_string_set_size(b->text, len + (size_t)MAX(n, 0));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return TRUE;
  if (n <= 0) return FALSE;
  atomic_store_explicit(&p->last_output_ns, fc_now_ns(), memory_order_relaxed);
  if (p->discard) {
    g_string_truncate(b->text, 0);
    return TRUE;
  }
  gboolean ok = parse_available(p, b);
  if (!b->n_msgs && ok) return TRUE; /* nothing complete yet: read on into the same batch */
  ml_batch *next = fresh_batch(p);
  size_t rest = b->text->len - p->parsed;
  g_string_append_len(next->text, b->text->str + p->parsed, (gssize)rest);
  g_string_truncate(b->text, p->parsed);
  b->bytes = p->parsed;
  p->scan -= MIN(p->scan, p->parsed);
  p->parsed = 0;
  p->filling = next;
  push_batch(p, b);
  if (!ok) p->discard = true; /* keep draining until the task kills the child */
  return TRUE;
}

/* ---- stderr (reader thread) ---- */

static void keep_stderr_line(ml_process *p, const char *line, size_t len)
{
  g_info("%s stderr: %.*s", p->label, (int)len, line);
  g_queue_push_tail(&p->tail, g_strndup(line, MIN(len, MAX_LINE)));
  if (g_queue_get_length(&p->tail) > TAIL_LINES) g_free(g_queue_pop_head(&p->tail));
}

/* One read of stderr.  FALSE at its end. */
static gboolean read_stderr(ml_process *p)
{
  char chunk[4096];
  ssize_t n = read(p->err_fd, chunk, sizeof chunk);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return TRUE;
  if (n <= 0) {
    if (p->err_line->len) keep_stderr_line(p, p->err_line->str, p->err_line->len);
    g_string_truncate(p->err_line, 0);
    return FALSE;
  }
  for (ssize_t i = 0; i < n; i++) {
    if (chunk[i] == '\n') {
      keep_stderr_line(p, p->err_line->str, p->err_line->len);
      g_string_truncate(p->err_line, 0);
    } else if (p->err_line->len < 64 * 1024) {
      g_string_append_c(p->err_line, chunk[i]);
    }
  }
  return TRUE;
}

/* ---- the reader thread ---- */

static void *reader_main(void *data)
{
  ml_process *p = data;
  bool out_open = true, err_open = true;
  int64_t drain_until = 0;
  while (out_open || err_open) {
    pthread_mutex_lock(&p->lock);
    int watch = p->want_writable ? p->in_fd : -1;
    pthread_mutex_unlock(&p->lock);
    struct pollfd fds[4] = {
        {.fd = p->stop_pipe[0], .events = POLLIN},
        {.fd = out_open ? p->out_fd : -1, .events = POLLIN},
        {.fd = err_open ? p->err_fd : -1, .events = POLLIN},
        {.fd = watch, .events = POLLOUT},
    };
    int timeout = -1;
    if (!out_open) { /* stdout ended: give stderr a moment, no more */
      int64_t left = drain_until - fc_now_ns();
      if (left <= 0) break;
      timeout = (int)(left / 1000000) + 1;
    }
    int r = poll(fds, 4, timeout);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    if (fds[0].revents) { /* asked to stop, or to watch stdin */
      char pokes[64];
      if (read(p->stop_pipe[0], pokes, sizeof pokes) < 0 && errno != EINTR) break;
      pthread_mutex_lock(&p->lock);
      bool stopping = p->stop;
      pthread_mutex_unlock(&p->lock);
      if (stopping) break;
    }
    if (fds[3].revents) { /* room in stdin (or it is gone): the task writes on */
      pthread_mutex_lock(&p->lock);
      p->want_writable = false;
      pthread_mutex_unlock(&p->lock);
      wake_task(p);
    }
    if (fds[2].revents && !read_stderr(p)) err_open = false;
    if (fds[1].revents && !read_stdout(p)) {
      out_open = false;
      drain_until = fc_now_ns() + (int64_t)STDERR_DRAIN_MS * 1000000;
    }
  }
  ml_batch *end = ml_batch_new();
  end->end = ML_END_EOF;
  pthread_mutex_lock(&p->lock);
  bool stopping = p->stop;
  pthread_mutex_unlock(&p->lock);
  if (!stopping)
    push_batch(p, end);
  else
    ml_batch_free(end);
  return NULL;
}

/* ---- starting ---- */

/* In the child, before exec: its own process group, so that a terminal's
 * Ctrl-C (SIGINT to the foreground group) reaches the worker only, which
 * then shuts the child down as Storm does, and so that whatever the child
 * starts is ended with it (the group is killed); and die with the thread
 * that started it, so that no subprocess outlives a worker that was killed.
 * (Scheduler threads live as long as the job, which reaps its subprocesses
 * before they end.) */
static void child_setup(gpointer data)
{
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
}

ml_process *ml_process_spawn(const ml_spawn_spec *spec, GError **error)
{
  ml_process *p = g_new0(ml_process, 1);
  p->in_fd = p->out_fd = p->err_fd = p->stop_pipe[0] = p->stop_pipe[1] = -1;
  GSpawnFlags flags =
      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH_FROM_ENVP | G_SPAWN_CLOEXEC_PIPES;
  if (!g_spawn_async_with_pipes(spec->cwd, spec->argv, spec->envp, flags, child_setup, NULL,
                                &p->pid, &p->in_fd, &p->out_fd, &p->err_fd, error)) {
    g_free(p);
    return NULL;
  }
  setpgid(p->pid, p->pid); /* also from here: the group exists before any kill */
  p->label = g_strdup(spec->label);
  p->job = spec->job;
  p->task = spec->task;
  p->started_ns = fc_now_ns();
  atomic_store(&p->last_output_ns, p->started_ns);
  fcntl(p->in_fd, F_SETFL, fcntl(p->in_fd, F_GETFL) | O_NONBLOCK);
  /* A larger stdout pipe: fewer, larger reads (Linux; best effort).  stdin
   * keeps its default size, so that little waits inside the child (a
   * checkpoint barrier waits for what was sent before it). */
  fcntl(p->out_fd, F_SETPIPE_SZ, PIPE_SIZE);
  g_unix_open_pipe(p->stop_pipe, FD_CLOEXEC, NULL);
  pthread_mutex_init(&p->lock, NULL);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&p->cond, &attr);
  pthread_condattr_destroy(&attr);
  g_queue_init(&p->queue);
  g_queue_init(&p->spare);
  g_queue_init(&p->tail);
  p->parser = ml_parser_new();
  p->filling = ml_batch_new();
  p->err_line = g_string_new(NULL);
  p->reader_running = pthread_create(&p->reader, NULL, reader_main, p) == 0;
  if (p->reader_running) pthread_setname_np(p->reader, "gust-ml-reader");
  if (!p->reader_running) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_FAILED,
                "cannot start a thread to read the subprocess");
    ml_process_reap(p, 0);
    ml_process_free(p);
    return NULL;
  }
  return p;
}

GPid ml_process_pid(const ml_process *p)
{
  return p->pid;
}

int64_t ml_process_started_ns(const ml_process *p)
{
  return p->started_ns;
}

int64_t ml_process_last_output_ns(ml_process *p)
{
  return atomic_load_explicit(&p->last_output_ns, memory_order_relaxed);
}

/* ---- writing (task thread) ---- */

gssize ml_process_write(ml_process *p, const char *buf, size_t len)
{
  if (p->in_fd < 0) return -1;
  /* A write to a pipe whose reader is gone raises SIGPIPE, which would end
   * the whole worker: block it on this thread for the write, and take the
   * signal back if the write raised it. */
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t n = write(p->in_fd, buf, len);
  int saved = errno;
  if (n < 0 && saved == EPIPE) {
    struct timespec zero = {0, 0};
    sigtimedwait(&pipe_set, NULL, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (n >= 0) return n;
  if (saved == EAGAIN || saved == EINTR) return 0;
  return -1;
}

void ml_process_watch_writable(ml_process *p)
{
  pthread_mutex_lock(&p->lock);
  bool poke = !p->want_writable && p->in_fd >= 0 && p->reader_running;
  if (poke) p->want_writable = true;
  pthread_mutex_unlock(&p->lock);
  if (poke && write(p->stop_pipe[1], "w", 1) < 0)
    g_debug("%s: cannot signal the reader: %s", p->label, g_strerror(errno));
}

void ml_process_wait_writable(ml_process *p, int timeout_ms)
{
  struct pollfd fd = {.fd = p->in_fd, .events = POLLOUT};
  if (p->in_fd >= 0) poll(&fd, 1, timeout_ms);
}

/* ---- ending ---- */

/* Signals the child's process group: the child and what it started.
 * Only while the child is not reaped, so its pid (the group's id) cannot
 * have been reused. */
static void signal_group(ml_process *p, int signo)
{
  if (!p->reaped && kill(-p->pid, signo) < 0) kill(p->pid, signo);
}

void ml_process_kill(ml_process *p)
{
  signal_group(p, SIGKILL);
}

/* Reaps the child if it has exited; what it started and left running is
 * killed first (its group, while the exited child still holds the id). */
static bool try_reap(ml_process *p)
{
  if (p->reaped) return true;
  siginfo_t info = {0};
  int r_wait = waitid(P_PID, (id_t)p->pid, &info, WEXITED | WNOHANG | WNOWAIT);
  if (r_wait == 0 && info.si_pid == 0) return false; /* still running */
  if (r_wait == 0) kill(-p->pid, SIGKILL);
  pid_t r = waitpid(p->pid, &p->wait_status, WNOHANG);
  if (r == p->pid || (r < 0 && errno == ECHILD)) p->reaped = true;
  return p->reaped;
}

/* Waits up to ms for the child to exit by itself. */
static bool reap_within(ml_process *p, int ms)
{
  for (int waited = 0; !try_reap(p) && waited < ms; waited += 5)
    g_usleep(5000);
  return p->reaped;
}

static void stop_reader(ml_process *p)
{
  if (!p->reader_running) return;
  pthread_mutex_lock(&p->lock);
  p->stop = true;
  pthread_cond_broadcast(&p->cond);
  pthread_mutex_unlock(&p->lock);
  if (write(p->stop_pipe[1], "x", 1) < 0)
    g_debug("%s: cannot signal the reader: %s", p->label, g_strerror(errno));
  pthread_join(p->reader, NULL);
  p->reader_running = false;
}

char *ml_process_reap(ml_process *p, int grace_ms)
{
  pthread_mutex_lock(&p->lock); /* the reader may watch it */
  p->want_writable = false;
  if (p->in_fd >= 0) {
    close(p->in_fd); /* a well-behaved child ends at end of input */
    p->in_fd = -1;
  }
  pthread_mutex_unlock(&p->lock);
  /* As Storm's ShellProcess.destroy(): SIGTERM, here to the whole group,
   * after the grace; SIGKILL if that does not end it. */
  if (!reap_within(p, grace_ms)) {
    signal_group(p, SIGTERM);
    if (!reap_within(p, 200)) {
      signal_group(p, SIGKILL);
      while (!p->reaped && waitpid(p->pid, &p->wait_status, 0) < 0 && errno == EINTR)
        ;
      p->reaped = true;
    }
  }
  /* The child is gone: its pipes reach EOF unless a grandchild holds
   * them; the reader drains stderr briefly, or is told to stop. */
  int64_t deadline = fc_now_ns() + 2 * (int64_t)STDERR_DRAIN_MS * 1000000;
  pthread_mutex_lock(&p->lock);
  while (p->reader_running && !p->ended && timed_wait(p, deadline))
    ;
  pthread_mutex_unlock(&p->lock);
  stop_reader(p);
  GString *tail = g_string_new(NULL);
  for (GList *l = p->tail.head; l; l = l->next)
    g_string_append_printf(tail, "%s    %s", tail->len ? "\n" : "", (char *)l->data);
  g_free(p->tail_text);
  p->tail_text = g_string_free(tail, FALSE);
  if (WIFEXITED(p->wait_status))
    return g_strdup_printf("exited with code %d", WEXITSTATUS(p->wait_status));
  if (WIFSIGNALED(p->wait_status))
    return g_strdup_printf("was killed by signal %d (%s)", WTERMSIG(p->wait_status),
                           g_strsignal(WTERMSIG(p->wait_status)));
  return g_strdup("ended");
}

const char *ml_process_stderr_tail(const ml_process *p)
{
  return p->tail_text ? p->tail_text : "";
}

void ml_process_free(ml_process *p)
{
  if (!p) return;
  if (p->reader_running || !p->reaped) g_free(ml_process_reap(p, 0));
  if (p->in_fd >= 0) close(p->in_fd);
  if (p->out_fd >= 0) close(p->out_fd);
  if (p->err_fd >= 0) close(p->err_fd);
  if (p->stop_pipe[0] >= 0) {
    close(p->stop_pipe[0]);
    close(p->stop_pipe[1]);
  }
  g_queue_clear_full(&p->queue, (GDestroyNotify)ml_batch_free);
  g_queue_clear_full(&p->spare, (GDestroyNotify)ml_batch_free);
  g_queue_clear_full(&p->tail, g_free);
  pthread_mutex_destroy(&p->lock);
  pthread_cond_destroy(&p->cond);
  ml_parser_free(p->parser);
  ml_batch_free(p->filling);
  if (p->err_line) g_string_free(p->err_line, TRUE);
  g_free(p->label);
  g_free(p->tail_text);
  g_free(p);
}
