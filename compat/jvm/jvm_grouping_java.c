/* jvm_grouping_java.c — custom groupings a Java emitter asks itself.
 *
 * OPEN lists the groupings of the component's streams after the task's
 * context (jvm_write_task_groupings); the JVM builds one instance per task
 * and grouping; READY says which could not be built (reported then,
 * jvm_read_task_groupings); each EMIT on a grouped stream carries, after
 * its values, every grouping's choice (jvm_read_choices), which routing
 * the emit then takes (grouping_chosen_in_jvm) instead of asking: no round
 * trip per tuple.  Runs on the emitting task's thread.
 */
#define G_LOG_DOMAIN "gust-jvm"

#include "jvm_grouping_private.h"

void jvm_write_task_groupings(GString *out, rt_component *comp)
{
  guint n = comp->custom_out ? comp->custom_out->len : 0;
  jw_i32(out, (int32_t)n);
  for (guint i = 0; i < n; i++)
    grouping_write(out, g_ptr_array_index(comp->custom_out, i));
}

gboolean jvm_read_task_groupings(jr *r, rt_component *comp, int task_index)
{
  guint n = comp->custom_out ? comp->custom_out->len : 0;
  for (guint i = 0; i < n; i++) {
    rt_custom_grouping *g = g_ptr_array_index(comp->custom_out, i);
    uint8_t failed;
    if (!jr_u8(r, &failed)) return FALSE;
    if (!failed) continue;
    const char *text;
    uint32_t len;
    if (!jr_str(r, &text, &len)) return FALSE;
    g_autofree char *what = g_strndup(text, len);
    grouping_report(g, task_index, what);
  }
  return TRUE;
}

gboolean jvm_read_choices(jr *r, rt_component *comp, int task_index, const rt_stream *s)
{
  for (guint i = 0; i < comp->custom_out->len; i++) {
    rt_custom_grouping *g = g_ptr_array_index(comp->custom_out, i);
    if (g->stream != s) continue;
    grouping_task *st = &g->tasks[task_index];
    int32_t n;
    if (!jr_i32(r, &n)) return FALSE;
    if (n == -2) {
      st->choice = CHOICE_NOT_BUILT;
    } else if (n == -1) {
      const char *text;
      uint32_t len;
      if (!jr_str(r, &text, &len)) return FALSE;
      g_free(st->choice_error);
      st->choice_error = g_strndup(text, len);
      st->choice = CHOICE_FAILED;
    } else if (n >= 0 && (size_t)n <= (size_t)(r->end - r->p) / 4) {
      if ((size_t)n > st->chosen_cap) {
        st->chosen_cap = MAX((size_t)n, 2 * st->chosen_cap);
        st->chosen = g_renew(int32_t, st->chosen, st->chosen_cap);
      }
      for (int32_t k = 0; k < n; k++)
        jr_i32(r, &st->chosen[k]);
      st->n_chosen = (size_t)n;
      st->choice = CHOICE_TASKS;
    } else {
      r->error = "a bad count of chosen tasks";
      return FALSE;
    }
  }
  return TRUE;
}

size_t grouping_chosen_in_jvm(rt_custom_grouping *g, int task_index, int32_t *subtasks, size_t max)
{
  grouping_task *st = &g->tasks[task_index];
  choice_kind choice = st->choice;
  st->choice = CHOICE_NONE;
  size_t n = 0;
  switch (choice) {
  case CHOICE_TASKS:
    for (size_t k = 0; k < st->n_chosen; k++)
      if (!grouping_add_chosen(g, task_index, st->chosen[k], subtasks, max, &n)) return 0;
    st->failed = false;
    return n;
  case CHOICE_FAILED:
    grouping_report(g, task_index, st->choice_error);
    return 0;
  case CHOICE_NOT_BUILT:
    return 0;
  case CHOICE_NONE:
  default:
    grouping_report(g, task_index, "the Java task's emit came without the grouping's choice");
    return 0;
  }
}
