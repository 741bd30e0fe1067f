/* The IDL against Storm's wire: every frame the real Storm 2.6.0 CLI,
 * Python client and Nimbus exchanged (tests/fixtures/storm-2.6.0, path
 * compiled in as GUST_STORM_FIXTURES) is decoded with the generated
 * <method>_args / <method>_result struct and encoded again; the bytes must
 * be Storm's.  Two differences are allowed, and counted: the order of map
 * and set entries (GHashTable order is not Java's HashMap order), and an
 * unset field of default requiredness that c_glib writes as an empty value
 * where Java leaves it out.
 *
 * Then the codec on bad input: every truncation, sizes that lie, deep
 * nesting, unknown type codes, missing required fields, limits.
 */
#include <gust/storm_thrift.h>
#include <string.h>
#include <thrift/c_glib/thrift_application_exception.h>

static const char *fixtures_dir(void)
{
  return GUST_STORM_FIXTURES;
}

/* ---- canonical form: maps and sets sorted, struct fields by id ----------- */

typedef struct {
  const guint8 *p;
  gsize len, pos;
} cur;

static gboolean need(cur *c, gsize n)
{
  return c->len - c->pos >= n;
}

static gboolean canon_value(cur *c, guint8 type, GByteArray *out, int depth);

static gint compare_bytes(gconstpointer a, gconstpointer b)
{
  GBytes *const *x = a, *const *y = b;
  return g_bytes_compare(*x, *y);
}

static gboolean take(cur *c, gsize n, GByteArray *out)
{
  if (!need(c, n)) return FALSE;
  g_byte_array_append(out, c->p + c->pos, n);
  c->pos += n;
  return TRUE;
}

static guint32 be32(const guint8 *p)
{
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

/* `count` elements (of one type, or key+value pairs), each canonical, sorted. */
static gboolean canon_elements(cur *c, guint32 count, guint8 key_type, guint8 value_type,
                               gboolean pairs, GByteArray *out, int depth)
{
  GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  gboolean ok = TRUE;
  for (guint32 i = 0; ok && i < count; i++) {
    GByteArray *one = g_byte_array_new();
    ok = canon_value(c, key_type, one, depth + 1) &&
         (!pairs || canon_value(c, value_type, one, depth + 1));
    g_ptr_array_add(items, g_byte_array_free_to_bytes(one));
  }
  g_ptr_array_sort(items, compare_bytes);
  for (guint i = 0; i < items->len; i++) {
    gsize n;
    const guint8 *d = g_bytes_get_data(items->pdata[i], &n);
    g_byte_array_append(out, d, n);
  }
  g_ptr_array_unref(items);
  return ok;
}

static gboolean canon_value(cur *c, guint8 type, GByteArray *out, int depth)
{
  if (depth > 64) return FALSE;
  switch (type) {
  case 2:
  case 3:
    return take(c, 1, out);
  case 6:
    return take(c, 2, out);
  case 8:
    return take(c, 4, out);
  case 4:
  case 10:
    return take(c, 8, out);
  case 11:
    return need(c, 4) && take(c, 4 + be32(c->p + c->pos), out);
  case 13: { /* map: key type, value type, count, entries */
    if (!need(c, 6)) return FALSE;
    guint8 k = c->p[c->pos], v = c->p[c->pos + 1];
    guint32 n = be32(c->p + c->pos + 2);
    take(c, 6, out);
    return canon_elements(c, n, k, v, TRUE, out, depth);
  }
  case 14: { /* set: sorted; list: in order */
    if (!need(c, 5)) return FALSE;
    guint8 e = c->p[c->pos];
    guint32 n = be32(c->p + c->pos + 1);
    take(c, 5, out);
    return canon_elements(c, n, e, 0, FALSE, out, depth);
  }
  case 15: {
    if (!need(c, 5)) return FALSE;
    guint8 e = c->p[c->pos];
    guint32 n = be32(c->p + c->pos + 1);
    take(c, 5, out);
    for (guint32 i = 0; i < n; i++)
      if (!canon_value(c, e, out, depth + 1)) return FALSE;
    return TRUE;
  }
  case 12: { /* struct: fields sorted by (id, type, value) */
    GPtrArray *fields = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    gboolean ok = TRUE;
    for (;;) {
      if (!need(c, 1)) {
        ok = FALSE;
        break;
      }
      guint8 ft = c->p[c->pos];
      if (ft == 0) {
        c->pos++;
        break;
      }
      GByteArray *one = g_byte_array_new();
      ok = take(c, 3, one) && canon_value(c, ft, one, depth + 1);
      /* put the id first so that sorting orders by id */
      if (one->len >= 3) {
        guint8 t = one->data[0];
        one->data[0] = one->data[1];
        one->data[1] = one->data[2];
        one->data[2] = t;
      }
      g_ptr_array_add(fields, g_byte_array_free_to_bytes(one));
      if (!ok) break;
    }
    g_ptr_array_sort(fields, compare_bytes);
    for (guint i = 0; i < fields->len; i++) {
      gsize n;
      const guint8 *d = g_bytes_get_data(fields->pdata[i], &n);
      g_byte_array_append(out, d, n);
    }
    g_byte_array_append(out, (const guint8 *)"", 1);
    g_ptr_array_unref(fields);
    return ok;
  }
  default:
    return FALSE;
  }
}

/* A struct's top-level fields: id -> canonical bytes of (type, value). */
static GHashTable *top_level_fields(GBytes *struct_bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data(struct_bytes, &len);
  cur c = {data, len, 0};
  GHashTable *fields =
      g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)g_bytes_unref);
  while (need(&c, 1) && data[c.pos] != 0) {
    g_assert_true(need(&c, 3));
    guint8 type = data[c.pos];
    gint id = (gint16)(data[c.pos + 1] << 8 | data[c.pos + 2]);
    c.pos += 3;
    GByteArray *value = g_byte_array_new();
    g_byte_array_append(value, &type, 1);
    g_assert_true(canon_value(&c, type, value, 1));
    g_hash_table_insert(fields, GINT_TO_POINTER(id), g_byte_array_free_to_bytes(value));
  }
  g_assert_cmpuint(c.pos + 1, ==, len);
  return fields;
}

