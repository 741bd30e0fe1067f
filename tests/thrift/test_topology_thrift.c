/* StormTopology <-> compat's topology model.
 *
 * Round trip: every Flux example that needs no JVM is loaded, turned into
 * the StormTopology `gust submit` sends, encoded and decoded with the
 * codec, rebuilt by gust_topology_from_thrift (what Nimbus does), and must
 * describe the same topology: components, kinds, parallelism, tasks, confs,
 * implementations, definitions, streams, inputs and groupings, beans.
 *
 * Refusals: what the real `storm jar` sends (Java-serialized components,
 * in tests/fixtures/storm-2.6.0), unknown classes and groupings, and
 * each broken rule, with messages naming the component.
 */
#include <gust/flux.h>
#include <gust/storm_thrift.h>
#include <string.h>

#define assert_contains(haystack, needle)                                                          \
  do {                                                                                             \
    const char *h_ = (haystack), *n_ = (needle);                                                   \
    if (!h_ || !strstr(h_, n_)) g_error("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_); \
  } while (0)

/* ---- describing a topology as JSON, to compare two -------------------------- */

static json_t *strv_json(const char *const *strv)
{
  json_t *array = json_array();
  for (; strv && *strv; strv++)
    json_array_append_new(array, json_string(*strv));
  return array;
}

static json_t *impl_json(const gust_impl *impl)
{
  if (!impl) return json_null();
  json_t *j = json_pack("{s:s}", "kind", gust_impl_kind_name(impl->kind));
  switch (impl->kind) {
  case GUST_IMPL_MULTILANG:
    json_object_set_new(j, "argv", strv_json((const char *const *)impl->multilang.argv));
    json_object_set_new(j, "resources_dir", json_string(impl->multilang.resources_dir));
    json_object_set_new(j, "env", strv_json((const char *const *)impl->multilang.env));
    break;
  case GUST_IMPL_BUILTIN:
    json_object_set_new(j, "class", json_string(impl->builtin.class_name));
    break;
  case GUST_IMPL_JAVA:
    json_object_set_new(j, "class", json_string(impl->java.class_name));
    break;
  case GUST_IMPL_JVM:
    json_object_set_new(j, "class", json_string(impl->jvm.class_name));
    break;
  case GUST_IMPL_NATIVE:
    json_object_set_new(j, "library", json_string(impl->native.library));
    break;
  }
  return j;
}

static json_t *component_json(const gust_topology *t, const gust_component *c)
{
  json_t *streams = json_object();
  for (guint i = 0; i < gust_component_n_streams(c); i++) {
    const gust_stream *s = gust_component_stream(c, i);
    json_object_set_new(streams, gust_stream_id(s),
                        json_pack("{s:o, s:b}", "fields", strv_json(gust_stream_fields(s)),
                                  "direct", gust_stream_is_direct(s)));
  }
  json_t *inputs = json_object();
  for (guint i = 0; i < gust_component_n_inputs(c); i++) {
    const gust_input *in = gust_component_input(c, i);
    const gust_grouping *g = gust_input_grouping(in);
    char *key = g_strdup_printf("%s:%s", gust_input_source(in), gust_input_stream(in));
    json_object_set_new(inputs, key,
                        json_pack("{s:s, s:o, s:s?}", "kind",
                                  gust_grouping_kind_name(gust_grouping_get_kind(g)), "fields",
                                  strv_json(gust_grouping_fields(g, NULL)), "class",
                                  gust_grouping_custom_class(g)));
    g_free(key);
  }
  const gust_impl *impl = gust_component_impl(c);
  /* a multilang component needs no definition once its impl is built */
  json_t *definition = impl && impl->kind == GUST_IMPL_MULTILANG
                           ? json_null()
                           : json_incref(gust_component_definition(c));
  return json_pack("{s:s, s:i, s:i, s:O, s:o, s:o, s:o, s:o}", "kind",
                   gust_component_kind_name(gust_component_get_kind(c)), "parallelism",
                   gust_component_parallelism(c), "tasks", gust_topology_component_tasks(t, c),
                   "conf", gust_component_conf(c), "impl", impl_json(impl), "definition",
                   definition ? definition : json_null(), "streams", streams, "inputs", inputs);
}

static json_t *topology_json(const gust_topology *t)
{
  json_t *components = json_object();
  for (guint i = 0; i < gust_topology_n_components(t); i++) {
    const gust_component *c = gust_topology_component(t, i);
    json_object_set_new(components, gust_component_id(c), component_json(t, c));
  }
  json_t *beans = json_object();
  const char **ids = gust_topology_bean_ids(t);
  for (const char **id = ids; *id; id++)
    json_object_set(beans, *id, gust_topology_bean(t, *id));
  g_free(ids);
  return json_pack("{s:s, s:O, s:o, s:o}", "name", gust_topology_name(t), "conf",
                   gust_topology_conf(t), "components", components, "beans", beans);
}

/* ---- round trip ------------------------------------------------------------------ */

/* to_thrift -> bytes -> from_thrift, as `gust submit` and Nimbus do. */
static gust_topology *through_thrift(const gust_topology *topology, const char *resources_dir,
                                     GError **error)
{
  char *conf_json;
  GustStormStormTopology *t = gust_topology_to_thrift(topology, &conf_json, error);
  if (!t) return NULL;
  GBytes *bytes = gust_thrift_encode(t, 1 << 20, error);
  g_object_unref(t);
  g_assert_nonnull(bytes);
  GustStormStormTopology *back =
      gust_thrift_decode_bytes(GUST_STORM_TYPE_STORM_TOPOLOGY, bytes, 1 << 20, error);
  g_assert_nonnull(back);
  gust_topology *rebuilt = gust_topology_from_thrift(back, gust_topology_name(topology), conf_json,
                                                     resources_dir, NULL, error);
  g_object_unref(back);
  g_bytes_unref(bytes);
  g_free(conf_json);
  return rebuilt;
}

static void collect_yaml(const char *dir, GPtrArray *out)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
      collect_yaml(path, out);
    else if (g_str_has_suffix(name, ".yaml"))
      g_ptr_array_add(out, g_strdup(path));
    g_free(path);
  }
  if (d) g_dir_close(d);
}

