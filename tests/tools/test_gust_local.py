"""`gust local` as a user runs it: a real subprocess on real Flux files.

Checks the native WordCount runs from its Flux file and prints a summary
where every sentence was acked; so does the WordCount whose components are
Python subprocesses (multilang); the built-in classes run; Ctrl-C stops a
topology cleanly; broken Flux files and unloadable components fail with a
message naming the file, line or component, and a non-zero exit.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from run_summary import summary

SOURCE = os.environ.get("GUST_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("GUST_BUILD_DIR", os.path.join(SOURCE, "build"))
GUST = os.path.join(BUILD, "tools", "gust")


def run(*args, timeout=120):
    return subprocess.run([GUST, *args], capture_output=True, text=True, timeout=timeout)


LOOP_SPOUT = """import multilang
n = [0]
def next_tuple():
    if n[0] < 200:
        multilang.emit(["m%d" % n[0]], id=n[0])
        n[0] += 1
def ack(i):
    multilang.log("ACKED %s" % i)
def fail(i):
    multilang.log("FAILED %s" % i)
multilang.run_spout(next_tuple, ack=ack, fail=fail)
"""

LOOP_BOLT = """import multilang
def process(tup):
    if tup.stream == "default":
        multilang.emit([tup.values[0]], stream="again")
multilang.run_bolt(process)
"""

LOOP_YAML = """name: "loop"
config:
  topology.gust.reliability: "%s"
  topology.gust.checkpoint.interval.ms: 50
spouts:
  - id: "spout"
    className: "org.apache.storm.flux.wrappers.spouts.FluxShellSpout"
    constructorArgs: [["python3", "loop_spout.py"], ["msg"]]
bolts:
  - id: "loop"
    className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"
    constructorArgs: [["python3", "loop_bolt.py"], ["msg"]]
    configMethods:
      - name: "setNamedStream"
        args: ["again", ["msg"]]
streams:
  - from: "spout"
    to: "loop"
    grouping: {type: SHUFFLE}
  - from: "loop"
    to: "loop"
    grouping: {type: SHUFFLE, streamId: "again"}
"""

# TestWordCounter subscribed to its own stream: every tuple goes round
# forever.  The message timeout is short because the test asserts it fires.
ENDLESS_LOOP_YAML = """name: "endless"
config:
  topology.gust.reliability: "%s"
  topology.gust.checkpoint.interval.ms: 50
  topology.message.timeout.secs: 2
spouts:
  - id: "spout"
    className: "org.apache.storm.flux.wrappers.spouts.FluxShellSpout"
    constructorArgs: [["python3", "loop_spout.py"], ["msg"]]
  - id: "words"
    className: "org.apache.storm.testing.TestWordSpout"
bolts:
  - id: "counter"
    className: "org.apache.storm.testing.TestWordCounter"
streams:
  - from: "spout"
    to: "counter"
    grouping: {type: SHUFFLE}
  - from: "words"
    to: "counter"
    grouping: {type: SHUFFLE}
  - from: "counter"
    to: "counter"
    grouping: {type: SHUFFLE}
