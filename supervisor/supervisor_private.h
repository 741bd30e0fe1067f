/* supervisor_private.h — what the files of the supervisor library share. */
#ifndef GUST_SUPERVISOR_PRIVATE_H
#define GUST_SUPERVISOR_PRIVATE_H

#include <gust/supervisor.h>
#include <sys/types.h>

/* conf_read.c: a key of the daemon conf, or fallback when it is absent;
 * a value of the wrong type or out of [min, max] is an error naming the
 * key and the value. */
gboolean sv_conf_int(json_t *conf, const char *key, gint64 fallback, gint64 min, gint64 max,
                     gint64 *value, GError **error);
/* A string value (borrowed from conf) or fallback. */
gboolean sv_conf_string(json_t *conf, const char *key, const char *fallback, const char **value,
                        GError **error);
/* supervisor.slots.ports: distinct ports 1..65535 (Storm's default
 * 6700..6703); caller frees the array. */
GArray *sv_conf_ports(json_t *conf, GError **error);
/* storm.local.hostname, else this machine's name; caller frees. */
char *sv_conf_hostname(json_t *conf);

#endif

/* worker_slot.c: one slot (supervisor.slots.ports entry) and the worker
 * process that runs in it.  The supervisor sets want_topology /
 * want_version from the assignments; sv_slot_tick() moves the process
 * towards them. */
typedef enum {
  SV_SLOT_IDLE,     /* no process, none wanted or waiting for files */
  SV_SLOT_RUNNING,  /* a process runs the wanted assignment */
  SV_SLOT_BACKOFF,  /* the process died; relaunched at next_start_us */
  SV_SLOT_STOPPING, /* SIGTERM sent; SIGKILL at kill_at_us */
} sv_slot_state;

typedef struct {
  int port;
  char *want_topology; /* NULL: nothing assigned */
  gint64 want_version;
  char *topology; /* what the process runs (NULL: none) */
  gint64 version;
  GPid pid;
  sv_slot_state state;
  gboolean heartbeat_seen; /* its /workerbeats node exists (else "starting") */
  int restarts;            /* deaths of workers of this assignment */
  gint64 start_time_secs;  /* wall clock of the launch */
  gint64 launched_us, next_start_us, kill_at_us; /* monotonic */
  gint64 backoff_ms;
} sv_slot;

typedef struct {
  gint64 stop_timeout_ms;  /* SIGTERM to SIGKILL */
  gint64 backoff_max_ms;   /* the longest wait before a relaunch */
  gint64 backoff_reset_ms; /* a worker that lived this long starts the back-off afresh */
  /* Fetches the files if needed and starts the worker of slot->want_*;
   * fills *pid.  FALSE + error: retried after a back-off. */
  gboolean (*launch)(sv_slot *slot, GPid *pid, void *data, GError **error);
  void *data;
} sv_slot_policy;

void sv_slot_tick(sv_slot *slot, const sv_slot_policy *policy);
/* Sends signo to the worker's process group (the worker and its
 * multilang subprocesses). */
void sv_slot_signal(sv_slot *slot, int signo);
/* "starting", "running", "restarting" or "stopping" (heartbeat JSON). */
const char *sv_slot_state_name(const sv_slot *slot);
void sv_slot_clear(sv_slot *slot);

/* stormdist.c: the files of an assigned topology under
 * storm.local.dir/supervisor/stormdist/<topology-id>/. */
typedef struct {
  const char *dir; /* stormdist/<topology-id> */
  const char *topology_id;
  const char *nimbus; /* "host:port" of the leader */
  gust_blob_download_fn download;
  void *download_data;
  guint64 max_resources_bytes;
} sv_stormdist_fetch;
/* Fetches stormjar.jar, stormcode.ser and stormconf.ser (each into a
 * temporary name, then renamed) and extracts the jar's resources/. */
gboolean sv_stormdist_fetch_all(const sv_stormdist_fetch *fetch, GError **error);
/* TRUE when id can name a folder: [A-Za-z0-9._-], not starting with '.'. */
gboolean sv_topology_id_is_safe(const char *id);

/* nimbus_blobs.c: the default gust_blob_download_fn (Thrift to Nimbus). */
gboolean sv_nimbus_blob_download(const char *nimbus, const char *key, const char *path,
                                 void *unused, GError **error);