static void test_every_flux_example_survives_the_round_trip(void)
{
  char *examples = g_build_filename(GUST_SOURCE_DIR, "examples", "flux", NULL);
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  collect_yaml(examples, files);
  g_ptr_array_sort(files, (GCompareFunc)g_strcmp0);
  const char *environment[] = {"KAFKA_BOOTSTRAP=127.0.0.1:9092", "GUST_EXAMPLE_OWNER=tests", NULL};
  guint round_trips = 0, native = 0;
  /* the include example warns (on purpose) about an overridden config */
  GLogLevelFlags fatal = g_log_set_always_fatal(G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
  for (guint i = 0; i < files->len; i++) {
    const char *path = g_ptr_array_index(files, i);
    char *dir = g_path_get_dirname(path);
    char *resources = g_build_filename(dir, "resources", NULL);
    char *properties = g_build_filename(dir, "dev.properties", NULL);
    gust_flux_options opts = {.env_filter = TRUE,
                              .environment = environment,
                              .resources_dir = resources,
                              .properties_file =
                                  g_file_test(properties, G_FILE_TEST_EXISTS) ? properties : NULL};
    GError *error = NULL;
    gust_topology *flux = gust_flux_load_file(path, &opts, &error);
    if (!flux) {
      /* include fragments and files that need a --filter are not topologies alone */
      g_test_message("%s: not loaded alone (%s)", path, error->message);
      g_clear_error(&error);
    } else if (gust_topology_has_native_components(flux)) {
      char *conf_json = NULL;
      g_assert_null(gust_topology_to_thrift(flux, &conf_json, &error));
      g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_NOT_SENDABLE);
      assert_contains(error->message, "native C component");
      g_clear_error(&error);
      native++;
    } else {
      gust_topology *rebuilt = through_thrift(flux, resources, &error);
      if (!rebuilt) g_error("%s: %s", path, error->message);
      json_t *a = topology_json(flux), *b = topology_json(rebuilt);
      if (!json_equal(a, b)) {
        char *ta = json_dumps(a, JSON_INDENT(1) | JSON_SORT_KEYS);
        char *tb = json_dumps(b, JSON_INDENT(1) | JSON_SORT_KEYS);
        g_error("%s: the topology changed on the way through Thrift:\n%s\n---\n%s", path, ta, tb);
      }
      json_decref(a);
      json_decref(b);
      gust_topology_free(rebuilt);
      round_trips++;
    }
    gust_topology_free(flux);
    g_free(properties);
    g_free(resources);
    g_free(dir);
  }
  g_log_set_always_fatal(fatal);
  g_test_message("%u Flux examples round-tripped, %u refused as native", round_trips, native);
  g_assert_cmpuint(round_trips, >=, 12);
  g_assert_cmpuint(native, >=, 1);
  g_ptr_array_unref(files);
  g_free(examples);
}

