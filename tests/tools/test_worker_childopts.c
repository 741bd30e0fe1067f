/* test_worker_childopts.c — the options a worker's JVM gets from the
 * supervisor's worker.childopts and worker.gc.childopts and the topology's
 * topology.worker.childopts and topology.worker.gc.childopts: Storm's
 * order, strings split at white space, lists a word an item, placeholders
 * replaced, the topology's GC options instead of the daemon's. */
#include "worker_childopts.h"

#include <string.h>

static const gust_worker_identity who = {
    .topology_id = "wc-1-1700000000", .supervisor_id = "sup-a", .port = 6701};

/* The words appended after gust's own "-Xmx256m", joined by '|'. */
static char *appended(const char *daemon_json, const char *topology_json)
{
  json_t *daemon = json_loads(daemon_json, 0, NULL);
  json_t *topology = json_loads(topology_json, 0, NULL);
  g_assert_nonnull(daemon);
  g_assert_nonnull(topology);
  GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(words, g_strdup("-Xmx256m"));
  g_ptr_array_add(words, NULL);
  gust_worker_childopts_append(words, daemon, topology, &who);
  g_assert_null(g_ptr_array_index(words, words->len - 1)); /* still NULL-terminated */
  g_assert_cmpstr(g_ptr_array_index(words, 0), ==, "-Xmx256m");
  char *joined = g_strjoinv("|", (char **)words->pdata + 1);
  g_ptr_array_unref(words);
  json_decref(daemon);
  json_decref(topology);
  return joined;
}

static void check(const char *daemon_json, const char *topology_json, const char *expected)
{
  g_autofree char *got = appended(daemon_json, topology_json);
  g_assert_cmpstr(got, ==, expected);
}

static void test_nothing_set_adds_nothing(void)
{
  check("{}", "{}", "");
  check("{\"worker.childopts\": \"  \"}", "{\"topology.worker.childopts\": []}", "");
}

static void test_daemon_then_topology_then_gc_in_storms_order(void)
{
  check("{\"worker.childopts\": \"-Xmx1g  -Dd=1\", \"worker.gc.childopts\": \"-XX:+UseG1GC\"}",
        "{\"topology.worker.childopts\": [\"-Dt=a b\", \"-Xmx2g\"]}",
        "-Xmx1g|-Dd=1|-Dt=a b|-Xmx2g|-XX:+UseG1GC");
}

static void test_topology_gc_options_replace_the_daemons(void)
{
  check("{\"worker.gc.childopts\": \"-XX:+UseG1GC\"}",
        "{\"topology.worker.gc.childopts\": \"-XX:+UseSerialGC -Dgc=t\"}",
        "-XX:+UseSerialGC|-Dgc=t");
  /* null in the topology: the daemon's, as Storm's Utils.OR does */
  check("{\"worker.gc.childopts\": [\"-XX:+UseG1GC\"]}", "{\"topology.worker.gc.childopts\": null}",
        "-XX:+UseG1GC");
}

static void test_placeholders_are_replaced_in_every_setting(void)
{
  check("{\"worker.childopts\": \"-Dw=%ID%:%WORKER-PORT%\","
        " \"worker.gc.childopts\": \"-Xloggc:gc-%WORKER-ID%.log\"}",
        "{\"topology.worker.childopts\": \"-Xmx%HEAP-MEM%m -Dt=%TOPOLOGY-ID%\","
        " \"topology.worker.max.heap.size.mb\": 512}",
        "-Dw=6701:6701|-Xmx512m|-Dt=wc-1-1700000000|-Xloggc:gc-sup-a-6701.log");
  check("{}", "{\"topology.worker.childopts\": \"-Xmx%HEAP-MEM%m\"}", "-Xmx768m");
}

static const struct {
  const char *path;
  GTestFunc test;
} tests[] = {
    {"nothing_set_adds_nothing", test_nothing_set_adds_nothing},
    {"daemon_then_topology_then_gc_in_storms_order",
     test_daemon_then_topology_then_gc_in_storms_order},
    {"topology_gc_options_replace_the_daemons", test_topology_gc_options_replace_the_daemons},
    {"placeholders_are_replaced_in_every_setting", test_placeholders_are_replaced_in_every_setting},
};

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(tests); i++) {
    g_autofree char *path = g_strconcat("/worker_childopts/", tests[i].path, NULL);
    g_test_add_func(path, tests[i].test);
  }
  return g_test_run();
}
