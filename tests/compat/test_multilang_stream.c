/* test_multilang_stream.c — the reader of a multilang child's stdout
 * (ml_process.c) cuts the stream into the right messages however it
 * arrives: split anywhere across reads, a byte at a time, JSON over
 * several lines, CR LF line ends, white space after the JSON, escapes
 * (the general parser's path) between direct reads, one message larger
 * than a read, thousands in one write; and a malformed message ends the
 * stream with an error naming it.  The child is a real python3 process
 * writing the bytes in the pieces given, with pauses between them.
 */
#include "compat_test.h"
#include "ml_private.h"

#include <string.h>
#include <unistd.h>

/* Starts python3 writing pieces (a JSON list of strings, given in a
 * file) one by one. */
static ml_process *spawn_writer(const char *pieces_json)
{
  GError *error = NULL;
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("gust-pieces-XXXXXX", &path, &error);
  g_assert_no_error(error);
  close(fd);
  g_assert_true(g_file_set_contents(path, pieces_json, -1, &error));
  const char *script = "import json, os, sys, time\n"
                       "pieces = json.load(open(sys.argv[1]))\n"
                       "os.unlink(sys.argv[1])\n"
                       "for piece in pieces:\n"
                       "    data = piece.encode()\n"
                       "    while data:\n"
                       "        data = data[os.write(1, data):]\n"
                       "    time.sleep(0.005)\n";
  char *argv[] = {"python3", "-c", (char *)script, path, NULL};
  g_auto(GStrv) envp = g_get_environ();
  ml_spawn_spec spec = {.argv = argv, .envp = envp, .label = "writer (test)"};
  ml_process *p = ml_process_spawn(&spec, &error);
  g_assert_no_error(error);
  return p;
}

typedef struct {
  GString *seen; /* one line per message */
  char *error;   /* the protocol error that ended the stream, if any */
  bool eof;
} outcome;

static void describe(GString *out, const ml_msg *m)
{
  static const char *const kinds[] = {"emit",  "ack",  "fail",    "log",
                                      "error", "sync", "metrics", "pid"};
  g_string_append(out, kinds[m->kind]);
  if (m->kind == ML_MSG_EMIT) {
    fc_value list = fc_list(m->values, m->n_values);
    g_string_append_c(out, ' ');
    if (m->n_values == 1 && m->values[0].type == FC_STR && m->values[0].len > 100)
      g_string_append_printf(out, "<%u bytes>", m->values[0].len);
    else
      ml_encode_value(out, &list);
  }
  if (m->kind == ML_MSG_LOG) g_string_append_printf(out, " %s", m->text);
  if (m->kind == ML_MSG_PID) g_string_append_printf(out, " %" G_GINT64_FORMAT, m->pid);
  g_string_append_c(out, '\n');
}

/* Everything the reader hands over until the stream ends. */
static outcome read_all(ml_process *p)
{
  outcome o = {.seen = g_string_new(NULL)};
  int64_t deadline = fc_now_ns() + G_GINT64_CONSTANT(120) * 1000000000;
  while (!o.eof && !o.error && fc_now_ns() < deadline) {
    ml_process_wait(p, fc_now_ns() + 100 * 1000000);
    GQueue batches = G_QUEUE_INIT;
    ml_process_take(p, &batches);
    ml_batch *b;
    while ((b = g_queue_pop_head(&batches))) {
      for (guint i = 0; i < b->n_msgs; i++)
        describe(o.seen, &b->msgs[i]);
      if (b->end == ML_END_EOF) o.eof = true;
      if (b->end == ML_END_PROTOCOL) o.error = g_strdup(b->error);
      if (b->end == ML_END_NONE)
        ml_process_recycle(p, b);
      else
        ml_batch_free(b);
    }
  }
  g_assert_true(o.eof || o.error);
  return o;
}

static char *pieces_of(const char *const *pieces)
{
  json_t *list = json_array();
  for (const char *const *s = pieces; *s; s++)
    json_array_append_new(list, json_string(*s));
  char *text = json_dumps(list, 0);
  json_decref(list);
  return text;
}

