"""A user's Java CustomStreamGrouping routes tuples, whoever emits them.

The grouping (gust.tests.CustomGroupingTopology$FirstChar, in the test jar)
sends a word by its first letter: a..m to the first target task, n..z to
the second, x to both, q to none; t makes chooseTasks throw and w makes it
return task 9999, which is not a target.  It runs in the JVM host, one
instance per emitting task:

  - behind a Java spout, wired with TopologyBuilder.customGrouping and run
    with `gust jar --local`, in both reliability modes;
  - behind a multilang (Python) spout, from a Flux file's CUSTOM grouping
    with a customClass built in the JVM (`gust local FILE --jar JAR`), with
    no Java component at all; the same file without --jar is refused,
    naming the class and the subscription;
  - behind a Python spout, with `gust jar --local` and with `gust local
    FILE --jar JAR`, when the grouping exits its JVM once: the JVM is
    started again, the grouping opens again there and the topology goes on.

Each receiving task says what it got: every word reached exactly the tasks
the grouping chose; words it could not route were failed (reported with the
component, stream and Java stack trace) and every other one acked.  Timing
never decides a result: the checks compare what the spout emitted with what
was received, acked and failed, whatever the run managed.
"""
import os
import re
import subprocess
import tempfile
import unittest
from run_summary import summary