/* ---- building Thrift topologies by hand -------------------------------------------- */

static void set_common(GustStormComponentCommon *common, gint parallelism, const char *json_conf,
                       const char *stream, const char *const *fields)
{
  if (parallelism) {
    common->parallelism_hint = parallelism;
    common->__isset_parallelism_hint = TRUE;
  }
  if (json_conf) {
    common->json_conf = g_strdup(json_conf);
    common->__isset_json_conf = TRUE;
  }
  if (stream) {
    GustStormStreamInfo *info = g_object_new(GUST_STORM_TYPE_STREAM_INFO, NULL);
    for (; fields && *fields; fields++)
      g_ptr_array_add(info->output_fields, g_strdup(*fields));
    g_hash_table_insert(common->streams, g_strdup(stream), info);
  }
}

static void set_shell(GustStormComponentObject *object, const char *command, const char *script)
{
  object->shell->execution_command = g_strdup(command);
  object->shell->script = g_strdup(script);
  object->__isset_shell = TRUE;
}

static GustStormSpoutSpec *add_shell_spout(GustStormStormTopology *t, const char *id)
{
  GustStormSpoutSpec *spout = g_object_new(GUST_STORM_TYPE_SPOUT_SPEC, NULL);
  set_shell(spout->spout_object, "python3", "sentence_spout.py");
  set_common(spout->common, 1, NULL, "default", (const char *[]){"sentence", NULL});
  g_hash_table_insert(t->spouts, g_strdup(id), spout);
  return spout;
}

static GustStormBolt *add_bolt(GustStormStormTopology *t, const char *id)
{
  GustStormBolt *bolt = g_object_new(GUST_STORM_TYPE_BOLT, NULL);
  g_hash_table_insert(t->bolts, g_strdup(id), bolt);
  return bolt;
}

static GustStormGrouping *subscribe(GustStormBolt *bolt, const char *source, const char *stream)
{
  GustStormGlobalStreamId *id = g_object_new(GUST_STORM_TYPE_GLOBAL_STREAM_ID, NULL);
  id->componentId = g_strdup(source);
  id->streamId = g_strdup(stream);
  GustStormGrouping *grouping = g_object_new(GUST_STORM_TYPE_GROUPING, NULL);
  g_hash_table_insert(bolt->common->inputs, id, grouping);
  return grouping;
}

/* A multilang word count as streamparse-like clients send it. */
/* The grouping of a bolt's only input. */
static GustStormGrouping *only_grouping(GustStormBolt *bolt)
{
  GHashTableIter it;
  gpointer grouping = NULL;
  g_hash_table_iter_init(&it, bolt->common->inputs);
  g_assert_true(g_hash_table_iter_next(&it, NULL, &grouping));
  return grouping;
}

static GustStormStormTopology *shell_wordcount(void)
{
  GustStormStormTopology *t = g_object_new(GUST_STORM_TYPE_STORM_TOPOLOGY, NULL);
  add_shell_spout(t, "sentences");
  GustStormBolt *split = add_bolt(t, "split");
  set_shell(split->bolt_object, "python3", "split_sentence.py");
  set_common(split->common, 2, "{\"topology.tasks\": 4}", "default",
             (const char *[]){"word", NULL});
  subscribe(split, "sentences", "default")->__isset_shuffle = TRUE;
  GustStormBolt *count = add_bolt(t, "count");
  set_shell(count->bolt_object, "python3", "count_words.py");
  set_common(count->common, 3, "{\"topology.tick.tuple.freq.secs\": 2}", "default",
             (const char *[]){"word", "count", NULL});
  GustStormGrouping *g = subscribe(count, "split", "default");
  g_ptr_array_add(g->fields, g_strdup("word"));
  g->__isset_fields = TRUE;
  return t;
}

