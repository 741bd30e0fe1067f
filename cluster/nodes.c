/* nodes.c — reading and writing nodes: put (create or set), get, JSON,
 * delete (recursive), children; a put tried again while the connection is
 * lost; and the record of this client's ephemeral nodes, created again
 * after the session is renewed.
 *
 * Threads: any thread, including the event thread inside a user callback.
 * Each call holds the handle read lock for its ZooKeeper calls; the record
 * of ephemeral nodes is guarded by state_lock.
 *
 * Invariants: every path a caller gives is checked (starts with '/', no
 * empty component, no trailing '/') before it reaches ZooKeeper, and errors
 * name the path relative to the root and the servers.
 */
#include "cluster_internal.h"

#include <string.h>

char *cluster_full_path(gust_cluster *c, const char *path)
{
  return g_strconcat(c->root, path, NULL);
}

gboolean cluster_check_path(const char *path, GError **error)
{
  gboolean ok = path && path[0] == '/' && path[1] != '\0' && !strstr(path, "//") &&
                path[strlen(path) - 1] != '/';
  if (!ok)
    g_set_error(
        error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED,
        "bad ZooKeeper path '%s': it must start with '/', have no empty part and no trailing '/'",
        path ? path : "(null)");
  return ok;
}

void cluster_set_error(GError **error, int rc, const char *what, gust_cluster *c, const char *path)
{
  int code = GUST_CLUSTER_ERROR_FAILED;
  if (rc == ZNONODE)
    code = GUST_CLUSTER_ERROR_NOT_FOUND;
  else if (rc == ZNODEEXISTS)
    code = GUST_CLUSTER_ERROR_EXISTS;
  else if (rc == ZCONNECTIONLOSS || rc == ZSESSIONEXPIRED || rc == ZOPERATIONTIMEOUT ||
           rc == ZINVALIDSTATE || rc == ZCLOSING || rc == ZSESSIONMOVED)
    code = GUST_CLUSTER_ERROR_CONNECTION;
  g_set_error(error, GUST_CLUSTER_ERROR, code, "ZooKeeper %s '%s%s' (servers '%s'): %s", what,
              c->root, path, c->servers, zerror(rc));
}

/* Creates every missing ancestor of full (not full itself) as an empty
 * persistent node. */
int cluster_create_parents(gust_cluster *c, zhandle_t *zh, const char *full)
{
  char *copy = g_strdup(full);
  int rc = ZOK;
  for (char *slash = strchr(copy + 1, '/'); slash && rc == ZOK; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    rc = zoo_create(zh, copy, NULL, -1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, NULL, 0);
    if (rc == ZNODEEXISTS) rc = ZOK;
    *slash = '/';
  }
  g_free(copy);
  return rc;
}

int cluster_create(gust_cluster *c, zhandle_t *zh, const char *full, const char *data, gsize len,
                   int mode, char **created)
{
  char buffer[1024];
  int rc = zoo_create(zh, full, data, data ? (int)len : -1, &ZOO_OPEN_ACL_UNSAFE, mode, buffer,
                      sizeof buffer);
  if (rc == ZNONODE) {
    rc = cluster_create_parents(c, zh, full);
    if (rc == ZOK)
      rc = zoo_create(zh, full, data, data ? (int)len : -1, &ZOO_OPEN_ACL_UNSAFE, mode, buffer,
                      sizeof buffer);
  }
  if (rc == ZOK && created) *created = g_strdup(buffer);
  return rc;
}

static int kind_mode(gust_node_kind kind)
{
  switch (kind) {
  case GUST_NODE_EPHEMERAL:
    return ZOO_EPHEMERAL;
  case GUST_NODE_EPHEMERAL_SEQUENTIAL:
    return ZOO_EPHEMERAL_SEQUENTIAL;
  default:
    return ZOO_PERSISTENT;
  }
}

/* An ephemeral node that exists already: ours gets the new data; one left
 * by an earlier session (a daemon restarted before its old session timed
 * out) is replaced, or it would vanish when that session ends. */
static int replace_ephemeral(gust_cluster *c, zhandle_t *zh, const char *full, const char *data,
                             gsize len)
{
  struct Stat stat;
  int rc = zoo_exists(zh, full, 0, &stat);
  if (rc != ZOK) return rc;
  if (stat.ephemeralOwner == zoo_client_id(zh)->client_id)
    return zoo_set(zh, full, data, (int)len, -1);
  rc = zoo_delete(zh, full, stat.version);
  if (rc != ZOK && rc != ZNONODE) return rc;
  return cluster_create(c, zh, full, data, len, ZOO_EPHEMERAL, NULL);
}

static const char *relative(gust_cluster *c, const char *full)
{
  return full + strlen(c->root);
}