SOURCE = os.path.abspath(os.environ.get(
    "GUST_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
BUILD = os.path.abspath(os.environ.get("GUST_BUILD_DIR", os.path.join(SOURCE, "build")))
GUST = os.path.join(BUILD, "tools", "gust")
TESTS_JAR = os.path.join(BUILD, "tests", "java", "gust-java-tests.jar")
RESOURCES = os.path.join(SOURCE, "examples", "flux", "shell", "resources")
GROUPING = "gust.tests.CustomGroupingTopology$FirstChar"

# argv[2] words "a0", "b1", ... each its own message id, a pause of argv[3]
# seconds after each (if given); which were acked and which failed go to
# the file argv[1]
SPOUT = """import sys, time
sys.path.insert(0, %r)
import multilang
record = open(sys.argv[1], "a", buffering=1)
n = [0]
def next_tuple():
    if n[0] < int(sys.argv[2]):
        word = chr(ord("a") + n[0] %% 26) + str(n[0])
        multilang.emit([word], id=word)
        n[0] += 1
        if len(sys.argv) > 3:
            time.sleep(float(sys.argv[3]))
multilang.run_spout(next_tuple, ack=lambda i: record.write("acked %%s\\n" %% i),
                    fail=lambda i: record.write("failed %%s\\n" %% i))
""" % RESOURCES
# "TASK WORD" for each word received, to the file argv[1]
SINK = """import sys
sys.path.insert(0, %r)
import multilang
out = open(sys.argv[1], "a", buffering=1)
multilang.run_bolt(lambda t: out.write("%%s %%s\\n" %% (multilang.context["taskid"], t.values[0])))
""" % RESOURCES
# emits each word it receives again, anchored to it (then acked: run_bolt's defaults)
RELAY = """import sys
sys.path.insert(0, %r)
import multilang
multilang.run_bolt(lambda t: multilang.emit([t.values[0]]))
""" % RESOURCES
# the two Python sink tasks, and the custom-grouped stream to them from
# source (the grouping's class and constructorArgs filled in later)
SINK_BOLT = """  - id: "sink"
    className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"
    constructorArgs:
      - ["python3", "%(sink)s", "%(received)s"]
      - []
    parallelism: 2
"""


def custom_stream(source):
    return """  - from: "%s"
    to: "sink"
    grouping:
      type: CUSTOM
      customClass:
        className: "%%(grouping)s"
        constructorArgs: %%(args)s
""" % source


FLUX = """name: "custom-grouping-flux"
config:
  topology.gust.reliability: "acker"
  topology.max.spout.pending: 50
spouts:
  - id: "words"
    className: "org.apache.storm.flux.wrappers.spouts.FluxShellSpout"
    constructorArgs:
      - ["python3", "%(spout)s", "%(record)s", "%(n)d", "%(pause)s"]
      - ["word"]
bolts:
""" + SINK_BOLT + "streams:\n" + custom_stream("words")

# the Python spout, then a Python relay bolt whose stream the custom grouping routes
RELAY_FLUX = """name: "custom-grouping-relay-flux"
config:
  topology.gust.reliability: "%(reliability)s"
  topology.max.spout.pending: 100
spouts:
  - id: "words"
    className: "org.apache.storm.flux.wrappers.spouts.FluxShellSpout"
    constructorArgs:
      - ["python3", "%(spout)s", "%(record)s", "%(n)d"]
      - ["word"]
bolts:
  - id: "relay"
    className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"
    constructorArgs:
      - ["python3", "%(relay)s"]
      - ["word"]
""" + SINK_BOLT + """streams:
  - from: "words"
    to: "relay"
    grouping:
      type: SHUFFLE
""" + custom_stream("relay")

# the Java RecordingSpout (120 words), from the tests jar, and the Python sink
JAVA_SPOUT_FLUX = """name: "custom-grouping-java-flux"
config:
  topology.gust.reliability: "acker"
  topology.max.spout.pending: 50
spouts:
  - id: "words"
    className: "gust.tests.RecordingSpout"
    factory: "words"
    factoryArgs: [120]
bolts:
""" + SINK_BOLT + "streams:\n" + custom_stream("words")
FIRST_CHAR_ARGS = '["x", "q", "t", "w"]'


def run(*args, timeout=300):
    return subprocess.run([GUST, *args], capture_output=True, text=True, timeout=timeout)


def words(n):
    return ["%s%d" % (chr(ord("a") + i % 26), i) for i in range(n)]


def expected(emitted, first, second):
    """Where FirstChar sends each word: task -> words, and the unroutable."""
    got = {first: set(), second: set()}
    for w in emitted:
        c = w[0]
        if c == "x":
            got[first].add(w)
            got[second].add(w)
        elif c in "qtw":
            continue
        else:
            got[first if c <= "m" else second].add(w)
    return got, {w for w in emitted if w[0] in "tw"}


def read_records(paths):
    """What the Python spout settled (acked/failed -> words) and the sink got (task -> words)."""
    settled, got = {}, {}
    if os.path.exists(paths["record"]):
        with open(paths["record"]) as f:
            for line in f:
                what, w = line.split()
                settled.setdefault(what, set()).add(w)
    if os.path.exists(paths["received"]):
        with open(paths["received"]) as f:
            for line in f:
                task, w = line.split()
                got.setdefault(int(task), set()).add(w)
    return settled, got


class CustomGroupingTest(unittest.TestCase):
    def check_errors_reported(self, stderr, spout):
        # chooseTasks throwing: the component, task, stream, class and the Java stack trace
        self.assertRegex(stderr, r"%s \(task \d+\): custom grouping %s of stream 'default' "
                                 r"\(to 'sink'\): chooseTasks threw java.lang.IllegalStateException: "
                                 r"no route for t19\n\s+at gust.tests.CustomGroupingTopology\$FirstChar"
                                 r".chooseTasks" % (spout, re.escape(GROUPING)))
        self.assertRegex(stderr, r"chooseTasks returned task 9999 for \[w22\], which is not one of "
                                 r"the target tasks \[\d+, \d+\]")

    def check_java_spout(self, reliability, relay=False):
        r = run("jar", "--local", TESTS_JAR, "gust.tests.CustomGroupingTopology", "300", reliability,
                *(["relay"] if relay else []), "--local-ttl", "5")
        emitter = "relay" if relay else "words"
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        m = re.search(r"(?m)^grouping prepared for " + emitter + r":default fields \[word\] targets \[(\d+), (\d+)\]$",
                      r.stdout)
        self.assertIsNotNone(m, r.stdout)
        first, second = int(m.group(1)), int(m.group(2))
        # a Java emitter asks its grouping in the emit itself, as Storm does: no round trip to
        # gust and back per tuple
        self.assertIn("grouping asked within an emit", r.stdout)
        self.assertNotIn("grouping asked outside an emit", r.stdout)
        n = int(re.search(r"(?m)^words emitted (\d+)$", r.stdout).group(1))
        self.assertGreater(n, 30)
        emitted = words(n)
        received = {int(t): set(filter(None, ws.split(", ")))
                    for t, ws in re.findall(r"(?m)^task (\d+) received \[(.*)\]$", r.stdout)}
        want, unroutable = expected(emitted, first, second)
        self.assertEqual(received, want)
        acked = set(filter(None, re.search(r"(?m)^words acked \[(.*)\]$", r.stdout).group(1).split(", ")))
        failed = set(filter(None, re.search(r"(?m)^words failed \[(.*)\]$", r.stdout).group(1).split(", ")))
        self.assertEqual(failed, unroutable)
        self.assertEqual(acked, set(emitted) - unroutable)  # q: routed nowhere, acked as Storm does
        rows = summary(r.stdout)
        self.assertEqual(rows[emitter]["errors"], len(unroutable))
        self.assertEqual(rows["sink"]["executed"], len(want[first]) + len(want[second]))
        self.check_errors_reported(r.stderr, emitter)

    def check_grouping_that_cannot_be_built(self, reliability):
        r = run("jar", "--local", TESTS_JAR, "gust.tests.CustomGroupingTopology", "60", reliability,
                "broken-prepare", "--local-ttl", "4")
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        # reported once per emitting task, when the task opens: the class, the stream and the trace
        reports = re.findall(r"words \(task \d+\): custom grouping %s\$BrokenPrepare of stream "
                             r"'default' \(to 'sink'\): it could not be built or prepared: "
                             r"java.lang.IllegalStateException: this grouping never prepares\n\s+at "
                             r"gust.tests.CustomGroupingTopology\$BrokenPrepare.prepare"
                             % re.escape("gust.tests.CustomGroupingTopology"), r.stderr)
        self.assertEqual(len(reports), 1, r.stderr[-3000:])
        # every tuple of the stream fails, the spout is told, and the topology goes on
        n = int(re.search(r"(?m)^words emitted (\d+)$", r.stdout).group(1))
        self.assertEqual(n, 60)
        failed = set(filter(None, re.search(r"(?m)^words failed \[(.*)\]$", r.stdout).group(1).split(", ")))
        acked = set(filter(None, re.search(r"(?m)^words acked \[(.*)\]$", r.stdout).group(1).split(", ")))
        self.assertEqual(failed, set(words(n)))
        self.assertEqual(acked, set())
        rows = summary(r.stdout)
        self.assertEqual(rows["sink"]["executed"], 0)
        self.assertEqual(rows["words"]["errors"], 1)

    def test_a_java_spouts_grouping_that_cannot_be_built_fails_its_tuples_in_acker_mode(self):
        self.check_grouping_that_cannot_be_built("acker")

    def test_a_java_spouts_grouping_that_cannot_be_built_fails_its_tuples_in_checkpoint_mode(self):
        self.check_grouping_that_cannot_be_built("checkpoint")

    def test_java_spout_with_custom_grouping_in_acker_mode(self):
        self.check_java_spout("acker")

    def test_java_spout_with_custom_grouping_in_checkpoint_mode(self):
        self.check_java_spout("checkpoint")

    def test_java_bolt_with_custom_grouping_in_acker_mode(self):
        self.check_java_spout("acker", relay=True)

    def test_java_bolt_with_custom_grouping_in_checkpoint_mode(self):
        self.check_java_spout("checkpoint", relay=True)

    def test_java_spout_routed_by_a_flux_custom_grouping(self):
        # the grouping built from the Flux definition in the Java spout's own task, asked in its emit
        with tempfile.TemporaryDirectory() as tmp:
            sink, received = os.path.join(tmp, "sink"), os.path.join(tmp, "received")
            with open(sink, "w") as f:
                f.write(SINK)
            flux = os.path.join(tmp, "topology.yaml")
            with open(flux, "w") as f:
                f.write(JAVA_SPOUT_FLUX % dict(sink=sink, received=received, grouping=GROUPING,
                                               args=FIRST_CHAR_ARGS))
            r = run("local", flux, "--duration", "5", "--jar", TESTS_JAR)
            _, got = read_records({"record": os.path.join(tmp, "none"), "received": received})
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        out = r.stdout + r.stderr
        self.assertIn("grouping asked within an emit", out)
        self.assertNotIn("grouping asked outside an emit", out)
        emitted = words(120)
        first, second = sorted(got)
        want, unroutable = expected(emitted, first, second)
        self.assertEqual(got, want)
        acked = set(filter(None, re.search(r"(?m)words acked \[(.*)\]$", out).group(1).split(", ")))
        failed = set(filter(None, re.search(r"(?m)words failed \[(.*)\]$", out).group(1).split(", ")))
        self.assertEqual(failed, unroutable)
        self.assertEqual(acked, set(emitted) - unroutable)
        self.check_errors_reported(r.stderr, "words")

    def check_multilang_bolt(self, reliability):
        # a Python bolt's emits: their choices asked a batch at a time, each applied to its emit
        n = 400
        with tempfile.TemporaryDirectory() as tmp:
            paths = {k: os.path.join(tmp, k) for k in ("spout", "relay", "sink", "record", "received")}
            for k, text in (("spout", SPOUT), ("relay", RELAY), ("sink", SINK)):
                with open(paths[k], "w") as f:
                    f.write(text)
            flux = os.path.join(tmp, "topology.yaml")
            with open(flux, "w") as f:
                f.write(RELAY_FLUX % dict(paths, n=n, reliability=reliability, grouping=GROUPING,
                                          args=FIRST_CHAR_ARGS))
            r = run("local", flux, "--duration", "6", "--jar", TESTS_JAR)
            settled, got = read_records(paths)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        emitted = words(n)
        first, second = sorted(got)
        want, unroutable = expected(emitted, first, second)
        self.assertEqual(got, want)
        self.assertEqual(settled.get("failed"), unroutable)
        self.assertEqual(settled.get("acked"), set(emitted) - unroutable)
        self.assertEqual(summary(r.stdout)["relay"]["errors"], len(unroutable))
        self.check_errors_reported(r.stderr, "relay")

    def test_multilang_bolt_routed_by_a_custom_grouping_in_acker_mode(self):
        self.check_multilang_bolt("acker")

    def test_multilang_bolt_routed_by_a_custom_grouping_in_checkpoint_mode(self):
        self.check_multilang_bolt("checkpoint")

    def flux_run(self, tmp, n, jar=True, marker=None, pause=None, duration=6):
        paths = {k: os.path.join(tmp, k) for k in ("spout", "sink", "record", "received")}
        with open(paths["spout"], "w") as f:
            f.write(SPOUT)
        with open(paths["sink"], "w") as f:
            f.write(SINK)
        args = ["x", "q", "t", "w"] + ([marker] if marker else [])
        flux = os.path.join(tmp, "topology.yaml")
        with open(flux, "w") as f:
            f.write(FLUX % dict(paths, n=n, pause=pause or 0, grouping=GROUPING, args="[%s]" % ", ".join(
                '"%s"' % a for a in args)))
        cmd = ["local", flux, "--duration", str(duration)] + (["--jar", TESTS_JAR] if jar else [])
        r = run(*cmd)
        settled, got = read_records(paths)
        return r, settled, got

    def test_multilang_spout_routed_by_a_flux_custom_grouping_without_java_components(self):
        with tempfile.TemporaryDirectory() as tmp:
            r, settled, got = self.flux_run(tmp, 200)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertIn("building 0 Java component(s)", r.stderr)
        emitted = words(200)
        first, second = sorted(got)
        want, unroutable = expected(emitted, first, second)
        self.assertEqual(got, want)
        self.assertEqual(settled.get("failed"), unroutable)
        self.assertEqual(settled.get("acked"), set(emitted) - unroutable)
        self.check_errors_reported(r.stderr, "words")

    def test_flux_custom_grouping_without_a_jar_is_refused_naming_class_and_input(self):
        with tempfile.TemporaryDirectory() as tmp:
            r, settled, got = self.flux_run(tmp, 20, jar=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("stream 'default' from 'words' to 'sink': the custom grouping %s runs in the "
                      "JVM host, and this run has none" % GROUPING, r.stderr)
        self.assertEqual(got, {})

    def test_a_grouping_that_exits_its_jvm_gets_it_started_again_and_the_topology_goes_on(self):
        with tempfile.TemporaryDirectory() as tmp:
            paths = {k: os.path.join(tmp, k) for k in ("spout", "sink", "record", "received")}
            with open(paths["spout"], "w") as f:
                f.write(SPOUT)
            with open(paths["sink"], "w") as f:
                f.write(SINK)
            # 600 words over 6 s or more: the JVM's restart comes while they flow
            r = run("jar", "--local", TESTS_JAR, "gust.tests.CustomGroupingTopology", "600", "acker",
                    os.path.join(tmp, "exited"), paths["spout"], paths["record"], paths["sink"],
                    paths["received"], "0.01", "--local-ttl", "12")
            settled, got = read_records(paths)
        self.check_jvm_exit(r, settled, got, 600)

    def test_a_grouping_that_exits_its_jvm_under_gust_local_with_a_jar(self):
        with tempfile.TemporaryDirectory() as tmp:
            r, settled, got = self.flux_run(tmp, 600, marker=os.path.join(tmp, "exited"),
                                            pause=0.01, duration=12)
        self.check_jvm_exit(r, settled, got, 600)

    def check_jvm_exit(self, r, settled, got, n):
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertRegex(r.stdout + r.stderr, r"grouping exits the JVM at k10")
        self.assertRegex(r.stderr, r"custom grouping %s of stream 'default' \(to 'sink'\): .*the JVM "
                                   r"host is gone" % re.escape(GROUPING))
        self.assertRegex(r.stderr, r"custom grouping %s of stream 'default' opened again in the JVM"
                         % re.escape(GROUPING))
        acked, failed = settled.get("acked", set()), settled.get("failed", set())
        self.assertEqual(acked & failed, set())
        self.assertIn("k10", failed)
        first, second = sorted(got)
        want, unroutable = expected(words(n), first, second)
        for task in got:  # whatever was received went where the grouping says
            self.assertLessEqual(got[task], want[task])
        self.assertLessEqual(unroutable & (acked | failed), failed)
        # nothing acknowledged is lost, and words after the restart were routed and acked
        self.assertLessEqual({w for w in acked if w[0] != "q"}, got[first] | got[second])
        self.assertTrue(any(int(w[1:]) > 10 for w in acked))

if __name__ == "__main__":
    unittest.main()