static void test_shell_topology_becomes_multilang_components(void)
{
  GustStormStormTopology *t = shell_wordcount();
  GError *error = NULL;
  gust_topology *topology = gust_topology_from_thrift(t, "wc", "{\"topology.workers\": 1}",
                                                      "/srv/topo/resources", NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(gust_topology_name(topology), ==, "wc");
  g_assert_cmpint(
      json_integer_value(json_object_get(gust_topology_conf(topology), "topology.workers")), ==, 1);
  const gust_component *split = gust_topology_lookup(topology, "split");
  const gust_impl *impl = gust_component_impl(split);
  g_assert_cmpint(impl->kind, ==, GUST_IMPL_MULTILANG);
  g_assert_cmpstr(impl->multilang.argv[0], ==, "python3");
  g_assert_cmpstr(impl->multilang.argv[1], ==, "split_sentence.py");
  g_assert_null(impl->multilang.argv[2]);
  g_assert_cmpstr(impl->multilang.resources_dir, ==, "/srv/topo/resources");
  g_assert_cmpint(gust_component_parallelism(split), ==, 2);
  g_assert_cmpint(gust_topology_component_tasks(topology, split), ==, 4);
  const gust_component *count = gust_topology_lookup(topology, "count");
  g_assert_cmpint(json_integer_value(
                      json_object_get(gust_component_conf(count), "topology.tick.tuple.freq.secs")),
                  ==, 2);
  const gust_input *in = gust_component_lookup_input(count, "split", "default");
  g_assert_cmpint(gust_grouping_get_kind(gust_input_grouping(in)), ==, GUST_GROUPING_FIELDS);
  g_assert_cmpstr(gust_grouping_fields(gust_input_grouping(in), NULL)[0], ==, "word");
  g_assert_cmpint(gust_stream_n_fields(gust_component_lookup_stream(count, "default")), ==, 2);
  /* unset parallelism is 1, as in Storm */
  g_assert_cmpint(gust_component_parallelism(gust_topology_lookup(topology, "sentences")), ==, 1);
  gust_topology_free(topology);
  g_object_unref(t);
}

static GError *from_thrift_error(GustStormStormTopology *t, const char *conf, char **refused)
{
  GError *error = NULL;
  gust_topology *topology = gust_topology_from_thrift(t, "wc", conf, "/r", refused, &error);
  g_assert_null(topology);
  g_assert_nonnull(error);
  return error;
}

static void assert_invalid(GustStormStormTopology *t, const char *conf, const char *needle)
{
  GError *error = from_thrift_error(t, conf, NULL);
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_INVALID_TOPOLOGY);
  assert_contains(error->message, needle);
  g_error_free(error);
}

static void test_broken_rules_name_the_component(void)
{
  GustStormStormTopology *t = shell_wordcount();
  assert_invalid(t, "[1]", "the topology conf must be a JSON object");
  assert_invalid(t, "{nope", "the topology conf is not valid JSON");

  GustStormBolt *split = g_hash_table_lookup(t->bolts, "split");
  subscribe(split, "nosuch", "default")->__isset_shuffle = TRUE;
  assert_invalid(t, NULL, "nosuch");
  g_object_unref(t);

  t = shell_wordcount();
  split = g_hash_table_lookup(t->bolts, "split");
  split->common->parallelism_hint = 0;
  assert_invalid(t, NULL, "split");
  split->common->parallelism_hint = 1;
  g_free(split->common->json_conf);
  split->common->json_conf = g_strdup("[]");
  assert_invalid(t, NULL, "component 'split': json_conf must be a JSON object");
  g_free(split->common->json_conf);
  split->common->json_conf = NULL;
  split->common->__isset_json_conf = FALSE;
  g_free(split->bolt_object->shell->execution_command);
  split->bolt_object->shell->execution_command = NULL;
  assert_invalid(t, NULL, "component 'split': its shell component has no execution_command");
  split->bolt_object->__isset_shell = FALSE;
  assert_invalid(t, NULL, "component 'split': its ComponentObject sets none");
  g_object_unref(t);

  t = shell_wordcount();
  GustStormBolt *count = g_hash_table_lookup(t->bolts, "count");
  GustStormGrouping *g = only_grouping(count);
  g_ptr_array_set_size(g->fields, 0);
  g_ptr_array_add(g->fields, g_strdup("nofield"));
  assert_invalid(t, NULL, "nofield");
  g->__isset_fields = FALSE;
  assert_invalid(t, NULL, "the grouping sets no field");
  g_object_unref(t);

  t = shell_wordcount();
  add_shell_spout(t, "__system");
  assert_invalid(t, NULL, "__system");
  g_object_unref(t);
}