static void test_messages_are_cut_right_however_they_arrive(void)
{
  GString *big = g_string_new("{\"command\":\"emit\",\"tuple\":[\"");
  for (int i = 0; i < 300 * 1024; i++)
    g_string_append_c(big, 'a' + i % 26);
  g_string_append(big, "\"]}\nend\n");
  GString *many = g_string_new(NULL);
  for (int i = 0; i < 3000; i++)
    g_string_append_printf(
        many, "{\"command\":\"emit\",\"tuple\":[%d],\"need_task_ids\":false}\nend\n", i);
  const char *const pieces[] = {
      "{\"pid\":4242}\nend\n{\"command\":\"emit\",\"tuple\":[\"sp", /* split inside a string */
      "lit\"]}\nend\n{\"command\":\"sync\"}\r\nend\r\n",            /* CR LF */
      "{\"command\":\"emit\",\n \"tuple\":[\"two\",\n\"lines\"]}\nend\n", /* several lines */
      "{\"command\":\"sync\"}   \nend\n",                                 /* spaces after */
      "{\"command\":\"log\",\"msg\":\"tab\\there\"}\nend\n{\"command\":\"emit\",\"tuple\":[1]}",
      "\n",
      "en",
      "d",
      "\n",
      big->str,
      many->str,
      NULL,
  };
  g_autofree char *json = pieces_of(pieces);
  ml_process *p = spawn_writer(json);
  outcome o = read_all(p);
  g_assert_null(o.error);
  GString *want = g_string_new("pid 4242\nemit [\"split\"]\nsync\nemit [\"two\",\"lines\"]\nsync\n"
                               "log tab\there\nemit [1]\nemit <307200 bytes>\n");
  for (int i = 0; i < 3000; i++)
    g_string_append_printf(want, "emit [%d]\n", i);
  g_assert_cmpstr(o.seen->str, ==, want->str);
  g_free(ml_process_reap(p, 1000));
  ml_process_free(p);
  g_string_free(want, TRUE);
  g_string_free(o.seen, TRUE);
  g_string_free(big, TRUE);
  g_string_free(many, TRUE);
}

static void test_a_byte_at_a_time(void)
{
  const char *text = "{\"command\":\"emit\",\"tuple\":[\"x\",2],\"anchors\":[\"7\"]}\nend\n"
                     "{\"command\":\"ack\",\"id\":\"7\"}\nend\n";
  GPtrArray *bytes = g_ptr_array_new_with_free_func(g_free);
  for (const char *c = text; *c; c++)
    g_ptr_array_add(bytes, g_strndup(c, 1));
  g_ptr_array_add(bytes, NULL);
  g_autofree char *json = pieces_of((const char *const *)bytes->pdata);
  ml_process *p = spawn_writer(json);
  outcome o = read_all(p);
  g_assert_null(o.error);
  g_assert_cmpstr(o.seen->str, ==, "emit [\"x\",2]\nack\n");
  g_free(ml_process_reap(p, 1000));
  ml_process_free(p);
  g_string_free(o.seen, TRUE);
  g_ptr_array_free(bytes, TRUE);
}

static void test_a_malformed_message_ends_the_stream_with_its_error(void)
{
  const char *const pieces[] = {
      "{\"command\":\"sync\"}\nend\n{\"command\":\"emit\",\"tuple\":[1,]}",
      "\nend\n{\"command\":\"sync\"}\nend\n", NULL};
  g_autofree char *json = pieces_of(pieces);
  ml_process *p = spawn_writer(json);
  outcome o = read_all(p);
  g_assert_cmpstr(o.seen->str, ==, "sync\n");
  g_assert_nonnull(o.error);
  assert_contains(o.error, "malformed message");
  assert_contains(o.error, "[1,]");
  g_free(ml_process_reap(p, 1000));
  ml_process_free(p);
  g_string_free(o.seen, TRUE);
  g_free(o.error);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/multilang/stream/messages_are_cut_right_however_they_arrive",
                  test_messages_are_cut_right_however_they_arrive);
  g_test_add_func("/multilang/stream/a_byte_at_a_time", test_a_byte_at_a_time);
  g_test_add_func("/multilang/stream/a_malformed_message_ends_the_stream_with_its_error",
                  test_a_malformed_message_ends_the_stream_with_its_error);
  return g_test_run();
}
