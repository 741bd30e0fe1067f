/* multilang_test.h — what the multilang tests share (header-only): a
 * topology around the multilang component under test, built from the
 * shared native components (test_components.h):
 *
 *   numbers (native spout)  emits [n] for n < test.tuples
 *   ml      (multilang)     the subprocess under test (tests/compat/multilang/)
 *   sink    (native bolt)   records every tuple and acks it (or fails it,
 *                           test.fail_every / test.fail_remainder)
 *   dsink   (native bolt)   the same, two tasks, on ml's direct stream
 *
 * The tests read the observations after gust_runtime_stop(), or through
 * the locking helpers while it runs.
 */
#ifndef GUST_MULTILANG_TEST_H
#define GUST_MULTILANG_TEST_H

#include "compat_test.h"
#include "test_components.h"

#include <stdio.h>

/* ---- building and running ---- */

static char *child_dir(void)
{
  return g_build_filename(GUST_SOURCE_DIR, "tests", "compat", "multilang", NULL);
}

static gust_component *add_native(gust_topology *t, const char *id, gust_component_kind kind,
                                  int parallelism)
{
  gust_component *c = gust_topology_add_component(t, id, kind);
  gust_component_set_impl(c, gust_impl_new_native("test", id[0] == 'd' ? "sink" : id));
  gust_component_set_parallelism(c, parallelism);
  return c;
}

static void subscribe(gust_component *c, const char *source, const char *stream,
                      gust_grouping_kind kind)
{
  GError *error = NULL;
  g_assert_nonnull(gust_component_add_input(c, source, stream, gust_grouping_new(kind), &error));
  g_assert_no_error(error);
}

static void declare(gust_component *c, const char *stream, const char *field, gboolean direct)
{
  const char *const fields[] = {field, NULL};
  GError *error = NULL;
  g_assert_true(gust_component_declare_stream(c, stream, fields, direct, &error));
}

/* numbers -> ml (argv, in tests/compat/multilang) -> sink (+ dsink for the
 * direct stream).  Acker mode unless the test changes it. */
static gust_topology *ml_topology(const char *name, const char *mode, const char *const *argv,
                                  int tuples)
{
  gust_topology *t = gust_topology_new(name);
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string("acker"));
  gust_topology_set_conf_value(t, "test.mode", json_string(mode));
  gust_topology_set_conf_value(t, "test.tuples", json_integer(tuples));
  add_native(t, "numbers", GUST_COMPONENT_SPOUT, 1);
  gust_component *ml = gust_topology_add_component(t, "ml", GUST_COMPONENT_BOLT);
  g_autofree char *dir = child_dir();
  gust_component_set_impl(ml, gust_impl_new_multilang(argv, dir, NULL));
  declare(ml, "default", "n", FALSE);
  declare(ml, "info", "text", FALSE);
  declare(ml, "direct", "n", TRUE);
  subscribe(ml, "numbers", "default", GUST_GROUPING_SHUFFLE);
  gust_component *sink = add_native(t, "sink", GUST_COMPONENT_BOLT, 1);
  subscribe(sink, "ml", "default", GUST_GROUPING_SHUFFLE);
  subscribe(sink, "ml", "info", GUST_GROUPING_SHUFFLE);
  gust_component *dsink = add_native(t, "dsink", GUST_COMPONENT_BOLT, 2);
  subscribe(dsink, "ml", "direct", GUST_GROUPING_DIRECT);
  return t;
}

static const char *const python_bolt[] = {"python3", "proto_bolt.py", NULL};

/* Runs t until `settled` acks and fails reached the numbers spout (within
 * the hang bound), then stops it.  Returns the runtime's summary of
 * component `component`. */
G_GNUC_UNUSED static gust_component_summary run_until_settled(gust_topology *t, int64_t settled,
                                                              const char *component)
{
  return run_until(t, test_lookup, settled_at_least, GSIZE_TO_POINTER((gsize)settled), component);
}

G_GNUC_UNUSED static void assert_all_acked(int64_t tuples)
{
  for (int64_t n = 0; n < tuples; n++) {
    if (times(seen.acked, n) != 1 || times(seen.failed, n) != 0) {
      dump_logs();
      g_error("message %" G_GINT64_FORMAT " acked %u times, failed %u times", n,
              times(seen.acked, n), times(seen.failed, n));
    }
  }
}

#endif /* GUST_MULTILANG_TEST_H */
