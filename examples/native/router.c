/* router.c — the spout of examples/flux/groupings/direct.yaml: it names
 * the consumer task of every tuple itself (Storm's emitDirect).
 *
 * router_spout declares one direct stream, "targeted", with the field
 * "word", and sends each word to the task of the component "counter" that
 * the word's first letter picks, so equal words always meet at one task.
 * Emits are reliable (message id = a sequence number).  Each instance keeps
 * its state in the struct open() returns: no globals.
 */
#include <gust/storm.h>

static const char *const words[] = {"nathan", "mike", "jackson", "golda", "bertels"};
static const char target_component[] = "counter";

typedef struct {
  const int *targets; /* the task ids of target_component (owned by the context) */
  size_t n_targets;
  int64_t next;
} router_spout;

static void router_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"word", NULL};
  gust_declare_stream(d, "targeted", fields, TRUE);
}

static gboolean router_open(const gust_context *ctx, void **state, GError **error)
{
  size_t n = 0;
  const int *targets = gust_context_component_tasks(ctx, target_component, &n);
  if (!targets || n == 0) {
    g_set_error(error, g_quark_from_static_string("gust-example-router-error"), 1,
                "the router sends to component '%s', which this topology does not have",
                target_component);
    return FALSE;
  }
  router_spout *r = g_new0(router_spout, 1);
  r->targets = targets;
  r->n_targets = n;
  *state = r;
  return TRUE;
}

static gboolean router_next(void *state, gust_collector *out, GError **error)
{
  router_spout *r = state;
  const char *word = words[r->next % G_N_ELEMENTS(words)];
  int task = r->targets[(unsigned char)word[0] % r->n_targets];
  fc_value value = fc_str(word);
  fc_value msg_id = fc_i64(r->next++);
  gust_spout_emit_direct(out, task, "targeted", &value, 1, &msg_id);
  return TRUE;
}

static void router_close(void *state)
{
  g_free(state);
}

const gust_component_def gust_example_router_spout = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_SPOUT,
    .declare_outputs = router_declare,
    .open = router_open,
    .next_tuple = router_next,
    .close = router_close,
};