"""


class Cycles(unittest.TestCase):
    """A bolt subscribed to its own stream: each spout tuple goes round the
    loop once.  Every message is acked once, none fails, the stop is clean."""

    def run_flux(self, flux, scripts):
        """Runs `flux` for 3 s beside a resources/ folder holding Storm's
        multilang helper and `scripts` (name -> text)."""
        with tempfile.TemporaryDirectory() as d:
            res = os.path.join(d, "resources")
            os.mkdir(res)
            with open(os.path.join(SOURCE, "examples", "flux", "shell", "resources",
                                   "multilang.py")) as f:
                scripts = dict(scripts, **{"multilang.py": f.read()})
            for name, text in scripts.items():
                with open(os.path.join(res, name), "w") as f:
                    f.write(text)
            yaml = os.path.join(d, "topology.yaml")
            with open(yaml, "w") as f:
                f.write(flux)
            return run("local", yaml, "--duration", "3")

    def run_loop(self, reliability):
        r = self.run_flux(LOOP_YAML % reliability,
                          {"loop_spout.py": LOOP_SPOUT, "loop_bolt.py": LOOP_BOLT})
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        rows = summary(r.stdout)
        emitted = rows["spout"]["emitted"]  # up to 200, however fast the machine is
        self.assertGreater(emitted, 0, out)
        self.assertEqual(rows["spout"]["acked"], emitted, out)
        self.assertEqual(rows["spout"]["failed"], 0, out)
        self.assertEqual(rows["loop"]["executed"], 2 * emitted, out)  # each tuple and its echo
        acked = re.findall(r"ACKED (\d+)", out)
        self.assertEqual(sorted(int(a) for a in acked), list(range(emitted)), out)
        self.assertNotIn("FAILED", out)

    def test_a_self_loop_runs_in_checkpoint_mode(self):
        self.run_loop("checkpoint")

    def test_a_self_loop_runs_in_acker_mode(self):
        self.run_loop("acker")

    def run_endless_loop(self, reliability):
        """Storm's TestWordCounter on its own stream re-emits every tuple
        forever: the messages of the spout with ids fail after the message
        timeout (their trees never complete), and the stop drops what still
        circulates, says so, and ends cleanly."""
        r = self.run_flux(ENDLESS_LOOP_YAML % reliability, {"loop_spout.py": LOOP_SPOUT})
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        self.assertRegex(r.stderr, r"dropped \d+ records? still circulating in the loop "
                                   r"counter -> counter", out)
        rows = summary(r.stdout)
        emitted = rows["spout"]["emitted"]
        self.assertGreater(emitted, 0, out)
        self.assertGreater(rows["words"]["emitted"], 0, out)
        self.assertEqual(rows["spout"]["acked"], 0, out)
        self.assertEqual(rows["spout"]["failed"], emitted, out)
        self.assertGreater(rows["counter"]["executed"], emitted, out)  # it went round
        failed = re.findall(r"FAILED (\d+)", out)
        self.assertEqual(sorted(int(a) for a in failed), list(range(emitted)), out)
        self.assertNotIn("ACKED", out)

    def test_an_endless_loop_stops_in_checkpoint_mode(self):
        self.run_endless_loop("checkpoint")

    def test_an_endless_loop_stops_in_acker_mode(self):
        self.run_endless_loop("acker")


class GustLocal(unittest.TestCase):
    def test_native_wordcount_runs_from_flux_and_acks_every_sentence(self):
        r = run("local", os.path.join(BUILD, "examples", "native", "wordcount.yaml"), "--duration", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = summary(r.stdout)
        self.assertEqual(set(rows), {"sentences", "split", "count"})
        s, split, count = rows["sentences"], rows["split"], rows["count"]
        self.assertGreater(s["emitted"], 0)  # how many is the machine's business
        self.assertEqual(s["acked"], s["emitted"])  # drained: every tree completed
        self.assertEqual(s["failed"], 0)
        self.assertEqual(split["executed"], s["emitted"])
        self.assertEqual(count["executed"], split["emitted"])
        self.assertEqual(count["acked"], count["executed"])
        self.assertEqual(split["tasks"], 2)

    def test_shell_wordcount_runs_python_components_from_flux(self):
        yaml = os.path.join(SOURCE, "examples", "flux", "shell", "shell_wordcount.yaml")
        r = run("local", yaml, "--duration", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = summary(r.stdout)
        self.assertEqual(set(rows), {"sentences", "split", "count", "log"})
        s, split, count = rows["sentences"], rows["split"], rows["count"]
        self.assertGreater(s["emitted"], 0)
        self.assertEqual(s["acked"], s["emitted"])  # drained: every tree completed
        self.assertEqual(s["failed"], 0)
        self.assertEqual(split["executed"], s["emitted"])
        self.assertEqual(split["acked"], split["executed"])
        self.assertGreaterEqual(count["executed"], split["emitted"])  # + tick tuples
        self.assertEqual(sum(row["errors"] for row in rows.values()), 0, r.stderr)
        self.assertEqual(r.stderr.count("launched subprocess with pid"), 5)
        self.assertRegex(r.stderr, r"source: count:\d+, stream: default, values: \[\"\w+\", \d+\]")

    def test_builtin_classes_run_and_log(self):
        r = run("local", os.path.join(SOURCE, "examples", "flux", "wordcount.yaml"), "--duration", "1.5")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = summary(r.stdout)
        self.assertGreater(rows["words"]["emitted"], 0)
        self.assertEqual(rows["counter"]["executed"], rows["words"]["emitted"])
        self.assertEqual(rows["logger"]["executed"], rows["counter"]["emitted"])
        self.assertRegex(r.stderr, r"source: counter:\d+, stream: default, values: \[\"\w+\", \d+\]")

    def test_ctrl_c_stops_cleanly_with_a_summary(self):
        p = subprocess.Popen([GUST, "local", os.path.join(BUILD, "examples", "native", "wordcount.yaml"),
                              "--duration", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = " "
        while line and "running topology" not in line:  # once it runs, Ctrl-C stops it
            line = p.stderr.readline()
        self.assertIn("running topology", line)
        time.sleep(1.5)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 0, err)
        rows = summary(out)
        self.assertEqual(rows["sentences"]["acked"], rows["sentences"]["emitted"])

    def test_broken_flux_names_the_line(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "broken.yaml")
            with open(path, "w") as f:
                f.write("name: broken\nspouts:\n  - id: s\n    className: org.apache.storm.testing.TestWordSpout\n"
                        "bolts:\n  - id: b\n    className: org.apache.storm.testing.TestWordCounter\n"
                        "streams:\n  - from: nowhere\n    to: b\n    grouping: {type: SHUFFLE}\n")
            r = run("local", path, "--duration", "1")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("broken.yaml:9", r.stderr)
            self.assertIn("nowhere", r.stderr)

    def test_missing_native_library_names_the_component(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "missing.yaml")
            with open(path, "w") as f:
                f.write("name: missing\nspouts:\n  - id: ghost\n    className: \"native:libnothere.so:spout\"\n")
            r = run("local", path, "--duration", "1")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("ghost", r.stderr)
            self.assertIn("libnothere.so", r.stderr)


    def test_check_reports_every_unsupported_class_at_once(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "java.yaml")
            with open(path, "w") as f:
                f.write("name: java\n"
                        "spouts:\n  - id: a\n    className: com.example.SpoutA\n"
                        "bolts:\n  - id: b\n    className: com.example.BoltB\n"
                        "  - id: c\n    className: com.example.BoltC\n"
                        "streams:\n  - {from: a, to: b, grouping: {type: SHUFFLE}}\n"
                        "  - {from: b, to: c, grouping: {type: SHUFFLE}}\n")
            r = run("local", "--check", path)
            self.assertEqual(r.returncode, 1, r.stderr)
            for cls in ("com.example.SpoutA", "com.example.BoltB", "com.example.BoltC"):
                self.assertIn(cls, r.stderr)
            # the three classes, and the streams they cannot declare
            self.assertGreaterEqual(int(re.search(r"(\d+) problems", r.stdout).group(1)), 3)
            self.assertEqual(r.stderr.count(" ERROR "), int(re.search(r"(\d+) problems", r.stdout).group(1)))
        r = run("local", "--check", os.path.join(SOURCE, "examples", "flux", "groupings", "direct.yaml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("is valid", r.stdout)

    def test_numeric_options_out_of_range_are_refused(self):
        flux = os.path.join(SOURCE, "examples", "flux", "wordcount.yaml")
        for option, value in (("--duration", "-1"), ("--duration", "nan"), ("--duration", "inf"),
                              ("--duration", "1e300"), ("--threads", "100000"), ("--threads", "0")):
            r = run("local", option, value, flux, timeout=30)
            self.assertEqual(r.returncode, 2, (option, value, r.stderr))
            self.assertIn("%s '%s'" % (option, value), r.stderr)

    def test_version_and_help(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^gust \d+\.\d+\.\d+ \(Storm 2\.6\.0")
        r = run("help", "local")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--check", r.stdout)
        self.assertIn("GUST_NATIVE_PATH", r.stdout)
        self.assertEqual(run("help", "nope").returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
