/* jar_resources.h — the resources/ folder of a topology jar, extracted. */
#ifndef GUST_JAR_RESOURCES_H
#define GUST_JAR_RESOURCES_H

#include <glib.h>

/* Extracts the entries under "resources/" of jar into dest (created; a
 * previous dest is replaced only once the whole extraction succeeded).
 * Every entry of the jar is checked first, and the jar is refused whole —
 * nothing written — when one names an absolute path, has a ".." component
 * or a backslash, is a symbolic link, or is not a regular file or folder;
 * the error names the jar and the entry.  Files keep their executable
 * bits.  At most max_bytes are extracted in all (a zip bomb is refused). */
gboolean gust_jar_extract_resources(const char *jar, const char *dest, guint64 max_bytes,
                                    GError **error);

#endif
