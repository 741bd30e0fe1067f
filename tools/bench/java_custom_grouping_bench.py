#!/usr/bin/env python3
"""What a custom grouping costs, on this machine, measured in one run of
this script against a fields grouping doing the same job:

- from a Java emitter: a reliable Java word spout feeding a two-task Java
  counting bolt (tests/java: gust.tests.GroupingBenchTopology,
  max.spout.pending 2000), grouped by its field (gust routes) or by
  WordHash, a CustomStreamGrouping doing the same routing in the user's
  class (the spout asks it inside its emit), in both reliability modes:
  words/s (the count bolt's acks over the run, from gust's summary) and
  CPU (gust + JVM) per word;
- from a multilang emitter: a Python spout of 50-word sentences, a Python
  split bolt and two Python sink tasks (a Flux file under gust local
  --jar, acker mode, max.spout.pending 200), the split -> sink stream
  grouped by its field or by the tests' FirstChar grouping (each batch
  of the split's emits asks the JVM once per grouping): words/s through
  the split bolt.

Usage: java_custom_grouping_bench.py [SECONDS] (default 8), from the
repository root after a build (build/; GUST_BUILD_DIR names another).
"""
import os
import re
import subprocess
import sys
import tempfile

BUILD = os.environ.get("GUST_BUILD_DIR", "build")
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 8
JAR = os.path.join(BUILD, "tests", "java", "gust-java-tests.jar")
RESOURCES = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "examples", "flux",
                                         "shell", "resources"))
SPOUT = """import sys
sys.path.insert(0, %r)
import multilang
sentence = " ".join(chr(ord("a") + i %% 26) + str(i) for i in range(50))
n = [0]
def next_tuple():
    n[0] += 1
    multilang.emit([sentence], id=n[0])
multilang.run_spout(next_tuple)
""" % RESOURCES
# FirstChar throws for words starting with t and returns a task that is
# not a target for w: the split leaves those out
SPLIT = """import sys
sys.path.insert(0, %r)
import multilang
def process(t):
    for w in t.values[0].split():
        if w[0] not in "tw":
            multilang.emit([w])
multilang.run_bolt(process)
""" % RESOURCES
SINK = """import sys
sys.path.insert(0, %r)
import multilang
multilang.run_bolt(lambda t: None)
""" % RESOURCES
FLUX = """name: "multilang-grouping-bench"
config:
  topology.gust.reliability: "acker"
  topology.max.spout.pending: 200
spouts:
  - id: "sentences"
    className: "org.apache.storm.flux.wrappers.spouts.FluxShellSpout"
    constructorArgs: [["python3", "%(spout)s"], ["sentence"]]
bolts:
  - id: "split"
    className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"
    constructorArgs: [["python3", "%(split)s"], ["word"]]
  - id: "sink"
    className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"
    constructorArgs: [["python3", "%(sink)s"], []]
    parallelism: 2
streams:
  - from: "sentences"
    to: "split"
    grouping: {type: SHUFFLE}
  - from: "split"
    to: "sink"
    grouping: %(grouping)s
"""
GROUPINGS = {
    "fields": '{type: FIELDS, args: ["word"]}',
    "custom": '{type: CUSTOM, customClass: {className: "gust.tests.CustomGroupingTopology$FirstChar", '
              'constructorArgs: ["x", "q", "t", "w"]}}',
}


def run(grouping, mode):
    """(words/s, CPU s per word) of one `gust jar --local` run."""
    start = os.times()
    r = subprocess.run([os.path.join(BUILD, "tools", "gust"), "jar", "--local", JAR,
                        "gust.tests.GroupingBenchTopology", grouping, mode,
                        "--local-ttl", str(SECONDS)], capture_output=True, text=True)
    end = os.times()
    cpu = (end.children_user - start.children_user) + (end.children_system - start.children_system)
    words, secs = summary_count(r, "count", 4, "the %s run (%s)" % (grouping, mode))
    return words / secs, cpu / words


def summary_count(r, component, column, what):
    """(a component's count in column of gust's summary, the run's seconds)
    of a finished run; exits saying so when it printed none."""
    count = secs = None
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) == 12 and parts[0] == component:
            count = int(parts[column])
        m = re.match(r"ran ([0-9.]+) s", line)
        if m:
            secs = float(m.group(1))
    if r.returncode != 0 or not count or not secs:
        sys.exit("%s printed no summary (exit %d):\n%s" % (what, r.returncode, (r.stdout + r.stderr)[-3000:]))
    return count, secs


def run_multilang(grouping, tmp):
    """Words/s through the Python split bolt of one gust local run."""
    paths = {}
    for name, text in (("spout", SPOUT), ("split", SPLIT), ("sink", SINK)):
        paths[name] = os.path.join(tmp, name + ".py")
        with open(paths[name], "w") as f:
            f.write(text)
    flux = os.path.join(tmp, grouping + ".yaml")
    with open(flux, "w") as f:
        f.write(FLUX % dict(paths, grouping=GROUPINGS[grouping]))
    r = subprocess.run([os.path.join(BUILD, "tools", "gust"), "local", flux, "--duration", str(SECONDS),
                        "--jar", JAR], capture_output=True, text=True)
    words, secs = summary_count(r, "split", 3, "the multilang %s run" % grouping)
    return words / secs


def main():
    for mode in ("checkpoint", "acker"):
        rates = {}
        for grouping in ("fields", "custom"):
            rate, cpu = run(grouping, mode)
            rates[grouping] = rate
            print("Java spout -> 2 Java count tasks, %s mode, %s grouping: %.2f M words/s, %.3f us CPU per word"
                  % (mode, "a custom (WordHash)" if grouping == "custom" else "a fields", rate / 1e6, 1e6 * cpu))
        print("  custom / fields, %s mode: %.2f" % (mode, rates["custom"] / rates["fields"]))
    with tempfile.TemporaryDirectory() as tmp:
        rates = {}
        for grouping in ("fields", "custom"):
            rates[grouping] = run_multilang(grouping, tmp)
            print("Python split bolt -> 2 Python sink tasks, acker mode, %s grouping: %.0f k words/s"
                  % ("a custom (FirstChar)" if grouping == "custom" else "a fields", rates[grouping] / 1e3))
        print("  custom / fields, multilang: %.2f" % (rates["custom"] / rates["fields"]))


if __name__ == "__main__":
    main()
