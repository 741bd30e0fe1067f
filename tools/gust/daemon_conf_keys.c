/* daemon_conf_keys.c — every daemon key gust's cluster daemons and cluster
 * commands read, in one table (see daemon_conf.h).  README's "Daemon
 * configuration" table lists the same rows; the test tools_daemon_conf
 * checks that the two agree.
 *
 * Storm's keys keep Storm's meaning and default (Storm's conf/defaults.yaml);
 * gust's own keys are under storm.gust.  Keys a topology reads too
 * (supervisor.worker.timeout.secs) are in the topology table (gust/conf.h)
 * only.
 */
#include "daemon_conf.h"
#include "jvm_command_line.h"

#include <string.h>

/* the same as `gust jar --local`'s (see there why these) */
#define GUST_WORKER_JVM_OPTS GUST_DEFAULT_JVM_OPTS

#define INT_RANGE(lo, hi) .type = GUST_DAEMON_CONF_INT, .min = (lo), .max = (hi)

static const gust_daemon_conf_key daemon_keys[] = {
    {.key = "nimbus.seeds",
     .type = GUST_DAEMON_CONF_HOSTS,
     .default_json = "[\"localhost\"]",
     .meaning = "the Nimbus hosts a command or supervisor tries, in order; it then talks to the "
                "leader the first one that answers names"},
    {.key = "nimbus.thrift.port",
     INT_RANGE(1, 65535),
     .default_json = "6627",
     .meaning = "the port of Nimbus's Thrift service"},
    {.key = "nimbus.thrift.max_buffer_size",
     INT_RANGE(1024, G_MAXINT),
     .default_json = "1048576",
     .meaning = "the largest Thrift frame, in bytes, Nimbus accepts and its clients read"},
    {.key = "storm.thrift.socket.timeout.ms",
     INT_RANGE(1, G_MAXINT),
     .default_json = "600000",
     .meaning = "a command waiting this long for Nimbus's answer gives up with an error"},
    {.key = "nimbus.supervisor.timeout.secs",
     INT_RANGE(1, G_MAXINT),
     .default_json = "60",
     .meaning = "a supervisor silent this long is taken for dead; its topologies move once "
                "their workers' heartbeats are gone too"},
    {.key = "nimbus.monitor.freq.secs",
     INT_RANGE(1, G_MAXINT),
     .default_json = "10",
     .meaning = "how often Nimbus checks supervisors and assignments"},
    {.key = "nimbus.thrift.threads",
     INT_RANGE(1, 1024),
     .default_json = "64",
     .meaning = "threads running Nimbus's method calls (client sockets are served apart, so an "
                "idle or slow client holds none)"},
    {.key = "nimbus.file.copy.expiration.secs",
     INT_RANGE(1, G_MAXINT),
     .default_json = "600",
     .meaning = "an unfinished jar upload idle this long is dropped with its file"},
    {.key = "nimbus.inbox.jar.expiration.secs",
     INT_RANGE(1, G_MAXINT),
     .default_json = "3600",
     .meaning = "an uploaded jar no submission used within this time is deleted"},
    {.key = "storm.gust.nimbus.jar.max.bytes",
     INT_RANGE(1, G_MAXINT),
     .default_json = "268435456",
     .meaning = "the largest topology jar Nimbus accepts; a larger upload is refused and dropped"},
    {.key = "storm.zookeeper.servers",
     .type = GUST_DAEMON_CONF_HOSTS,
     .default_json = "[\"localhost\"]",
     .meaning = "the ZooKeeper hosts the daemons coordinate through"},
    {.key = "storm.zookeeper.port",
     INT_RANGE(1, 65535),
     .default_json = "2181",
     .meaning = "the ZooKeeper port of every host in storm.zookeeper.servers"},
    {.key = "storm.zookeeper.root",
     .type = GUST_DAEMON_CONF_STRING,
     .default_json = "\"/storm\"",
     .meaning = "the ZooKeeper node under which the cluster keeps its state"},
    {.key = "storm.zookeeper.session.timeout",
     INT_RANGE(1, G_MAXINT),
     .default_json = "20000",
     .meaning = "ZooKeeper session timeout in milliseconds: a daemon silent this long loses its "
                "registration (and a leader its leadership)"},
    {.key = "storm.local.dir",
     .type = GUST_DAEMON_CONF_STRING,
     .default_json = "\"storm-local\"",
     .meaning = "where Nimbus and supervisors keep topologies, workers, checkpoints and logs; "
                "relative to the daemon's working directory"},
    {.key = "storm.local.hostname",
     .type = GUST_DAEMON_CONF_STRING,
     .meaning = "the host name a daemon advertises to clients and other daemons; unset: "
                "storm.gust.bind.address"},
    {.key = "storm.gust.bind.address",
     .type = GUST_DAEMON_CONF_STRING,
     .default_json = "\"127.0.0.1\"",
     .meaning = "the address gust's daemons listen on (Storm listens on every interface; gust "
                "on loopback unless this names another)"},
    {.key = "supervisor.slots.ports",
     .type = GUST_DAEMON_CONF_PORTS,
     .default_json = "[6700, 6701, 6702, 6703]",
     .meaning = "a supervisor's worker slots: one worker per port"},
    {.key = "supervisor.monitor.frequency.secs",
     INT_RANGE(1, G_MAXINT),
     .default_json = "3",
     .meaning = "how often a supervisor checks its workers and restarts dead ones"},
    {.key = "supervisor.heartbeat.frequency.secs",
     INT_RANGE(1, 3600),
     .default_json = "5",
     .meaning = "how often a supervisor rewrites its ZooKeeper node with its workers' state, "
                "restarts, CPU seconds and RSS"},
    {.key = "worker.heartbeat.frequency.secs",
     INT_RANGE(1, 3600),
     .default_json = "1",
     .meaning = "how often a worker writes its heartbeat (uptime and statistics) to ZooKeeper"},
    {.key = "storm.gust.worker.stop.timeout.secs",
     INT_RANGE(1, 3600),
     .default_json = "75",
     .meaning = "how long a supervisor waits for a worker it stops with SIGTERM (its drain and "
                "final checkpoint) before SIGKILL"},
    {.key = "storm.gust.worker.restart.backoff.max.secs",
     INT_RANGE(1, 3600),
     .default_json = "30",
     .meaning = "the longest wait before a supervisor relaunches a worker that died (the wait "
                "starts at 1 s and doubles per quick death)"},
    {.key = "storm.gust.supervisor.resources.max.mb",
     INT_RANGE(1, 1048576),
     .default_json = "1024",
     .meaning = "the most a topology jar's resources/ folder may hold once extracted (a larger one "
                "is refused)"},
    {.key = "storm.gust.java",
     .type = GUST_DAEMON_CONF_STRING,
     .default_json = "\"java\"",
     .meaning = "the java program a worker starts for its topology's Java components (one JVM per "
                "worker); Nimbus refuses Java components when it cannot find it"},
    {.key = "storm.gust.worker.jvm.opts",
     .type = GUST_DAEMON_CONF_STRING,
     .default_json = "\"" GUST_WORKER_JVM_OPTS "\"",
     .meaning = "the options of a worker's JVM, space-separated"},
    {.key = "worker.childopts",
     .type = GUST_DAEMON_CONF_WORDS,
     .meaning = "options added, after storm.gust.worker.jvm.opts and before the topology's "
                "topology.worker.childopts, to the JVM of every worker of this supervisor that "
                "has Java components (a string is split at spaces; placeholders as in "
                "topology.worker.childopts); unset: Storm's default (-Xmx%HEAP-MEM%m and Java 8 "
                "GC logging) is left out, so the worker's JVM keeps gust's small heap"},
    {.key = "worker.gc.childopts",
     .type = GUST_DAEMON_CONF_WORDS,
     .meaning = "options added last to those JVMs, unless the topology sets "
                "topology.worker.gc.childopts, which replaces them"},
};

const gust_daemon_conf_key *gust_daemon_conf_keys(gsize *n_keys)
{
  if (n_keys) *n_keys = G_N_ELEMENTS(daemon_keys);
  return daemon_keys;
}

const gust_daemon_conf_key *gust_daemon_conf_key_find(const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS(daemon_keys); i++)
    if (!strcmp(daemon_keys[i].key, key)) return &daemon_keys[i];
  return NULL;
}
