/* jvm_command_line.c — see jvm_command_line.h. */
#include "jvm_command_line.h"

char *gust_jvm_class_path(const char *topology_jar)
{
  return g_strjoin(":", GUST_STORM_JAR, GUST_JVM_CLASSPATH, topology_jar, NULL);
}

GPtrArray *gust_jvm_option_words(const char *options, const char *extra)
{
  GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
  g_auto(GStrv) split = g_strsplit_set(options ? options : "", " ", -1);
  for (char **w = split; *w; w++)
    if (**w) g_ptr_array_add(words, g_strdup(*w));
  if (extra) g_ptr_array_add(words, g_strdup(extra));
  g_ptr_array_add(words, NULL);
  return words;
}