/* A zero value: false, 0, 0.0, "", or an empty container. */
static gboolean is_zero_value(GBytes *typed)
{
  gsize len;
  const guint8 *d = g_bytes_get_data(typed, &len);
  switch (d[0]) {
  case 13: /* key type, value type, count */
    return len == 7 && d[3] == 0 && d[4] == 0 && d[5] == 0 && d[6] == 0;
  case 14:
  case 15:
    return len == 6 && d[2] == 0 && d[3] == 0 && d[4] == 0 && d[5] == 0;
  case 12:
    return FALSE;
  default:
    for (gsize i = 1; i < len; i++)
      if (d[i]) return FALSE;
    return TRUE;
  }
}

/* Equal up to map/set order, except that `ours` may also hold fields the
 * original lacks when they carry zero values: c_glib writes every field of
 * default requiredness (all method arguments, ShellComponent, ...) even
 * when unset, where Java omits unset ones.  Returns how many such fields. */
static guint assert_same_struct(GBytes *ours, GBytes *storms, const char *path)
{
  GHashTable *a = top_level_fields(ours), *b = top_level_fields(storms);
  GHashTableIter it;
  gpointer id, value;
  g_hash_table_iter_init(&it, b);
  while (g_hash_table_iter_next(&it, &id, &value)) {
    GBytes *mine = g_hash_table_lookup(a, id);
    if (!mine || !g_bytes_equal(mine, value))
      g_error("%s: field %d %s after decoding and encoding again", path, GPOINTER_TO_INT(id),
              mine ? "differs" : "is lost");
  }
  guint extra = 0;
  g_hash_table_iter_init(&it, a);
  while (g_hash_table_iter_next(&it, &id, &value))
    if (!g_hash_table_contains(b, id)) {
      if (!is_zero_value(value))
        g_error("%s: field %d appears after decoding and encoding again", path,
                GPOINTER_TO_INT(id));
      extra++;
    }
  g_hash_table_unref(a);
  g_hash_table_unref(b);
  return extra;
}

