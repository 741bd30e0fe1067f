/* stats_methods.c — the statistics methods: getTopologyInfo and its
 * ByName / WithOpts variants, getTopologyPageInfo, getComponentPageInfo
 * and getSupervisorPageInfo.  Each reads the topology and the heartbeats
 * (stats_source.c) and builds Storm's struct from them (stats_view.h).
 * An unknown topology raises NotAliveException whose message is the id
 * (by name: "<name> is not alive"), as Storm's; a component the topology
 * does not have NotAliveException naming it.  Runs on handler threads, concurrently.
 */
#include "stats_source.h"

#define NOT_ALIVE GUST_STORM_TYPE_NOT_ALIVE_EXCEPTION

static gust_stats_errors errors_choice(GustStormGetInfoOptions *options)
{
  if (!options || !options->__isset_num_err_choice) return GUST_STATS_ERRORS_ALL;
  switch (options->num_err_choice) {
  case GUST_STORM_NUM_ERRORS_CHOICE_NONE:
    return GUST_STATS_ERRORS_NONE;
  case GUST_STORM_NUM_ERRORS_CHOICE_ONE:
    return GUST_STATS_ERRORS_ONE;
  default:
    return GUST_STATS_ERRORS_ALL;
  }
}

/* The TopologyInfo of the topology with id (or name), or NotAlive. */
static gboolean topology_info(const gust_nimbus_call *call, const char *id, const char *name,
                              GustStormGetInfoOptions *options, gpointer result)
{
  gust_stats_loaded l;
  if (!gust_stats_load(call->nimbus, id, name, &l)) {
    if (id) /* Storm's message for an unknown id is the id alone */
      gust_nimbus_set_exception(result, "e", NOT_ALIVE, "%s", id);
    else
      gust_nimbus_set_exception(result, "e", NOT_ALIVE, "%s is not alive", name);
    return TRUE;
  }
  GustStormTopologyInfo *info = gust_stats_topology_info(&l.view, errors_choice(options));
  g_object_set(result, "success", info, NULL);
  g_object_unref(info);
  gust_stats_loaded_clear(&l);
  return TRUE;
}

static GUST_NIMBUS_HANDLER(get_topology_info)
{
  return topology_info(call, ((GustStormNimbusGetTopologyInfoArgs *)args)->id, NULL, NULL, result);
}

static GUST_NIMBUS_HANDLER(get_topology_info_by_name)
{
  return topology_info(call, NULL, ((GustStormNimbusGetTopologyInfoByNameArgs *)args)->name, NULL,
                       result);
}

static GUST_NIMBUS_HANDLER(get_topology_info_with_opts)
{
  GustStormNimbusGetTopologyInfoWithOptsArgs *a = args;
  return topology_info(call, a->id, NULL, a->options, result);
}

static GUST_NIMBUS_HANDLER(get_topology_info_by_name_with_opts)
{
  GustStormNimbusGetTopologyInfoByNameWithOptsArgs *a = args;
  return topology_info(call, NULL, a->name, a->options, result);
}

/* Storm's UI sends no window for the default: all time. */
static const char *window_or_all(const char *window)
{
  return window && *window ? window : ":all-time";
}

static GUST_NIMBUS_HANDLER(get_topology_page_info)
{
  GustStormNimbusGetTopologyPageInfoArgs *a = args;
  gust_stats_loaded l;
  if (!gust_stats_load(call->nimbus, a->id ? a->id : "", NULL, &l)) {
    gust_nimbus_set_exception(result, "e", NOT_ALIVE, "%s", a->id ? a->id : "");
    return TRUE;
  }
  GustStormTopologyPageInfo *page =
      gust_stats_topology_page(&l.view, window_or_all(a->window), a->is_include_sys);
  g_object_set(result, "success", page, NULL);
  g_object_unref(page);
  gust_stats_loaded_clear(&l);
  return TRUE;
}

static GUST_NIMBUS_HANDLER(get_component_page_info)
{
  GustStormNimbusGetComponentPageInfoArgs *a = args;
  const char *id = a->topology_id ? a->topology_id : "";
  gust_stats_loaded l;
  if (!gust_stats_load(call->nimbus, id, NULL, &l)) {
    gust_nimbus_set_exception(result, "e", NOT_ALIVE, "%s", id);
    return TRUE;
  }
  const char *component = a->component_id ? a->component_id : "";
  GustStormComponentPageInfo *page =
      gust_stats_component_page(&l.view, component, window_or_all(a->window), a->is_include_sys);
  if (page) {
    g_object_set(result, "success", page, NULL);
    g_object_unref(page);
  } else {
    gust_nimbus_set_exception(result, "e", NOT_ALIVE, "component %s is not part of topology %s",
                              component, id);
  }
  gust_stats_loaded_clear(&l);
  return TRUE;
}

static GUST_NIMBUS_HANDLER(get_supervisor_page_info)
{
  GustStormNimbusGetSupervisorPageInfoArgs *a = args;
  GArray *all = gust_stats_load_all(call->nimbus);
  gust_stats_topology *views = g_new0(gust_stats_topology, MAX(all->len, 1));
  for (guint i = 0; i < all->len; i++)
    views[i] = g_array_index(all, gust_stats_loaded, i).view;
  json_t *supervisors = gust_stats_supervisors(call->nimbus);
  GustStormSupervisorPageInfo *page = gust_stats_supervisor_page(
      supervisors, views, all->len, a->id, a->host, g_get_real_time() / G_USEC_PER_SEC);
  g_object_set(result, "success", page, NULL);
  g_object_unref(page);
  json_decref(supervisors);
  g_free(views);
  gust_stats_loaded_free_all(all);
  return TRUE;
}

const gust_nimbus_handler_row gust_nimbus_stats_handlers[] = {
    {"getTopologyInfo", get_topology_info},
    {"getTopologyInfoByName", get_topology_info_by_name},
    {"getTopologyInfoWithOpts", get_topology_info_with_opts},
    {"getTopologyInfoByNameWithOpts", get_topology_info_by_name_with_opts},
    {"getTopologyPageInfo", get_topology_page_info},
    {"getComponentPageInfo", get_component_page_info},
    {"getSupervisorPageInfo", get_supervisor_page_info},
    {NULL, NULL},
};
