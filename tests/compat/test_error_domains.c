/* test_error_domains.c — every GError domain carries its documented name.
 *
 * G_DEFINE_QUARK stringifies its first argument as written, so a formatter
 * that spaces "gust-runtime-error-quark" into "gust - runtime - error - quark"
 * silently renames the domain a user sees in a message and a program matches
 * with g_quark_from_string().  This test pins each name.
 */
#include <gust/conf.h>
#include <gust/fc_job.h>
#include <gust/fc_state.h>
#include <gust/flux.h>
#include <gust/kafka.h>
#include <gust/runtime.h>
#include <gust/topology.h>
#include <gust/ui.h>

#include <glib.h>

static void test_each_error_domain_has_its_hyphenated_name(void)
{
  g_assert_cmpstr(g_quark_to_string(FC_ERROR), ==, "fc-error-quark");
  g_assert_cmpstr(g_quark_to_string(FC_STATE_ERROR), ==, "fc-state-error-quark");
  g_assert_cmpstr(g_quark_to_string(GUST_TOPOLOGY_ERROR), ==, "gust-topology-error-quark");
  g_assert_cmpstr(g_quark_to_string(GUST_CONF_ERROR), ==, "gust-conf-error-quark");
  g_assert_cmpstr(g_quark_to_string(GUST_FLUX_ERROR), ==, "gust-flux-error-quark");
  g_assert_cmpstr(g_quark_to_string(GUST_RUNTIME_ERROR), ==, "gust-runtime-error-quark");
  g_assert_cmpstr(g_quark_to_string(GUST_KAFKA_ERROR), ==, "gust-kafka-error-quark");
  g_assert_cmpstr(g_quark_to_string(GUST_UI_ERROR), ==, "gust-ui-error-quark");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/errors/domains_have_their_names",
                  test_each_error_domain_has_its_hyphenated_name);
  return g_test_run();
}
