/* java_serialized.c — the class names in a Java-serialized object, enough
 * to name what a `serialized_java` component or `custom_serialized`
 * grouping holds in an error message (and for a JVM host to pick it up).
 *
 * Java's object stream starts with the magic 0xACED and version 0x0005,
 * then TC_OBJECT (0x73) and TC_CLASSDESC (0x72) followed by the class name
 * as a 2-byte big-endian length and modified UTF-8.  Nothing else of the
 * stream is interpreted.  A Flux definition that stands in for the bytes
 * (gust local/submit --jar) starts with its own line and the class name.  Stateless; any thread.
 */
#define _GNU_SOURCE /* memmem */
#include <gust/storm_thrift.h>

#include <string.h>

#define TC_OBJECT 0x73
#define TC_CLASSDESC 0x72

/* A name made of Java identifier characters, '.' and '$' (and '[' / ';'
 * for arrays); anything else means the bytes are not a class descriptor. */
static gboolean plausible_class_name(const guint8 *name, gsize len)
{
  if (len == 0) return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_isalnum(name[i]) || strchr("._$[;", name[i]) || name[i] >= 0x80)) return FALSE;
  return TRUE;
}

/* A Flux definition standing in for Java serialization (FluxObjects.java,
 * gust/jvm.h): this line, then the class name and a newline. */
static const char flux_magic[] = "gust-flux-definition\n";

static char *flux_class_name(const guint8 *p, gsize len)
{
  gsize skip = sizeof flux_magic - 1;
  const guint8 *end = memchr(p + skip, '\n', len - skip);
  if (!end || !plausible_class_name(p + skip, (gsize)(end - p) - skip)) return NULL;
  return g_strndup((const char *)p + skip, (gsize)(end - p) - skip);
}

char *gust_java_serialized_class_name(const void *data, gsize len)
{
  const guint8 *p = data;
  if (len > sizeof flux_magic - 1 && !memcmp(p, flux_magic, sizeof flux_magic - 1))
    return flux_class_name(p, len);
  if (len < 8 || p[0] != 0xac || p[1] != 0xed || p[2] != 0x00 || p[3] != 0x05 ||
      p[4] != TC_OBJECT || p[5] != TC_CLASSDESC)
    return NULL;
  gsize name_len = (gsize)p[6] << 8 | p[7];
  if (name_len > len - 8 || !plausible_class_name(p + 8, name_len)) return NULL;
  return g_strndup((const char *)p + 8, name_len);
}

char *gust_java_serialized_next_class_name(const void *data, gsize len, const char *after)
{
  const guint8 *p = data;
  gsize from = 0;
  if (after) {
    const guint8 *found = memmem(p, len, after, strlen(after));
    if (!found) return NULL;
    from = (gsize)(found - p) + strlen(after);
  }
  for (gsize i = from; i + 3 <= len; i++) {
    if (p[i] != TC_CLASSDESC) continue;
    gsize name_len = (gsize)p[i + 1] << 8 | p[i + 2];
    if (name_len >= 3 && name_len <= len - i - 3 && plausible_class_name(p + i + 3, name_len) &&
        memchr(p + i + 3, '.', name_len))
      return g_strndup((const char *)p + i + 3, name_len);
  }
  return NULL;
}