static void assert_unsupported(GustStormStormTopology *t, const char *needle,
                               const char *class_name)
{
  char *refused = NULL;
  GError *error = from_thrift_error(t, NULL, &refused);
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_UNSUPPORTED);
  assert_contains(error->message, needle);
  assert_contains(error->message, class_name);
  g_assert_cmpstr(refused, ==, class_name);
  g_free(refused);
  g_error_free(error);
}

static void test_classes_gust_cannot_host_are_refused_by_name(void)
{
  GustStormStormTopology *t = shell_wordcount();
  GustStormBolt *split = g_hash_table_lookup(t->bolts, "split");
  split->bolt_object->__isset_shell = FALSE;
  split->bolt_object->java_object->full_class_name = g_strdup("com.example.MyBolt");
  split->bolt_object->__isset_java_object = TRUE;
  assert_unsupported(t, "component 'split': Java class com.example.MyBolt", "com.example.MyBolt");
  g_object_unref(t);

  t = shell_wordcount();
  GustStormBolt *count = g_hash_table_lookup(t->bolts, "count");
  GustStormGrouping *g = only_grouping(count);
  g->__isset_fields = FALSE;
  g->custom_object->full_class_name = g_strdup("com.example.MyGrouping");
  g->__isset_custom_object = TRUE;
  assert_unsupported(t, "component 'count' input from 'split' stream 'default': custom grouping",
                     "com.example.MyGrouping");
  g->__isset_custom_object = FALSE;
  /* Java serialization of a com.example.G object: magic, TC_OBJECT, TC_CLASSDESC, name */
  static const guint8 serialized[] = {0xac, 0xed, 0,   5,   0x73, 0x72, 0,   13,  'c', 'o', 'm',
                                      '.',  'e',  'x', 'a', 'm',  'p',  'l', 'e', '.', 'G', 0x78};
  g->custom_serialized = g_byte_array_new();
  g_byte_array_append(g->custom_serialized, serialized, sizeof serialized);
  g->__isset_custom_serialized = TRUE;
  /* a user's serialized grouping keeps its bytes, for the JVM host to run */
  GError *error = NULL;
  gust_topology *topology = gust_topology_from_thrift(t, "wc", NULL, "/r", NULL, &error);
  g_assert_no_error(error);
  const gust_grouping *custom = gust_input_grouping(
      gust_component_lookup_input(gust_topology_lookup(topology, "count"), "split", "default"));
  g_assert_cmpint(gust_grouping_get_kind(custom), ==, GUST_GROUPING_CUSTOM);
  g_assert_cmpstr(gust_grouping_custom_class(custom), ==, "com.example.G");
  g_assert_cmpuint(g_bytes_get_size(gust_grouping_custom_object(custom)), ==, sizeof serialized);
  /* and travels back to Thrift as the same bytes */
  g_autofree char *conf = NULL;
  GustStormStormTopology *back = gust_topology_to_thrift(topology, &conf, &error);
  g_assert_no_error(error);
  GustStormGrouping *again = only_grouping(g_hash_table_lookup(back->bolts, "count"));
  g_assert_true(again->__isset_custom_serialized);
  g_assert_cmpmem(again->custom_serialized->data, again->custom_serialized->len, serialized,
                  sizeof serialized);
  g_object_unref(back);
  gust_topology_free(topology);
  g_object_unref(t);
}

/* The shell word count with count's input grouped by the PartialKeyGrouping
 * bytes in GUST_PARTIAL_KEY_DIR/file (the real storm-client's form). */
