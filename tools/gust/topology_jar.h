/* topology_jar.h — the jar `gust submit` uploads: a zip archive holding
 * META-INF/MANIFEST.MF and the Flux file's resources/ folder as
 * resources/..., the layout of a Storm topology jar, whose resources/
 * folder a supervisor extracts as the multilang working directory. */
#ifndef GUST_TOPOLOGY_JAR_H
#define GUST_TOPOLOGY_JAR_H

#include <glib.h>

/* Writes the jar to jar_path (replaced if it exists).  resources_dir may
 * be NULL or missing: the jar then holds the manifest only.  Regular files
 * keep their permission bits (scripts stay executable); symbolic links are
 * followed; other kinds of files are skipped.  FALSE + GUST_TOPOLOGY_JAR_ERROR
 * naming the file that could not be read or written. */
gboolean gust_topology_jar_write(const char *resources_dir, const char *jar_path, GError **error);

#define GUST_TOPOLOGY_JAR_ERROR (gust_topology_jar_error_quark())
GQuark gust_topology_jar_error_quark(void);
typedef enum {
  GUST_TOPOLOGY_JAR_ERROR_READ,
  GUST_TOPOLOGY_JAR_ERROR_WRITE,
} gust_topology_jar_error;

#endif
