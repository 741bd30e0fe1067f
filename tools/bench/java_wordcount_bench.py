#!/usr/bin/env python3
"""The Java WordCount (examples/java: Java sentence spout -> Java split ->
fields-grouped BaseBasicBolt count, acked, checkpoint mode, max.spout.pending
2000) under `gust jar --local`, and the native WordCount (wordcount-bench,
same shape in C) for comparison, one run each on this machine.

Prints the Java run's words/s (the count bolt's acks over the run), the
CPU it used per word (gust and the JVM together, user + system) and the
JVM's share of it, and the JVM's peak resident memory (sampled from /proc
every 0.2 s).

Usage: java_wordcount_bench.py [SECONDS] (default 10), from the repository
root after a build (build/).
"""
import os
import re
import subprocess
import sys
import time

BUILD = os.environ.get("GUST_BUILD_DIR", "build")
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 10


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
            return int(m.group(1)) if m else 0
    except OSError:
        return 0


def cpu_s(pid):
    """User + system CPU seconds of a running process, or None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def java_run():
    cmd = [os.path.join(BUILD, "tools", "gust"), "jar", "--local",
           os.path.join(BUILD, "examples", "java", "gust-java-examples.jar"),
           "gust.examples.WordCountTopology", "--local-ttl", str(SECONDS)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak, jvm_cpu = 0, 0.0
    while p.poll() is None:
        for child in children(p.pid):
            peak = max(peak, rss_kb(child))
            jvm_cpu = max(jvm_cpu, cpu_s(child) or 0.0)
        time.sleep(0.2)
    out = p.stdout.read()
    return out, peak, jvm_cpu


def main():
    start = os.times()
    out, peak_kb, jvm_cpu = java_run()
    end = os.times()
    cpu = (end.children_user - start.children_user) + (end.children_system - start.children_system)
    words = secs = None
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 12 and parts[0] == "count":
            words = int(parts[4])
        m = re.match(r"ran ([0-9.]+) s", line)
        if m:
            secs = float(m.group(1))
    if not words or not secs:
        sys.exit("the Java run printed no summary:\n" + out)
    print("Java WordCount (gust jar --local, checkpoint mode, acked): %.0f words/s over %.1f s"
          % (words / secs, secs))
    print("  CPU (gust + JVM): %.2f s, %.2f us per word, %.0f %% of it in the JVM; JVM peak RSS %.1f MB"
          % (cpu, 1e6 * cpu / words, 100 * jvm_cpu / cpu, peak_kb / 1024))
    native = subprocess.run([os.path.join(BUILD, "tools", "wordcount-bench"), "--seconds",
                             str(int(SECONDS))], capture_output=True, text=True)
    print("Native WordCount (wordcount-bench):")
    for line in native.stdout.splitlines():
        print("  " + line)


if __name__ == "__main__":
    main()
