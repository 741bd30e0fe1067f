"""`gust validate` as a user runs it: real `gust` subprocesses, a real Kafka
wire-protocol broker (`gust kafka-mock`, librdkafka's mock cluster on
127.0.0.1, or the broker `validate local` embeds), real topologies.

Checks: offline comparisons of files and directories (duplicates alone are
equivalent, a loss and a change are reported with their keys, --final with
--tolerance); local mode runs the native WordCount in acker mode and in
checkpoint mode killed with SIGKILL, and finds no loss; shadow mode runs a
topology beside a legacy stand-in (a script writing the legacy output
topic) and passes on equal outputs, and fails with the keys on a bolt that
drops 1 in 1,000 tuples (loss) and on one that alters values (change);
Ctrl-C leaves partial reports that say so; unusable inputs (a missing file,
an unreadable topic, mismatched schemas, an empty range, a topology without
a KafkaSpout) give exit status 2 and a sentence naming the problem.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_gust_kafka import BUILD, GUST, KafkaMock, produce, unique  # noqa: E402
from test_no_loss import KAFKA_OUT_BOLT, WORDCOUNT, kafka_components  # noqa: E402

RELAY = os.path.join(os.path.abspath(BUILD), "tests", "tools", "libvalidate_test_bolt.so")
HANG_BOUND_S = 300  # bounds a hang only


def validate(*args, **kwargs):
    return subprocess.run([GUST, "validate"] + list(args), capture_output=True, text=True,
                          timeout=HANG_BOUND_S, **kwargs)


def read(path):
    with open(path) as f:
        return f.read()


def write_lines(path, records):
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


def relay_flux(bootstrap, source, target, fault=None):
    """Kafka(source) -> relay (validate_test_bolt.c) -> KafkaBolt(target)."""
    return """
name: "relay"
%(components)s
config:
  topology.message.timeout.secs: 30
%(fault)s
spouts:
  - id: "records"
    className: "org.apache.storm.kafka.spout.KafkaSpout"
    constructorArgs: [ref: "spoutConfig"]
bolts:
  - id: "relay"
    className: "native:%(lib)s:relay_bolt"
    parallelism: 2
%(out)sstreams:
  - {from: "records", to: "relay", grouping: {type: SHUFFLE}}
  - {from: "relay", to: "out", grouping: {type: SHUFFLE}}
""" % dict(components=kafka_components(bootstrap, source, target, unique("legacy"), "key", "value"),
           fault='  test.validate.fault: "%s"' % fault if fault else "", lib=RELAY,
           out=KAFKA_OUT_BOLT)


def split_flux(bootstrap, source, target, group):
    """Kafka(source) -> the native WordCount's split bolt -> KafkaBolt(target),
    each word written as key and value; checkpoint mode by default."""
    return """
name: "split"
%(components)s
config:
  topology.gust.reliability: "checkpoint"
  topology.gust.checkpoint.interval.ms: 200
spouts:
  - id: "sentences"
    className: "org.apache.storm.kafka.spout.KafkaSpout"
    constructorArgs: [ref: "spoutConfig"]
    parallelism: 2
bolts:
  - id: "split"
    className: "native:%(lib)s:split_bolt_def"
    parallelism: 2
%(out)sstreams:
  - {from: "sentences", to: "split", grouping: {type: SHUFFLE}}
  - {from: "split", to: "out", grouping: {type: FIELDS, args: ["word"]}}
