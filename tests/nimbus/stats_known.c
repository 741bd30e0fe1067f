/* stats_known.c — the known heartbeat the Nimbus statistics tests build
 * their replies from (see stats_known.h). */
#include "stats_known.h"

/* ---- the known heartbeat ---- */

/* {"600": v, "10800": v, "86400": v, ":all-time": v}, v a copy of value. */
static json_t *windows(json_t *value)
{
  json_t *o = json_object();
  for (int w = 0; w < 4; w++)
    json_object_set_new(o, gust_stats_windows[w], json_deep_copy(value));
  json_decref(value);
  return o;
}

static json_t *executor(const char *comp, const char *type, int task)
{
  return json_pack("{s:s, s:s, s:i, s:i, s:i}", "component", comp, "type", type, "task_start", task,
                   "task_end", task, "uptime_secs", 300);
}

static json_t *spout(int task)
{
  json_t *x = executor("sentences", "spout", task);
  json_object_set_new(x, "emitted",
                      windows(json_pack("{s:i, s:i}", "default", 1000, "__ack_init", 1000)));
  json_object_set_new(x, "transferred",
                      windows(json_pack("{s:i, s:i}", "default", 1000, "__ack_init", 1000)));
  json_object_set_new(x, "acked", windows(json_pack("{s:i}", "default", 990)));
  json_object_set_new(x, "failed", windows(json_pack("{s:i}", "default", 10)));
  json_object_set_new(x, "complete_ms_avg", windows(json_pack("{s:f}", "default", 2.5)));
  return x;
}

static json_t *bolt(const char *comp, int task, const char *source, int executed, double latency)
{
  json_t *x = executor(comp, "bolt", task);
  json_object_set_new(
      x, "emitted",
      windows(json_pack("{s:i, s:i}", "default", 2 * executed, "__ack_ack", executed)));
  json_object_set_new(
      x, "transferred",
      windows(json_pack("{s:i, s:i}", "default", 2 * executed, "__ack_ack", executed)));
  json_object_set_new(x, "executed",
                      windows(json_pack("{s:{s:i}, s:{s:i}}", source, "default", executed,
                                        "__system", "__tick", 5)));
  json_object_set_new(x, "acked",
                      windows(json_pack("{s:{s:i}, s:{s:i}}", source, "default", executed,
                                        "__system", "__tick", 5)));
  json_object_set_new(x, "failed", windows(json_pack("{s:{s:i}}", source, "default", 0)));
  json_object_set_new(x, "process_ms_avg",
                      windows(json_pack("{s:{s:f}, s:{s:f}}", source, "default", latency,
                                        "__system", "__tick", 0.1)));
  json_object_set_new(x, "execute_ms_avg",
                      windows(json_pack("{s:{s:f}, s:{s:f}}", source, "default", latency,
                                        "__system", "__tick", 0.1)));
  return x;
}

json_t *known_beat(void)
{
  json_t *executors =
      json_pack("[o, o, o, o]", spout(1), bolt("split", 2, "sentences", 600, 1.0),
                bolt("split", 3, "sentences", 400, 2.0), bolt("count", 4, "split", 2000, 0.5));
  json_t *errors = json_pack(
      "{s:{s:i, s:[]}, s:{s:i, s:[{s:i, s:i, s:s, s:i, s:s}, {s:i, s:i, s:s, s:i, s:s}]}, "
      "s:{s:i, s:[]}}",
      "sentences", "total", 0, "last", "split", "total", 2, "last", "time_secs", 1764800000, "task",
      2, "host", "127.0.0.1", "port", 6700, "error", "first", "time_secs", 1764800100, "task", 3,
      "host", "127.0.0.1", "port", 6700, "error", "second", "count", "total", 0, "last");
  json_t *stats = json_pack("{s:i, s:i, s:i, s:s, s:i, s:o, s:o}", "format", 1, "time_secs",
                            1764800200, "uptime_secs", 300, "host", "127.0.0.1", "port", 6700,
                            "executors", executors, "errors", errors);
  return json_pack("{s:i, s:i, s:s, s:s, s:i, s:o}", "time_secs", 1764800200, "uptime_secs", 300,
                   "supervisor_id", "sup-1", "host", "127.0.0.1", "port", 6700, "stats", stats);
}

void known_init(known *k)
{
  k->storm = json_pack("{s:s, s:s, s:i, s:s, s:{s:i, s:i, s:i}}", "name", "fx-java", "status",
                       "ACTIVE", "launch_time_secs", 1764799900, "owner", "root",
                       "component_executors", "sentences", 1, "split", 2, "count", 1);
  k->beats = json_pack("[o]", known_beat());
  k->conf = json_pack("{s:i}", "topology.workers", 1);
  k->supervisors =
      json_pack("[{s:s, s:s, s:[i, i], s:i, s:i, s:[{s:i, s:s}]}]", "id", "sup-1", "host",
                "127.0.0.1", "ports", 6700, 6701, "start_time_secs", 1764799000, "heartbeat_secs",
                1764800200, "workers", "port", 6700, "topology_id", "fx-java-1-1764799900");
  k->t = (gust_stats_topology){.id = "fx-java-1-1764799900",
                               .storm = k->storm,
                               .beats = k->beats,
                               .conf = k->conf,
                               .now_secs = 1764800200};
}

void known_clear(known *k)
{
  json_decref(k->storm);
  json_decref(k->beats);
  json_decref(k->conf);
  json_decref(k->supervisors);
}
