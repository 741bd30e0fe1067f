/* conf.h — the topology configuration as gust reads it: one table of every
 * key gust honours (type, default, accepted range, meaning), Storm's
 * coercions, and the checks that refuse a bad value at validation.
 *
 * A topology conf and a component conf are JSON objects (Flux "config:",
 * a component's "config" map).  Where both hold a key, the component's
 * wins, as in Storm (gust_conf_pick()).  Values are read as Storm reads
 * them (Storm's ObjectReader and Config validators):
 *
 *   int     a JSON integer, a real with an integral value (4.0), or a
 *           string Java's Integer.parseInt accepts ("42", "-7"); it must
 *           fit Java's int, then the key's range.
 *   bool    JSON true or false only (Storm refuses "true" as a string).
 *   string  a JSON string; keys with a list of choices take one of them.
 *
 * null counts as unset (Storm's defaults.yaml writes "key: null" for keys
 * without a default).  gust_topology_validate() runs gust_conf_check() on
 * the topology conf and on every component conf, so a bad value stops a
 * topology before it runs, naming key and value.  The readers below assume
 * a checked conf: an invalid value reads as unset.
 *
 * Keys gust does not read are passed on untouched (a multilang subprocess
 * receives the whole conf); gust_conf_unhonoured_keys() names the Storm
 * ones among them so that the runtime can say once that it ignores them.
 *
 * Everything here is read-only and thread-safe on a conf nobody modifies.
 */
#ifndef GUST_CONF_H
#define GUST_CONF_H

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

typedef enum {
  GUST_CONF_INT,
  GUST_CONF_BOOL,
  GUST_CONF_STRING,
  GUST_CONF_STRINGS, /* a string, or a list of strings (Storm's @IsStringOrStringList) */
} gust_conf_type;

typedef struct {
  const char *key;
  gust_conf_type type;
  /* The value used when the key is unset, spelled as README shows it
   * ("30", "true", "checkpoint"), or NULL: no default (what unset means is
   * in meaning). */
  const char *default_value;
  gint min, max;              /* GUST_CONF_INT: accepted range, inclusive */
  const char *const *choices; /* GUST_CONF_STRING: accepted values, NULL-terminated; NULL = any */
  const char *meaning;        /* one sentence for README */
} gust_conf_key;

/* The table, in README order.  Borrowed, static. */
const gust_conf_key *gust_conf_keys(gsize *n_keys);
/* The row of key, or NULL when gust does not read that key. */
const gust_conf_key *gust_conf_key_find(const char *key);

/* Storm's int coercion of one value (see above) into [min, max]; FALSE
 * when value is NULL, null, not an int or out of range.  Can't fail
 * otherwise. */
gboolean gust_conf_value_to_int(const json_t *value, gint min, gint max, gint *out);
/* Whether value is a string or a list of strings (Storm's
 * @IsStringOrStringList: GUST_CONF_STRINGS; JVM options). */
gboolean gust_conf_value_is_strings(const json_t *value);

/* Checks every key of the table that conf holds.  On the first bad one
 * fills error (GUST_CONF_ERROR_INVALID) with "'KEY' must be ... (got VALUE)"
 * and returns FALSE. */
gboolean gust_conf_check(const json_t *conf, GError **error);

/* The conf that decides key: component_conf when it holds the key (not
 * null), else topology_conf.  Either may be NULL. */
const json_t *gust_conf_pick(const json_t *component_conf, const json_t *topology_conf,
                             const char *key);

/* Readers of a checked conf (conf may be NULL: everything unset).  key must
 * be in the table with the reader's type (a programming error otherwise). */
/* TRUE with the value, or with the default when unset; FALSE when unset and
 * the key has no default. */
gboolean gust_conf_lookup_int(const json_t *conf, const char *key, gint *out);
/* For keys with a default. */
gint gust_conf_int(const json_t *conf, const char *key);
gboolean gust_conf_bool(const json_t *conf, const char *key);
/* The value or the default; NULL when unset without default.  Borrowed from
 * conf or static. */
const char *gust_conf_string(const json_t *conf, const char *key);

/* Storm keys (topology.*, storm.*, supervisor.*, nimbus.*, worker.*,
 * drpc.*, transactional.*) that conf holds and the table does not list,
 * sorted, comma-separated: a new string, or NULL when there are none.
 * Other keys are the topology's own settings, read by its components. */
char *gust_conf_unhonoured_keys(const json_t *conf);

#define GUST_CONF_ERROR (gust_conf_error_quark())
GQuark gust_conf_error_quark(void);
typedef enum {
  GUST_CONF_ERROR_INVALID, /* a value of the wrong type or out of range */
} gust_conf_error;

G_END_DECLS

#endif /* GUST_CONF_H */