static GustStormStormTopology *wordcount_with_serialized_grouping(const char *file)
{
  g_autofree char *path = g_build_filename(GUST_PARTIAL_KEY_DIR, file, NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  GError *error = NULL;
  g_assert_true(g_file_get_contents(path, &bytes, &len, &error));
  GustStormStormTopology *t = shell_wordcount();
  GustStormGrouping *g = only_grouping(g_hash_table_lookup(t->bolts, "count"));
  g->__isset_fields = FALSE;
  g->custom_serialized = g_byte_array_new();
  g_byte_array_append(g->custom_serialized, (const guint8 *)bytes, len);
  g->__isset_custom_serialized = TRUE;
  return t;
}

static void assert_partial_key_on(const char *file, const char *const *expected)
{
  GustStormStormTopology *t = wordcount_with_serialized_grouping(file);
  GError *error = NULL;
  gust_topology *topology = gust_topology_from_thrift(t, "wc", NULL, "/r", NULL, &error);
  g_assert_no_error(error);
  const gust_input *in =
      gust_component_lookup_input(gust_topology_lookup(topology, "count"), "split", "default");
  g_assert_cmpint(gust_grouping_get_kind(gust_input_grouping(in)), ==, GUST_GROUPING_PARTIAL_KEY);
  guint n = 0;
  const char *const *fields = gust_grouping_fields(gust_input_grouping(in), &n);
  g_assert_cmpuint(n, ==, g_strv_length((char **)expected));
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr(fields[i], ==, expected[i]);
  gust_topology_free(topology);
  g_object_unref(t);
}

static void test_storm_partial_key_grouping_bytes(void)
{
  /* split declares only "word": a second key field must exist to validate */
  assert_partial_key_on("partial_key_word.ser", (const char *[]){"word", NULL});
  /* no Fields: Storm keys on the first value, the stream's first field */
  assert_partial_key_on("partial_key_none.ser", (const char *[]){"word", NULL});

  GustStormStormTopology *t = wordcount_with_serialized_grouping("partial_key_two.ser");
  GError *error = from_thrift_error(t, NULL, NULL);
  assert_contains(error->message, "user");
  g_error_free(error);
  g_object_unref(t);

  t = wordcount_with_serialized_grouping("partial_key_custom.ser");
  error = from_thrift_error(t, NULL, NULL);
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_UNSUPPORTED);
  assert_contains(error->message, "component 'count' input from 'split' stream 'default'");
  assert_contains(error->message, "WritePartialKeyGroupings$StickyAssignment");
  g_error_free(error);
  g_object_unref(t);

  /* the bytes cut short anywhere: an error naming the byte, never a crash */
  t = wordcount_with_serialized_grouping("partial_key_word.ser");
  GustStormGrouping *g = only_grouping(g_hash_table_lookup(t->bolts, "count"));
  guint full = g->custom_serialized->len;
  for (guint cut = 8 + 2 + 44; cut < full; cut += 5) { /* after the class name */
    g_byte_array_set_size(g->custom_serialized, cut);
    error = from_thrift_error(t, NULL, NULL);
    g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_INVALID_TOPOLOGY);
    assert_contains(error->message, "PartialKeyGrouping cannot be read");
    assert_contains(error->message, "at byte");
    g_error_free(error);
  }
  g_object_unref(t);
}

/* The submitTopology arguments Storm 2.6.0's `storm jar` sent (g_object_unref). */
static GustStormNimbusSubmitTopologyArgs *recorded_submission(void)
{
  char *path =
      g_build_filename(GUST_STORM_FIXTURES, "a-jar-wordcount", "17-c2s-submitTopology.bin", NULL);
  char *raw;
  gsize len;
  GError *error = NULL;
  if (!g_file_get_contents(path, &raw, &len, &error))
    g_error("the Storm 2.6.0 fixtures are missing (%s): configure with -DGUST_STORM_FIXTURES=DIR",
            error->message);
  gust_thrift_message m;
  g_assert_true(gust_thrift_message_parse(raw, len, TRUE, 1 << 20, &m, &error));
  GustStormNimbusSubmitTopologyArgs *args = gust_thrift_decode_bytes(
      GUST_STORM_TYPE_NIMBUS_SUBMIT_TOPOLOGY_ARGS, m.body, 1 << 20, &error);
  g_assert_no_error(error);
  gust_thrift_message_clear(&m);
  g_free(raw);
  g_free(path);
  return args;
}

/* What `storm jar` sends: every component Java-serialized. */
static void test_storm_jar_submission_is_refused_naming_classes(void)
{
  GustStormNimbusSubmitTopologyArgs *args = recorded_submission();
  GustStormStormTopology *t = args->topology;
  assert_unsupported(t, "component 'spout' is a Java-serialized",
                     "org.apache.storm.starter.spout.RandomSentenceSpout");
  /* with a shell spout instead, the bolts are refused next (sorted: count, split) */
  g_hash_table_remove_all(t->spouts);
  add_shell_spout(t, "spout");
  assert_unsupported(t,
                     "component 'count' is a Java-serialized "
                     "org.apache.storm.topology.BasicBoltExecutor (wrapping",
                     "org.apache.storm.starter.bolt.WordCountBolt");
  g_hash_table_remove(t->bolts, "count");
  assert_unsupported(t, "component 'split' is a Java-serialized",
                     "org.apache.storm.starter.WordCountTopology$SplitSentence");
  g_object_unref(args);
}

