/* validate_runs.h — the topology runs of `gust validate local` and
 * `gust validate shadow`: each is a `gust validate run-side` child process
 * (the Flux file loaded, its Kafka components redirected, then run as
 * `gust local` runs it), watched from this process until its input is
 * consumed and its outputs settle, or killed with SIGKILL at a chosen
 * point.  Runs on the main thread; the child's log goes to a file.
 */
#ifndef GUST_VALIDATE_RUNS_H
#define GUST_VALIDATE_RUNS_H

#include <glib.h>

typedef struct {
  const char *label; /* "acker run", "checkpoint run 2 of 3": names it in progress lines */
  /* the child's command line */
  const char *flux, *filter;
  gboolean env_filter;
  const char *bootstrap; /* NULL: the topology's own */
  const char *group, *topic_suffix, *reliability, *checkpoint_dir;
  const char *log_path;
  /* what it is watched by */
  const char *input_bootstrap, *input_topic;
  GArray *input_end; /* int64_t per partition: consumed once committed this far */
  const char *output_bootstrap;
  GPtrArray *output_topics; /* the redirected names */
  double settle_s;          /* outputs unchanged this long after the input was consumed */
} gust_validate_run;

typedef enum {
  GUST_VALIDATE_RUN_DONE,        /* consumed, settled, stopped cleanly */
  GUST_VALIDATE_RUN_KILLED,      /* killed with SIGKILL as asked */
  GUST_VALIDATE_RUN_INTERRUPTED, /* Ctrl-C: stopped cleanly, input maybe not consumed */
  GUST_VALIDATE_RUN_FAILED,      /* ended by itself or could not start: error says why */
} gust_validate_run_status;

/* Runs once.  kill_delay_s >= 0: SIGKILL the child that long after it
 * completed a checkpoint newer than any in checkpoint_dir at its start
 * (or once it settled).  The error (FAILED) names the log file. */
gust_validate_run_status gust_validate_run_once(const gust_validate_run *run, double kill_delay_s,
                                                GError **error);

/* `gust validate run-side FLUX ...`: the child's side (hidden command). */
int gust_validate_run_side_main(int argc, char **argv);

#endif
