"""Faults of a running cluster, with real parts only: Debian's ZooKeeper
server, `gust nimbus`, `gust supervisor` processes and the `gust worker`s
they launch, `gust kafka-mock` (librdkafka's mock cluster, a process of its
own on 127.0.0.1) and gust's command line.

Kafka -> Kafka with kill -9 of the worker: records that a producer thread
writes to an input topic in chunks (before the kill, while the worker is
down and after it is back) are read by a KafkaSpout, tagged by a multilang
bolt (storm.py, shipped in the jar `gust submit` builds from the
resources/ folder beside the Flux file) and written by a KafkaBolt to an
output topic.  Just after the worker completed a checkpoint, with output
flowing, its process group gets SIGKILL; the supervisor relaunches it, it
resumes from the newest complete checkpoint, and at the end the output
topic holds every input record at least once, each with its tag
(duplicates, the replays of at-least-once, are counted and printed).

A supervisor dies: with two supervisors, a WordCount runs on the first's
worker; the first supervisor and its worker get SIGKILL together (a dead
host).  Once the supervisor's ZooKeeper session and
nimbus.supervisor.timeout.secs have passed, Nimbus assigns the topology to
the second supervisor, whose worker resumes from the checkpoint under the
storm.local.dir both share here, its counts grow in getTopologyInfo and
`gust list` shows the topology ACTIVE.  When the first supervisor comes
back it starts no worker: the topology stays on the second one.  A
supervisor killed alone leaves its worker running: the topology stays
there (no second worker shares its checkpoints) until that worker dies
too, and then it moves.

Waits are for conditions; their bounds only catch a hang on a loaded
machine.
"""
import collections
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_harness import (GUST, SOURCE, GustDaemon, ZooKeeperTestCase, assignment, free_ports,  # noqa: E402
                             make_temp_dir, storm_yaml, supervisor_id_of, supervisor_records, wait_for)
from nimbus_client import Client, growth_above, ttypes, upload  # noqa: E402
from test_cluster_end_to_end import pid_alive  # noqa: E402
from test_gust_kafka import KafkaMock, consume, produce, unique  # noqa: E402
from test_no_loss import KAFKA_OUT_BOLT, kafka_components  # noqa: E402
from test_supervisor import jar_bytes, wordcount_topology  # noqa: E402

HANG_BOUND_S = 240
RECORDS_PER_PHASE = 2000  # before the kill, four times this; then this while down, this after
STORM_PY = os.path.join(SOURCE, "examples", "flux", "shell", "resources")

# The multilang bolt between the Kafka spout and the Kafka bolt: each record
# becomes (key: the record, message: the record tagged).  It takes at least
# a millisecond a record, so that records queue up and some are in flight
# (processed, not yet covered by a checkpoint) when the worker is killed.
TAG_BOLT = """import time

import storm


class TagBolt(storm.BasicBolt):
    def process(self, tup):
        time.sleep(0.001)  # slower than the producer: a backlog to be in flight at the kill
        storm.emit([tup.values[0], "tagged " + tup.values[0]])


TagBolt().run()
"""


def kafka_flux(name, bootstrap, source, target, group):
    return """
name: "%(name)s"
%(components)s
config:
  topology.workers: 1
  topology.gust.reliability: "checkpoint"
  topology.gust.checkpoint.interval.ms: 200
  topology.message.timeout.secs: 30
  topology.max.spout.pending: 100
spouts:
  - id: "records"
    className: "org.apache.storm.kafka.spout.KafkaSpout"
    constructorArgs: [ref: "spoutConfig"]
    parallelism: 2
bolts:
  - id: "tag"
    className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"
    constructorArgs: [["python3", "tag.py"], ["key", "message"]]
    parallelism: 2
%(out)sstreams:
  - {from: "records", to: "tag", grouping: {type: SHUFFLE}}
  - {from: "tag", to: "out", grouping: {type: SHUFFLE}}
""" % dict(name=name, components=kafka_components(bootstrap, source, target, group, "key", "message"),
                out=KAFKA_OUT_BOLT)


def complete_checkpoints(directory):
    """The ids of the complete checkpoints (chk-N with its _metadata) in directory."""
    return sorted(int(path.split("chk-")[-1].split(os.sep)[0])
                  for path in glob.glob(os.path.join(directory, "chk-*", "_metadata")))


