"""A record a bolt still holds when checkpoints complete is not lost by a
restore (checkpoint reliability, at-least-once).

Kafka spout -> Python bolt (tests/compat/multilang/proto_bolt.py, mode
"hold": its first process never answers the record "v3") -> LogInfoBolt.
While the bolt holds v3, several checkpoints complete (they ack the other
records); then the job goes down:
  - kill -9 of `gust local`, and a new run resumes from the checkpoint
    directory;
  - a task fails (crash_once_bolt in tests/tools/kafka_test_bolt.c) and
    the runtime restarts the job from its latest checkpoint.
Either way v3 is read again and processed by the bolt's new process, and
every record is processed at least once.  And a clean stop is a savepoint:
the next run reads only the records written after it, none again.

Real parts only: `gust kafka-mock` (librdkafka's mock cluster on
127.0.0.1), `gust local` processes, Python children.  Waits are for
conditions; the deadlines only bound a hang.
"""
import glob
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_gust_kafka import FLAKY, GUST, KafkaMock, logged_values, produce, unique  # noqa: E402

SOURCE = os.environ.get("GUST_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
PROTO_BOLT = os.path.abspath(os.path.join(SOURCE, "tests", "compat", "multilang", "proto_bolt.py"))
HANG_BOUND_S = 120


def held_flux(bootstrap, topic, group, marker, crash_file, hold="v3", work_s=0, timeout_s=600):
    return """
name: "held-restore"
components:
  - id: "translator"
    className: "org.apache.storm.kafka.spout.OnlyValueRecordTranslator"
  - id: "builder"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder"
    constructorArgs: ["%(bootstrap)s", ["%(topic)s"]]
    configMethods:
      - name: "setProp"
        args: ["group.id", "%(group)s"]
      - name: "setFirstPollOffsetStrategy"
        args: [EARLIEST]
      - name: "setRecordTranslator"
        args: [ref: "translator"]
  - id: "spoutConfig"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig"
    constructorArgs: [ref: "builder"]
config:
  topology.gust.reliability: "checkpoint"
  topology.gust.checkpoint.interval.ms: 100
  topology.message.timeout.secs: %(timeout_s)d
  test.mode: "hold"
  test.hold: "%(hold)s"
  test.work_s: %(work_s)s
  test.marker: "%(marker)s"
  test.crash_file: "%(crash_file)s"
spouts:
  - id: "kafka-spout"
    className: "org.apache.storm.kafka.spout.KafkaSpout"
    constructorArgs: [ref: "spoutConfig"]
bolts:
  - id: "ml"
    className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"
    constructorArgs:
      - ["python3", "%(bolt)s"]
      - ["n"]
  - id: "log"
    className: "org.apache.storm.flux.wrappers.bolts.LogInfoBolt"
  - id: "crash"
    className: "native:%(lib)s:crash_once_bolt"
streams:
  - {from: "kafka-spout", to: "ml", grouping: {type: SHUFFLE}}
  - {from: "ml", to: "log", grouping: {type: SHUFFLE}}
  - {from: "kafka-spout", to: "crash", grouping: {type: SHUFFLE}}
""" % dict(bootstrap=bootstrap, topic=topic, group=group, marker=marker, crash_file=crash_file,
           hold=hold, work_s=work_s, timeout_s=timeout_s, bolt=PROTO_BOLT, lib=FLAKY)


def wait_for(condition, what):
    deadline = time.time() + HANG_BOUND_S
    while not condition():
        if time.time() > deadline:
            raise AssertionError("gave up waiting for " + what)
        time.sleep(0.05)


def newest_checkpoint(ckpt):
    ids = [int(m.split("chk-")[1].split(os.sep)[0])
           for m in glob.glob(os.path.join(ckpt, "chk-*", "_metadata"))]
    return max(ids, default=0)


class HeldRestore(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.topic = unique("held")
        self.mock = KafkaMock(self.dir.name, [self.topic + ":1"])
        self.bootstrap = self.mock.bootstrap
        self.marker = os.path.join(self.dir.name, "held-marker")
        self.crash_file = os.path.join(self.dir.name, "crash")
        self.ckpt = os.path.join(self.dir.name, "checkpoints")
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)
        self.mock.close()
        self.dir.cleanup()

    def flux(self, hold="v3", work_s=0, timeout_s=600):
        path = os.path.join(self.dir.name, "held.yaml")
        with open(path, "w") as f:
            f.write(held_flux(self.bootstrap, self.topic, unique("group"), self.marker,
                              self.crash_file, hold, work_s, timeout_s))
        return path

    def start(self, flux, name):
        err = os.path.join(self.dir.name, name + ".err")
        with open(err, "w") as f:
            p = subprocess.Popen([GUST, "local", flux, "--duration", "0", "--checkpoint-dir",
                                  self.ckpt], stdout=subprocess.DEVNULL, stderr=f)
        self.procs.append(p)
        return p, err

    @staticmethod
    def logged(err):
        with open(err) as f:
            return logged_values(f.read(), "ml")

    def stop(self, p, err):
        p.send_signal(signal.SIGINT)
        p.wait(timeout=HANG_BOUND_S)
        with open(err) as f:
            text = f.read()
        self.assertEqual(p.returncode, 0, text[-3000:])
        return text

    def hold_across_checkpoints(self, err, records):
        """Waits until the bolt holds v3, every other record went through,
        and three more checkpoints completed after that."""
        others = {"v%d" % i for i in range(records)} - {"v3"}
        wait_for(lambda: os.path.exists(self.marker) and others <= set(self.logged(err)),
                 "the bolt to hold v3 and pass the rest")
        first = newest_checkpoint(self.ckpt)
        wait_for(lambda: newest_checkpoint(self.ckpt) >= first + 3,
                 "three checkpoints while v3 is held")
        self.assertNotIn("v3", self.logged(err))

    def test_a_held_record_is_replayed_after_kill_9(self):
        produce(self.bootstrap, self.topic, ["v%d" % i for i in range(10)])
        flux = self.flux()
        p, err1 = self.start(flux, "run1")
        self.hold_across_checkpoints(err1, 10)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)

        p, err2 = self.start(flux, "run2")
        wait_for(lambda: "v3" in self.logged(err2), "v3 processed after the restore")
        text = self.stop(p, err2)
        self.assertIn("resuming 1 partition(s) from a checkpoint", text)
        processed = set(self.logged(err1)) | set(self.logged(err2))
        self.assertEqual(processed, {"v%d" % i for i in range(10)})

    def test_a_held_record_is_replayed_after_a_task_fails(self):
        produce(self.bootstrap, self.topic, ["v%d" % i for i in range(10)])
        p, err = self.start(self.flux(), "run")
        self.hold_across_checkpoints(err, 10)
        open(self.crash_file, "w").close()
        produce(self.bootstrap, self.topic, ["v10"])  # the crash bolt fails its task on it
        wait_for(lambda: "v3" in self.logged(err) and "v10" in self.logged(err),
                 "v3 and v10 processed after the restart")
        text = self.stop(p, err)
        self.assertIn("crash_once_bolt", text)
        self.assertIn("resumes from checkpoint", text)
        self.assertEqual(set(self.logged(err)), {"v%d" % i for i in range(11)})

    def test_a_record_held_at_a_stop_fails_and_the_next_run_replays_it(self):
        """A bolt that never answers a record makes the stop wait for it
        until topology.message.timeout.secs (2 here), then it fails; the
        final checkpoint keeps it unacked, so the next run reads it again."""
        produce(self.bootstrap, self.topic, ["v%d" % i for i in range(10)])
        flux = self.flux(timeout_s=2)
        p, err1 = self.start(flux, "run1")
        others = {"v%d" % i for i in range(10)} - {"v3"}
        wait_for(lambda: os.path.exists(self.marker) and others <= set(self.logged(err1)),
                 "the bolt to hold v3 and pass the rest")
        self.stop(p, err1)
        p, err2 = self.start(flux, "run2")
        wait_for(lambda: "v3" in self.logged(err2), "v3 processed by the next run")
        self.stop(p, err2)

    def test_a_clean_stop_is_a_savepoint_that_repeats_nothing(self):
        """The stop comes while the bolt (0.2 s a record) still works on
        most of the first ten: the drain settles them, then the final
        checkpoint is taken with nothing in flight."""
        produce(self.bootstrap, self.topic, ["v%d" % i for i in range(10)])
        flux = self.flux(hold="none", work_s=0.2)
        p, err1 = self.start(flux, "run1")
        first = {"v%d" % i for i in range(10)}
        wait_for(lambda: "v0" in self.logged(err1), "the first record")
        self.stop(p, err1)
        self.assertEqual(sorted(self.logged(err1)), sorted(first))  # the drain lost nothing

        produce(self.bootstrap, self.topic, ["v%d" % i for i in range(10, 15)])
        p, err2 = self.start(flux, "run2")
        later = ["v%d" % i for i in range(10, 15)]
        # one partition, one bolt task: a repeat of v0..v9 would come before v14
        wait_for(lambda: "v14" in self.logged(err2), "the five later records")
        self.stop(p, err2)
        self.assertEqual(self.logged(err2), later)


if __name__ == "__main__":
    unittest.main(verbosity=2)
