/* jar_submit.c — `gust jar` to a cluster: runs the user's main as Storm's
 * `storm jar` does,
 *
 *   GUST_CLIENT_CONF=JSON java OPTIONS -cp gust-storm.jar:SLF4J:THRIFT:JAR
 *        -Dstorm.jar=JAR -Dstorm.options=-C-OPTIONS MAINCLASS ARGS...
 *
 * storm.jar and storm.options are the properties Storm's client reads
 * (the jar StormSubmitter uploads; the -c options, each "KEY=VALUE"
 * URL-encoded, comma-separated, which it merges into the topology conf).
 * GUST_CLIENT_CONF is the client conf read here with the same reader as
 * every gust cluster command (Storm's defaults < storm.yaml or --config <
 * -c), so the JVM needs no YAML reader: StormSubmitter finds Nimbus from
 * its nimbus.seeds and nimbus.thrift.port.  It travels in the environment
 * rather than on the command line, where every user of the machine could
 * read what storm.yaml holds.  The JVM replaces this process
 * (execvp), so signals reach it and its exit status is the command's.
 */
#define G_LOG_DOMAIN "gust-jar"

#include "jar_submit.h"

#include "jvm_command_line.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* storm.options as Storm's storm.py writes it: each -c item URL-encoded,
 * joined by commas. */
static char *storm_options(char **overrides)
{
  GString *out = g_string_new(NULL);
  for (char **o = overrides; o && *o; o++) {
    g_autofree char *escaped = g_uri_escape_string(*o, NULL, FALSE);
    if (out->len) g_string_append_c(out, ',');
    g_string_append(out, escaped);
  }
  return g_string_free(out, FALSE);
}

gboolean gust_jar_submit_exec(const gust_jar_submit_options *o, GError **error)
{
  json_t *conf = gust_daemon_conf_load_args(o->conf_args, error);
  if (!conf) return FALSE;
  g_autofree char *conf_json = json_dumps(conf, JSON_COMPACT);
  json_decref(conf);
  if (!conf_json) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                "the client conf cannot be written as JSON");
    return FALSE;
  }
  g_autofree char *java = g_strdup(o->java ? o->java : "java");
  if (!strchr(java, '/')) {
    char *found = g_find_program_in_path(java);
    if (!found) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                  "cannot run the JVM: no program '%s' on PATH (install a JDK or name one with "
                  "--java)",
                  java);
      return FALSE;
    }
    g_free(java);
    java = found;
  }
  g_autofree char *options = storm_options(o->conf_args->overrides);
  g_autofree char *class_path = gust_jvm_class_path(o->jar);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(argv, g_strdup(java));
  for (const char *const *j = o->jvm_options; j && *j; j++)
    g_ptr_array_add(argv, g_strdup(*j));
  g_ptr_array_add(argv, g_strdup("-cp"));
  g_ptr_array_add(argv, g_strdup(class_path));
  g_ptr_array_add(argv, g_strdup_printf("-Dstorm.jar=%s", o->jar));
  g_ptr_array_add(argv, g_strdup_printf("-Dstorm.options=%s", options));
  g_ptr_array_add(argv, g_strdup(o->main_class));
  for (char **a = o->main_args; a && *a; a++)
    g_ptr_array_add(argv, g_strdup(*a));
  g_ptr_array_add(argv, NULL);
  g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "GUST_CLIENT_CONF", conf_json, TRUE);
  fflush(NULL);
  execve(java, (char **)argv->pdata, env);
  int saved = errno;
  g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "cannot run the JVM (%s): %s",
              java, g_strerror(saved));
  return FALSE;
}
