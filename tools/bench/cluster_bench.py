"""cluster-bench: what a gust cluster costs, in one run (not a test).

Starts Debian's ZooKeeper, `gust nimbus` and `gust supervisor` on
127.0.0.1 (tests/tools/cluster_harness.py), then prints:
  - Nimbus and supervisor RSS idle (VmRSS from /proc/PID/status);
  - the time from `gust submit` of the multilang WordCount
    (examples/flux/shell/python_wordcount.yaml) to the first tuple acked
    (the spout's acked count in the worker's heartbeat);
  - Nimbus, supervisor and worker RSS with the WordCount running (the
    worker alone and with its Python subprocesses), and the worker's RSS
    with its spouts deactivated;
  - the WordCount's acked sentences/s under the supervisor's worker and
    under `gust local` on this machine, over the same window, and their
    ratio (goal >= 0.95).
Goals: each daemon <= 15 MB idle, a worker <= 30 MB idle.

Usage: python3 tools/bench/cluster_bench.py [--seconds S]   (after ./dev.sh build)
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))
os.environ.setdefault("GUST_SOURCE_DIR", SOURCE)
os.environ.setdefault("GUST_BUILD_DIR", os.path.join(SOURCE, "build"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "tools"))
from cluster_harness import BUILD, GUST, GustDaemon, ZooKeeperServer, make_temp_dir, wait_for  # noqa: E402

FLUX = os.path.join(SOURCE, "examples", "flux", "shell", "python_wordcount.yaml")
ZK_TOOL = os.path.join(BUILD, "tests", "supervisor", "zk_tool")
BOUND_S = 300


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def tree_rss_mb(root):
    """RSS of root's process group and every descendant (multilang
    subprocesses lead groups of their own)."""
    rows = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                rows.append((int(name), int(fields[1]), int(fields[2])))
            except (OSError, IndexError, ValueError):
                pass
    members, grew = set(), True
    while grew:
        grew = False
        for pid, ppid, pgrp in rows:
            if pid not in members and (pgrp == root or pid == root or ppid in members):
                members.add(pid)
                grew = True
    total = 0.0
    for pid in members:
        try:
            total += rss_mb(pid)
        except OSError:
            pass
    return total


class Cluster:
    def __init__(self, zk, root):
        self.zk, self.root = zk, root

    def get(self, path):
        r = subprocess.run([ZK_TOOL, self.zk.address, self.root, "get", path], capture_output=True,
                           text=True)
        return json.loads(r.stdout) if r.returncode == 0 and r.stdout else None

    def children(self, path):
        r = subprocess.run([ZK_TOOL, self.zk.address, self.root, "children", path],
                           capture_output=True, text=True)
        return r.stdout.split() if r.returncode == 0 else []


def spout_acked(beat):
    """Sum of the spouts' all-time acked counts in a worker heartbeat."""
    total = 0
    for e in (beat or {}).get("stats", {}).get("executors", []):
        if e.get("type") == "spout":
            total += sum(e.get("acked", {}).get(":all-time", {}).values())
    return total


def worker_beat(cluster, topology_id):
    names = cluster.children("/workerbeats/" + topology_id)
    return cluster.get("/workerbeats/%s/%s" % (topology_id, names[0])) if names else None


def cli(nimbus, *args):
    cmd = [GUST] + list(args) + ["--config", nimbus.config_file]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=BOUND_S)


def local_rate(seconds):
    """Acked sentences/s of `gust local` over the run (its summary's ack/s)."""
    out = subprocess.run([GUST, "local", FLUX, "--duration", str(seconds)], capture_output=True,
                         text=True, timeout=seconds + BOUND_S).stdout
    for line in out.splitlines():
        if line.startswith("sentences "):
            return float(line.split()[-1])
    raise AssertionError("no summary line for the spout in:\n" + out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20, help="throughput window (default 20)")
    args = parser.parse_args()
    work = make_temp_dir("bench")
    root = "/bench"
    with ZooKeeperServer() as zk:
        nimbus = GustDaemon.nimbus(zk, work, root=root)
        nimbus.wait_for_log(r"leader")
        supervisor = GustDaemon.supervisor(zk, work, nimbuses=[nimbus], slots=1, root=root)
        supervisor.wait_for_log(r"supervisor (\S+) started")
        time.sleep(3)
        print("idle: nimbus %.1f MB, supervisor %.1f MB RSS (goal <= 15 MB each)"
              % (rss_mb(nimbus.pid), rss_mb(supervisor.pid)))
        cluster = Cluster(zk, root)

        start = time.monotonic()
        result = cli(nimbus, "submit", FLUX, "--name", "benchwc")
        if result.returncode != 0:
            raise SystemExit("gust submit failed:\n" + result.stdout + result.stderr)
        topology_id = wait_for(lambda: next(iter(cluster.children("/storms")), None), BOUND_S,
                               "the topology in /storms")
        wait_for(lambda: spout_acked(worker_beat(cluster, topology_id)) > 0, BOUND_S,
                 "the first acked tuple")
        print("submit to first tuple acked: %.2f s (the worker's heartbeat every 1 s bounds the "
              "resolution)" % (time.monotonic() - start))

        sid = supervisor.wait_for_log(r"supervisor (\S+) started").group(1)
        node = wait_for(lambda: (cluster.get("/supervisors/" + sid) or {}).get("workers"), BOUND_S,
                        "the worker in the supervisor's heartbeat")
        worker_pid = node[0]["pid"]
        time.sleep(5)
        first, t0 = spout_acked(worker_beat(cluster, topology_id)), time.monotonic()
        time.sleep(args.seconds)
        last, t1 = spout_acked(worker_beat(cluster, topology_id)), time.monotonic()
        worker_rate = (last - first) / (t1 - t0)
        print("running WordCount: nimbus %.1f MB, supervisor %.1f MB, worker %.1f MB RSS "
              "(%.1f MB with its Python subprocesses)"
              % (rss_mb(nimbus.pid), rss_mb(supervisor.pid), rss_mb(worker_pid),
                 tree_rss_mb(worker_pid)))
        cli(nimbus, "deactivate", "benchwc")
        time.sleep(5)
        print("deactivated: worker %.1f MB RSS (goal <= 30 MB idle)" % rss_mb(worker_pid))
        cli(nimbus, "kill", "benchwc", "-w", "1")
        wait_for(lambda: not cluster.children("/assignments"), BOUND_S, "the kill")
        supervisor.stop(timeout=60)
        nimbus.stop()
    local = local_rate(args.seconds + 5)
    print("throughput: worker %.0f acked sentences/s, gust local %.0f/s: ratio %.2f (goal >= 0.95)"
          % (worker_rate, local, worker_rate / local if local else 0))


if __name__ == "__main__":
    main()
