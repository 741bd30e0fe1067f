/* ml_describe.c — a parsed multilang message as one line (ml_describe.h). */
#include "ml_describe.h"

char *ml_describe(const ml_msg *m)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "kind=%d stream=%s direct=%d task=%" G_GINT64_FORMAT " need=%d",
                         m->kind, m->stream ? m->stream : "(null)", m->direct, m->task,
                         m->need_task_ids);
  g_string_append_printf(s, " text=%s level=%u pid=%" G_GINT64_FORMAT " id=",
                         m->text ? m->text : "(null)", m->level, m->pid);
  ml_raw_append_json(s, &m->id);
  g_string_append(s, " anchors=");
  for (uint32_t i = 0; i < m->n_anchors; i++) {
    ml_raw_append_json(s, &m->anchors[i]);
    g_string_append_c(s, ' ');
  }
  g_string_append(s, "values=");
  if (m->kind == ML_MSG_EMIT) {
    fc_value list = fc_list(m->values, m->n_values);
    ml_encode_value(s, &list);
    for (uint32_t i = 0; i < m->n_values; i++)
      g_string_append_printf(s, " %d", m->values[i].type);
  }
  return g_string_free(s, FALSE);
}
