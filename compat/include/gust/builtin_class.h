/* builtin_class.h — the registry of Java classes gust runs without a JVM.
 *
 * Flux files name Java classes.  The ones gust runs anyway each have one
 * row, a gust_builtin_class, defined by the module that implements the
 * class's model side and holding everything about the class in one place:
 *   class_name  the Java class name (the only place it is spelled);
 *   kind        spout or bolt;
 *   impl_kind   BUILTIN (gust implements the class in C) or MULTILANG
 *               (Flux's shell wrappers, which only describe a subprocess);
 *   configure   the model hook: reads the Flux object definition, checks
 *               the constructor arguments and config methods the Java class
 *               accepts, sets the implementation, declares the streams its
 *               declareOutputFields() declares and adds what its
 *               getComponentConfiguration() returns;
 *   runtime     the runtime hook (BUILTIN rows): the component definition
 *               the runtime hosts.
 *
 * Layering.  The model library (gust_topology) holds every row, so the
 * Flux loader and validation work in a program that links the model alone.
 * The runtime definitions live above it, in gust_storm (they call the
 * collector API), so a row cannot name them with an ordinary reference.
 * A row names its runtime definition by symbol, declared with
 * GUST_BUILTIN_RUNTIME() as a weak reference: the dynamic linker binds it
 * to gust_storm's definition when gust_storm is part of the program, and
 * leaves it NULL when the model is used alone.  The runtime therefore has
 * no table of its own: it looks the row up by class name and hosts
 * row->runtime.  No global state, nothing registered at run time.
 * (gust_storm must be linked into the program, not dlopen'ed with
 * RTLD_LOCAL after the model library is loaded.)
 *
 * The registry test (tests/compat/test_builtin_classes.c) walks every row
 * and checks that the class both validates and instantiates, so a row
 * whose runtime half is missing or misnamed fails the suite.
 *
 * To add a class: in the module that implements it, write its configure
 * function and its row; for a BUILTIN class write its gust_component_def
 * in the runtime under the symbol the row names; add the row to the list
 * in compat/model/builtin_class.c and a sample definition to the test.
 */
#ifndef GUST_BUILTIN_CLASS_H
#define GUST_BUILTIN_CLASS_H

#include <gust/topology.h>

struct gust_component_def; /* gust/storm.h */

typedef struct {
  /* The topology being built: its beans resolve {ref: id} arguments
   * (gust_topology_bean), e.g. a Kafka spout's config builder. */
  const gust_topology *topology;
  /* Working directory for multilang subprocesses (absolute), or NULL. */
  const char *resources_dir;
} gust_builtin_class_context;

/* Sets the implementation, declares streams, adds component conf.  On
 * failure sets GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS with a message that
 * does not repeat the component id (the caller adds it and the location). */
typedef gboolean (*gust_builtin_configure_fn)(gust_component *component, const json_t *definition,
                                              const gust_builtin_class_context *context,
                                              GError **error);

typedef struct {
  const char *class_name;
  gust_component_kind kind;
  gust_impl_kind impl_kind; /* GUST_IMPL_BUILTIN or GUST_IMPL_MULTILANG */
  gust_builtin_configure_fn configure;
  /* BUILTIN: the runtime's definition (NULL when the runtime library is not
   * part of the program); MULTILANG: NULL, the multilang host runs it. */
  const struct gust_component_def *runtime;
} gust_builtin_class;

/* Declares the runtime definition a row names, defined by the runtime
 * library (see the top comment).  Use at file scope beside the row. */
#define GUST_BUILTIN_RUNTIME(symbol)                                                               \
  extern const struct gust_component_def symbol __attribute__((weak))

/* The row for class_name, or NULL. */
const gust_builtin_class *gust_builtin_class_lookup(const char *class_name);

/* Every row, in registry order; *n gets the count.  Borrowed, constant. */
const gust_builtin_class *const *gust_builtin_classes(gsize *n);

/* Checks the kind, then runs the class's configure function. */
gboolean gust_builtin_class_apply(const gust_builtin_class *row, gust_component *component,
                                  const json_t *definition,
                                  const gust_builtin_class_context *context, GError **error);

/* "a, b, c": the names of the classes of one kind and one impl kind.
 * Newly allocated. */
char *gust_builtin_class_names(gust_component_kind kind, gust_impl_kind impl_kind);

/* Sets GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS with the formatted message
 * and returns FALSE: the configure functions' way to refuse. */
gboolean gust_builtin_class_refuse(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

#endif /* GUST_BUILTIN_CLASS_H */
