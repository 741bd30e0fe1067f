"""gust's Storm command line against a real cluster, as a user types it: a
real ZooKeeper server and `gust nimbus` (cluster_harness.py), the Nimbus
named in ~/.storm/storm.yaml, a topology submitted by a Storm client
generated from storm.thrift and one by `gust submit`, then `gust list`, `deactivate`, `activate`,
`rebalance` and `kill` with their output checked; and the bad cases: an
unknown topology (Storm's NotAliveException text), a bad -e, and no Nimbus
listening.
"""
import json
import os
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_harness import (GUST, GustDaemon, ZooKeeperServer, make_temp_dir,  # noqa: E402
                             storm_yaml)
from nimbus_client import Client, jar_bytes, upload, wordcount  # noqa: E402

SOURCE = os.environ.get("GUST_SOURCE_DIR", ".")
WORDCOUNT = os.path.join(SOURCE, "examples", "flux", "shell", "python_wordcount.yaml")
WAIT = 120  # seconds: bounds a hang on a loaded machine, never a timing


class ClusterCommandLine(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.zk = ZooKeeperServer().start()
        cls.workdir = make_temp_dir("cluster-cli")
        cls.nimbus = GustDaemon.nimbus(cls.zk, cls.workdir)
        cls.home = os.path.join(cls.workdir, "home")
        os.makedirs(os.path.join(cls.home, ".storm"))
        with open(os.path.join(cls.home, ".storm", "storm.yaml"), "w") as f:
            f.write(storm_yaml({"nimbus.seeds": ["127.0.0.1"],
                                "nimbus.thrift.port": cls.nimbus.port}))

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.stop()
        cls.zk.stop()

    def gust(self, *args):
        return subprocess.run([GUST, *args], capture_output=True, text=True, timeout=WAIT,
                              env=dict(os.environ, HOME=self.home), cwd=self.workdir)

    def until(self, predicate, what):
        deadline = time.monotonic() + WAIT
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                self.fail("%s did not happen within %d s; Nimbus log:\n%s"
                          % (what, WAIT, self.nimbus.log_text()[-4000:]))
            time.sleep(0.2)

    def listed(self):
        """{name: (status, tasks, workers, id)} from `gust list`."""
        r = self.gust("list")
        self.assertEqual(r.returncode, 0, r.stderr)
        if r.stdout == "No topologies running.\n":
            return {}
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["Topology_name", "Status", "Num_tasks", "Num_workers",
                                            "Uptime_secs", "Topology_Id", "Owner"])
        self.assertEqual(lines[1], "-" * 88)
        rows = {}
        for line in lines[2:]:
            name, status, tasks, workers, _uptime, topology_id = line.split()[:6]
            rows[name] = (status, int(tasks), int(workers), topology_id)
        return rows

    def status_of(self, name):
        return self.listed().get(name, (None,))[0]

    def submit_with_a_storm_client(self, name):
        with Client(self.nimbus.port) as client:
            location = upload(client, jar_bytes())
            client.submitTopology(name, location, json.dumps({}), wordcount())

    def test_a_storm_clients_topology_listed_deactivated_activated_rebalanced_killed(self):
        self.until(lambda: self.gust("list").returncode == 0, "a first answer from Nimbus")
        self.assertEqual(self.gust("list").stdout, "No topologies running.\n")
        self.submit_with_a_storm_client("wc")
        status, tasks, workers, topology_id = self.listed()["wc"]
        self.assertEqual(status, "ACTIVE")
        self.assertRegex(topology_id, r"^wc-\d+-\d+$")
        self.assertGreaterEqual(tasks, 5)  # 1 + 2 + 2 executors, plus any system tasks

        r = self.gust("deactivate", "wc")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Deactivated topology: wc", r.stderr)
        self.assertEqual(self.status_of("wc"), "INACTIVE")
        r = self.gust("activate", "wc")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Activated topology: wc", r.stderr)
        self.assertEqual(self.status_of("wc"), "ACTIVE")

        r = self.gust("rebalance", "wc", "-w", "0", "-e", "split=3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Topology wc is rebalancing", r.stderr)
        self.until(lambda: self.status_of("wc") == "ACTIVE", "the end of the rebalance")

        r = self.gust("kill", "wc", "-w", "0")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Killed topology: wc", r.stderr)
        self.until(lambda: "wc" not in self.listed(), "the killed topology leaving the list")

    def test_gust_submit_then_list_and_kill(self):
        self.until(lambda: self.gust("list").returncode == 0, "a first answer from Nimbus")
        r = self.gust("submit", WORDCOUNT, "--name", "flux-wc", "--inactive")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Finished submitting topology: flux-wc", r.stderr)
        status, tasks, _, topology_id = self.listed()["flux-wc"]
        self.assertEqual(status, "INACTIVE")
        self.assertRegex(topology_id, r"^flux-wc-\d+-\d+$")
        self.assertGreaterEqual(tasks, 6)  # sentences 1, split 2, count 2, log 1
        r = self.gust("submit", WORDCOUNT, "--name", "flux-wc")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Topology name flux-wc is either not allowed or it already exists", r.stderr)
        r = self.gust("kill", "flux-wc", "-w", "0")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.until(lambda: "flux-wc" not in self.listed(), "the killed topology leaving the list")

    def test_bad_cases_are_named_as_storm_names_them(self):
        self.until(lambda: self.gust("list").returncode == 0, "a first answer from Nimbus")
        for command in (["kill", "no-such-topo", "-w", "1"], ["activate", "no-such-topo"],
                        ["deactivate", "no-such-topo"], ["rebalance", "no-such-topo", "-n", "1"]):
            with self.subTest(command=command):
                r = self.gust(*command)
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn("NotAliveException(msg:no-such-topo is not alive)", r.stderr)
        r = self.gust("rebalance", "wc", "-e", "split")
        self.assertEqual(r.returncode, 2)
        self.assertIn("Failed to parse 'split' correctly", r.stderr)
        r = self.gust("list", "-c", "nimbus.thrift.port=%d" % _closed_port())
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"no Nimbus at 127\.0\.0\.1:\d+: Connection refused")


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    unittest.main()
