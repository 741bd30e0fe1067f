/* jvm_grouping_private.h — what the files of custom groupings share
 * (jvm_grouping.c: setup, routing and the grouping connections;
 * jvm_grouping_java.c: groupings a Java emitter asks itself;
 * jvm_grouping_ahead.c: a multilang emitter's batch asked at once).
 * Everything per task is used only on that task's thread. */
#ifndef GUST_JVM_GROUPING_PRIVATE_H
#define GUST_JVM_GROUPING_PRIVATE_H

#include "jvm_private.h"

/* records of a grouping connection: gust -> JVM, and the answers */
enum {
  JW_GROUPING_OPEN = 'G', /* task context (as OPEN), stream i32, target component, n i32,
                             target task ids i32..., class, instance bytes */
  JW_CHOOSE = 'g',        /* emitting task i32, n u32, values */
  JW_CHOSEN = 'c',        /* n i32, task ids i32... */
  JW_CHOOSE_FAILED = 'x', /* text */
};

/* Per task and grouping, the first LOGGED_IN_FULL reports are logged,
 * later ones at most once every LOG_EVERY_US (with how many were not). */
enum { LOGGED_IN_FULL = 10, LOG_EVERY_US = 1000 * 1000 };

/* A Java emitter's choice for its next emit, read from the EMIT record
 * (jvm_read_choices) and used by choose() as the emit is routed. */
typedef enum {
  CHOICE_NONE,      /* none came (or it was used) */
  CHOICE_TASKS,     /* chosen: the tasks in chosen */
  CHOICE_FAILED,    /* chooseTasks failed: why in choice_error */
  CHOICE_NOT_BUILT, /* the grouping could not be built (reported when the task opened) */
} choice_kind;

typedef struct {
  jvm_conn conn;        /* fd -1: not open */
  bool ever_opened;     /* for the log: opened again, not for the first time */
  bool open_reported;   /* a failed open was reported (once until it opens) */
  bool failed;          /* the last choice failed: the collector fails the tuple */
  int64_t retry_at_us;  /* not open: the next open is tried from then */
  int64_t logged_at_us; /* the last report logged */
  uint64_t reports;     /* reports so far */
  uint64_t not_logged;  /* reports since the last one logged (counted, not logged) */
  /* a Java emitter's (in_jvm) */
  choice_kind choice;
  int32_t *chosen;
  size_t n_chosen, chosen_cap;
  char *choice_error;
  /* choices asked ahead for a batch of a multilang emitter's emits
   * (rt_custom_groupings_ask_ahead), taken in order from ahead_next */
  GArray *ahead;       /* ahead_choice */
  GArray *ahead_tasks; /* int32_t: the tasks of every ahead_choice, one after another */
  guint ahead_next;
} grouping_task;

/* A choice asked ahead, for the emit whose values are `values`. */
typedef struct {
  const fc_value *values;
  int32_t n; /* tasks chosen (at first in ahead_tasks); -1: failed, why in error */
  uint32_t first;
  char *error;
} ahead_choice;

struct rt_custom_grouping {
  gust_runtime *rt;
  rt_component *source, *target;
  const rt_stream *stream;
  const char *class_name;
  GBytes *instance;     /* Java serialization, or the Flux definition's bytes */
  grouping_task *tasks; /* one per source task */
  bool in_jvm; /* the emitter is Java: its tasks ask the grouping themselves, no connection */
};

/* Reports what went wrong with a grouping for a task: in the component's
 * errors always, in the log as LOGGED_IN_FULL says. */
void grouping_report(rt_custom_grouping *g, int task_index, const char *what);
/* The grouping as the JVM builds it: the stream, the subscribing
 * component and its task ids, the class and the instance. */
void grouping_write(GString *out, rt_custom_grouping *g);
/* Opens the task's connection and its grouping instance.  FALSE (the
 * connection closed) when it cannot: reported once until it opens (at the
 * task's open, a JVM not accepting connections yet is not reported). */
gboolean grouping_open_task(rt_custom_grouping *g, int task_index, bool at_task_open);
/* TRUE when the task's grouping connection is open, or could be opened
 * now (not before retry_at_us after a failure). */
gboolean grouping_connected(rt_custom_grouping *g, int task_index);
/* A CHOOSE record: the emitting task and the tuple's values. */
void grouping_write_choose(GString *out, rt_custom_grouping *g, int task_index,
                           const fc_value *values, uint32_t n_values);
/* The JVM is gone or silent: the connection closes, to be opened again. */
void grouping_lost(rt_custom_grouping *g, int task_index, const GError *error);
/* Adds a chosen task to subtasks (room for max).  FALSE (reported) when
 * it is not one of the targets. */
gboolean grouping_add_chosen(rt_custom_grouping *g, int task_index, int32_t task, int32_t *subtasks,
                             size_t max, size_t *n);
/* A Java emitter's choice, which came with its emit (jvm_grouping_java.c).
 * Used once. */
size_t grouping_chosen_in_jvm(rt_custom_grouping *g, int task_index, int32_t *subtasks, size_t max);
/* The choice asked ahead for the emit rec (jvm_grouping_ahead.c): TRUE and
 * its tasks in subtasks (*n: 0 when it failed, reported), FALSE when none
 * was asked for it. */
gboolean grouping_chosen_ahead(rt_custom_grouping *g, int task_index, const fc_record *rec,
                               int32_t *subtasks, size_t max, size_t *n);
/* Drops the choices asked ahead (and frees their texts). */
void grouping_forget_ahead(grouping_task *st);

#endif
