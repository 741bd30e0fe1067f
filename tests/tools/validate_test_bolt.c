/* validate_test_bolt.c — a native bolt for the `gust validate` tests
 * (test_gust_validate.py), loaded from a Flux file as
 * native:libvalidate_test_bolt.so:relay_bolt.
 *
 * Each input tuple's "value" is "rec<n>"; the bolt emits [key, value] =
 * ["rec<n>", "<2n>"] anchored on it and acks it.  The topology conf
 * "test.validate.fault" plants a difference:
 *   "drop"   the tuples with n % 1000 == 999 are acked and not emitted
 *            (one loss in 1,000),
 *   "alter"  the tuples with n % 500 == 0 get the value "<2n+1>" (a change),
 *   absent   every tuple is relayed as it came.
 * Stateless; runs on its task's thread.
 */
#include <gust/storm.h>
#include <stdlib.h>
#include <string.h>

typedef enum { FAULT_NONE, FAULT_DROP, FAULT_ALTER } fault;

static void relay_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"key", "value", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean relay_open(const gust_context *ctx, void **state, GError **error)
{
  const char *name =
      json_string_value(json_object_get(gust_context_conf(ctx), "test.validate.fault"));
  fault *f = g_new(fault, 1);
  *f = !g_strcmp0(name, "drop") ? FAULT_DROP : !g_strcmp0(name, "alter") ? FAULT_ALTER : FAULT_NONE;
  *state = f;
  return TRUE;
}

static gboolean relay_execute(void *state, const gust_tuple *input, gust_collector *out,
                              GError **error)
{
  if (gust_tuple_is_tick(input)) return TRUE;
  const fc_value *value = gust_tuple_get_by_field(input, "value");
  if (!value || value->type != FC_STR || value->len < 4 || strncmp(value->u.str, "rec", 3)) {
    gust_fail(out, input);
    return TRUE;
  }
  g_autofree char *text = g_strndup(value->u.str, value->len);
  long n = strtol(text + 3, NULL, 10);
  fault f = *(fault *)state;
  if (f == FAULT_DROP && n % 1000 == 999) {
    gust_ack(out, input);
    return TRUE;
  }
  g_autofree char *doubled = g_strdup_printf("%ld", 2 * n + (f == FAULT_ALTER && n % 500 == 0));
  fc_value values[2] = {fc_str_len(text, strlen(text)), fc_str_len(doubled, strlen(doubled))};
  gust_emit(out, NULL, &input, 1, values, 2, NULL, 0);
  gust_ack(out, input);
  return TRUE;
}

const gust_component_def relay_bolt = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_BOLT,
    .declare_outputs = relay_declare,
    .open = relay_open,
    .execute = relay_execute,
    .close = g_free,
};
