"""Kafka on the command line, as a user runs it: real subprocesses, a real
Kafka wire-protocol broker (`gust kafka-mock`, librdkafka's mock cluster on
127.0.0.1), Flux files in storm-kafka-client's shapes under `gust local`.

Checks: the embedded broker prints and writes its address and takes
control commands; a KafkaSpout configured through KafkaSpoutConfig$Builder
delivers every record to a sink; in acker mode a bolt that fails tuples
gets them replayed until acked and the group's committed offsets end past
every record; in checkpoint mode completed checkpoints ack and commit; a broker that goes away is reported (broker and topic named)
and nothing is lost when it comes back; first poll strategies; a KafkaBolt
writes every tuple to its topic; `gust local` starts the embedded broker
when a Flux file names "embedded".  Each test uses its own topic names.
"""
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest
import uuid
from run_summary import summary

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("GUST_BUILD_DIR", os.path.join(SOURCE, "build"))
GUST = os.path.join(BUILD, "tools", "gust")
HANG_BOUND_S = 120  # waits for a condition end earlier; this only bounds a hang
FLAKY = os.path.join(os.path.abspath(BUILD), "tests", "tools", "libkafka_test_bolt.so")


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


class KafkaMock:
    """`gust kafka-mock --control` in the background."""

    def __init__(self, workdir, topics=(), brokers=1):
        self.bootstrap_file = os.path.join(workdir, "bootstrap.txt")
        args = [GUST, "kafka-mock", "--control", "--brokers", str(brokers),
                "--bootstrap-file", self.bootstrap_file]
        for t in topics:
            args += ["--topic", t]
        self.stderr = open(os.path.join(workdir, "mock.err"), "w+")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True, bufsize=1)
        self.bootstrap = self.proc.stdout.readline().strip()

    def command(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.stderr.close()
        return code


def produce(bootstrap, topic, lines, partition=None):
    args = [GUST, "kafka-console", "produce", "-b", bootstrap, "-t", topic]
    if partition is not None:
        args += ["-p", str(partition)]
    r = subprocess.run(args, input="".join(l + "\n" for l in lines), capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def consume(bootstrap, topic, idle=1.5):
    r = subprocess.run([GUST, "kafka-console", "consume", "-b", bootstrap, "-t", topic,
                        "--idle", str(idle)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return [tuple(line.split("\t")) for line in r.stdout.splitlines()]


def committed(bootstrap, group, topic):
    r = subprocess.run([GUST, "kafka-console", "committed", "-b", bootstrap, "-t", topic,
                        "-g", group], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return {int(p): int(o) for p, o in (line.split("\t") for line in r.stdout.splitlines())}


def local_until(path, done, workdir):
    """Runs `gust local path` until done(stderr so far) holds (within the
    hang bound), then stops it with SIGINT as a user would; returns the
    CompletedProcess.  A run ends on what it did, not after a duration a
    busy machine may not meet."""
    err_path = os.path.join(workdir, "local-%s.err" % uuid.uuid4().hex[:8])
    with open(err_path, "w") as err:
        p = subprocess.Popen([GUST, "local", path, "--duration", "0"], stdout=subprocess.PIPE,
                             stderr=err, text=True)
        end = time.time() + HANG_BOUND_S
        try:
            while time.time() < end and p.poll() is None:
                with open(err_path) as f:
                    if done(f.read()):
                        break
                time.sleep(0.1)
        finally:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
            out, _ = p.communicate(timeout=HANG_BOUND_S)
    with open(err_path) as f:
        stderr = f.read()
    return subprocess.CompletedProcess(p.args, p.returncode, out, stderr)


def running(stderr):
    """The topology was started (its signal handling is in place)."""
    return "running topology" in stderr


def logged_values(stderr, source):
    """The last field of every tuple LogInfoBolt logged from `source`."""
    return re.findall(r'source: %s:\d+, stream: default, values: \[.*"([^"]*)"\]' % re.escape(source),
                      stderr)


def spout_flux(name, bootstrap, topic, group, sink, strategy="EARLIEST", extra_methods="",
               spout_parallelism=1, reliability="acker"):
    """Storm's flux-examples shape: a builder bean, a KafkaSpoutConfig built
    from it, the spout built from that."""
    return """
name: "%(name)s"
components:
  - id: "builder"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder"
    constructorArgs:
      - "%(bootstrap)s"
      - ["%(topic)s"]
    properties:
      - name: "firstPollOffsetStrategy"
        value: %(strategy)s
    configMethods:
      - name: "setProp"
        args:
          - {"key.deserializer": "org.apache.kafka.common.serialization.StringDeserializer",
             "value.deserializer": "org.apache.kafka.common.serialization.StringDeserializer",
             "reconnect.backoff.max.ms": 500}
      - name: "setProp"
        args: ["group.id", "%(group)s"]
      - name: "setOffsetCommitPeriodMs"
        args: [200]
%(extra_methods)s
  - id: "spoutConfig"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig"
    constructorArgs:
      - ref: "builder"
config:
  topology.gust.reliability: %(reliability)s
  topology.acker.executors: 1
  topology.message.timeout.secs: 10
spouts:
  - id: "kafka-spout"
    className: "org.apache.storm.kafka.spout.KafkaSpout"
    constructorArgs:
      - ref: "spoutConfig"
    parallelism: %(spout_parallelism)d
bolts:
  - id: "sink"
    className: "%(sink)s"
streams:
  - from: "kafka-spout"
    to: "sink"
    grouping: {type: SHUFFLE}
""" % locals()


class GustKafka(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.mock = None

    def tearDown(self):
        if self.mock:
            self.mock.close()
        self.dir.cleanup()

    def start_mock(self, *topics):
        self.mock = KafkaMock(self.dir.name, topics)
        self.assertRegex(self.mock.bootstrap, r"^127\.0\.0\.1:\d+$")
        return self.mock.bootstrap

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def local(self, path, done):
        return local_until(path, done, self.dir.name)

    def test_kafka_mock_prints_its_address_and_obeys_commands(self):
        bootstrap = self.start_mock(unique("pre") + ":3")
        with open(self.mock.bootstrap_file) as f:
            self.assertEqual(f.read().strip(), bootstrap)
        self.assertEqual(self.mock.command("topic %s:2" % unique("made")), "ok")
        self.assertEqual(self.mock.command("down all"), "ok")
        self.assertEqual(self.mock.command("up all"), "ok")
        self.assertIn("no broker 7", self.mock.command("down 7"))
        self.assertIn("unknown command", self.mock.command("frobnicate"))
        self.assertEqual(self.mock.close(), 0)
        self.mock = None
        self.assertFalse(os.path.exists(os.path.join(self.dir.name, "bootstrap.txt")))

    def test_spout_from_builder_shape_delivers_every_record_to_the_sink(self):
        topic = unique("words")
        bootstrap = self.start_mock(topic + ":3")
        values = ["v%d" % i for i in range(90)]
        produce(bootstrap, topic, ["k%d\t%s" % (i, v) for i, v in enumerate(values)])
        path = self.write("spout.yaml", spout_flux("kafka-sink", bootstrap, topic, unique("g"),
                                                   "org.apache.storm.flux.wrappers.bolts.LogInfoBolt",
                                                   spout_parallelism=2))
        r = self.local(path, lambda err: len(logged_values(err, "kafka-spout")) >= 90)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(logged_values(r.stderr, "kafka-spout")), sorted(values))
        rows = summary(r.stdout)
        self.assertEqual(rows["kafka-spout"]["emitted"], 90)
        self.assertEqual(rows["kafka-spout"]["acked"], 90)
        self.assertRegex(r.stderr, r'values: \["%s", \d, \d+, "k\d+", "v\d+"\]' % topic)

    def test_acker_mode_replays_failed_records_and_commits_past_every_one(self):
        topic, group = unique("flaky"), unique("g")
        bootstrap = self.start_mock(topic + ":2")
        produce(bootstrap, topic, ["v%d" % i for i in range(30)])
        path = self.write("flaky.yaml", spout_flux("kafka-flaky", bootstrap, topic, group,
                                                   "native:%s:flaky_bolt" % FLAKY))
        r = self.local(path, lambda err: len(re.findall(r"^flaky: acked ", err, re.M)) >= 30)
        self.assertEqual(r.returncode, 0, r.stderr)
        acked = re.findall(r"^flaky: acked (v\d+)$", r.stderr, re.M)
        failed = re.findall(r"^flaky: failed (v\d+)$", r.stderr, re.M)
        self.assertEqual(sorted(set(acked)), sorted("v%d" % i for i in range(30)))
        self.assertEqual(len(acked), 30)  # acked once each
        self.assertEqual(sorted(failed), sorted("v%d" % i for i in range(0, 30, 3)))
        rows = summary(r.stdout)
        self.assertEqual(rows["kafka-spout"]["failed"], 10)
        self.assertEqual(rows["kafka-spout"]["acked"], 30)
        self.assertEqual(rows["kafka-spout"]["emitted"], 40)
        self.assertEqual(sum(max(o, 0) for o in committed(bootstrap, group, topic).values()), 30)

    def test_broker_outage_is_reported_and_nothing_is_lost(self):
        topic, group = unique("outage"), unique("g")
        bootstrap = self.start_mock(topic + ":1")
        path = self.write("outage.yaml", spout_flux(
            "kafka-outage", bootstrap, topic, group,
            "org.apache.storm.flux.wrappers.bolts.LogInfoBolt"))
        err_path = os.path.join(self.dir.name, "local.err")
        with open(err_path, "w") as err:
            p = subprocess.Popen([GUST, "local", path, "--duration", "0"], stdout=subprocess.PIPE,
                                 stderr=err, text=True)
            try:
                produce(bootstrap, topic, ["v%d" % i for i in range(10)])
                self.wait_committed(bootstrap, group, topic, 10)
                self.assertEqual(self.mock.command("down all"), "ok")
                end = time.time() + HANG_BOUND_S
                during = ""
                while time.time() < end and not ("Connection refused" in during and
                                                 "reading topic %s" % topic in during):
                    time.sleep(0.2)
                    with open(err_path) as f:
                        during = f.read()
                self.assertRegex(during, r"kafka-spout:\d+ .*reading topic %s at %s: "
                                 r"Kafka error" % (topic, re.escape(bootstrap)))
                self.assertIn("Connection refused", during)
                self.assertIsNone(p.poll())  # still running
                self.assertEqual(self.mock.command("up all"), "ok")
                produce(bootstrap, topic, ["v%d" % i for i in range(10, 20)])
                self.wait_committed(bootstrap, group, topic, 20)
            finally:
                p.send_signal(signal.SIGINT)
                out, _ = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0)
        with open(err_path) as f:
            log = f.read()
        self.assertIn("receiving records again", log)
        self.assertEqual(sorted(set(logged_values(log, "kafka-spout"))),
                         sorted("v%d" % i for i in range(20)))
        self.assertEqual(summary(out)["kafka-spout"]["acked"], summary(out)["kafka-spout"]["emitted"])

    def test_checkpoint_mode_delivers_every_record_and_commits_with_checkpoints(self):
        topic, group = unique("ckpt"), unique("g")
        bootstrap = self.start_mock(topic + ":2")
        produce(bootstrap, topic, ["k%d\tv%d" % (i, i) for i in range(50)])
        flux = spout_flux("kafka-checkpoint", bootstrap, topic, group,
                          "org.apache.storm.flux.wrappers.bolts.LogInfoBolt", reliability="checkpoint")
        flux = flux.replace("topology.acker.executors: 1", "topology.gust.checkpoint.interval.ms: 300")
        r = self.local(self.write("checkpoint.yaml", flux),
                       lambda err: len(set(logged_values(err, "kafka-spout"))) >= 50)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(set(logged_values(r.stderr, "kafka-spout"))),
                         sorted("v%d" % i for i in range(50)))
        rows = summary(r.stdout)
        self.assertEqual(rows["kafka-spout"]["acked"], 50)  # acked by completed checkpoints
        self.assertEqual(sum(max(o, 0) for o in committed(bootstrap, group, topic).values()), 50)

    def wait_committed(self, bootstrap, group, topic, total, timeout=HANG_BOUND_S):
        end = time.time() + timeout
        while time.time() < end:
            if sum(max(o, 0) for o in committed(bootstrap, group, topic).values()) >= total:
                return
            time.sleep(0.3)
        self.fail("the group never committed %d offsets of %s" % (total, topic))

    def test_first_poll_strategies(self):
        topic, group = unique("strategies"), unique("g")
        bootstrap = self.start_mock(topic + ":2")
        produce(bootstrap, topic, ["v%d" % i for i in range(6)])

        def emitted(strategy, expect):
            path = self.write("s.yaml", spout_flux("kafka-strategy", bootstrap, topic, group,
                                                   "org.apache.storm.flux.wrappers.bolts.LogInfoBolt",
                                                   strategy=strategy))
            # until the expected records came, or (none expected) the spout read its
            # partitions' positions; more could come later: a busy machine gives fewer
            started = []

            def done(err):
                if len(logged_values(err, "kafka-spout")) < expect or not running(err):
                    return False
                started.append(time.time())
                return time.time() - started[0] >= 1.0

            r = self.local(path, done)
            self.assertEqual(r.returncode, 0, r.stderr)
            return summary(r.stdout)["kafka-spout"]["emitted"]

        self.assertEqual(emitted("UNCOMMITTED_EARLIEST", 6), 6)  # no commits yet: the beginning
        produce(bootstrap, topic, ["v%d" % i for i in range(6, 10)])
        self.assertEqual(emitted("UNCOMMITTED_EARLIEST", 4), 4)  # from the commits
        self.assertEqual(emitted("EARLIEST", 10), 10)             # commits ignored
        self.assertEqual(emitted("LATEST", 0), 0)

    def test_kafka_bolt_writes_every_tuple_to_its_topic(self):
        source, target = unique("in"), unique("out")
        bootstrap = self.start_mock(source + ":2", target + ":1")
        produce(bootstrap, source, ["k%d\tv%d" % (i, i) for i in range(25)])
        flux = spout_flux("kafka-bolt", bootstrap, source, unique("g"),
                          "org.apache.storm.kafka.bolt.KafkaBolt")
        flux = flux.replace('''config:''', '''  - id: "producerProps"
    className: "java.util.Properties"
    configMethods:
      - name: "put"
        args: ["bootstrap.servers", "%s"]
      - name: "put"
        args: ["acks", "all"]
  - id: "selector"
    className: "org.apache.storm.kafka.bolt.selector.DefaultTopicSelector"
    constructorArgs: ["%s"]
  - id: "mapper"
    className: "org.apache.storm.kafka.bolt.mapper.FieldNameBasedTupleToKafkaMapper"
    constructorArgs: ["key", "value"]
config:''' % (bootstrap, target))
        flux = flux.replace('''    className: "org.apache.storm.kafka.bolt.KafkaBolt"''',
                            '''    className: "org.apache.storm.kafka.bolt.KafkaBolt"
    configMethods:
      - name: "withProducerProperties"
        args: [ref: "producerProps"]
      - name: "withTopicSelector"
        args: [ref: "selector"]
      - name: "withTupleToKafkaMapper"
        args: [ref: "mapper"]''')
        r = self.local(self.write("bolt.yaml", flux),
                       lambda err: running(err) and len(consume(bootstrap, target, 0.5)) >= 25)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = summary(r.stdout)
        self.assertEqual(rows["sink"]["acked"], 25)  # after the delivery reports
        self.assertEqual(rows["sink"]["failed"], 0)
        self.assertEqual(rows["kafka-spout"]["acked"], 25)
        written = consume(bootstrap, target)
        self.assertEqual(sorted((k, v) for _, _, k, v in written),
                         sorted(("k%d" % i, "v%d" % i) for i in range(25)))

    def test_local_starts_the_embedded_broker_when_named(self):
        flux = """
name: "kafka-embedded"
components:
  - id: "builder"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder"
    constructorArgs: ["embedded", "words"]
    configMethods:
      - {name: setFirstPollOffsetStrategy, args: [EARLIEST]}
  - id: "spoutConfig"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig"
    constructorArgs: [ref: "builder"]
  - id: "mapper"
    className: "org.apache.storm.kafka.bolt.mapper.FieldNameBasedTupleToKafkaMapper"
    constructorArgs: ["word", "word"]
config:
  topology.gust.reliability: acker
spouts:
  - id: "words"
    className: "org.apache.storm.testing.TestWordSpout"
  - id: "kafka-spout"
    className: "org.apache.storm.kafka.spout.KafkaSpout"
    constructorArgs: [ref: "spoutConfig"]
bolts:
  - id: "to-kafka"
    className: "org.apache.storm.kafka.bolt.KafkaBolt"
    configMethods:
      - {name: withTopicSelector, args: ["words"]}
      - {name: withTupleToKafkaMapper, args: [ref: "mapper"]}
      - {name: withProducerProperties, args: [{"bootstrap.servers": "embedded"}]}
  - id: "log"
    className: "org.apache.storm.flux.wrappers.bolts.LogInfoBolt"
streams:
  - {from: "words", to: "to-kafka", grouping: {type: SHUFFLE}}
  - {from: "kafka-spout", to: "log", grouping: {type: SHUFFLE}}
"""
        r = self.local(self.write("embedded.yaml", flux),
                       lambda err: len(logged_values(err, "kafka-spout")) > 3)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"embedded Kafka broker at 127\.0\.0\.1:\d+")
        words = logged_values(r.stderr, "kafka-spout")
        self.assertGreater(len(words), 3)
        self.assertTrue(set(words) <= {"nathan", "mike", "jackson", "golda", "bertels"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
