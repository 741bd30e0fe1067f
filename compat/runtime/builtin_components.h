/* builtin_components.h — gust's own implementations of Storm classes that
 * Flux files and tutorials commonly name (see builtin_components.c). */
#ifndef GUST_RT_BUILTIN_COMPONENTS_H
#define GUST_RT_BUILTIN_COMPONENTS_H

#include <gust/storm.h>

/* The implementation of a built-in Java class name, or NULL. */
const gust_component_def *rt_builtin_component(const char *class_name);

#endif
