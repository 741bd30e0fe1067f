/* topology_store.c — submitted topologies on disk, under storm.local.dir:
 *
 *   nimbus/inbox/stormjar-<uuid>.jar        uploads (uploads.c)
 *   nimbus/stormdist/<id>/stormjar.jar      the jar, moved from the inbox
 *   nimbus/stormdist/<id>/stormcode.ser     StormTopology, Thrift binary
 *   nimbus/stormdist/<id>/stormconf.ser     the topology conf, JSON
 *   nimbus/stormdist/<id>/stormbase.json    the status record (the same
 *                                           JSON as ZooKeeper's /storms/<id>)
 *
 * A submission is written into stormdist/.<id>.tmp and renamed into place,
 * so a crash leaves either the whole topology or nothing; single files are
 * replaced with g_file_set_contents (write, fsync, rename).  A restarted
 * Nimbus loads every complete directory back (gust_nimbus_store_load) and
 * re-arms waiting kills and rebalances.  Ids are checked against the name
 * rule before they become paths, so nothing lands outside stormdist/. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "nimbus_private.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

char *gust_nimbus_store_path(gust_nimbus *nimbus, const char *id, const char *file)
{
  return g_build_filename(nimbus->stormdist_dir, id, file, NULL);
}

gboolean gust_nimbus_store_open(gust_nimbus *nimbus, GError **error)
{
  const char *dir = gust_nimbus_conf_string(nimbus->conf, "storm.local.dir", "storm-local");
  nimbus->local_dir = g_canonicalize_filename(dir, NULL);
  nimbus->inbox_dir = g_build_filename(nimbus->local_dir, "nimbus", "inbox", NULL);
  nimbus->stormdist_dir = g_build_filename(nimbus->local_dir, "nimbus", "stormdist", NULL);
  const char *dirs[] = {nimbus->inbox_dir, nimbus->stormdist_dir};
  for (gsize i = 0; i < G_N_ELEMENTS(dirs); i++)
    if (g_mkdir_with_parents(dirs[i], 0755) != 0) {
      int e = errno;
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                  "storm.local.dir: cannot create %s: %s", dirs[i], g_strerror(e));
      return FALSE;
    }
  return TRUE;
}

static gboolean write_json(const char *path, json_t *value, GError **error)
{
  char *text = json_dumps(value, JSON_COMPACT);
  gboolean ok = g_file_set_contents(path, text, -1, error);
  free(text);
  return ok;
}

static gboolean write_code_at(const char *dir, const gust_nimbus_topology *t, GError **error)
{
  GBytes *code = gust_thrift_encode(t->topology, G_MAXSIZE, error);
  if (!code) return FALSE;
  char *path = g_build_filename(dir, "stormcode.ser", NULL);
  gsize len;
  const char *data = g_bytes_get_data(code, &len);
  gboolean ok = g_file_set_contents(path, data, (gssize)len, error);
  g_free(path);
  g_bytes_unref(code);
  if (!ok) return FALSE;
  path = g_build_filename(dir, "stormconf.ser", NULL);
  ok = write_json(path, t->conf, error);
  g_free(path);
  return ok;
}

static gboolean write_base_at(const char *dir, const gust_nimbus_topology *t, GError **error)
{
  json_t *base = gust_nimbus_topology_base(t);
  char *path = g_build_filename(dir, "stormbase.json", NULL);
  gboolean ok = write_json(path, base, error);
  g_free(path);
  json_decref(base);
  return ok;
}

gboolean gust_nimbus_store_write_base(gust_nimbus *nimbus, const gust_nimbus_topology *t,
                                      GError **error)
{
  char *dir = g_build_filename(nimbus->stormdist_dir, t->id, NULL);
  gboolean ok = write_base_at(dir, t, error);
  g_free(dir);
  return ok;
}

gboolean gust_nimbus_store_write_code(gust_nimbus *nimbus, const gust_nimbus_topology *t,
                                      GError **error)
{
  char *dir = g_build_filename(nimbus->stormdist_dir, t->id, NULL);
  gboolean ok = write_code_at(dir, t, error);
  g_free(dir);
  return ok;
}

static void remove_tree(const char *path)
{
  GDir *dir = g_dir_open(path, 0, NULL);
  if (dir) {
    const char *name;
    while ((name = g_dir_read_name(dir))) {
      char *child = g_build_filename(path, name, NULL);
      if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
        remove_tree(child);
      else
        g_unlink(child);
      g_free(child);
    }
    g_dir_close(dir);
  }
  g_rmdir(path);
}

gboolean gust_nimbus_store_save(gust_nimbus *nimbus, gust_nimbus_topology *t, const char *jar_path,
                                GError **error)
{
  char *tmp_name = g_strdup_printf(".%s.tmp", t->id);
  char *tmp = g_build_filename(nimbus->stormdist_dir, tmp_name, NULL);
  char *final = g_build_filename(nimbus->stormdist_dir, t->id, NULL);
  char *jar = g_build_filename(tmp, "stormjar.jar", NULL);
  gboolean ok = FALSE;
  remove_tree(tmp);
  if (g_mkdir(tmp, 0755) != 0 || g_rename(jar_path, jar) != 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot store the jar in %s: %s",
                tmp, g_strerror(e));
  } else if (write_code_at(tmp, t, error) && write_base_at(tmp, t, error)) {
    if (g_rename(tmp, final) == 0)
      ok = TRUE;
    else
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot rename %s: %s", tmp,
                  g_strerror(errno));
  }
  if (!ok) remove_tree(tmp);
  g_free(jar);
  g_free(final);
  g_free(tmp);
  g_free(tmp_name);
  return ok;
}

void gust_nimbus_store_remove(gust_nimbus *nimbus, const char *id)
{
  char *dir = g_build_filename(nimbus->stormdist_dir, id, NULL);
  remove_tree(dir);
  g_free(dir);
}

static json_t *read_json(const char *dir, const char *file, GError **error)
{
  char *path = g_build_filename(dir, file, NULL);
  json_error_t json_error;
  json_t *value = json_load_file(path, 0, &json_error);
  if (!value) g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: %s", path, json_error.text);
  g_free(path);
  return value;
}

static gust_nimbus_topology *load_one(const char *dir, const char *id, GError **error)
{
  json_t *base = read_json(dir, "stormbase.json", error);
  if (!base) return NULL;
  gust_nimbus_topology *t = g_new0(gust_nimbus_topology, 1);
  t->id = g_strdup(id);
  t->name = g_strdup(json_string_value(json_object_get(base, "name")));
  t->status = g_strdup(json_string_value(json_object_get(base, "status")));
  t->prev_status = g_strdup(json_string_value(json_object_get(base, "prev_status")));
  t->owner = g_strdup(json_string_value(json_object_get(base, "owner")));
  t->launch_time_secs = json_integer_value(json_object_get(base, "launch_time_secs"));
  t->num_workers_requested =
      (gint)json_integer_value(json_object_get(base, "num_workers_requested"));
  t->action_at_secs = json_integer_value(json_object_get(base, "action_at_secs"));
  t->assignment_version = (gint)json_integer_value(json_object_get(base, "assignment_version"));
  json_t *rebalance = json_object_get(base, "rebalance");
  t->rebalance = rebalance ? json_incref(rebalance) : NULL;
  json_decref(base);
  t->conf = read_json(dir, "stormconf.ser", error);
  char *code_path = g_build_filename(dir, "stormcode.ser", NULL);
  gchar *code = NULL;
  gsize len = 0;
  if (t->conf && g_file_get_contents(code_path, &code, &len, error))
    t->topology = gust_thrift_decode(GUST_STORM_TYPE_STORM_TOPOLOGY, code, len, G_MAXSIZE, error);
  g_free(code);
  g_free(code_path);
  if (!t->name || !t->status || !t->owner || !t->conf || !t->topology) {
    if (error && !*error)
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: incomplete status record", dir);
    gust_nimbus_topology_free(t);
    return NULL;
  }
  return t;
}

void gust_nimbus_store_load(gust_nimbus *nimbus)
{
  GDir *dir = g_dir_open(nimbus->stormdist_dir, 0, NULL);
  if (!dir) return;
  const char *id;
  while ((id = g_dir_read_name(dir))) {
    char *path = g_build_filename(nimbus->stormdist_dir, id, NULL);
    if (id[0] == '.') { /* a submission a crash interrupted */
      remove_tree(path);
      g_free(path);
      continue;
    }
    GError *error = NULL;
    gust_nimbus_topology *t = load_one(path, id, &error);
    if (!t) {
      g_warning("stored topology %s skipped: %s", id, error->message);
      g_error_free(error);
    } else {
      g_hash_table_insert(nimbus->topologies, t->id, t);
      if (t->action_at_secs) gust_nimbus_arm_action(nimbus, t);
      g_message("topology %s (%s) restored, status %s", t->id, t->name, t->status);
    }
    g_free(path);
  }
  g_dir_close(dir);
}