/* ---- the fixtures --------------------------------------------------------- */

static GType body_type(const gust_thrift_message *m)
{
  if (m->type == GUST_THRIFT_EXCEPTION) return THRIFT_TYPE_APPLICATION_EXCEPTION;
  const gust_nimbus_method *method = gust_nimbus_method_lookup(m->method);
  if (!method)
    g_error("fixture frame names %s, which is not a Nimbus method in storm.thrift", m->method);
  return m->type == GUST_THRIFT_CALL ? method->args_type() : method->result_type();
}

typedef struct {
  guint frames, exact, reordered, unset_written;
} walk_counts;

static void check_frame(const char *path, walk_counts *counts)
{
  char *raw;
  gsize len;
  GError *error = NULL;
  g_assert_true(g_file_get_contents(path, &raw, &len, &error));
  gust_thrift_message m;
  if (!gust_thrift_message_parse(raw, len, TRUE, 16 << 20, &m, &error))
    g_error("%s: %s", path, error->message);
  /* the file name says the direction and the method */
  char *base = g_path_get_basename(path);
  g_assert_true(strstr(base, m.method) != NULL);
  g_assert_cmpint(m.type, ==, strstr(base, "-c2s-") ? GUST_THRIFT_CALL : GUST_THRIFT_REPLY);
  g_free(base);

  GType type = body_type(&m);
  gpointer body = gust_thrift_decode_bytes(type, m.body, 16 << 20, &error);
  if (!body) g_error("%s: %s", path, error->message);
  GBytes *again = gust_thrift_encode(body, 16 << 20, &error);
  g_assert_no_error(error);
  if (g_bytes_equal(again, m.body)) {
    counts->exact++;
  } else {
    counts->unset_written += assert_same_struct(again, m.body, path);
    counts->reordered++;
  }
  /* the whole frame, header included, when no map order got in the way */
  GBytes *frame =
      gust_thrift_message_encode(m.method, m.type, m.seqid, body, TRUE, 16 << 20, &error);
  g_assert_no_error(error);
  if (g_bytes_equal(again, m.body)) {
    GBytes *original = g_bytes_new_static(raw, len);
    g_assert_true(g_bytes_equal(frame, original));
    g_bytes_unref(original);
  } else {
    g_assert_cmpuint(g_bytes_get_size(frame), ==,
                     len - g_bytes_get_size(m.body) + g_bytes_get_size(again));
  }
  g_bytes_unref(frame);
  g_bytes_unref(again);
  g_object_unref(body);
  gust_thrift_message_clear(&m);
  g_free(raw);
  counts->frames++;
}

static GPtrArray *fixture_frames(void)
{
  GError *error = NULL;
  GDir *top = g_dir_open(fixtures_dir(), 0, &error);
  if (!top)
    g_error("the Storm 2.6.0 fixtures are missing (%s); they are part of the test data: "
            "configure with -DGUST_STORM_FIXTURES=DIR",
            error->message);
  GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
  const char *session;
  while ((session = g_dir_read_name(top))) {
    char *dir = g_build_filename(fixtures_dir(), session, NULL);
    GDir *d = g_file_test(dir, G_FILE_TEST_IS_DIR) ? g_dir_open(dir, 0, NULL) : NULL;
    const char *name;
    while (d && (name = g_dir_read_name(d)))
      if (g_str_has_suffix(name, ".bin")) g_ptr_array_add(paths, g_build_filename(dir, name, NULL));
    if (d) g_dir_close(d);
    g_free(dir);
  }
  g_dir_close(top);
  g_ptr_array_sort(paths, (GCompareFunc)g_strcmp0);
  return paths;
}

static void test_every_recorded_frame_reencodes_to_storms_bytes(void)
{
  GPtrArray *paths = fixture_frames();
  walk_counts counts = {0};
  for (guint i = 0; i < paths->len; i++)
    check_frame(paths->pdata[i], &counts);
  g_test_message(
      "%u frames: %u byte for byte, %u equal up to map/set order and %u unset argument(s) "
      "written empty",
      counts.frames, counts.exact, counts.reordered, counts.unset_written);
  /* 111 frames in 15 sessions were recorded; a lost folder must not pass */
  g_assert_cmpuint(counts.frames, >=, 111);
  g_assert_cmpuint(counts.exact, >=, counts.frames / 2);
  g_ptr_array_unref(paths);
}

