#!/usr/bin/env python3
"""The Java WordCount (examples/java: Java sentence spout -> Java split ->
fields-grouped BaseBasicBolt count, acked, max.spout.pending 2000) under
`gust jar --local`, in checkpoint mode and in acker mode, and the native
WordCount (wordcount-bench, same shape in C) for comparison, on this
machine.

For each Java run it prints, all measured in that run:
- words/s: the count bolt's acks over the run (gust's summary);
- CPU per word, gust and the JVM together (user + system), over the whole
  run (JVM start-up included) and in the steady state: between the count
  bolt's first tick report after WARMUP seconds and its last one (the
  bolt logs its word totals every second; the CPU of both processes is
  read from /proc when each report arrives);
- the share of that CPU spent crossing the JVM boundary, on both sides:
  encoding, transferring (the socket calls' CPU) and decoding frames, as
  gust's and the JVM host's boundary counters add them up
  (GUST_JVM_BOUNDARY_STATS=1 turns them on; each process prints its sums
  at the end), and apart from it the time the JVM's garbage collections
  took (the serial collector: its CPU);
- the JVM's share of the CPU and its peak resident memory (sampled from
  /proc every 0.2 s);
- which bolts gust feeds inside the JVM (local routes: by default the
  count bolt, fed by the split bolt there, so the words do not cross the
  boundary; the sentences do, to the split bolt and back as its acks);
then the native WordCount's words/s in the same modes and the ratios.

Usage: java_wordcount_bench.py [SECONDS] (default 10), from the repository
root after a build (build/; GUST_BUILD_DIR names another);
GUST_BENCH_JVM_OPTS, when set, replaces the JVM's options (--jvm-opts).
"""
import os
import re
import subprocess
import sys
import threading
import time

BUILD = os.environ.get("GUST_BUILD_DIR", "build")
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 10
WARMUP = min(3.0, SECONDS / 3)
TICK = re.compile(r"CountBolt - (count:\d+): (\d+) words")
BOUNDARY = re.compile(r"(gust|JVM) boundary: encode ([0-9.]+) s, transfer ([0-9.]+) s, "
                      r"decode ([0-9.]+) s")
GC = re.compile(r"JVM boundary: .*; garbage collection ([0-9.]+) s")
LOCAL = re.compile(r"Java bolts fed inside the JVM \(local routes\): (.*)$")


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