gboolean gust_cluster_put(gust_cluster *c, const char *path, const char *data, gsize len,
                          gust_node_kind kind, char **created_path, GError **error)
{
  if (!cluster_check_path(path, error)) return FALSE;
  if (len > G_MAXINT / 2) {
    g_set_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED,
                "ZooKeeper node '%s': %zu bytes is too much", path, (size_t)len);
    return FALSE;
  }
  if (!data) data = "";
  char *full = cluster_full_path(c, path);
  char *created = NULL;
  zhandle_t *zh = cluster_handle_acquire(c);
  int rc = cluster_create(c, zh, full, data, len, kind_mode(kind), &created);
  if (rc == ZNODEEXISTS && kind == GUST_NODE_EPHEMERAL)
    rc = replace_ephemeral(c, zh, full, data, len);
  else if (rc == ZNODEEXISTS && kind == GUST_NODE_PERSISTENT)
    rc = zoo_set(zh, full, data, (int)len, -1);
  cluster_handle_release(c);
  if (rc != ZOK) {
    cluster_set_error(error, rc, "cannot write", c, path);
    g_free(full);
    g_free(created);
    return FALSE;
  }
  pthread_mutex_lock(&c->state_lock);
  if (kind == GUST_NODE_EPHEMERAL)
    g_hash_table_replace(c->ephemerals, g_strdup(path), g_bytes_new(data, len));
  else if (kind == GUST_NODE_EPHEMERAL_SEQUENTIAL && created) {
    g_hash_table_replace(c->ephemerals, g_strdup(relative(c, created)), g_bytes_new(data, len));
    g_hash_table_replace(c->sequentials, g_strdup(relative(c, created)), g_strdup(path));
  } else
    g_hash_table_remove(c->ephemerals, path);
  pthread_mutex_unlock(&c->state_lock);
  if (created_path) *created_path = g_strdup(created ? relative(c, created) : path);
  g_free(created);
  g_free(full);
  return TRUE;
}

gboolean gust_cluster_get(gust_cluster *c, const char *path, char **data, gsize *len,
                          GError **error)
{
  if (!cluster_check_path(path, error)) return FALSE;
  char *full = cluster_full_path(c, path);
  int size = 4096, rc;
  char *buffer = NULL;
  int got;
  zhandle_t *zh = cluster_handle_acquire(c);
  for (;;) {
    struct Stat stat;
    buffer = g_realloc(buffer, (gsize)size + 1);
    got = size;
    rc = zoo_get(zh, full, 0, buffer, &got, &stat);
    if (rc != ZOK || stat.dataLength <= size) break;
    size = stat.dataLength; /* grew meanwhile: read again with room for it */
  }
  cluster_handle_release(c);
  g_free(full);
  if (rc != ZOK) {
    cluster_set_error(error, rc, "cannot read", c, path);
    g_free(buffer);
    return FALSE;
  }
  if (got < 0) got = 0; /* a node without data */
  buffer[got] = '\0';
  *data = buffer;
  if (len) *len = (gsize)got;
  return TRUE;
}

json_t *gust_cluster_get_json(gust_cluster *c, const char *path, GError **error)
{
  char *data;
  gsize len;
  if (!gust_cluster_get(c, path, &data, &len, error)) return NULL;
  json_error_t json_error;
  json_t *value = json_loadb(data, len, JSON_DECODE_ANY, &json_error);
  g_free(data);
  if (!value)
    g_set_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED,
                "ZooKeeper node '%s%s' does not hold JSON: %s at byte %d", c->root, path,
                json_error.text, json_error.position);
  return value;
}

gboolean gust_cluster_put_json(gust_cluster *c, const char *path, json_t *value,
                               gust_node_kind kind, GError **error)
{
  char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
  if (!text) {
    g_set_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED,
                "ZooKeeper node '%s': the value cannot be written as JSON", path);
    return FALSE;
  }
  gboolean ok = gust_cluster_put(c, path, text, strlen(text), kind, NULL, error);
  free(text);
  return ok;
}

gboolean gust_cluster_put_json_patiently(gust_cluster *c, const char *path, json_t *value,
                                         gust_node_kind kind, GError **error)
{
  g_return_val_if_fail(kind != GUST_NODE_EPHEMERAL_SEQUENTIAL, FALSE);
  gint64 deadline = g_get_monotonic_time() +
                    MAX(3 * (gint64)c->session_timeout_ms, 10000) * G_TIME_SPAN_MILLISECOND;
  gulong wait_ms = 100;
  GError *lost = NULL;
  while (!gust_cluster_put_json(c, path, value, kind, &lost)) {
    if (!g_error_matches(lost, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_CONNECTION) ||
        g_get_monotonic_time() + (gint64)wait_ms * G_TIME_SPAN_MILLISECOND > deadline) {
      g_propagate_error(error, lost);
      return FALSE;
    }
    if (wait_ms == 100) g_warning("%s; trying again while the client reconnects", lost->message);
    g_clear_error(&lost);
    g_usleep(wait_ms * 1000);
    wait_ms = MIN(2 * wait_ms, 1000);
  }
  return TRUE;
}

