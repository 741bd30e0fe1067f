/* report_side.c — one side being sampled (report_side.h). */
#include "report_side.h"

#include "report_nimbus.h"
#include "report_proc.h"
#include "report_storm_ui.h"

#include <errno.h>
#include <string.h>

struct gust_report_side {
  gust_report_series *series;
  gust_report_storm_ui *ui;
  gust_report_nimbus *nimbus;
  gust_report_proc *proc;
  FILE *file;
  char *path;
};

gust_report_side *gust_report_side_open(const gust_report_side_options *o, GError **error)
{
  gust_report_side *side = g_new0(gust_report_side, 1);
  side->series = gust_report_series_new(o->side);
  side->series->topology = g_strdup(o->topology);
  side->series->interval_s = o->interval_s;
  side->path = g_strdup(o->samples_path);
  if (o->ui_url) {
    side->ui = gust_report_storm_ui_open(o->ui_url, o->topology, error);
    if (!side->ui) goto fail;
    side->series->source = g_strdup(o->ui_url);
    side->series->engine = g_strdup(gust_report_storm_ui_engine(side->ui));
    g_free(side->series->topology);
    side->series->topology = g_strdup(gust_report_storm_ui_topology_id(side->ui));
  } else if (o->nimbus_conf) {
    side->nimbus = gust_report_nimbus_new(o->nimbus_conf, o->topology);
    side->series->source = g_strdup_printf("Nimbus %s", o->nimbus_name);
    side->series->engine = g_strdup("Nimbus Thrift API");
  }
  if (o->root_pid > 0)
    side->proc = gust_report_proc_new_tree(o->root_pid);
  else if (o->proc_words && o->proc_words[0])
    side->proc = gust_report_proc_new_matching(o->proc_words);
  side->file = fopen(o->samples_path, "w");
  if (!side->file) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_OUTPUT, "cannot write %s: %s",
                o->samples_path, g_strerror(errno));
    goto fail;
  }
  gust_report_series_write_header(side->series, side->file);
  return side;
fail:
  gust_report_side_free(side);
  return NULL;
}

static void keep_first(GError **first, GError **next)
{
  if (!*first)
    *first = *next;
  else
    g_error_free(*next);
  *next = NULL;
}

gboolean gust_report_side_sample(gust_report_side *side, double t, GError **error)
{
  json_t *sample = json_pack("{s:f}", "t", t);
  GError *failure = NULL, *e = NULL;
  if (side->ui && !gust_report_storm_ui_sample(side->ui, sample, &e)) keep_first(&failure, &e);
  if (side->nimbus && !gust_report_nimbus_sample(side->nimbus, sample, &e))
    keep_first(&failure, &e);
  if (side->proc && !gust_report_proc_sample(side->proc, sample, &e)) keep_first(&failure, &e);
  if (failure && side->series->samples->len == 0) {
    json_decref(sample);
    g_propagate_error(error, failure);
    return FALSE;
  }
  gust_report_series_write_sample(sample, side->file);
  gust_report_series_add(side->series, sample);
  if (failure) {
    g_propagate_error(error, failure);
    return FALSE;
  }
  return TRUE;
}

void gust_report_side_finish(gust_report_side *side, const char *partial_reason)
{
  if (!side->file) return;
  side->series->partial = partial_reason != NULL;
  g_free(side->series->partial_reason);
  side->series->partial_reason = g_strdup(partial_reason);
  gust_report_series_write_end(side->series, side->file);
  fclose(side->file);
  side->file = NULL;
}

void gust_report_side_free(gust_report_side *side)
{
  if (!side) return;
  if (side->file) fclose(side->file);
  gust_report_storm_ui_free(side->ui);
  gust_report_nimbus_free(side->nimbus);
  gust_report_proc_free(side->proc);
  gust_report_series_free(side->series);
  g_free(side->path);
  g_free(side);
}

const gust_report_series *gust_report_side_series(const gust_report_side *side)
{
  return side->series;
}