/* The submitTopology call: the StormTopology inside decodes to what
 * submit-decoded.txt lists. */
static void test_recorded_submission_decodes_to_its_components(void)
{
  char *path =
      g_build_filename(fixtures_dir(), "a-jar-wordcount", "17-c2s-submitTopology.bin", NULL);
  char *raw;
  gsize len;
  GError *error = NULL;
  g_assert_true(g_file_get_contents(path, &raw, &len, &error));
  gust_thrift_message m;
  g_assert_true(gust_thrift_message_parse(raw, len, TRUE, 1 << 20, &m, &error));
  GustStormNimbusSubmitTopologyArgs *args = gust_thrift_decode_bytes(
      GUST_STORM_TYPE_NIMBUS_SUBMIT_TOPOLOGY_ARGS, m.body, 1 << 20, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(args->name, ==, "wc-fixture");
  GustStormStormTopology *t = args->topology;
  g_assert_cmpuint(g_hash_table_size(t->spouts), ==, 1);
  g_assert_cmpuint(g_hash_table_size(t->bolts), ==, 2);
  GustStormBolt *split = g_hash_table_lookup(t->bolts, "split");
  g_assert_nonnull(split);
  g_assert_true(split->bolt_object->__isset_serialized_java);
  g_assert_cmpint(split->common->parallelism_hint, ==, 8);
  GustStormBolt *count = g_hash_table_lookup(t->bolts, "count");
  g_assert_cmpuint(g_hash_table_size(count->common->inputs), ==, 1);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, count->common->inputs);
  g_assert_true(g_hash_table_iter_next(&it, &key, &value));
  g_assert_cmpstr(((GustStormGlobalStreamId *)key)->componentId, ==, "split");
  GustStormGrouping *grouping = value;
  g_assert_true(grouping->__isset_fields);
  g_assert_cmpstr(g_ptr_array_index(grouping->fields, 0), ==, "word");
  g_assert_cmpstr(t->storm_version, ==, "2.6.0");
  g_object_unref(args);
  gust_thrift_message_clear(&m);
  g_free(raw);
  g_free(path);
}

/* ---- bad input -------------------------------------------------------------- */

static GBytes *fixture_body(const char *session, const char *file, char **method)
{
  char *path = g_build_filename(fixtures_dir(), session, file, NULL);
  char *raw;
  gsize len;
  g_assert_true(g_file_get_contents(path, &raw, &len, NULL));
  gust_thrift_message m;
  GError *error = NULL;
  g_assert_true(gust_thrift_message_parse(raw, len, TRUE, 1 << 20, &m, &error));
  GBytes *body = g_bytes_ref(m.body);
  if (method) *method = g_strdup(m.method);
  gust_thrift_message_clear(&m);
  g_free(raw);
  g_free(path);
  return body;
}

static void test_every_truncation_fails_cleanly(void)
{
  const char *cases[][2] = {{"a-jar-wordcount", "17-c2s-submitTopology.bin"},
                            {"f-stats-python", "12-s2c-getTopologyInfo.bin"}};
  for (guint c = 0; c < G_N_ELEMENTS(cases); c++) {
    char *method;
    GBytes *body = fixture_body(cases[c][0], cases[c][1], &method);
    const gust_nimbus_method *row = gust_nimbus_method_lookup(method);
    GType type = strstr(cases[c][1], "-c2s-") ? row->args_type() : row->result_type();
    gsize len;
    const guint8 *data = g_bytes_get_data(body, &len);
    for (gsize cut = 0; cut < len; cut++) {
      GError *error = NULL;
      gpointer object = gust_thrift_decode(type, data, cut, 1 << 20, &error);
      g_assert_null(object);
      g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_MALFORMED);
      g_error_free(error);
    }
    /* and one byte too many */
    guint8 *longer = g_malloc(len + 1);
    memcpy(longer, data, len);
    longer[len] = 0;
    GError *error = NULL;
    g_assert_null(gust_thrift_decode(type, longer, len + 1, 1 << 20, &error));
    g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_MALFORMED);
    g_assert_true(strstr(error->message, "1 bytes follow its end") != NULL);
    g_error_free(error);
    g_free(longer);
    g_bytes_unref(body);
    g_free(method);
  }
}

