/* dev_zookeeper.c — see dev_zookeeper.h.
 *
 * The server is started as Debian's package lays it out: java with
 * /usr/share/java/zookeeper.jar (its manifest names the other jars) and
 * org.apache.zookeeper.server.ZooKeeperServerMain on a zoo.cfg written here;
 * slf4j-simple, when present, makes it log to its output (the log file).
 */
#include "dev_zookeeper.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ZOOKEEPER_JAR "/usr/share/java/zookeeper.jar"
#define SLF4J_SIMPLE_JAR "/usr/share/java/slf4j-simple.jar"
#define ZOOKEEPER_MAIN "org.apache.zookeeper.server.ZooKeeperServerMain"

static gboolean write_config(const char *dir, const char *host, int port, GError **error)
{
  char *data = g_build_filename(dir, "data", NULL);
  char *path = g_build_filename(dir, "zoo.cfg", NULL);
  /* tickTime 2000 (ZooKeeper's default): sessions of 4 s to 40 s, which
   * holds Storm's storm.zookeeper.session.timeout default of 20 s. */
  char *text = g_strdup_printf("tickTime=2000\n"
                               "dataDir=%s\n"
                               "clientPort=%d\n"
                               "clientPortAddress=%s\n"
                               "admin.enableServer=false\n"
                               "4lw.commands.whitelist=ruok,srvr,mntr,stat,cons\n",
                               data, port, host);
  gboolean ok = g_mkdir_with_parents(data, 0755) == 0;
  if (!ok)
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                "cannot create ZooKeeper's data folder %s: %s", data, g_strerror(errno));
  else
    ok = g_file_set_contents(path, text, -1, error);
  g_free(text);
  g_free(path);
  g_free(data);
  return ok;
}

gust_dev_process *gust_dev_zookeeper_start(const char *dir, const char *host, int port,
                                           GError **error)
{
  char *java = g_find_program_in_path("java");
  if (!java || !g_file_test(ZOOKEEPER_JAR, G_FILE_TEST_EXISTS)) {
    g_set_error(
        error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
        "%s: ZooKeeper's server is Debian's package `zookeeper` (Java): apt-get install zookeeper",
        java ? ZOOKEEPER_JAR " is missing" : "java is not on PATH");
    g_free(java);
    return NULL;
  }
  if (!write_config(dir, host, port, error)) {
    g_free(java);
    return NULL;
  }
  char *classpath = g_file_test(SLF4J_SIMPLE_JAR, G_FILE_TEST_EXISTS)
                        ? g_strdup(ZOOKEEPER_JAR ":" SLF4J_SIMPLE_JAR)
                        : g_strdup(ZOOKEEPER_JAR);
  char *config = g_build_filename(dir, "zoo.cfg", NULL);
  char *log = g_build_filename(dir, "zookeeper.log", NULL);
  char *argv[] = {java,
                  "-Xmx256m",
                  "-Dzookeeper.admin.enableServer=false",
                  "-Dzookeeper.jmx.log4j.disable=true",
                  "-cp",
                  classpath,
                  ZOOKEEPER_MAIN,
                  config,
                  NULL};
  gust_dev_process *server = gust_dev_process_start("zookeeper", argv, log, error);
  g_free(log);
  g_free(config);
  g_free(classpath);
  g_free(java);
  return server;
}

/* A ZooKeeper four-letter word's answer, or NULL if nothing answered. */
static char *four_letter_word(const char *host, int port, const char *word)
{
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *addresses = NULL;
  char service[16];
  g_snprintf(service, sizeof service, "%d", port);
  if (getaddrinfo(host, service, &hints, &addresses) != 0) return NULL;
  GString *answer = NULL;
  for (struct addrinfo *a = addresses; a && !answer; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    struct timeval timeout = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 &&
        write(fd, word, strlen(word)) == (ssize_t)strlen(word)) {
      answer = g_string_new(NULL);
      char buffer[512];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof buffer)) > 0)
        g_string_append_len(answer, buffer, n);
    }
    close(fd);
  }
  freeaddrinfo(addresses);
  return answer ? g_string_free(answer, FALSE) : NULL;
}

gboolean gust_dev_zookeeper_wait(gust_dev_process *server, const char *host, int port,
                                 int timeout_ms, const gboolean *stop, GError **error)
{
  gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
  while (gust_dev_process_running(server) && g_get_monotonic_time() < deadline) {
    while (g_main_context_iteration(NULL, FALSE))
      ;
    if (*stop) return FALSE;
    char *answer = four_letter_word(host, port, "srvr");
    gboolean serving = answer && strstr(answer, "Mode:");
    g_free(answer);
    if (serving) return TRUE;
    g_usleep(200 * 1000);
  }
  char *tail = gust_dev_process_log_tail(server, 20);
  g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
              "ZooKeeper on %s:%d %s; the end of %s:\n%s", host, port,
              gust_dev_process_running(server) ? "did not answer in time" : "exited", server->log,
              tail);
  g_free(tail);
  return FALSE;
}