class RecordProducer:
    """Produces records "rec0", "rec1", ... to a topic in chunks, on a thread
    of its own, up to a mark the test moves (produce_until), so that records
    keep arriving across a kill and the producer runs only so far ahead of a
    slow topology; stop(after) produces `after` more and ends the thread."""

    CHUNK = 500

    def __init__(self, bootstrap, topic, until):
        self.bootstrap, self.topic = bootstrap, topic
        self.produced, self.until, self.stopping = 0, until, False
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while True:
            with self.cond:
                self.cond.wait_for(lambda: self.stopping or self.produced < self.until)
                if self.produced >= self.until:
                    return
                first, last = self.produced, min(self.produced + self.CHUNK, self.until)
            produce(self.bootstrap, self.topic, ["rec%d" % i for i in range(first, last)])
            with self.cond:
                self.produced = last
            time.sleep(0.05)

    def count(self):
        with self.cond:
            return self.produced

    def produce_until(self, until):
        with self.cond:
            self.until = max(self.until, until)
            self.cond.notify_all()

    def stop(self, after=0):
        with self.cond:
            self.until, self.stopping = self.produced + after, True
            self.cond.notify_all()
        self.thread.join(HANG_BOUND_S)

    def records(self):
        return ["rec%d" % i for i in range(self.count())]