/* A JVM host stand-in: records what it is given; refuses `refuse`. */
typedef struct {
  GString *calls;
  const char *refuse;
} host_log;

static gboolean log_host(void *data, gust_component *component, const char *class_name,
                         const char *wrapped, const guint8 *bytes, gsize len, GError **error)
{
  host_log *log = data;
  g_string_append_printf(log->calls, "%s=%s/%s(%s);", gust_component_id(component), class_name,
                         wrapped ? wrapped : "-", len > 4 && bytes[0] == 0xac ? "java" : "?");
  if (!g_strcmp0(gust_component_id(component), log->refuse)) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_UNSUPPORTED,
                "the host says no");
    return FALSE;
  }
  gust_component_set_impl(component, gust_impl_new_jvm(wrapped ? wrapped : class_name));
  return TRUE;
}

/* With a JVM host, serialized_java components go to it, named by class. */
static void test_storm_jar_submission_goes_to_a_java_host(void)
{
  GustStormNimbusSubmitTopologyArgs *args = recorded_submission();
  host_log log = {g_string_new(NULL), NULL};
  gust_java_host host = {log_host, &log};
  GError *error = NULL;
  gust_topology *topology =
      gust_topology_from_thrift_hosted(args->topology, "wc", NULL, "/r", &host, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(log.calls->str, ==,
                  "spout=org.apache.storm.starter.spout.RandomSentenceSpout/-(java);"
                  "count=org.apache.storm.topology.BasicBoltExecutor/"
                  "org.apache.storm.starter.bolt.WordCountBolt(java);"
                  "split=org.apache.storm.starter.WordCountTopology$SplitSentence/-(java);");
  const gust_impl *count = gust_component_impl(gust_topology_lookup(topology, "count"));
  g_assert_cmpint(count->kind, ==, GUST_IMPL_JVM);
  g_assert_cmpint(gust_component_parallelism(gust_topology_lookup(topology, "split")), ==, 8);
  gust_topology_free(topology);

  /* a refusal names the component, its class and the host's reason */
  g_string_truncate(log.calls, 0);
  log.refuse = "split";
  char *refused = NULL;
  g_assert_null(
      gust_topology_from_thrift_hosted(args->topology, "wc", NULL, "/r", &host, &refused, &error));
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_UNSUPPORTED);
  g_assert_cmpstr(error->message, ==,
                  "component 'split' is a Java-serialized "
                  "org.apache.storm.starter.WordCountTopology$SplitSentence: the host says no");
  g_assert_cmpstr(refused, ==, "org.apache.storm.starter.WordCountTopology$SplitSentence");
  g_free(refused);
  g_error_free(error);
  g_string_free(log.calls, TRUE);
  g_object_unref(args);
}

static void test_java_serialized_class_names(void)
{
  g_assert_null(gust_java_serialized_class_name("", 0));
  g_assert_null(gust_java_serialized_class_name("\xac\xed\x00\x05\x73\x72\x00\x40x", 9));
  g_assert_null(gust_java_serialized_class_name("\xac\xed\x00\x05\x73\x72\x00\x03"
                                                "a b",
                                                11));
  char *name = gust_java_serialized_class_name("\xac\xed\x00\x05\x73\x72\x00\x03"
                                               "a.B",
                                               11);
  g_assert_cmpstr(name, ==, "a.B");
  g_free(name);
  /* a Flux definition in place of Java serialization: the class on its second line */
  static const char flux[] = "gust-flux-definition\nmy.pkg.Outer$Bolt\n\x07\x00";
  name = gust_java_serialized_class_name(flux, sizeof flux - 1);
  g_assert_cmpstr(name, ==, "my.pkg.Outer$Bolt");
  g_free(name);
  g_assert_null(gust_java_serialized_class_name("gust-flux-definition\nmy.Bolt", 29));
  g_assert_null(gust_java_serialized_class_name("gust-flux-definition\nnot a class\n", 33));
  g_assert_null(gust_java_serialized_class_name("gust-flux-definition\n", 21));
}

