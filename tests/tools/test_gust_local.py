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

SOURCE = os.environ.get("GUST_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("GUST_BUILD_DIR", os.path.join(SOURCE, "build"))
GUST = os.path.join(BUILD, "tools", "gust")


def run(*args, timeout=120):
    return subprocess.run([GUST, *args], capture_output=True, text=True, timeout=timeout)


def summary(stdout):
    rows = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[1] in ("spout", "bolt"):
            rows[parts[0]] = dict(zip(
                ("kind", "tasks", "emitted", "acked", "failed", "executed", "errors"),
                [parts[1], int(parts[2])] + [int(p) for p in parts[3:8]]))
    return rows


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


if __name__ == "__main__":
    unittest.main(verbosity=2)