static void assert_malformed(GType type, const guint8 *data, gsize len, const char *needle)
{
  GError *error = NULL;
  gpointer object = gust_thrift_decode(type, data, len, 1 << 20, &error);
  g_assert_null(object);
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_MALFORMED);
  if (!strstr(error->message, needle))
    g_error("\"%s\" does not contain \"%s\"", error->message, needle);
  g_error_free(error);
}

static void test_lying_sizes_fail_before_allocating(void)
{
  /* KillOptions-like: NotAliveException{1: string msg} with a 2 GiB length */
  const guint8 huge_string[] = {11, 0, 1, 0x7f, 0xff, 0xff, 0xff, 'x', 0};
  assert_malformed(GUST_STORM_TYPE_NOT_ALIVE_EXCEPTION, huge_string, sizeof huge_string,
                   "a string of 2147483647 bytes at byte 3 runs past the end");
  const guint8 negative_string[] = {11, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0};
  assert_malformed(GUST_STORM_TYPE_NOT_ALIVE_EXCEPTION, negative_string, sizeof negative_string,
                   "negative length");
  /* uploadChunk args: 2: binary chunk with a length past the end */
  const guint8 huge_binary[] = {11, 0, 2, 0x10, 0, 0, 0, 1, 2, 3, 0};
  assert_malformed(
      GUST_STORM_TYPE_NIMBUS_UPLOAD_CHUNK_ARGS, huge_binary, sizeof huge_binary,
      "malformed NimbusUploadChunkArgs of 11 bytes: a string of 268435456 bytes at byte 3");
  /* JavaObject.args_list: a list of 1e9 structs in 12 bytes */
  const guint8 huge_list[] = {11, 0, 1, 0, 0, 0, 1, 'C', 15, 0, 2, 12, 0x3b, 0x9a, 0xca, 0x00, 0};
  assert_malformed(GUST_STORM_TYPE_JAVA_OBJECT, huge_list, sizeof huge_list, "container");
  /* ComponentCommon.streams: a map of 1e9 entries */
  const guint8 huge_map[] = {13, 0, 2, 11, 12, 0x3b, 0x9a, 0xca, 0x00, 0};
  assert_malformed(GUST_STORM_TYPE_COMPONENT_COMMON, huge_map, sizeof huge_map, "container");
}

static void test_deep_nesting_and_unknown_types_fail(void)
{
  /* an unknown field (id 99) holding structs nested 1000 deep */
  GByteArray *deep = g_byte_array_new();
  for (int i = 0; i < 1000; i++)
    g_byte_array_append(deep, (const guint8[]){12, 0, 99}, 3);
  for (int i = 0; i < 1001; i++)
    g_byte_array_append(deep, (const guint8[]){0}, 1);
  assert_malformed(GUST_STORM_TYPE_KILL_OPTIONS, deep->data, deep->len, "nest deeper than 64");
  g_byte_array_unref(deep);
  const guint8 unknown_type[] = {42, 0, 7, 0};
  assert_malformed(GUST_STORM_TYPE_KILL_OPTIONS, unknown_type, sizeof unknown_type,
                   "unknown Thrift type code 42");
}

