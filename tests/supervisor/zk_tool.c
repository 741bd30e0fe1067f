/* zk_tool.c — ZooKeeper nodes from a test script, through gust_cluster:
 *
 *   zk_tool SERVERS ROOT put PATH DATA     (persistent; create or set)
 *   zk_tool SERVERS ROOT get PATH          (data on stdout)
 *   zk_tool SERVERS ROOT delete PATH       (recursive)
 *   zk_tool SERVERS ROOT children PATH     (one name a line)
 *
 * Exit status 0, or 1 with the error on stderr (3 for a missing node). */
#include <gust/cluster.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
  if (argc < 5) {
    fprintf(stderr, "usage: zk_tool SERVERS ROOT put|get|delete|children PATH [DATA]\n");
    return 2;
  }
  GError *error = NULL;
  gust_cluster *c = gust_cluster_connect(argv[1], argv[2], 10000, &error);
  gboolean ok = c != NULL;
  const char *verb = argv[3], *path = argv[4];
  if (ok && !strcmp(verb, "put") && argc == 6)
    ok = gust_cluster_put(c, path, argv[5], strlen(argv[5]), GUST_NODE_PERSISTENT, NULL, &error);
  else if (ok && !strcmp(verb, "get")) {
    char *data = NULL;
    gsize len = 0;
    ok = gust_cluster_get(c, path, &data, &len, &error);
    if (ok) fwrite(data, 1, len, stdout);
    g_free(data);
  } else if (ok && !strcmp(verb, "delete"))
    ok = gust_cluster_delete(c, path, TRUE, &error);
  else if (ok && !strcmp(verb, "children")) {
    GPtrArray *names = gust_cluster_children(c, path, &error);
    ok = names != NULL;
    for (guint i = 0; ok && i < names->len; i++)
      printf("%s\n", (char *)names->pdata[i]);
    if (names) g_ptr_array_unref(names);
  } else if (ok) {
    fprintf(stderr, "zk_tool: unknown verb '%s' or wrong arguments\n", verb);
    gust_cluster_free(c);
    return 2;
  }
  int status = 0;
  if (!ok) {
    fprintf(stderr, "zk_tool: %s\n", error->message);
    status = g_error_matches(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_NOT_FOUND) ? 3 : 1;
    g_error_free(error);
  }
  gust_cluster_free(c);
  return status;
}
