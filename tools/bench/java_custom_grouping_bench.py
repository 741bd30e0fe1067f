#!/usr/bin/env python3
"""What a custom grouping costs a Java emitter, on this machine: a reliable
Java word spout feeding a two-task Java counting bolt
(tests/java: gust.tests.GroupingBenchTopology, max.spout.pending 2000),
the stream grouped once by its field (gust routes) and once by WordHash,
a CustomStreamGrouping doing the same routing in the user's class (the
spout asks it inside its emit), in both reliability modes.  Prints the
words/s of each run (the count bolt's acks over the run, from gust's
summary), their CPU (gust + JVM) per word, and the ratio custom / fields
measured in the same run of this script.

Usage: java_custom_grouping_bench.py [SECONDS] (default 8), from the
repository root after a build (build/; GUST_BUILD_DIR names another).
"""
import os
import re
import subprocess
import sys

BUILD = os.environ.get("GUST_BUILD_DIR", "build")
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 8
JAR = os.path.join(BUILD, "tests", "java", "gust-java-tests.jar")


def run(grouping, mode):
    """(words/s, CPU s per word) of one `gust jar --local` run."""
    start = os.times()
    r = subprocess.run([os.path.join(BUILD, "tools", "gust"), "jar", "--local", JAR,
                        "gust.tests.GroupingBenchTopology", grouping, mode,
                        "--local-ttl", str(SECONDS)], capture_output=True, text=True)
    end = os.times()
    cpu = (end.children_user - start.children_user) + (end.children_system - start.children_system)
    words = secs = None
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) == 12 and parts[0] == "count":
            words = int(parts[4])
        m = re.match(r"ran ([0-9.]+) s", line)
        if m:
            secs = float(m.group(1))
    if r.returncode != 0 or not words or not secs:
        sys.exit("the %s run (%s) printed no summary (exit %d):\n%s" %
                 (grouping, mode, r.returncode, (r.stdout + r.stderr)[-3000:]))
    return words / secs, cpu / words


def main():
    for mode in ("checkpoint", "acker"):
        rates = {}
        for grouping in ("fields", "custom"):
            rate, cpu = run(grouping, mode)
            rates[grouping] = rate
            print("Java spout -> 2 Java count tasks, %s mode, %s grouping: %.2f M words/s, %.3f us CPU per word"
                  % (mode, "a custom (WordHash)" if grouping == "custom" else "a fields", rate / 1e6, 1e6 * cpu))
        print("  custom / fields, %s mode: %.2f" % (mode, rates["custom"] / rates["fields"]))


if __name__ == "__main__":
    main()
