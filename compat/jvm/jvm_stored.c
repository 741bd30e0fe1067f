/* jvm_stored.c — the JVM of a worker whose stored topology (submitted to
 * gust's Nimbus) has `serialized_java` components (see gust/jvm.h).
 *
 * The components go to the JVM in a temporary file, kept while the JVM
 * runs for a relaunch (StoredTopology.java reads it): a u32 count, then per
 * component its id (string), a spout flag (u8) and its bytes (u32 length
 * + bytes).  The JVM answers with one LOADED control record: a map from
 * component id to [class, shell command or null, env map or null, error
 * or null] (a Flux definition's with two more: its declared streams and
 * its component configuration).  Everything here runs on the caller's thread.
 */
#define G_LOG_DOMAIN "gust-jvm"

#include "jvm_private.h"

#include <glib/gstdio.h>
#include <gust/jvm.h>
#include <unistd.h>

#define STORED_MAIN "gust.jvm.StoredTopology"

static void component_free(gpointer p)
{
  gust_jvm_component *c = p;
  g_free(c->class_name);
  g_strfreev(c->shell);
  g_strfreev(c->env);
  g_free(c->error);
  json_decref(c->streams);
  json_decref(c->conf);
  g_free(c);
}

static gboolean broken(GError **error, const char *why)
{
  g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
              "the JVM's list of loaded components is malformed: %s", why);
  return FALSE;
}

/* A JSON array of strings as a NULL-terminated vector (NULL for null). */
static gboolean strings_of(json_t *v, char ***out, GError **error)
{
  *out = NULL;
  if (json_is_null(v)) return TRUE;
  if (!json_is_array(v)) return broken(error, "a command is not a list");
  GPtrArray *a = g_ptr_array_new();
  size_t i;
  json_t *item;
  json_array_foreach(v, i, item)
  {
    if (!json_is_string(item)) {
      g_ptr_array_free(a, TRUE);
      return broken(error, "a command holds something else than strings");
    }
    g_ptr_array_add(a, g_strdup(json_string_value(item)));
  }
  g_ptr_array_add(a, NULL);
  *out = (char **)g_ptr_array_free(a, FALSE);
  return TRUE;
}

static gboolean env_of(json_t *v, char ***out, GError **error)
{
  *out = NULL;
  if (json_is_null(v)) return TRUE;
  if (!json_is_object(v)) return broken(error, "an env is not a map");
  GPtrArray *a = g_ptr_array_new();
  const char *key;
  json_t *value;
  json_object_foreach(v, key, value)
  {
    if (json_is_string(value))
      g_ptr_array_add(a, g_strdup_printf("%s=%s", key, json_string_value(value)));
  }
  g_ptr_array_add(a, NULL);
  *out = (char **)g_ptr_array_free(a, FALSE);
  return TRUE;
}

GHashTable *jvm_loaded_read(const uint8_t *data, size_t len, GError **error)
{
  jr r = {.p = data, .end = data + len};
  json_t *map = jr_json(&r);
  if (!json_is_object(map)) {
    json_decref(map);
    broken(error, "not a map");
    return NULL;
  }
  GHashTable *loaded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, component_free);
  const char *id;
  json_t *entry;
  json_object_foreach(map, id, entry)
  {
    json_t *class_name = json_array_get(entry, 0), *err = json_array_get(entry, 3);
    gust_jvm_component *c = g_new0(gust_jvm_component, 1);
    g_hash_table_insert(loaded, g_strdup(id), c);
    size_t n = json_array_size(entry); /* 6: a Flux definition's, with streams and conf */
    json_t *streams = json_array_get(entry, 4), *conf = json_array_get(entry, 5);
    if ((n != 4 && n != 6) || !json_is_string(class_name) ||
        (n == 6 && (!json_is_array(streams) || !(json_is_null(conf) || json_is_object(conf)))) ||
        !(json_is_null(err) || json_is_string(err)) ||
        !strings_of(json_array_get(entry, 1), &c->shell, error) ||
        !env_of(json_array_get(entry, 2), &c->env, error)) {
      if (error && !*error) broken(error, "an entry is not [class, shell, env, error]");
      g_hash_table_unref(loaded);
      json_decref(map);
      return NULL;
    }
    c->class_name = g_strdup(json_string_value(class_name));
    c->error = g_strdup(json_string_value(err));
    if (n == 6) {
      c->streams = json_incref(streams);
      c->conf = json_is_object(conf) ? json_incref(conf) : NULL;
    }
  }
  json_decref(map);
  return loaded;
}

static char *write_components(const gust_jvm_serialized *components, guint n, GError **error)
{
  GString *out = g_string_new(NULL);
  jw_i32(out, (int32_t)n);
  for (guint i = 0; i < n; i++) {
    jw_str(out, components[i].id, strlen(components[i].id));
    jw_u8(out, components[i].spout ? 1 : 0);
    jw_str(out, (const char *)components[i].bytes, components[i].len);
  }
  char *path = NULL;
  int fd = g_file_open_tmp("gust-components-XXXXXX", &path, error);
  gboolean ok = fd >= 0;
  if (ok) {
    close(fd);
    ok = g_file_set_contents(path, out->str, (gssize)out->len, error);
    if (!ok) g_unlink(path);
  }
  g_string_free(out, TRUE);
  if (!ok) g_clear_pointer(&path, g_free);
  return path;
}

gust_jvm *gust_jvm_start_stored(const gust_jvm_options *options,
                                const gust_jvm_serialized *components, guint n, int timeout_ms,
                                GHashTable **loaded, GError **error)
{
  *loaded = NULL;
  g_autofree char *path = write_components(components, n, error);
  if (!path) return NULL;
  const char *args[] = {path, NULL};
  gust_jvm_options o = *options;
  o.main_class = STORED_MAIN;
  o.args = args;
  GError *local = NULL;
  gust_jvm *jvm = gust_jvm_start(&o, &local);
  int64_t deadline = g_get_monotonic_time() + (int64_t)timeout_ms * 1000;
  while (jvm && !*loaded) {
    int64_t left_ms = (deadline - g_get_monotonic_time()) / 1000;
    gust_jvm_event ev;
    if (left_ms <= 0) {
      g_set_error(&local, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                  "the JVM did not load the topology's Java components within %d s",
                  timeout_ms / 1000);
    } else if (gust_jvm_next_event(jvm, (int)MIN(left_ms, 1000), &ev, &local)) {
      if (ev.kind == GUST_JVM_EVENT_LOADED)
        *loaded = g_steal_pointer(&ev.components);
      else if (ev.kind == GUST_JVM_EVENT_MAIN_DONE && ev.status)
        g_set_error(&local, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                    "the JVM could not load the topology's Java components: %s", ev.text);
      else if (ev.kind == GUST_JVM_EVENT_EXITED)
        g_set_error(&local, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                    "the JVM %s before it loaded the topology's Java components", ev.text);
      gust_jvm_event_clear(&ev);
    }
    if (local) g_clear_pointer(&jvm, gust_jvm_free);
  }
  if (local) g_propagate_error(error, local);
  if (jvm)
    gust_jvm_keep_components(jvm, path); /* for gust_jvm_relaunch() */
  else
    g_unlink(path);
  return jvm;
}
