/* fuzz_checkpoint.c — reading a checkpoint directory back: the _metadata
 * file, the task state files it names, and the state snapshots in them.
 *
 * An input is files separated by "\n%%\n" lines: the body of chk-7's
 * _metadata, then task-0.state, task-1.state, ...  The integrity trailer
 * (the body's SHA-256) is appended by this target, so that the fuzzer
 * reaches the parser behind it; a body starting with '!' is written as it
 * is instead (without the '!'), to fuzz the trailer check itself.  Then
 * fc_checkpoint_latest() reads the directory; what it accepts, every task
 * state of it is read again and restored into a memory state backend.
 * Checks, besides memory safety: a refusal says why; a task state of a
 * checkpoint that was accepted reads back.
 */
#include "fuzz_support.h"

#include <gust/fc_checkpoint.h>
#include <gust/fc_state.h>
#include <string.h>
#include <unistd.h>

enum { MAX_TASK_FILES = 8 };

static void write_metadata(const char *dir, GBytes *body)
{
  gsize len;
  const char *p = g_bytes_get_data(body, &len);
  GString *text = g_string_new_len(p, (gssize)len);
  if (len > 0 && p[0] == '!') {
    g_string_erase(text, 0, 1);
  } else {
    char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)p, len);
    g_string_append_printf(text, "\n[integrity]\nsha256=%s\n", sum);
    g_free(sum);
  }
  char *name = g_build_filename(dir, "chk-7", "_metadata", NULL);
  g_free(fuzz_write_file(name, text->str, text->len));
  g_free(name);
  g_string_free(text, TRUE);
}

static void restore_tasks(const fc_checkpoint_info *info)
{
  for (int i = 0; i < info->n_tasks; i++) {
    GError *error = NULL;
    GBytes *state = fc_checkpoint_read_task_state(info, i, &error);
    g_assert_no_error(error);
    g_assert_nonnull(state);
    fc_state_options options = {.name = "fuzz"};
    fc_state *st = fc_state_restore(&options, state, &error);
    if (st) {
      g_assert_no_error(error);
      fc_state_free(st);
    } else {
      g_assert_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT);
      g_error_free(error);
    }
    g_bytes_unref(state);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* files are overwritten in place, and the task files this input does not
   * have removed: cheaper than a fresh directory per input */
  char *dir = g_build_filename(fuzz_scratch_dir(), "checkpoints", NULL);
  GBytes *body = fuzz_take_part(&data, &size);
  write_metadata("checkpoints", body);
  g_bytes_unref(body);
  for (int task = 0; task < MAX_TASK_FILES; task++) {
    char *name = g_strdup_printf("checkpoints/chk-7/task-%d.state", task);
    if (size > 0) {
      GBytes *state = fuzz_take_part(&data, &size);
      gsize len;
      const void *p = g_bytes_get_data(state, &len);
      g_free(fuzz_write_file(name, p ? p : "", len));
      g_bytes_unref(state);
    } else {
      char *path = g_build_filename(fuzz_scratch_dir(), name, NULL);
      unlink(path);
      g_free(path);
    }
    g_free(name);
  }

  GError *error = NULL;
  fc_checkpoint_info *info = fc_checkpoint_latest(dir, &error);
  if (info) {
    g_assert_no_error(error);
    g_assert_cmpuint(info->id, ==, 7);
    restore_tasks(info);
    fc_checkpoint_info_free(info);
  } else {
    g_assert_nonnull(error);
    g_error_free(error);
  }
  g_free(dir);
  return 0;
}
