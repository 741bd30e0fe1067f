/* jvm_command_line.h — the parts of a JVM's command line that every JVM
 * gust starts shares (`gust jar`, with or without --local, and a worker
 * with Java components): the class path and the JVM options written as
 * one space-separated string.  Stateless; any thread. */
#pragma once

#include <glib.h>

/* gust's Storm API jar, the libraries it needs (SLF4J, Thrift), then
 * topology_jar: the class path of every JVM gust starts.  g_free it. */
/* The options of a JVM that `gust jar --local`, `gust local --jar` or a
 * worker (storm.gust.worker.jvm.opts) starts: the JVM hosts tasks, not a
 * heap of state, so it is kept small.  Chosen by measuring the Java
 * WordCount (tools/bench/java_wordcount_bench.py), whose JVM allocates
 * some 600 MB/s of short-lived objects and keeps 4-6 MB: a 6 MB young
 * generation (as the 16 MB heap's default split gave it; smaller ones
 * collect more often and cost CPU) and little else committed up front
 * (-Xms10m; Min/MaxHeapFreeRatio keep the old generation near what it
 * holds instead of growing 40 % ahead, so promoted garbage does not
 * spread over fresh pages); no shared class archive (-Xshare:off: the
 * classes a topology uses, loaded into metaspace, take less memory than
 * the whole archive mapped); the native memory the JIT compilers free
 * handed back to the system twice a second (-XX:TrimNativeHeapInterval:
 * without it, about one run in six kept 10-14 MB more, freed but held by
 * malloc, which the JVM's own accounting does not see).  Peak RSS
 * 54-64 MB instead of 70-74 MB, for the same CPU per word. */
#define GUST_DEFAULT_JVM_OPTS                                                                      \
  "-Xms10m -XX:NewSize=6m -Xmx256m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 "                      \
  "-XX:MaxHeapFreeRatio=20 -XX:ReservedCodeCacheSize=64m -Xshare:off "                             \
  "-XX:TrimNativeHeapInterval=500"

char *gust_jvm_class_path(const char *topology_jar);

/* The words of options (NULL: none; runs of spaces are one separator),
 * then extra when not NULL, then a NULL: ready to pass as a
 * gust_jvm_options.jvm_options.  The array owns its copies. */
GPtrArray *gust_jvm_option_words(const char *options, const char *extra);
