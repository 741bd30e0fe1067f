/* conf_keys.c — every configuration key gust reads, in one table (see
 * gust/conf.h).  README's "Configuration" table lists the same rows; the
 * test compat_conf checks that the two agree.
 *
 * Storm's keys keep Storm's meaning and default (Storm's conf/defaults.yaml
 * and the validators of Config.java); where gust departs from Storm the
 * meaning says so.  gust's own keys are under topology.gust.
 */
#include <gust/conf.h>

static const char *const reliability_modes[] = {"checkpoint", "acker", NULL};
static const char *const checkpoint_modes[] = {"at_least_once", "exactly_once", NULL};
static const char *const multilang_serializers[] = {"org.apache.storm.multilang.JsonSerializer",
                                                    NULL};

#define INT_RANGE(lo) .type = GUST_CONF_INT, .min = (lo), .max = G_MAXINT

static const gust_conf_key conf_keys[] = {
    {.key = "topology.acker.executors",
     INT_RANGE(0),
     .default_value = "1",
     .meaning = "acker tasks in acker mode (Storm: one per worker, and gust runs one worker); "
                "0 turns tracking off: spouts are acked at emit"},
    {.key = "topology.debug",
     .type = GUST_CONF_BOOL,
     .default_value = "false",
     .meaning = "log every emitted tuple as Storm does (\"Emitting Tuple: taskId=... "
                "componentId=... stream=... values=[...]\")"},
    {.key = "topology.message.timeout.secs",
     INT_RANGE(1),
     .default_value = "30",
     .meaning = "a spout tuple not completed within this time fails (acker mode), and a "
                "checkpoint not completed within it is abandoned"},
    {.key = "topology.max.spout.pending",
     INT_RANGE(0),
     .meaning = "spout tuples in flight per spout task; unset or 0: no limit"},
    {.key = "topology.tasks",
     INT_RANGE(0),
     .meaning = "tasks of a component (Storm's setNumTasks); unset: its parallelism"},
    {.key = "topology.max.task.parallelism",
     INT_RANGE(1),
     .meaning = "caps every component's task count; unset: no cap"},
    {.key = "topology.tick.tuple.freq.secs",
     INT_RANGE(0),
     .meaning = "a bolt receives a tick tuple this often; unset or 0: no tick tuples"},
    {.key = "topology.shellbolt.max.pending",
     INT_RANGE(1),
     .default_value = "100",
     .meaning = "tuples a multilang bolt lets wait unwritten to its subprocess before it "
                "holds its input"},
    {.key = "topology.subprocess.timeout.secs",
     INT_RANGE(1),
     .meaning = "a multilang subprocess silent this long, or a JVM hosting Java tasks whose call "
                "does not answer this long, is killed and restarted; unset: "
                "supervisor.worker.timeout.secs"},
    {.key = "supervisor.worker.timeout.secs",
     INT_RANGE(1),
     .default_value = "30",
     .meaning = "the subprocess timeout when topology.subprocess.timeout.secs is unset"},
    {.key = "topology.worker.childopts",
     .type = GUST_CONF_STRINGS,
     .meaning = "options added, after storm.gust.worker.jvm.opts, to the JVM a cluster worker "
                "starts for the topology's Java components (a string is split at spaces); "
                "%ID% and %WORKER-PORT% become the worker's port, %TOPOLOGY-ID% the topology's "
                "id, %WORKER-ID% the supervisor's id and the port, %HEAP-MEM% "
                "topology.worker.max.heap.size.mb (768); gust local and gust jar --local leave "
                "them out, as Storm's local mode does"},
    {.key = "topology.worker.gc.childopts",
     .type = GUST_CONF_STRINGS,
     .meaning = "options added last to that JVM, instead of the supervisor's worker.gc.childopts "
                "(placeholders as in topology.worker.childopts)"},
    {.key = "topology.multilang.serializer",
     .type = GUST_CONF_STRING,
     .default_value = "org.apache.storm.multilang.JsonSerializer",
     .choices = multilang_serializers,
     .meaning = "the multilang wire format: gust speaks the JSON protocol"},
    {.key = "topology.state.provider",
     .type = GUST_CONF_STRING,
     .meaning = "keyed state backend: \"memory\" or \"rocksdb\" (a Storm provider class name "
                "ending in StateProvider means rocksdb); unset: memory"},
    {.key = "topology.gust.reliability",
     .type = GUST_CONF_STRING,
     .default_value = "checkpoint",
     .choices = reliability_modes,
     .meaning = "checkpoint: a spout tuple is acked when the next checkpoint completes; acker: "
                "Storm's XOR tracking"},
    {.key = "topology.gust.checkpoint.interval.ms",
     INT_RANGE(1),
     .default_value = "1000",
     .meaning = "time between checkpoints in checkpoint mode"},
    {.key = "topology.gust.checkpoint.mode",
     .type = GUST_CONF_STRING,
     .default_value = "at_least_once",
     .choices = checkpoint_modes,
     .meaning = "exactly_once aligns checkpoint barriers; at_least_once does not wait for them"},
    {.key = "topology.gust.jvm.local.routing",
     .type = GUST_CONF_BOOL,
     .default_value = "true",
     .meaning = "Java bolts fed only by Java bolts (shuffle, fields, local-or-shuffle or none) "
                "get their tuples in the JVM, not through gust"},
    {.key = "topology.gust.checkpoint.at.max.pending",
     .type = GUST_CONF_BOOL,
     .default_value = "true",
     .meaning = "a spout at topology.max.spout.pending asks for an early checkpoint instead of "
                "waiting for the interval"},
    {.key = "topology.gust.checkpoint.final.attempts",
     .type = GUST_CONF_INT,
     .min = 1,
     .max = 1000,
     .default_value = "3",
     .meaning = "how many times a stop tries its final checkpoint (one interval apart) before it "
                "fails"},
    {.key = "topology.gust.checkpoint.dir",
     .type = GUST_CONF_STRING,
     .meaning = "where checkpoints are written and resumed from (gust local --checkpoint-dir); "
                "unset: in memory"},
    {.key = "topology.gust.checkpoint.resume",
     .type = GUST_CONF_BOOL,
     .default_value = "true",
     .meaning = "resume from the newest intact checkpoint in topology.gust.checkpoint.dir"},
    {.key = "topology.gust.restart.attempts",
     INT_RANGE(0),
     .default_value = "3",
     .meaning = "restarts from the latest checkpoint after a task fails, before the topology "
                "stops"},
    {.key = "topology.gust.restart.delay.ms",
     INT_RANGE(0),
     .default_value = "1000",
     .meaning = "wait before such a restart"},
    {.key = "topology.gust.state.dir",
     .type = GUST_CONF_STRING,
     .meaning = "working directory of RocksDB keyed state; unset: gust-state in the temporary "
                "directory"},
    {.key = "topology.gust.max.component.tasks",
     INT_RANGE(1),
     .default_value = "1024",
     .meaning = "a component with more tasks (or more acker executors) is refused at "
                "validation: every task pair of a subscription gets its own channel"},
    {.key = "ui.host",
     .type = GUST_CONF_STRING,
     .default_value = "127.0.0.1",
     .meaning = "the address the UI server (gust ui, gust local --ui-port) listens on; Storm's "
                "default is 0.0.0.0, gust's stays on this machine unless told"},
    {.key = "ui.port",
     .type = GUST_CONF_INT,
     .min = 0,
     .max = 65535,
     .default_value = "8080",
     .meaning = "the UI server's port (Storm UI's; gust ui listens on it); gust local serves its "
                "UI only when given --ui-port N, which overrides it (0 picks a free port)"},
    {.key = "topology.gust.metrics.port",
     .type = GUST_CONF_INT,
     .min = 0,
     .max = 65535,
     .meaning = "each worker (gust worker, gust local) serves Prometheus's /metrics on this port "
                "plus its slot's index in supervisor.slots.ports (gust local: plus 0); 0 picks a "
                "free port; unset: no metrics server.  The address is logged"},
    {.key = "ui.gust.sample.ms",
     .type = GUST_CONF_INT,
     .min = 100,
     .max = 3600000,
     .default_value = "1000",
     .meaning = "how often the UI server samples the topology; the API, /metrics and the charts "
                "are as fresh as the last sample"},
};

const gust_conf_key *gust_conf_keys(gsize *n_keys)
{
  if (n_keys) *n_keys = G_N_ELEMENTS(conf_keys);
  return conf_keys;
}