static void test_missing_required_field_fails(void)
{
  /* GlobalStreamId with only componentId */
  const guint8 half[] = {11, 0, 1, 0, 0, 0, 1, 'a', 0};
  GError *error = NULL;
  g_assert_null(
      gust_thrift_decode(GUST_STORM_TYPE_GLOBAL_STREAM_ID, half, sizeof half, 1 << 20, &error));
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_MALFORMED);
  g_assert_true(strstr(error->message, "GlobalStreamId") != NULL);
  g_clear_error(&error);
  /* an unknown optional field is skipped, as every Thrift reader does */
  const guint8 extra[] = {11, 0, 1, 0,   0, 0, 1,  'a', 11, 0, 2, 0,
                          0,  0, 1, 'b', 8, 0, 77, 0,   0,  0, 5, 0};
  GustStormGlobalStreamId *id =
      gust_thrift_decode(GUST_STORM_TYPE_GLOBAL_STREAM_ID, extra, sizeof extra, 1 << 20, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(id->streamId, ==, "b");
  g_object_unref(id);
}

static void test_limits_are_enforced(void)
{
  GError *error = NULL;
  const guint8 empty_struct[] = {0};
  g_assert_null(gust_thrift_decode(GUST_STORM_TYPE_KILL_OPTIONS, empty_struct, 1, 0, &error));
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_TOO_LARGE);
  g_clear_error(&error);

  GustStormNimbusUploadChunkArgs *args =
      g_object_new(GUST_STORM_TYPE_NIMBUS_UPLOAD_CHUNK_ARGS, NULL);
  args->location = g_strdup("/x");
  args->__isset_location = TRUE;
  args->chunk = g_byte_array_new();
  g_byte_array_set_size(args->chunk, 5000);
  args->__isset_chunk = TRUE;
  g_assert_null(gust_thrift_encode(args, 4096, &error));
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_ENCODE);
  g_clear_error(&error);
  GBytes *bytes = gust_thrift_encode(args, 8192, &error);
  g_assert_no_error(error);
  GustStormNimbusUploadChunkArgs *back =
      gust_thrift_decode_bytes(GUST_STORM_TYPE_NIMBUS_UPLOAD_CHUNK_ARGS, bytes, 8192, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(back->chunk->len, ==, 5000);
  g_object_unref(back);
  g_bytes_unref(bytes);
  g_object_unref(args);
}

static void test_message_headers(void)
{
  GError *error = NULL;
  gust_thrift_message m;
  /* old non-strict header: name length, name, type byte, seqid; empty args */
  const guint8 old[] = {0, 0, 0, 9, 'g', 'e', 't', 'L', 'e', 'a', 'd', 'e', 'r', 1, 0, 0, 0, 7, 0};
  g_assert_true(gust_thrift_message_parse(old, sizeof old, FALSE, 1 << 20, &m, &error));
  g_assert_cmpstr(m.method, ==, "getLeader");
  g_assert_cmpint(m.type, ==, GUST_THRIFT_CALL);
  g_assert_cmpint(m.seqid, ==, 7);
  g_assert_cmpuint(g_bytes_get_size(m.body), ==, 1);
  gust_thrift_message_clear(&m);

  /* strict header written by the codec reads back */
  GustStormNimbusGetLeaderArgs *args = g_object_new(GUST_STORM_TYPE_NIMBUS_GET_LEADER_ARGS, NULL);
  GBytes *frame =
      gust_thrift_message_encode("getLeader", GUST_THRIFT_CALL, 42, args, TRUE, 1 << 20, &error);
  g_assert_no_error(error);
  gsize len;
  const guint8 *data = g_bytes_get_data(frame, &len);
  g_assert_cmpuint(len, ==, 4 + 4 + 4 + 9 + 4 + 1);
  g_assert_true(gust_thrift_message_parse(data, len, TRUE, 1 << 20, &m, &error));
  g_assert_cmpint(m.seqid, ==, 42);
  gust_thrift_message_clear(&m);

  /* a frame over the limit, a frame whose length lies, a wrong version */
  g_assert_false(gust_thrift_message_parse(data, len, TRUE, 10, &m, &error));
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_TOO_LARGE);
  g_clear_error(&error);
  g_assert_false(gust_thrift_message_parse(data, len - 1, TRUE, 1 << 20, &m, &error));
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_MALFORMED);
  g_clear_error(&error);
  const guint8 http[] = "GET / HTTP/1.1\r\n\r\n";
  g_assert_false(gust_thrift_message_parse(http, sizeof http - 1, FALSE, 1 << 20, &m, &error));
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_MALFORMED);
  g_clear_error(&error);
  const guint8 version2[] = {0x80, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
  g_assert_false(gust_thrift_message_parse(version2, sizeof version2, FALSE, 1 << 20, &m, &error));
  g_assert_true(strstr(error->message, "unknown protocol version") != NULL);
  g_clear_error(&error);
  /* the old header cut after its name (no type byte) */
  g_assert_false(gust_thrift_message_parse(old, 13, FALSE, 1 << 20, &m, &error));
  g_assert_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_MALFORMED);
  g_clear_error(&error);
  for (gsize cut = 0; cut < len - 4 - 1; cut++) { /* every cut inside the header */
    g_assert_false(gust_thrift_message_parse(data + 4, cut, FALSE, 1 << 20, &m, &error));
    g_clear_error(&error);
  }
  g_bytes_unref(frame);
  g_object_unref(args);
}

