/* dispatch.h — from a Thrift call frame to its reply frame: the method
 * table every Nimbus method plugs into.  Private to gust_nimbus. */
#ifndef GUST_NIMBUS_DISPATCH_H
#define GUST_NIMBUS_DISPATCH_H

#include <glib-object.h>

typedef struct gust_nimbus gust_nimbus;

/* What a handler knows about its call. */
typedef struct {
  gust_nimbus *nimbus;
  guint64 conn_id; /* the client connection (upload sessions are bound to it) */
  const char *method;
} gust_nimbus_call;

/* Runs one method: args is the decoded `<method>_args` struct (e.g.
 * GustStormNimbusGetLeaderArgs), result the empty `<method>_result` to fill
 * (its "success" member, or one declared exception, see
 * gust_nimbus_set_exception()).  Returns FALSE with error to answer with a
 * TApplicationException instead (code: GUST_NIMBUS_CALL_ERROR_*, else
 * INTERNAL_ERROR).  Runs on a handler thread, concurrently with other
 * calls. */
typedef gboolean (*gust_nimbus_handler)(const gust_nimbus_call *call, gpointer args,
                                        gpointer result, GError **error);

/* One served method: the IDL's name (its args/result types come from
 * gust_nimbus_method_lookup(), storm_thrift.h) and its handler. */
typedef struct {
  const char *name;
  gust_nimbus_handler handler;
} gust_nimbus_handler_row;

/* TApplicationException types a handler can ask for. */
#define GUST_NIMBUS_CALL_ERROR (gust_nimbus_call_error_quark())
GQuark gust_nimbus_call_error_quark(void);
typedef enum {
  GUST_NIMBUS_CALL_ERROR_UNSUPPORTED = 1, /* UNKNOWN_METHOD: gust does not serve it */
  GUST_NIMBUS_CALL_ERROR_INTERNAL = 6,    /* INTERNAL_ERROR */
  GUST_NIMBUS_CALL_ERROR_PROTOCOL = 7,    /* PROTOCOL_ERROR: the arguments make no sense */
} gust_nimbus_call_error;

/* The handler tables, NULL-name terminated.  A method of the IDL in none of
 * them answers "gust nimbus does not support <method>". */
extern const gust_nimbus_handler_row gust_nimbus_handlers[];       /* methods.c */
extern const gust_nimbus_handler_row gust_nimbus_stats_handlers[]; /* stats_methods.c */

/* Sets the declared exception `field` of result (e.g. "e", "ite", "aze") to
 * a new exception of type exception_type whose msg is the formatted text.
 * Can't fail. */
void gust_nimbus_set_exception(gpointer result, const char *field, GType exception_type,
                               const char *format, ...) G_GNUC_PRINTF(4, 5);

/* Decodes frame, runs the method and returns the reply frame body (never
 * NULL: every failure is a TApplicationException reply).  Thread-safe. */
GBytes *gust_nimbus_dispatch(gust_nimbus *nimbus, guint64 conn_id, const guint8 *frame, gsize len,
                             gsize max_reply_bytes);

#endif