/* Deletes full and, when recursive, everything under it (depth first). */
static int delete_tree(zhandle_t *zh, const char *full, gboolean recursive)
{
  int rc = zoo_delete(zh, full, -1);
  if (rc != ZNOTEMPTY || !recursive) return rc;
  struct String_vector children = {0};
  rc = zoo_get_children(zh, full, 0, &children);
  for (int i = 0; rc == ZOK && i < children.count; i++) {
    char *child = g_strconcat(full, "/", children.data[i], NULL);
    rc = delete_tree(zh, child, TRUE);
    if (rc == ZNONODE) rc = ZOK;
    g_free(child);
  }
  deallocate_String_vector(&children);
  return rc == ZOK ? delete_tree(zh, full, TRUE) : rc; /* children may have been added meanwhile */
}

static gboolean path_is_at_or_under(const char *candidate, const char *path)
{
  gsize n = strlen(path);
  return !strncmp(candidate, path, n) && (candidate[n] == '\0' || candidate[n] == '/');
}

static gboolean forget_if_under(gpointer key, gpointer value, gpointer path)
{
  return path_is_at_or_under(key, path);
}

gboolean gust_cluster_delete(gust_cluster *c, const char *path, gboolean recursive, GError **error)
{
  if (!cluster_check_path(path, error)) return FALSE;
  char *full = cluster_full_path(c, path);
  zhandle_t *zh = cluster_handle_acquire(c);
  int rc = delete_tree(zh, full, recursive);
  cluster_handle_release(c);
  g_free(full);
  if (rc == ZNOTEMPTY) {
    g_set_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED,
                "ZooKeeper node '%s%s' (servers '%s') has children: delete them first or delete "
                "recursively",
                c->root, path, c->servers);
    return FALSE;
  }
  if (rc != ZOK && rc != ZNONODE) {
    cluster_set_error(error, rc, "cannot delete", c, path);
    return FALSE;
  }
  pthread_mutex_lock(&c->state_lock);
  g_hash_table_foreach_remove(c->ephemerals, forget_if_under, (gpointer)path);
  g_hash_table_foreach_remove(c->sequentials, forget_if_under, (gpointer)path);
  pthread_mutex_unlock(&c->state_lock);
  return TRUE;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *gust_cluster_children(gust_cluster *c, const char *path, GError **error)
{
  if (!cluster_check_path(path, error)) return NULL;
  char *full = cluster_full_path(c, path);
  struct String_vector children = {0};
  zhandle_t *zh = cluster_handle_acquire(c);
  int rc = zoo_get_children(zh, full, 0, &children);
  cluster_handle_release(c);
  g_free(full);
  if (rc != ZOK && rc != ZNONODE) {
    cluster_set_error(error, rc, "cannot list the children of", c, path);
    return NULL;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (int i = 0; rc == ZOK && i < children.count; i++)
    g_ptr_array_add(names, g_strdup(children.data[i]));
  if (rc == ZOK) deallocate_String_vector(&children);
  g_ptr_array_sort(names, compare_names);
  return names;
}

/* Event thread, after a new session: the old session's ephemeral nodes are
 * gone; create this client's again with the data last put.  A sequential
 * node gets a new name (the record follows it). */
void cluster_recreate_ephemerals(gust_cluster *c)
{
  pthread_mutex_lock(&c->state_lock);
  GHashTable *nodes = c->ephemerals;
  GHashTable *sequentials = c->sequentials;
  c->ephemerals =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
  c->sequentials = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  pthread_mutex_unlock(&c->state_lock);
  GHashTableIter iter;
  gpointer path, bytes;
  g_hash_table_iter_init(&iter, nodes);
  while (g_hash_table_iter_next(&iter, &path, &bytes)) {
    const char *requested = g_hash_table_lookup(sequentials, path);
    gsize len;
    const char *data = g_bytes_get_data(bytes, &len);
    GError *error = NULL;
    gboolean ok = gust_cluster_put(c, requested ? requested : path, data, len,
                                   requested ? GUST_NODE_EPHEMERAL_SEQUENTIAL : GUST_NODE_EPHEMERAL,
                                   NULL, &error);
    if (!ok) {
      g_warning("cannot create ephemeral node again after the session renewal: %s", error->message);
      g_error_free(error);
    }
  }
  g_hash_table_unref(nodes);
  g_hash_table_unref(sequentials);
}