/* The error domain keeps its hyphenated name (clang-format would space it). */
static void test_error_domain_name(void)
{
  g_assert_cmpstr(g_quark_to_string(GUST_STORM_THRIFT_ERROR), ==, "gust-storm-thrift-error-quark");
}

/* The method table names every method of service Nimbus in storm.thrift. */
static void test_method_table_matches_the_idl(void)
{
  char *path = g_build_filename(GUST_SOURCE_DIR, "compat", "thrift", "storm.thrift", NULL);
  char *idl;
  g_assert_true(g_file_get_contents(path, &idl, NULL, NULL));
  const char *service = strstr(idl, "service Nimbus {");
  g_assert_nonnull(service);
  char *body = g_strndup(service, strstr(service, "\n}") - service);
  GRegex *re = g_regex_new("^  [\\w<>, ]+ (\\w+)\\(", G_REGEX_MULTILINE, 0, NULL);
  GMatchInfo *match;
  guint n_idl = 0;
  g_regex_match(re, body, 0, &match);
  while (g_match_info_matches(match)) {
    char *name = g_match_info_fetch(match, 1);
    const gust_nimbus_method *row = gust_nimbus_method_lookup(name);
    if (!row) g_error("Nimbus method %s is missing from nimbus_methods.c", name);
    g_assert_true(g_type_is_a(row->args_type(), THRIFT_TYPE_STRUCT));
    g_assert_true(g_type_is_a(row->result_type(), THRIFT_TYPE_STRUCT));
    g_free(name);
    n_idl++;
    g_match_info_next(match, NULL);
  }
  g_match_info_free(match);
  g_regex_unref(re);
  gsize n_table;
  gust_nimbus_methods(&n_table);
  g_assert_cmpuint(n_idl, ==, 55);
  g_assert_cmpuint(n_table, ==, n_idl);
  g_assert_null(gust_nimbus_method_lookup("beginFileDownload"));
  g_free(body);
  g_free(idl);
  g_free(path);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/thrift/wire/every-recorded-frame-reencodes-to-storms-bytes",
                  test_every_recorded_frame_reencodes_to_storms_bytes);
  g_test_add_func("/thrift/wire/recorded-submission-decodes",
                  test_recorded_submission_decodes_to_its_components);
  g_test_add_func("/thrift/codec/every-truncation-fails-cleanly",
                  test_every_truncation_fails_cleanly);
  g_test_add_func("/thrift/codec/lying-sizes-fail-before-allocating",
                  test_lying_sizes_fail_before_allocating);
  g_test_add_func("/thrift/codec/deep-nesting-and-unknown-types-fail",
                  test_deep_nesting_and_unknown_types_fail);
  g_test_add_func("/thrift/codec/missing-required-field-fails", test_missing_required_field_fails);
  g_test_add_func("/thrift/codec/limits", test_limits_are_enforced);
  g_test_add_func("/thrift/codec/message-headers", test_message_headers);
  g_test_add_func("/thrift/codec/method-table-matches-the-idl", test_method_table_matches_the_idl);
  g_test_add_func("/thrift/codec/error-domain-name", test_error_domain_name);
  return g_test_run();
}
