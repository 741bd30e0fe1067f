/* worker_childopts.c — worker.childopts, topology.worker.childopts and the
 * GC ones for a worker's JVM (see worker_childopts.h).
 *
 * As Storm's supervisor does for the worker JVMs it starts: a string
 * value is split at runs of white space, a list gives one word per item,
 * and in every word %ID% and %WORKER-PORT% become the worker's port,
 * %TOPOLOGY-ID% the topology's id, %WORKER-ID% the worker's id and
 * %HEAP-MEM% its heap size in MB.  gust's workers have no ids of their own:
 * %WORKER-ID% is the supervisor's id and the port ("SUPERVISOR-PORT"),
 * unique among the live workers as Storm's are.  %HEAP-MEM% is
 * topology.worker.max.heap.size.mb (Storm's default 768) — gust has no
 * resource-aware scheduler to size a worker from its components.  The
 * words go after storm.gust.worker.jvm.opts, so an -Xmx of the daemon's
 * or the topology's wins, as a later option does for the JVM.  Storm's
 * default worker.childopts (-Xmx%HEAP-MEM%m and Java 8 GC logging) is not
 * applied: the daemon key is unset unless storm.yaml sets it.  Stateless;
 * any thread.
 */
#include "worker_childopts.h"

#include <string.h>

enum { STORM_DEFAULT_WORKER_HEAP_MB = 768 };

static int heap_mb(const json_t *conf)
{
  const json_t *v = json_object_get(conf, "topology.worker.max.heap.size.mb");
  double mb = json_is_number(v) ? json_number_value(v) : STORM_DEFAULT_WORKER_HEAP_MB;
  return mb >= 1 && mb <= G_MAXINT ? (int)mb : STORM_DEFAULT_WORKER_HEAP_MB;
}

static gboolean is_blank(const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isspace(*s)) return FALSE;
  return TRUE;
}

static void add_word(GPtrArray *words, const char *word, const gust_worker_identity *who, int heap)
{
  if (is_blank(word)) return;
  g_autofree char *port = g_strdup_printf("%d", who->port);
  g_autofree char *worker_id = g_strdup_printf("%s-%d", who->supervisor_id, who->port);
  g_autofree char *heap_text = g_strdup_printf("%d", heap);
  GString *w = g_string_new(word);
  g_string_replace(w, "%ID%", port, 0);
  g_string_replace(w, "%WORKER-ID%", worker_id, 0);
  g_string_replace(w, "%TOPOLOGY-ID%", who->topology_id, 0);
  g_string_replace(w, "%WORKER-PORT%", port, 0);
  g_string_replace(w, "%HEAP-MEM%", heap_text, 0);
  g_ptr_array_insert(words, (gint)words->len - 1, g_string_free(w, FALSE)); /* before the NULL */
}

static void append_value(GPtrArray *words, const json_t *value, const gust_worker_identity *who,
                         int heap)
{
  if (json_is_string(value)) {
    g_auto(GStrv) split = g_strsplit_set(json_string_value(value), " \t\r\n", -1);
    for (char **w = split; *w; w++)
      add_word(words, *w, who, heap);
  } else if (json_is_array(value)) {
    size_t i;
    json_t *item;
    json_array_foreach(value, i, item)
    {
      if (json_is_string(item)) add_word(words, json_string_value(item), who, heap);
    }
  }
}

void gust_worker_childopts_append(GPtrArray *words, const json_t *daemon_conf,
                                  const json_t *topology_conf, const gust_worker_identity *who)
{
  int heap = heap_mb(topology_conf);
  append_value(words, json_object_get(daemon_conf, "worker.childopts"), who, heap);
  append_value(words, json_object_get(topology_conf, "topology.worker.childopts"), who, heap);
  const json_t *gc = json_object_get(topology_conf, "topology.worker.gc.childopts");
  if (!gc || json_is_null(gc)) gc = json_object_get(daemon_conf, "worker.gc.childopts");
  append_value(words, gc, who, heap);
}