class ClusterFaults(ZooKeeperTestCase):
    def start_nimbus(self, root, conf=None):
        self.root = root
        self.work = make_temp_dir("faults")
        values = {"storm.local.dir": os.path.join(self.work, "nimbus-local"),
                  "storm.zookeeper.session.timeout": 4000, "nimbus.monitor.freq.secs": 1}
        values.update(conf or {})
        self.nimbus = self.daemon(GustDaemon.nimbus(self.zk, self.work, "nimbus", values, root=root))
        self.nimbus.wait_for_log(r"is the leader", timeout=HANG_BOUND_S)
        self.worker_pids = set()  # every worker seen: none may outlive the test
        self.addCleanup(self.kill_leftover_workers)
        self.cli_yaml = os.path.join(self.work, "cli-storm.yaml")
        with open(self.cli_yaml, "w") as f:
            f.write(storm_yaml({"nimbus.seeds": ["127.0.0.1"], "nimbus.thrift.port": self.nimbus.port}))

    def start_supervisor(self, name, conf=None):
        values = {"supervisor.heartbeat.frequency.secs": 1, "supervisor.monitor.frequency.secs": 1,
                  "storm.gust.worker.stop.timeout.secs": 30,
                  "storm.gust.worker.restart.backoff.max.secs": 2}
        values.update(conf or {})
        supervisor = self.daemon(GustDaemon.supervisor(self.zk, self.work, name, nimbuses=[self.nimbus],
                                                       root=self.root, slots=2, conf=values))
        supervisor.wait_for_log(r"supervisor \S+ started", timeout=HANG_BOUND_S)
        return supervisor

    def kill_leftover_workers(self):
        for record in supervisor_records(self.zk, self.root).values():
            self.worker_pids |= {worker.get("pid") for worker in record.get("workers", [])}
        for pid in self.worker_pids:
            try:  # a worker whose supervisor is gone, or could not stop it
                os.killpg(pid, signal.SIGKILL)
            except (OSError, TypeError):
                pass

    def gust(self, *args):
        return subprocess.run([GUST] + list(args) + ["--config", self.cli_yaml], capture_output=True,
                              text=True, timeout=HANG_BOUND_S, cwd=self.work)

    # --- what the cluster shows -------------------------------------------------

    def running_worker(self, topology_id, supervisor_id=None, **expect):
        """Waits for the running worker of topology_id (on supervisor_id if
        given, with the record fields in expect); returns its record."""
        def find():
            for sid, record in supervisor_records(self.zk, self.root).items():
                for worker in record.get("workers", []):
                    if worker.get("topology_id") == topology_id and worker.get("state") == "running" \
                            and supervisor_id in (None, sid) \
                            and all(worker.get(k) == v for k, v in expect.items()):
                        self.worker_pids.add(worker["pid"])
                        return worker
            return None
        return wait_for(find, HANG_BOUND_S, "a running worker of %s on %s %s"
                        % (topology_id, supervisor_id or "any supervisor", expect))

    def worker_log(self, supervisor, topology_id, port):
        path = os.path.join(supervisor.local_dir, "logs", "workers-artifacts", topology_id, str(port),
                            "worker.log")
        try:
            with open(path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_worker_log(self, supervisor, topology_id, port, pattern, after=0):
        regex = re.compile(pattern, re.M)
        return wait_for(lambda: regex.search(self.worker_log(supervisor, topology_id, port)[after:]),
                        HANG_BOUND_S, "/%s/ in %s's worker log of %s" % (pattern, supervisor.name, topology_id))

    def emitted(self, topology_id, component, port):
        """Tuples emitted by component's executors in the worker on port, as
        Nimbus reports them (the worker's own counts since it started)."""
        with Client(self.nimbus.port) as client:
            executors = client.getTopologyInfo(topology_id).executors
        return sum(sum(e.stats.emitted.get(":all-time", {}).values()) for e in executors
                   if e.component_id == component and e.port == port and e.stats is not None)

    def wait_growing(self, topology_id, component, port, above):
        return wait_for(lambda: growth_above(above, lambda: self.emitted(topology_id, component, port)),
                        HANG_BOUND_S, "%s's emitted count on port %d above %d" % (component, port, above))

    def listed(self, name, topology_id):
        """`gust list` as a user types it: the row of name if it is ACTIVE."""
        result = self.gust("list")
        if result.returncode != 0:
            return None
        rows = [line.split() for line in result.stdout.splitlines()[2:]]
        return [row for row in rows if row[:2] == [name, "ACTIVE"] and topology_id in row] or None

    # --- the tests ----------------------------------------------------------------

    def test_kafka_to_kafka_loses_nothing_when_the_worker_is_killed(self):
        self.start_nimbus("/faults-kafka")
        supervisor = self.start_supervisor("supervisor")
        source, target = unique("records"), unique("tagged")
        mock = KafkaMock(self.work, [source + ":2", target + ":2"])
        self.addCleanup(mock.close)
        producer = RecordProducer(mock.bootstrap, source, 4 * RECORDS_PER_PHASE)
        self.addCleanup(producer.stop)

        flux_dir = os.path.join(self.work, "flux")
        os.makedirs(os.path.join(flux_dir, "resources"))
        for script in ("storm.py", "multilang.py"):
            shutil.copy(os.path.join(STORM_PY, script), os.path.join(flux_dir, "resources", script))
        with open(os.path.join(flux_dir, "resources", "tag.py"), "w") as f:
            f.write(TAG_BOLT)
        flux = os.path.join(flux_dir, "kafka-faults.yaml")
        with open(flux, "w") as f:
            f.write(kafka_flux("kafka-faults", mock.bootstrap, source, target, unique("group")))
        result = self.gust("submit", flux)
        self.assertEqual(result.returncode, 0, result.stderr)
        with Client(self.nimbus.port) as client:
            tid = client.getTopologySummaryByName("kafka-faults").id

        worker = self.running_worker(tid)
        slot = worker["port"]
        checkpoints = os.path.join(self.nimbus.local_dir, "checkpoints", "kafka-faults")
        self.wait_growing(tid, "tag", slot, 0)  # output flows (read through Nimbus: quicker than the topic)
        # kill -9 just after a checkpoint completed with output flowing and
        # records still arriving
        newest = (complete_checkpoints(checkpoints) or [0])[-1]
        wait_for(lambda: (complete_checkpoints(checkpoints) or [0])[-1] > newest, HANG_BOUND_S,
                 "a complete checkpoint after %d under %s" % (newest, checkpoints))
        size = len(self.worker_log(supervisor, tid, slot))
        produced_at_kill = producer.count()
        tagged_before = self.emitted(tid, "tag", slot)  # as of the worker's last heartbeat
        newest = complete_checkpoints(checkpoints)[-1]  # the relaunch resumes from this one or a later one
        os.killpg(worker["pid"], signal.SIGKILL)  # the worker and its multilang processes
        producer.produce_until(produced_at_kill + RECORDS_PER_PHASE)  # more while it is down

        supervisor.wait_for_log(r"worker of %s was killed by signal 9; relaunching" % re.escape(tid),
                                timeout=HANG_BOUND_S)
        resumed = self.wait_worker_log(supervisor, tid, slot, r"resumes from checkpoint (\d+)", after=size)
        self.assertGreaterEqual(int(resumed.group(1)), newest, "resumed from an older checkpoint than the "
                                "newest complete one")
        relaunched = self.running_worker(tid, restarts=1)
        self.assertNotEqual(relaunched["pid"], worker["pid"])
        self.assertFalse(pid_alive(worker["pid"]))
        producer.stop(after=RECORDS_PER_PHASE)  # and into the relaunched worker
        wanted = producer.records()

        def all_out():
            records = consume(mock.bootstrap, target, 1.0)
            keys = collections.Counter(key for _, _, key, _ in records)
            return (records, keys) if set(wanted) <= set(keys) else None
        records, keys = wait_for(all_out, HANG_BOUND_S, "every input record in %s" % target)
        self.assertEqual(sorted({(key, message) for _, _, key, message in records}),
                         sorted((w, "tagged " + w) for w in wanted))
        duplicates = sum(keys[w] - 1 for w in wanted)
        print("kafka -> kafka, worker kill -9: %d inputs, all in the output; %d produced at the kill, %d "
              "tagged by the last heartbeat before it; resumed from checkpoint %s; %d duplicates "
              "(at-least-once replays)"
              % (len(wanted), produced_at_kill, tagged_before, resumed.group(1), duplicates), file=sys.stderr)

        result = self.gust("kill", "kafka-faults", "-w", "0")
        self.assertEqual(result.returncode, 0, result.stderr)
        wait_for(lambda: not pid_alive(relaunched["pid"]), HANG_BOUND_S, "the worker to stop")
        self.assertTrue(supervisor.alive())

    def wordcount_on_the_first_of_two_supervisors(self, root):
        """Nimbus, supervisors A and B (slots of their own: executors are
        told apart by port), a WordCount running on A's worker with a
        complete checkpoint; returns (a, a_id, b, b_id, topology id, A's
        worker record, the checkpoint folder)."""
        self.start_nimbus(root, {"nimbus.supervisor.timeout.secs": 2})
        ports = free_ports(4)
        a = self.start_supervisor("supervisor-a", {"storm.zookeeper.session.timeout": 4000,
                                                   "supervisor.slots.ports": ports[:2]})
        a_id = supervisor_id_of(self.zk, a, root=self.root)
        with Client(self.nimbus.port) as client:
            client.submitTopology("moves", upload(client, jar_bytes()),
                                  json.dumps({"topology.workers": 1,
                                              "topology.gust.checkpoint.interval.ms": 200}),
                                  wordcount_topology())
            tid = client.getTopologySummaryByName("moves").id
        worker = self.running_worker(tid, a_id)
        self.wait_worker_log(a, tid, worker["port"], r"distinct words so far")
        self.wait_growing(tid, "sentences", worker["port"], 0)
        checkpoints = os.path.join(self.nimbus.local_dir, "checkpoints", "moves")
        wait_for(lambda: complete_checkpoints(checkpoints), HANG_BOUND_S,
                 "a complete checkpoint under %s" % checkpoints)
        b = self.start_supervisor("supervisor-b", {"storm.zookeeper.session.timeout": 4000,
                                                   "supervisor.slots.ports": ports[2:]})
        b_id = supervisor_id_of(self.zk, b, root=self.root)
        self.assertNotEqual(a_id, b_id)
        return a, a_id, b, b_id, tid, worker, checkpoints

    def wait_moved(self, tid, from_id, to_id):
        """Waits for Nimbus to move tid from supervisor from_id to to_id
        (assignment version 2) and for its worker there; returns its record."""
        self.nimbus.wait_for_log(r"topology %s: supervisor %s is gone \(.*\) and so is its worker; moving it"
                                 % (re.escape(tid), re.escape(from_id)), timeout=HANG_BOUND_S)
        self.nimbus.wait_for_log(r"topology %s assigned to supervisor %s port \d+ \(version 2\)"
                                 % (re.escape(tid), re.escape(to_id)), timeout=HANG_BOUND_S)
        return self.running_worker(tid, to_id)

    def test_a_topology_moves_when_its_supervisor_dies(self):
        a, a_id, b, b_id, tid, worker, checkpoints = self.wordcount_on_the_first_of_two_supervisors("/faults-moves")
        slot_a = worker["port"]
        newest = complete_checkpoints(checkpoints)[-1]  # B resumes from this one or a later one
        a.kill9()  # a dead host: the supervisor and its worker
        os.killpg(worker["pid"], signal.SIGKILL)
        wait_for(lambda: not pid_alive(worker["pid"]), HANG_BOUND_S, "the worker on %s to die" % a.name)

        moved = self.wait_moved(tid, a_id, b_id)
        slot_b = moved["port"]
        resumed = self.wait_worker_log(b, tid, slot_b, r"resumes from checkpoint (\d+)")
        self.assertGreaterEqual(int(resumed.group(1)), newest, "B's worker resumed from an older checkpoint "
                                "than the newest complete one of A's")
        self.wait_worker_log(b, tid, slot_b, r"distinct words so far")
        first = self.wait_growing(tid, "sentences", slot_b, 0)
        self.wait_growing(tid, "sentences", slot_b, first)
        self.wait_growing(tid, "count", slot_b, 0)

        def executor_ports():
            with Client(self.nimbus.port) as client:
                return {e.port for e in client.getTopologyInfo(tid).executors}
        wait_for(lambda: executor_ports() == {slot_b}, HANG_BOUND_S,
                 "every executor of %s on %s's port %d (the dead worker's heartbeat gone)" % (tid, b.name, slot_b))

        # the dead host comes back: the topology stays where it is
        a.start()
        a.wait_for_log(r"supervisor \S+ started", timeout=HANG_BOUND_S)

        def a_record_after_rounds():  # a few monitor rounds (1 s each) after its restart
            record = supervisor_records(self.zk, self.root).get(a_id)
            return record if record and record["heartbeat_secs"] >= record["start_time_secs"] + 3 else None
        record = wait_for(a_record_after_rounds, HANG_BOUND_S, "%s back with a few heartbeats" % a.name)
        self.assertEqual(record.get("workers", []), [], "%s started a worker after it came back" % a.name)
        still = self.running_worker(tid, b_id)
        self.assertEqual((still["pid"], still["restarts"]), (moved["pid"], 0))
        self.wait_growing(tid, "sentences", slot_b, self.emitted(tid, "sentences", slot_b))
        wait_for(lambda: self.listed("moves", tid), HANG_BOUND_S, "`gust list` to show moves ACTIVE")

        with Client(self.nimbus.port) as client:
            client.killTopologyWithOpts("moves", ttypes.KillOptions(wait_secs=0))
        wait_for(lambda: not pid_alive(moved["pid"]), HANG_BOUND_S, "the worker on %s to stop" % b.name)
        self.assertTrue(b.alive())

    def test_a_worker_that_outlives_its_supervisor_keeps_its_topology(self):
        a, a_id, b, b_id, tid, worker, checkpoints = self.wordcount_on_the_first_of_two_supervisors("/faults-orphan")
        slot_a = worker["port"]
        a.kill9()  # the supervisor alone: its worker, in a process group of its own, runs on
        self.nimbus.wait_for_log(r"topology %s: supervisor %s is gone but its worker on port %d still heartbeats"
                                 % (re.escape(tid), re.escape(a_id), slot_a), timeout=HANG_BOUND_S)
        self.assertTrue(pid_alive(worker["pid"]))
        self.wait_growing(tid, "sentences", slot_a, self.emitted(tid, "sentences", slot_a))
        still = assignment(self.zk, tid, self.root)
        self.assertEqual((still["version"], still["workers"][0]["supervisor_id"]), (1, a_id))
        self.assertEqual(supervisor_records(self.zk, self.root)[b_id].get("workers", []), [],
                         "a second worker of %s started on %s beside the running one" % (tid, b.name))

        os.killpg(worker["pid"], signal.SIGKILL)  # now the host is dead: the topology moves
        moved = self.wait_moved(tid, a_id, b_id)
        self.wait_worker_log(b, tid, moved["port"], r"resumes from checkpoint \d+")
        self.wait_growing(tid, "sentences", moved["port"], 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
