/* daemon_conf.h — the configuration of gust's cluster daemons and cluster
 * commands (nimbus, supervisor, submit, list, kill, ...), read as Storm
 * reads it: Storm's defaults < storm.yaml < -c key=value.
 *
 * storm.yaml is ~/.storm/storm.yaml when it exists, or the file --config
 * names.  -c values are JSON when they parse as JSON (6627, true,
 * ["a","b"], "text"), else the text itself, as Storm's command line reads
 * them.  A key set to null in storm.yaml keeps its default.
 *
 * The result is one JSON object of Storm keys: every key of the table
 * below and every topology key with a default (gust/conf.h) present, plus
 * whatever else storm.yaml or -c set (passed on untouched).  Values of the
 * table's keys and of the topology keys are checked on load; an error
 * names the file and line, or the -c option, the key and the value.
 * Library code takes this object and never reads configuration files.
 */
#ifndef GUST_DAEMON_CONF_H
#define GUST_DAEMON_CONF_H

#include <glib.h>
#include <jansson.h>

typedef enum {
  GUST_DAEMON_CONF_INT,
  GUST_DAEMON_CONF_STRING,
  GUST_DAEMON_CONF_HOSTS, /* a non-empty list of host names */
  GUST_DAEMON_CONF_PORTS, /* a list of ports, 1..65535 */
  GUST_DAEMON_CONF_WORDS, /* a string, or a list of strings (JVM options) */
} gust_daemon_conf_type;

typedef struct {
  const char *key;
  gust_daemon_conf_type type;
  const char *default_json; /* Storm's default as JSON, or NULL: unset */
  gint min, max;            /* GUST_DAEMON_CONF_INT: accepted range, inclusive */
  const char *meaning;      /* one sentence for README */
} gust_daemon_conf_key;

/* The daemon keys, in README order.  Borrowed, static. */
const gust_daemon_conf_key *gust_daemon_conf_keys(gsize *n_keys);
const gust_daemon_conf_key *gust_daemon_conf_key_find(const char *key);

/* config_file: NULL reads ~/.storm/storm.yaml if it exists; a named file
 * must exist.  overrides: NULL-terminated "key=value" strings, or NULL.
 * Returns a new object (json_decref()) or NULL with GUST_DAEMON_CONF_ERROR
 * (or GUST_FLUX_ERROR_SYNTAX for a storm.yaml that is not YAML). */
json_t *gust_daemon_conf_load(const char *config_file, char **overrides, GError **error);

/* Sets each "key=value" of overrides (NULL-terminated, or NULL) in conf,
 * read and checked as gust_daemon_conf_load() reads -c; `gust submit` puts
 * them in the topology conf, as Storm's submitter does.  FALSE + error at
 * the first bad one (conf may then hold the ones before it). */
gboolean gust_daemon_conf_apply_overrides(json_t *conf, char **overrides, GError **error);

/* Readers of a loaded conf; key must be a table key of that type.  An int
 * key always has a value after a load; a string key may be unset (NULL). */
gint gust_daemon_conf_int(const json_t *conf, const char *key);
const char *gust_daemon_conf_string(const json_t *conf, const char *key);

/* The --config FILE and repeatable -c KEY=VALUE options every cluster
 * command takes. */
typedef struct {
  char *config_file;
  char **overrides;
} gust_daemon_conf_args;

/* Adds the two options to context's main group, writing into args (which
 * must outlive the parse). */
void gust_daemon_conf_add_options(GOptionContext *context, gust_daemon_conf_args *args);
/* gust_daemon_conf_load() with the parsed options. */
json_t *gust_daemon_conf_load_args(const gust_daemon_conf_args *args, GError **error);
void gust_daemon_conf_args_clear(gust_daemon_conf_args *args);

#define GUST_DAEMON_CONF_ERROR (gust_daemon_conf_error_quark())
GQuark gust_daemon_conf_error_quark(void);
typedef enum {
  GUST_DAEMON_CONF_ERROR_IO,      /* --config names a file that cannot be read */
  GUST_DAEMON_CONF_ERROR_SYNTAX,  /* a -c option without '=' or with an empty key */
  GUST_DAEMON_CONF_ERROR_INVALID, /* a value of the wrong type or out of range */
} gust_daemon_conf_error;

#endif /* GUST_DAEMON_CONF_H */
