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

/* Runs one method: args is the decoded `<method>_args` struct, result the
 * empty `<method>_result` to fill (field "success", or one declared
 * exception field).  Returns FALSE with error to answer with a
 * TApplicationException instead (code: GUST_NIMBUS_CALL_ERROR_*).  Runs on
 * a handler thread, concurrently with other calls. */
typedef gboolean (*gust_nimbus_handler)(const gust_nimbus_call *call, GObject *args,
                                        GObject *result, GError **error);

typedef struct {
  const char *name;           /* the IDL's method name */
  GType (*args_type)(void);   /* `<method>_args` struct of the generated code */
  GType (*result_type)(void); /* `<method>_result` struct */
  gust_nimbus_handler handler;
} gust_nimbus_method;

/* TApplicationException types a handler can ask for. */
#define GUST_NIMBUS_CALL_ERROR (gust_nimbus_call_error_quark())
GQuark gust_nimbus_call_error_quark(void);
typedef enum {
  GUST_NIMBUS_CALL_ERROR_INTERNAL = 6,    /* INTERNAL_ERROR */
  GUST_NIMBUS_CALL_ERROR_PROTOCOL = 7,    /* PROTOCOL_ERROR: the arguments make no sense */
  GUST_NIMBUS_CALL_ERROR_UNSUPPORTED = 1, /* UNKNOWN_METHOD: gust does not serve it */
} gust_nimbus_call_error;

/* The served methods, each module's table (NULL-name terminated). */
extern const gust_nimbus_method gust_nimbus_methods[];       /* methods.c */
extern const gust_nimbus_method gust_nimbus_stats_methods[]; /* stats_methods.c */
/* Methods of the IDL that gust answers with "not supported"; NULL-terminated. */
extern const char *const gust_nimbus_unsupported_methods[]; /* methods.c */

/* Decodes frame, runs the method and returns the reply frame body (never
 * NULL: every failure is a TApplicationException reply).  Thread-safe. */
GBytes *gust_nimbus_dispatch(gust_nimbus *nimbus, guint64 conn_id, const guint8 *frame, gsize len,
                             gsize max_reply_bytes);

#endif