""" % dict(components=kafka_components(bootstrap, source, target, group, "word", "word"),
           lib=WORDCOUNT, out=KAFKA_OUT_BOLT)


class Offline(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.d = self.dir.name
        self.legacy = os.path.join(self.d, "legacy.jsonl")
        write_lines(self.legacy, [{"word": "w%d" % i, "count": i} for i in range(3000)])

    def tearDown(self):
        self.dir.cleanup()

    def test_equal_outputs_with_duplicates_are_equivalent(self):
        new = os.path.join(self.d, "new.jsonl")
        records = []
        for i in range(3000):
            records.append({"count": i, "word": "w%d" % i})  # other field order: same record
            if i % 10 == 0:
                records.append({"word": "w%d" % i, "count": i})
        write_lines(new, records)
        js, html = os.path.join(self.d, "r.json"), os.path.join(self.d, "r.html")
        r = validate("offline", self.legacy, new, "--key", "word", "--json", js, "--html", html)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("EQUIVALENT (duplicates only: equivalent under at-least-once)", r.stdout)
        report = json.loads(read(js))
        self.assertEqual(report["verdict"], "equivalent")
        self.assertFalse(report["partial"])
        self.assertEqual(report["sinks"][0]["counts"]["duplicate"], 300)
        self.assertEqual(report["sinks"][0]["counts"]["lost"], 0)
        page = read(html)
        self.assertIn("equivalent", page)
        for remote in ("http://", "https://", "<script", "<link"):
            self.assertNotIn(remote, page)  # self-contained: nothing fetched

    def test_loss_and_change_are_reported_with_their_keys(self):
        new = os.path.join(self.d, "new.jsonl")
        write_lines(new, [{"word": "w%d" % i, "count": i + (i == 1234)}
                          for i in range(3000) if i != 777])
        js = os.path.join(self.d, "r.json")
        r = validate("offline", self.legacy, new, "--key", "word", "--json", js)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("1 lost (keys w777)", r.stdout)
        self.assertIn("1 changed (keys w1234)", r.stdout)
        diffs = {(d["kind"], d["key"]): d for d in json.loads(read(js))["sinks"][0]["differences"]}
        self.assertEqual(diffs[("changed", "w1234")]["legacy"], '{"count":1234}')
        self.assertEqual(diffs[("changed", "w1234")]["new"], '{"count":1235}')
        self.assertIsNone(diffs[("lost", "w777")]["new"])

    def test_directories_and_final_values_with_tolerance(self):
        parts = os.path.join(self.d, "parts")
        os.mkdir(parts)
        # the last count per word, spread over two files, a little off
        write_lines(os.path.join(parts, "a.jsonl"), [{"word": "w%d" % i, "count": 0}
                                                     for i in range(3000)])
        write_lines(os.path.join(parts, "b.jsonl"), [{"word": "w%d" % i, "count": i + 0.25}
                                                     for i in range(3000)])
        args = ("offline", self.legacy, parts, "--key", "word", "--value", "count", "--final")
        r = validate(*args, "--tolerance", "0.5")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = validate(*args)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("3000 changed", r.stdout)

    def test_order_per_key_when_asked(self):
        new = os.path.join(self.d, "new.jsonl")
        write_lines(new, [{"word": "w1", "count": 2}, {"word": "w1", "count": 1}])
        old = os.path.join(self.d, "old.jsonl")
        write_lines(old, [{"word": "w1", "count": 1}, {"word": "w1", "count": 2}])
        self.assertEqual(validate("offline", old, new, "--key", "word").returncode, 0)
        r = validate("offline", old, new, "--key", "word", "--ordered")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("1 order (keys w1)", r.stdout)


class Unusable(unittest.TestCase):
    def test_bad_inputs_exit_2_with_a_sentence(self):
        with tempfile.TemporaryDirectory() as d:
            good = os.path.join(d, "good.jsonl")
            write_lines(good, [{"k": 1}])
            x, y = os.path.join(d, "x.csv"), os.path.join(d, "y.csv")
            with open(x, "w") as f:
                f.write("word,count\na,1\n")
            with open(y, "w") as f:
                f.write("word,total\na,1\n")
            empty = os.path.join(d, "empty.jsonl")
            open(empty, "w").close()
            notjson = os.path.join(d, "bad.jsonl")
            with open(notjson, "w") as f:
                f.write('{"k": 1}\nnot json\n')
            mock = KafkaMock(d, ["present:1"])
            try:
                produce(mock.bootstrap, "present", ["a", "b"])
                no_spout = os.path.join(d, "no-spout.yaml")
                with open(no_spout, "w") as f:
                    f.write(read(os.path.join(os.environ.get("GUST_SOURCE_DIR", "."),
                                              "examples", "native", "wordcount.yaml")))
                cases = [
                    (("offline", os.path.join(d, "missing.jsonl"), good), "does not exist"),
                    # nothing listens on port 9 of 127.0.0.1 (discard)
                    (("offline", good, "kafka://127.0.0.1:9/absent-topic"),
                     "cannot read topic 'absent-topic' at 127.0.0.1:9"),
                    (("offline", good, "kafka://%s/never-written" % mock.bootstrap),
                     "is empty: no record to compare"),
                    (("offline", x, y, "--key", "word"), "the schemas differ"),
                    (("offline", good, empty), "holds no records"),
                    (("offline", good, "kafka://%s/present?from=5" % mock.bootstrap),
                     "is empty: no record to compare"),
                    (("offline", good, good, "--key", "nofield"), "has the field 'nofield'"),
                    (("offline", notjson, good), "bad.jsonl:2 is not a JSON value"),
                    (("local", no_spout, "--input", good), "has no KafkaSpout"),
                ]
                for args, sentence in cases:
                    r = validate(*args)
                    self.assertEqual(r.returncode, 2, (args, r.stdout, r.stderr))
                    self.assertIn(sentence, r.stdout, args)
                    self.assertIn("verdict: unusable", r.stdout, args)
            finally:
                mock.close()


    def test_bad_numbers_are_refused_naming_option_and_value(self):
        for option, value in (("--kills", "-1"), ("--kills", "1000"), ("--tolerance", "nan"),
                              ("--settle", "-1"), ("--partitions", "0"), ("--show", "x")):
            r = validate("offline", "a", "b", "%s=%s" % (option, value))
            self.assertEqual(r.returncode, 2, (option, value, r.stderr))
            self.assertIn("%s '%s'" % (option, value), r.stderr)


class Local(unittest.TestCase):
    def test_checkpoint_runs_killed_lose_nothing_against_acker_mode(self):
        with tempfile.TemporaryDirectory() as d:
            flux = os.path.join(d, "wordcount.yaml")
            with open(flux, "w") as f:  # the production address: validate redirects it
                f.write(split_flux("kafka.example.invalid:9092", "sentences", "words",
                                   "production-group"))
            sentences = os.path.join(d, "sentences.jsonl")
            write_lines(sentences, ["rec%d the quick brown fox" % i for i in range(30000)])
            js = os.path.join(d, "local.json")
            r = validate("local", flux, "--input", sentences, "--kills", "2", "--seed", "11",
                         "--json", js)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr[-3000:])
            self.assertIn("seed 11", r.stderr)
            self.assertIn("killed with SIGKILL", r.stderr)
            report = json.loads(read(js))
            sink = report["sinks"][0]
            self.assertEqual(sink["sink"], "words")
            self.assertEqual(sink["counts"]["lost"], 0)
            self.assertEqual(sink["counts"]["changed"], 0)
            # five words per sentence; acker mode may replay a few (at-least-once too)
            self.assertGreaterEqual(sink["legacy_records"], 150000)
            self.assertEqual(sink["keys"], 30004)
            for line in r.stderr.splitlines():
                if "killed with SIGKILL" in line:
                    print(line, file=sys.stderr)
            print("local: " + sink["summary"], file=sys.stderr)

    def test_ctrl_c_leaves_a_partial_report(self):
        with tempfile.TemporaryDirectory() as d:
            flux = os.path.join(d, "wordcount.yaml")
            with open(flux, "w") as f:
                f.write(split_flux("kafka.example.invalid:9092", "sentences", "words", "g"))
            sentences = os.path.join(d, "sentences.jsonl")
            write_lines(sentences, ["rec%d the quick brown fox" % i for i in range(200000)])
            js, html = os.path.join(d, "p.json"), os.path.join(d, "p.html")
            err_path = os.path.join(d, "validate.err")
            with open(err_path, "w") as err:
                p = subprocess.Popen([GUST, "validate", "local", flux, "--input", sentences,
                                      "--json", js, "--html", html], stdout=subprocess.PIPE,
                                     stderr=err, text=True)
                deadline = time.time() + HANG_BOUND_S
                while time.time() < deadline and "output records" not in read(err_path):
                    time.sleep(0.2)
                p.send_signal(signal.SIGINT)
                out, _ = p.communicate(timeout=HANG_BOUND_S)
            self.assertEqual(p.returncode, 130, out + read(err_path)[-3000:])
            self.assertIn("verdict: PARTIAL", out)
            report = json.loads(read(js))
            self.assertTrue(report["partial"])
            self.assertIn("interrupted during the acker run", report["partial_reason"])
            self.assertIn("PARTIAL REPORT", read(html))


class Shadow(unittest.TestCase):
    N = 3000

    def shadow(self, fault):
        with tempfile.TemporaryDirectory() as d:
            source, target = unique("input"), unique("legacy-out")
            mock = KafkaMock(d, [source + ":2", target + ":2"])
            try:
                produce(mock.bootstrap, source, ["rec%d" % i for i in range(self.N)])
                # the legacy stand-in: what the legacy job wrote for that input
                produce(mock.bootstrap, target, ["rec%d\t%d" % (i, 2 * i) for i in range(self.N)])
                flux = os.path.join(d, "relay.yaml")
                with open(flux, "w") as f:
                    f.write(relay_flux(mock.bootstrap, source, target, fault))
                js = os.path.join(d, "shadow.json")
                r = validate("shadow", flux, "--shadow-suffix", ".gust", "--json", js)
                report = json.loads(read(js))
                # the legacy topic is untouched, the shadow one holds gust's output
                self.assertEqual(report["sinks"][0]["legacy_records"], self.N)
                return r, report["sinks"][0]
            finally:
                mock.close()

    def test_equal_outputs_pass(self):
        r, sink = self.shadow(None)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr[-3000:])
        self.assertIn(sink["verdict"], ("identical", "equivalent"))
        print("shadow, equal: " + sink["summary"], file=sys.stderr)

    def test_a_bolt_dropping_one_in_1000_fails_as_loss(self):
        r, sink = self.shadow("drop")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr[-3000:])
        self.assertEqual(sink["counts"]["lost"], 3)
        self.assertEqual(sink["counts"]["changed"], 0)
        lost = sorted(d["key"] for d in sink["differences"] if d["kind"] == "lost")
        self.assertEqual(lost, ["rec1999", "rec2999", "rec999"])
        self.assertIn("3 lost (keys rec1999, rec2999, rec999)", r.stdout)
        print("shadow, drop: " + sink["summary"], file=sys.stderr)

    def test_a_bolt_altering_values_fails_as_change(self):
        r, sink = self.shadow("alter")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr[-3000:])
        self.assertEqual(sink["counts"]["changed"], 6)
        self.assertEqual(sink["counts"]["lost"], 0)
        changed = {d["key"]: (d["legacy"], d["new"]) for d in sink["differences"]
                   if d["kind"] == "changed"}
        self.assertEqual(changed["rec500"], ("1000", "1001"))
        print("shadow, alter: " + sink["summary"], file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
