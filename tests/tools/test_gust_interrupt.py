"""Ctrl-C in a terminal: SIGINT to the whole process group of `gust local`.

A terminal sends SIGINT to every process of its foreground group.  gust's
multilang subprocesses run in process groups of their own, so the signal
reaches gust only, which stops the topology cleanly and ends each
subprocess as Storm does (and what the subprocess started with it).  A
second Ctrl-C stops at once without waiting for the drain.

Each test starts gust in a new session (its own process group, as a shell
would), kills that group with SIGINT, and checks the output and that no
subprocess, nor the `sleep` a bolt script started, is left behind.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

SOURCE = os.environ.get("GUST_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("GUST_BUILD_DIR", os.path.join(SOURCE, "build"))
GUST = os.path.join(BUILD, "tools", "gust")
RESOURCES = os.path.join(SOURCE, "examples", "flux", "shell", "resources")

# A bolt that starts a `sleep` of its own (its pid in sleeper.PID), then
# splits sentences, waiting `delay` seconds per tuple.
BOLT = """
import os, subprocess, time
import multilang
sleeper = subprocess.Popen(["sleep", "1000"])
with open("sleeper.%d" % os.getpid(), "w") as f:
    f.write(str(sleeper.pid))
def process(tup):
    time.sleep(DELAY)
    for word in tup.values[0].split():
        multilang.emit([word])
multilang.run_bolt(process)
"""

FLUX = """
name: "interrupted"
config:
  topology.max.spout.pending: 20
spouts:
  - id: "sentences"
    className: "org.apache.storm.flux.wrappers.spouts.FluxShellSpout"
    constructorArgs: [["PYTHON", "sentence_spout.py"], ["sentence"]]
bolts:
  - id: "split"
    className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"
    constructorArgs: [["PYTHON", "sleeper_bolt.py"], ["word"]]
    parallelism: 2
  - id: "count"
    className: "org.apache.storm.testing.TestWordCounter"
streams:
  - {from: "sentences", to: "split", grouping: {type: SHUFFLE}}
  - {from: "split", to: "count", grouping: {type: FIELDS, args: ["word"]}}
"""


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.1)


class Interrupt(unittest.TestCase):
    def start(self, delay):
        self.dir = tempfile.mkdtemp(prefix="gust-interrupt-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        resources = os.path.join(self.dir, "resources")
        os.mkdir(resources)
        for name in ("multilang.py", "sentence_spout.py"):
            shutil.copy(os.path.join(RESOURCES, name), resources)
        with open(os.path.join(resources, "sleeper_bolt.py"), "w") as f:
            f.write(BOLT.replace("DELAY", repr(delay)))
        flux = os.path.join(self.dir, "interrupted.yaml")
        with open(flux, "w") as f:
            # the interpreter itself, not a wrapper script that may run it
            # as a child of its own (and hold signals off it)
            f.write(FLUX.replace("PYTHON", sys.executable))
        self.resources = resources
        self.stderr_path = os.path.join(self.dir, "stderr")
        self.stderr = open(self.stderr_path, "w")
        self.addCleanup(self.stderr.close)
        proc = subprocess.Popen([GUST, "local", flux, "--duration", "0"], stdout=subprocess.PIPE,
                                stderr=self.stderr, text=True, start_new_session=True)
        self.addCleanup(self.kill_group, proc)
        wait_for(lambda: len(self.sleepers()) == 2 and self.stderr_text().count("launched") >= 3,
                 120, "the subprocesses and their sleeps")
        time.sleep(1)  # tuples flowing
        # each subprocess leads a process group of its own: the terminal's
        # SIGINT to gust's group does not reach it, nor what it started
        for pid in self.children(self.stderr_text()) + self.sleepers():
            self.assertNotEqual(os.getpgid(pid), os.getpgid(proc.pid), pid)
        return proc

    def children(self, stderr):
        return [int(p) for p in re.findall(r"launched subprocess with pid (\d+)", stderr)]

    def kill_group(self, proc):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stderr_text(self):
        with open(self.stderr_path) as f:
            return f.read()

    def sleepers(self):
        pids = []
        for name in os.listdir(self.resources):
            if name.startswith("sleeper.") and not name.endswith(".py"):
                with open(os.path.join(self.resources, name)) as f:
                    text = f.read()
                if text:
                    pids.append(int(text))
        return pids

    def assert_nothing_left(self, stderr):
        children = self.children(stderr)
        self.assertGreaterEqual(len(children), 3, stderr)
        sleepers = self.sleepers()
        self.assertEqual(len(sleepers), 2)
        for pid in children + sleepers:
            wait_for(lambda: not alive(pid), 10, "process %d to end" % pid)

    def finish(self, proc, status):
        """Waits for gust; checks its exit status and that no subprocess
        died of the signal.  Returns its stdout and stderr."""
        stdout, _ = proc.communicate(timeout=120)
        stderr = self.stderr_text()
        self.assertEqual(proc.returncode, status, stderr)
        self.assertNotIn("KeyboardInterrupt", stderr)
        self.assertIn("ran ", stdout)
        return stdout, stderr

    def test_ctrl_c_stops_cleanly_and_ends_every_subprocess(self):
        proc = self.start(delay=0)
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = self.finish(proc, 0)
        self.assertNotIn("Traceback", stderr)
        self.assertNotIn(" ERROR ", stderr)
        self.assertNotIn(" WARN ", stderr)
        self.assertIn("stop requested", stderr)
        self.assertIn("draining", stderr)
        rows = {line.split()[0]: line.split() for line in stdout.splitlines()
                if len(line.split()) == 12 and line.split()[1] in ("spout", "bolt")}
        self.assertEqual(set(rows), {"sentences", "split", "count"}, stdout)
        self.assertTrue(all(row[7] == "0" for row in rows.values()), stdout)  # no errors
        self.assertEqual(rows["sentences"][5], "0", stdout)  # nothing failed
        self.assertGreater(int(rows["count"][6]), 0, stdout)
        self.assert_nothing_left(stderr)

    def test_second_ctrl_c_forces_the_stop(self):
        proc = self.start(delay=0.5)  # 20 pending tuples: a drain of seconds
        os.killpg(proc.pid, signal.SIGINT)
        wait_for(lambda: "draining" in self.stderr_text(), 60, "the drain to start")
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = self.finish(proc, 130)
        self.assertIn("second stop request", stderr)
        self.assert_nothing_left(stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