class Run:
    """One `gust jar --local` run of the Java WordCount."""

    def __init__(self, mode):
        self.mode = mode
        self.peak_kb = 0
        self.jvm_cpu = 0.0
        self.ticks = []  # (time, words so far, gust + JVM CPU s)
        self.totals = {}  # count task -> words, from its last report
        self.boundary = {}  # "gust" / "JVM" -> (encode, transfer, decode) s
        self.gc_s = None  # the JVM's garbage collections, as it reports them
        self.local = "none"  # the bolts fed over local routes, as gust logs them
        self.jvm = None

    def cpu_now(self, pid):
        return (cpu_s(pid) or 0.0) + ((cpu_s(self.jvm) or 0.0) if self.jvm else 0.0)

    def read_stderr(self, p):
        for line in p.stderr:
            m = TICK.search(line)
            if m:
                self.totals[m.group(1)] = int(m.group(2))
                if len(self.totals) == 2:
                    self.ticks.append((time.monotonic(), sum(self.totals.values()),
                                       self.cpu_now(p.pid)))
            # (gust's and the JVM's lines, written at the same moment, may share a line)
            for m in BOUNDARY.finditer(line):
                self.boundary[m.group(1)] = tuple(float(m.group(i)) for i in (2, 3, 4))
            m = GC.search(line)
            if m:
                self.gc_s = float(m.group(1))
            m = LOCAL.search(line)
            if m:
                self.local = m.group(1)

    def run(self):
        cmd = [os.path.join(BUILD, "tools", "gust"), "jar", "--local",
               os.path.join(BUILD, "examples", "java", "gust-java-examples.jar"),
               "gust.examples.WordCountTopology", "0"]
        if self.mode == "acker":
            cmd.append("acker")
        cmd += ["--local-ttl", str(SECONDS)]
        if os.environ.get("GUST_BENCH_JVM_OPTS"):  # before the jar: later options are main's
            cmd[3:3] = ["--jvm-opts", os.environ["GUST_BENCH_JVM_OPTS"]]
        env = dict(os.environ, GUST_JVM_BOUNDARY_STATS="1")
        start_cpu = os.times()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        reader = threading.Thread(target=self.read_stderr, args=(p,))
        reader.start()
        out = []
        out_reader = threading.Thread(target=lambda: out.extend(p.stdout))
        out_reader.start()
        while p.poll() is None:
            for child in children(p.pid):
                self.jvm = child
                self.peak_kb = max(self.peak_kb, rss_kb(child))
                self.jvm_cpu = max(self.jvm_cpu, cpu_s(child) or 0.0)
            time.sleep(0.2)
        reader.join()
        out_reader.join()
        end_cpu = os.times()
        self.cpu = ((end_cpu.children_user - start_cpu.children_user) +
                    (end_cpu.children_system - start_cpu.children_system))
        self.words = self.secs = None
        for line in out:
            parts = line.split()
            if len(parts) == 12 and parts[0] == "count":
                self.words = int(parts[4])
            m = re.match(r"ran ([0-9.]+) s", line)
            if m:
                self.secs = float(m.group(1))
        if not self.words or not self.secs:
            sys.exit("the Java run printed no summary:\n" + "".join(out))
        return self

    def report(self):
        label = {"checkpoint": "checkpoint mode", "acker": "acker mode (1 acker)"}[self.mode]
        print("Java WordCount, gust jar --local, %s, acked: %.2f M words/s over %.1f s"
              % (label, self.words / self.secs / 1e6, self.secs))
        print("  bolts fed inside the JVM (local routes): %s" % self.local)
        print("  CPU (gust + JVM): %.2f s, %.3f us per word over the whole run, %.0f %% of it in the JVM"
              % (self.cpu, 1e6 * self.cpu / self.words, 100 * self.jvm_cpu / self.cpu))
        t0 = next((t for t in self.ticks if t[0] - self.ticks[0][0] >= WARMUP), None)
        t1 = self.ticks[-1] if self.ticks else None
        steady = None
        if t0 and t1 and t1[1] > t0[1]:
            steady = (t1[2] - t0[2]) / (t1[1] - t0[1])
            print("  steady state (%.1f s after the first report): %.2f M words/s, %.3f us CPU per word"
                  % (t1[0] - t0[0], (t1[1] - t0[1]) / (t1[0] - t0[0]) / 1e6, 1e6 * steady))
        if len(self.boundary) == 2:
            g, j = self.boundary["gust"], self.boundary["JVM"]
            total = sum(g) + sum(j)
            print("  crossing the JVM boundary: %.2f s of CPU, %.1f %% of the run's CPU, %.3f us per word"
                  % (total, 100 * total / self.cpu, 1e6 * total / self.words))
            print("    gust: encode %.2f s, transfer %.2f s, decode %.2f s;"
                  " JVM: encode %.2f s, transfer %.2f s, decode %.2f s" % (g + j))
        else:
            print("  crossing the JVM boundary: not reported (%s)" % ", ".join(self.boundary) or "none")
        if self.gc_s is not None:
            print("  JVM garbage collection (not counted in the boundary): %.2f s, %.1f %% of the run's CPU"
                  % (self.gc_s, 100 * self.gc_s / self.cpu))
        print("  JVM peak RSS %.1f MB" % (self.peak_kb / 1024))
        return self.words / self.secs


def native():
    run = subprocess.run([os.path.join(BUILD, "tools", "wordcount-bench"), "--seconds",
                          str(max(1, int(SECONDS / 2)))], capture_output=True, text=True)
    rates = {}
    print("Native WordCount (wordcount-bench):")
    for line in run.stdout.splitlines():
        print("  " + line)
        m = re.match(r"\s*(acker mode|checkpoint mode)\S*.*?([0-9.]+) M words/s", line)
        if m:
            rates[m.group(1).split()[0]] = float(m.group(2)) * 1e6
    return rates


def main():
    java = {}
    for mode in ("checkpoint", "acker"):
        java[mode] = Run(mode).run().report()
    rates = native()
    for mode in ("checkpoint", "acker"):
        if rates.get(mode):
            print("Java / native, %s mode: %.2f" % (mode, java[mode] / rates[mode]))


if __name__ == "__main__":
    main()
