/* impl.c — implementation specs: what the runtime starts for a component.
 *
 * gust_impl is a tagged struct read directly by the component hosts:
 *   NATIVE     dlopen(library), dlsym(symbol) -> operation table
 *   MULTILANG  spawn argv (never through a shell) in resources_dir with env
 *   BUILTIN    a Java class name gust implements in C (see <gust/builtin_class.h>)
 *   JAVA       any other Java class; kept only so that validation can
 *              refuse it with a message that names the class
 *   JVM        a Java component the JVM host runs (compat/jvm/): its
 *              instance lives in the JVM that submitted the topology
 * Constructors copy their arguments; the struct owns every string.
 */
#include "model_private.h"

static const char *const impl_kind_names[] = {
    [GUST_IMPL_NATIVE] = "native",    [GUST_IMPL_MULTILANG] = "multilang",
    [GUST_IMPL_BUILTIN] = "built-in", [GUST_IMPL_JAVA] = "java",
    [GUST_IMPL_JVM] = "jvm",
};

const char *gust_impl_kind_name(gust_impl_kind kind)
{
  g_return_val_if_fail((guint)kind < G_N_ELEMENTS(impl_kind_names), "?");
  return impl_kind_names[kind];
}

gust_impl *gust_impl_new_native(const char *library, const char *symbol)
{
  g_return_val_if_fail(library != NULL && symbol != NULL, NULL);
  gust_impl *impl = g_new0(gust_impl, 1);
  impl->kind = GUST_IMPL_NATIVE;
  impl->native.library = g_strdup(library);
  impl->native.symbol = g_strdup(symbol);
  return impl;
}

gust_impl *gust_impl_new_multilang(const char *const *argv, const char *resources_dir,
                                   const char *const *env)
{
  g_return_val_if_fail(argv != NULL && argv[0] != NULL, NULL);
  gust_impl *impl = g_new0(gust_impl, 1);
  impl->kind = GUST_IMPL_MULTILANG;
  impl->multilang.argv = g_strdupv((char **)argv);
  impl->multilang.resources_dir = g_strdup(resources_dir);
  impl->multilang.env = env ? g_strdupv((char **)env) : NULL;
  return impl;
}

gust_impl *gust_impl_new_builtin(const char *class_name)
{
  g_return_val_if_fail(class_name != NULL, NULL);
  gust_impl *impl = g_new0(gust_impl, 1);
  impl->kind = GUST_IMPL_BUILTIN;
  impl->builtin.class_name = g_strdup(class_name);
  return impl;
}

gust_impl *gust_impl_new_java(const char *class_name)
{
  g_return_val_if_fail(class_name != NULL, NULL);
  gust_impl *impl = g_new0(gust_impl, 1);
  impl->kind = GUST_IMPL_JAVA;
  impl->java.class_name = g_strdup(class_name);
  return impl;
}

gust_impl *gust_impl_new_jvm(const char *class_name)
{
  g_return_val_if_fail(class_name != NULL, NULL);
  gust_impl *impl = g_new0(gust_impl, 1);
  impl->kind = GUST_IMPL_JVM;
  impl->jvm.class_name = g_strdup(class_name);
  return impl;
}

gust_impl *gust_impl_copy(const gust_impl *impl)
{
  g_return_val_if_fail(impl != NULL, NULL);
  switch (impl->kind) {
  case GUST_IMPL_NATIVE:
    return gust_impl_new_native(impl->native.library, impl->native.symbol);
  case GUST_IMPL_MULTILANG:
    return gust_impl_new_multilang((const char *const *)impl->multilang.argv,
                                   impl->multilang.resources_dir,
                                   (const char *const *)impl->multilang.env);
  case GUST_IMPL_BUILTIN:
    return gust_impl_new_builtin(impl->builtin.class_name);
  case GUST_IMPL_JAVA:
    return gust_impl_new_java(impl->java.class_name);
  case GUST_IMPL_JVM:
    return gust_impl_new_jvm(impl->jvm.class_name);
  }
  g_assert_not_reached();
}

void gust_impl_free(gust_impl *impl)
{
  if (!impl) return;
  switch (impl->kind) {
  case GUST_IMPL_NATIVE:
    g_free(impl->native.library);
    g_free(impl->native.symbol);
    break;
  case GUST_IMPL_MULTILANG:
    g_strfreev(impl->multilang.argv);
    g_free(impl->multilang.resources_dir);
    g_strfreev(impl->multilang.env);
    break;
  case GUST_IMPL_BUILTIN:
    g_free(impl->builtin.class_name);
    break;
  case GUST_IMPL_JAVA:
    g_free(impl->java.class_name);
    break;
  case GUST_IMPL_JVM:
    g_free(impl->jvm.class_name);
    break;
  }
  g_free(impl);
}