static void test_builtin_java_object_with_arguments(void)
{
  GustStormStormTopology *t = g_object_new(GUST_STORM_TYPE_STORM_TOPOLOGY, NULL);
  GustStormSpoutSpec *spout = g_object_new(GUST_STORM_TYPE_SPOUT_SPEC, NULL);
  spout->spout_object->java_object->full_class_name =
      g_strdup("org.apache.storm.testing.TestWordSpout");
  spout->spout_object->__isset_java_object = TRUE;
  set_common(spout->common, 2, NULL, "default", (const char *[]){"word", NULL});
  g_hash_table_insert(t->spouts, g_strdup("words"), spout);
  GError *error = NULL;
  gust_topology *topology = gust_topology_from_thrift(t, "w", NULL, NULL, NULL, &error);
  g_assert_no_error(error);
  const gust_component *words = gust_topology_lookup(topology, "words");
  g_assert_cmpint(gust_component_impl(words)->kind, ==, GUST_IMPL_BUILTIN);
  g_assert_cmpint(gust_component_parallelism(words), ==, 2);
  gust_topology_free(topology);

  /* a stream the class does not declare that way */
  GustStormStreamInfo *info = g_hash_table_lookup(spout->common->streams, "default");
  g_ptr_array_add(info->output_fields, g_strdup("extra"));
  assert_invalid(t, NULL, "component 'words': stream 'default' is declared differently");
  /* binary arguments do not fit a built-in class */
  g_ptr_array_set_size(info->output_fields, 1);
  GustStormJavaObjectArg *arg = g_object_new(GUST_STORM_TYPE_JAVA_OBJECT_ARG, NULL);
  arg->binary_arg = g_byte_array_new();
  arg->__isset_binary_arg = TRUE;
  g_ptr_array_add(spout->spout_object->java_object->args_list, arg);
  assert_invalid(t, NULL,
                 "component 'words': argument 1 of org.apache.storm.testing.TestWordSpout");
  g_object_unref(t);
}

/* Components whose code exists only on the submitting machine. */
static void test_native_and_jvm_components_are_not_sendable(void)
{
  gust_topology *topology = gust_topology_new("local-only");
  gust_component *spout = gust_topology_add_component(topology, "words", GUST_COMPONENT_SPOUT);
  gust_component_set_impl(spout, gust_impl_new_jvm("com.example.WordSpout"));
  char *conf_json = NULL;
  GError *error = NULL;
  g_assert_null(gust_topology_to_thrift(topology, &conf_json, &error));
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_NOT_SENDABLE);
  assert_contains(error->message, "component 'words' is a Java component (com.example.WordSpout)");
  g_clear_error(&error);
  gust_component_set_impl(spout, gust_impl_new_native("/lib/x.so", "spout"));
  g_assert_null(gust_topology_to_thrift(topology, &conf_json, &error));
  assert_contains(error->message, "component 'words' is a native C component");
  g_clear_error(&error);
  g_assert_null(conf_json);
  gust_topology_free(topology);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/thrift/topology/every-flux-example-survives-the-round-trip",
                  test_every_flux_example_survives_the_round_trip);
  g_test_add_func("/thrift/topology/shell-components-become-multilang",
                  test_shell_topology_becomes_multilang_components);
  g_test_add_func("/thrift/topology/builtin-java-object", test_builtin_java_object_with_arguments);
  g_test_add_func("/thrift/topology/broken-rules-name-the-component",
                  test_broken_rules_name_the_component);
  g_test_add_func("/thrift/topology/unhostable-classes-refused-by-name",
                  test_classes_gust_cannot_host_are_refused_by_name);
  g_test_add_func("/thrift/topology/storm-jar-submission-refused-naming-classes",
                  test_storm_jar_submission_is_refused_naming_classes);
  g_test_add_func("/thrift/topology/storm-jar-submission-goes-to-a-java-host",
                  test_storm_jar_submission_goes_to_a_java_host);
  g_test_add_func("/thrift/topology/java-serialized-class-names", test_java_serialized_class_names);
  g_test_add_func("/thrift/topology/storm-partial-key-grouping-bytes",
                  test_storm_partial_key_grouping_bytes);
  g_test_add_func("/thrift/topology/native-and-jvm-components-not-sendable",
                  test_native_and_jvm_components_are_not_sendable);
  return g_test_run();
}
