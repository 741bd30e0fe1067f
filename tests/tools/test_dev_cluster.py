"""`gust dev-cluster`: ZooKeeper, a Nimbus and a supervisor on this machine.

It starts all three, says how to reach them, `gust list` reaches its Nimbus,
and SIGINT (Ctrl-C) stops them all: nothing started under its folder is left
running and every port it used is free again.  A port already in use is
refused before anything starts, naming the key to change.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_harness import GUST, free_ports, make_temp_dir, wait_for  # noqa: E402

START_TIMEOUT = 240  # ZooKeeper's JVM, Nimbus and a supervisor on a loaded machine


def processes_mentioning(text):
    """Pids whose command line contains text."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                if text.encode() in f.read():
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


def port_is_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class DevCluster(unittest.TestCase):
    def setUp(self):
        self.dir = make_temp_dir("dev-cluster")
        self.addCleanup(subprocess.run, ["rm", "-rf", self.dir])
        self.zk_port, self.nimbus_port, slot1, slot2 = free_ports(4)
        self.slots = [slot1, slot2]
        self.conf = [
            "-c", "storm.zookeeper.port=%d" % self.zk_port,
            "-c", "nimbus.thrift.port=%d" % self.nimbus_port,
            "-c", "supervisor.slots.ports=[%d,%d]" % (slot1, slot2),
        ]

    def start(self):
        out = open(os.path.join(self.dir, "stdout"), "w")
        err = open(os.path.join(self.dir, "stderr"), "w")
        self.addCleanup(out.close)
        self.addCleanup(err.close)
        proc = subprocess.Popen([GUST, "dev-cluster", "--dir", os.path.join(self.dir, "cluster")] + self.conf,
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)

        def kill_if_left():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            for pid in processes_mentioning(self.dir):
                os.kill(pid, signal.SIGKILL)
        self.addCleanup(kill_if_left)
        return proc

    def read(self, name):
        with open(os.path.join(self.dir, name)) as f:
            return f.read()

    def test_starts_all_three_serves_list_and_ctrl_c_stops_everything(self):
        proc = self.start()

        def running():
            if proc.poll() is not None:
                raise AssertionError("gust dev-cluster exited (%s):\n%s" % (proc.returncode, self.read("stderr")))
            return "Ctrl-C stops them all." in self.read("stdout")
        wait_for(running, START_TIMEOUT, "gust dev-cluster to say it is running")
        text = self.read("stdout")
        self.assertIn("127.0.0.1:%d" % self.zk_port, text)
        self.assertIn("127.0.0.1:%d" % self.nimbus_port, text)
        self.assertIn("%d,%d" % tuple(self.slots), text)
        self.assertTrue(processes_mentioning(self.dir), "no daemon runs under the cluster's folder")

        listed = subprocess.run([GUST, "list", "-c", 'nimbus.seeds=["127.0.0.1"]',
                                 "-c", "nimbus.thrift.port=%d" % self.nimbus_port],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("No topologies running.", listed.stdout)

        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        self.assertEqual(proc.wait(180), 0, self.read("stderr"))
        self.assertEqual(processes_mentioning(self.dir), [])
        for port in [self.zk_port, self.nimbus_port]:
            self.assertTrue(port_is_free(port), "port %d still in use" % port)

    def test_a_port_in_use_is_refused_before_anything_starts(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", self.nimbus_port))
            taken.listen(1)
            proc = self.start()
            self.assertEqual(proc.wait(60), 1)
        err = self.read("stderr")
        self.assertRegex(err, r"^\S+ \S+ ERROR +gust - port %d \(nimbus.thrift.port\) is in use" % self.nimbus_port)
        self.assertIn("-c nimbus.thrift.port=", err)
        self.assertEqual(processes_mentioning(self.dir), [])
        self.assertFalse(os.path.exists(os.path.join(self.dir, "cluster", "zookeeper")))


if __name__ == "__main__":
    unittest.main()
