/* graph.c — building a job graph: vertices, edges, locations.
 *
 * Plain data on the caller's thread; fc_job_new() checks it and turns it
 * into tasks and channels.  Vertex data is freed here (fc_graph_free) with
 * the free function the caller gave.
 */
#include "internal.h"

fc_graph *fc_graph_new(void)
{
  fc_graph *g = g_new0(fc_graph, 1);
  g->vertices = g_array_new(FALSE, TRUE, sizeof(fc_vertex));
  g->edges = g_array_new(FALSE, TRUE, sizeof(fc_edge));
  return g;
}

void fc_graph_free(fc_graph *g)
{
  if (!g) return;
  for (guint i = 0; i < g->vertices->len; i++) {
    fc_vertex *v = &g_array_index(g->vertices, fc_vertex, i);
    if (v->free_data) v->free_data(v->data);
    g_free(v->name);
    g_free(v->locations);
  }
  g_array_free(g->vertices, TRUE);
  g_array_free(g->edges, TRUE);
  g_free(g);
}

int fc_graph_add_vertex(fc_graph *g, const char *name, int parallelism, const fc_operator *op,
                        void *vertex_data, GDestroyNotify free_data)
{
  fc_vertex v = {
      .name = g_strdup(name),
      .parallelism = parallelism,
      .op = *op,
      .data = vertex_data,
      .free_data = free_data,
      .locations = g_new0(int, parallelism > 0 ? parallelism : 1),
  };
  g_array_append_val(g->vertices, v);
  return (int)g->vertices->len - 1;
}

int fc_graph_add_edge(fc_graph *g, int from, int to, const fc_edge_spec *spec)
{
  fc_edge e = {.from = from, .to = to, .spec = *spec};
  g_array_append_val(g->edges, e);
  return (int)g->edges->len - 1;
}

void fc_graph_set_location(fc_graph *g, int vertex, int subtask, int location)
{
  fc_vertex *v = &g_array_index(g->vertices, fc_vertex, vertex);
  g_return_if_fail(subtask >= 0 && subtask < v->parallelism);
  v->locations[subtask] = location;
}

int fc_graph_n_vertices(const fc_graph *g)
{
  return (int)g->vertices->len;
}

int fc_graph_parallelism(const fc_graph *g, int vertex)
{
  return g_array_index(g->vertices, fc_vertex, vertex).parallelism;
}

int fc_graph_task_id(const fc_graph *g, int vertex, int subtask)
{
  int id = 0;
  for (int i = 0; i < vertex; i++)
    id += g_array_index(g->vertices, fc_vertex, i).parallelism;
  return id + subtask;
}

const char *fc_partitioner_name(fc_partitioner p)
{
  switch (p) {
  case FC_PART_FORWARD:
    return "forward";
  case FC_PART_SHUFFLE:
    return "shuffle";
  case FC_PART_RANDOM:
    return "random";
  case FC_PART_HASH:
    return "hash";
  case FC_PART_BROADCAST:
    return "broadcast";
  case FC_PART_GLOBAL:
    return "global";
  case FC_PART_DIRECT:
    return "direct";
  case FC_PART_LOCAL:
    return "local";
  case FC_PART_KEY_GROUPS:
    return "key-groups";
  case FC_PART_CHOOSER:
    return "chooser";
  }
  return "?";
}
