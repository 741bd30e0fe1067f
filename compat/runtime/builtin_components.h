/* builtin_components.h — the runtime side of Storm's sample components
 * (see builtin_components.c).  The registry rows that name these symbols
 * are in compat/model/storm_sample_classes.c; the runtime reaches them
 * through gust_builtin_class_lookup(), never by these names.
 */
#ifndef GUST_RT_BUILTIN_COMPONENTS_H
#define GUST_RT_BUILTIN_COMPONENTS_H

#include <gust/storm.h>

extern const gust_component_def gust_test_word_spout_def;   /* ...testing.TestWordSpout */
extern const gust_component_def gust_test_word_counter_def; /* ...testing.TestWordCounter */
extern const gust_component_def gust_log_info_bolt_def;     /* ...bolts.LogInfoBolt */

#endif
