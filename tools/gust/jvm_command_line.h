/* jvm_command_line.h — the parts of a JVM's command line that every JVM
 * gust starts shares (`gust jar`, with or without --local, and a worker
 * with Java components): the class path and the JVM options written as
 * one space-separated string.  Stateless; any thread. */
#pragma once

#include <glib.h>

/* gust's Storm API jar, the libraries it needs (SLF4J, Thrift), then
 * topology_jar: the class path of every JVM gust starts.  g_free it. */
/* The options of a JVM that `gust jar --local` or `gust local --jar`
 * starts: small and quick to start, the JVM hosts tasks, not a heap of
 * state. */
#define GUST_DEFAULT_JVM_OPTS                                                                      \
  "-Xms16m -Xmx256m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -Xshare:auto"

char *gust_jvm_class_path(const char *topology_jar);

/* The words of options (NULL: none; runs of spaces are one separator),
 * then extra when not NULL, then a NULL: ready to pass as a
 * gust_jvm_options.jvm_options.  The array owns its copies. */
GPtrArray *gust_jvm_option_words(const char *options, const char *extra);
