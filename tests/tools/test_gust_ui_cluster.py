"""`gust ui` against a real cluster: a real ZooKeeper server and `gust nimbus`
(cluster_harness.py), a topology submitted by a Storm client generated from
storm.thrift, then Storm UI's REST API read through `gust ui`: the cluster,
topology and Nimbus summaries, the topology page; the supervisors and every
Nimbus as Nimbus lists them (a second Nimbus and a supervisor join for that,
then leave); POST deactivate changes
the status Nimbus reports, POST rebalance passes Storm UI's rebalanceOptions
body (a bad one is refused); an unknown id gets Storm's error; and with Nimbus
stopped the API answers Storm's 500 naming the Nimbus address while the UI
server stays up.
"""
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_harness import (GUST, GustDaemon, ZooKeeperServer, _die_with_parent,  # noqa: E402
                             free_port, make_temp_dir, storm_yaml, supervisor_id_of)
from nimbus_client import Client, jar_bytes, upload, wordcount  # noqa: E402

WAIT = 120  # seconds: bounds a hang on a loaded machine, never a timing


class GustUiOnACluster(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.zk = ZooKeeperServer().start()
        cls.workdir = make_temp_dir("gust-ui-cluster")
        cls.nimbus = GustDaemon.nimbus(cls.zk, cls.workdir)
        cls.nimbus.wait_for_log("is the leader")
        cls.ui_port = free_port()
        config = os.path.join(cls.workdir, "storm.yaml")
        with open(config, "w") as f:
            f.write(storm_yaml({"nimbus.seeds": ["127.0.0.1"],
                                "nimbus.thrift.port": cls.nimbus.port,
                                "ui.port": cls.ui_port,
                                "ui.gust.sample.ms": 200}))
        cls.ui_log = open(os.path.join(cls.workdir, "ui.log"), "w+")
        cls.ui = subprocess.Popen([GUST, "ui", "--config", config], stdout=cls.ui_log,
                                  stderr=subprocess.STDOUT, cwd=cls.workdir,
                                  preexec_fn=_die_with_parent)
        cls.base = "http://127.0.0.1:%d" % cls.ui_port

    @classmethod
    def tearDownClass(cls):
        if cls.ui.poll() is None:
            cls.ui.terminate()
            cls.ui.wait(WAIT)
        cls.ui_log.close()
        cls.nimbus.stop()
        cls.zk.stop()

    def ui_log_text(self):
        self.ui_log.flush()
        with open(self.ui_log.name) as f:
            return f.read()

    def request(self, path, method="GET", body=None):
        req = urllib.request.Request(self.base + path, method=method, data=body)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read().decode())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode())

    def until(self, predicate, what):
        deadline = time.monotonic() + WAIT
        while True:
            try:
                result = predicate()
            except (urllib.error.URLError, ConnectionError):
                result = None
            if result:
                return result
            if time.monotonic() > deadline:
                self.fail("%s did not happen within %d s; gust ui log:\n%s\nNimbus log:\n%s"
                          % (what, WAIT, self.ui_log_text()[-4000:],
                             self.nimbus.log_text()[-4000:]))
            time.sleep(0.2)

    def topologies(self):
        status, body = self.request("/api/v1/topology/summary")
        return body["topologies"] if status == 200 else None

    def test_a_real_supervisor_and_two_nimbuses(self):
        # runs first (unittest's order is by name); leaves the cluster as it found it
        standby = GustDaemon.nimbus(self.zk, self.workdir, name="nimbus2")
        supervisor = GustDaemon.supervisor(self.zk, self.workdir, nimbuses=[self.nimbus], slots=3)
        try:
            sid = supervisor_id_of(self.zk, supervisor)
            rows = self.until(
                lambda: ((r := self.request("/api/v1/supervisor/summary"))[0] == 200
                         and [s for s in r[1]["supervisors"] if s["id"] == sid]),
                "supervisor %s in /supervisor/summary" % sid)
            status, sups = self.request("/api/v1/supervisor/summary")
            self.assertEqual([s["id"] for s in sups["supervisors"]], [sid])
            row = rows[0]
            self.assertEqual((row["slotsTotal"], row["slotsUsed"], row["slotsFree"]), (3, 0, 3))
            self.assertIsInstance(row["uptimeSeconds"], int)
            self.assertIsInstance(row["uptime"], str)
            self.assertIsInstance(row["host"], str)
            self.assertIsInstance(row["version"], str)
            self.assertIs(row["blacklisted"], False)

            nimbuses = self.until(
                lambda: ((r := self.request("/api/v1/nimbus/summary"))[0] == 200
                         and len(r[1]["nimbuses"]) == 2 and r[1]["nimbuses"]),
                "both Nimbuses in /nimbus/summary")
            by_port = {n["port"]: n for n in nimbuses}
            self.assertEqual(set(by_port), {self.nimbus.port, standby.port})
            self.assertEqual(by_port[self.nimbus.port]["status"], "Leader")
            self.assertEqual(by_port[standby.port]["status"], "Not a Leader")
            for n in nimbuses:
                self.assertIsInstance(n["nimbusUpTimeSeconds"], int)
                self.assertIsInstance(n["version"], str)

            status, cluster = self.request("/api/v1/cluster/summary")
            self.assertEqual(status, 200, cluster)
            self.assertEqual((cluster["supervisors"], cluster["slotsTotal"], cluster["slotsUsed"],
                              cluster["slotsFree"]), (1, 3, 0, 3))
        finally:
            supervisor.stop()
            standby.stop()
        self.until(lambda: (r := self.request("/api/v1/supervisor/summary"))[0] == 200
                   and r[1]["supervisors"] == [], "the supervisor gone from /supervisor/summary")
        self.until(lambda: (r := self.request("/api/v1/nimbus/summary"))[0] == 200
                   and len(r[1]["nimbuses"]) == 1, "the standby Nimbus gone")

    def test_cluster_read_acted_on_and_nimbus_lost(self):
        self.assertIn("http://127.0.0.1:%d/" % self.ui_port,
                      self.until(lambda: "http://" in self.ui_log_text() and self.ui_log_text(),
                                 "the address in gust ui's log"))
        self.until(lambda: self.request("/api/v1/cluster/summary")[0] == 200,
                   "a first answer from Nimbus through gust ui")
        with Client(self.nimbus.port) as client:
            for name in ("wc", "wc2"):
                client.submitTopology(name, upload(client, jar_bytes()), json.dumps({}),
                                      wordcount())
        listed = self.until(lambda: (t := self.topologies()) and len(t) == 2 and t,
                            "both topologies in /topology/summary")
        by_name = {t["name"]: t for t in listed}
        self.assertEqual(set(by_name), {"wc", "wc2"})
        wc = by_name["wc"]
        self.assertRegex(wc["id"], r"^wc-\d+-\d+$")
        self.assertEqual(wc["status"], "ACTIVE")

        status, cluster = self.request("/api/v1/cluster/summary")
        self.assertEqual(status, 200, cluster)
        self.assertEqual(cluster["topologies"], 2)
        self.assertEqual((cluster["supervisors"], cluster["slotsTotal"]), (0, 0))
        with Client(self.nimbus.port) as client:
            summary = client.getClusterInfo()
        self.assertEqual(cluster["tasksTotal"], sum(t.num_tasks for t in summary.topologies))
        self.assertEqual(cluster["executorsTotal"],
                         sum(t.num_executors for t in summary.topologies))
        status, nimbuses = self.request("/api/v1/nimbus/summary")
        self.assertEqual(status, 200, nimbuses)
        self.assertEqual(len(nimbuses["nimbuses"]), 1, nimbuses)
        self.assertEqual(nimbuses["nimbuses"][0]["port"], self.nimbus.port)
        self.assertEqual(nimbuses["nimbuses"][0]["status"], "Leader")
        status, page = self.request("/api/v1/topology/" + wc["id"])
        self.assertEqual(status, 200, page)
        self.assertEqual((page["id"], page["name"], page["status"]), (wc["id"], "wc", "ACTIVE"))
        self.assertEqual(page["configuration"]["topology.name"], "wc")

        with urllib.request.urlopen(self.base + "/metrics", timeout=30) as r:
            metrics = r.read().decode()
        self.assertIn('gust_topology_restarts_total{topology="wc"}', metrics)
        self.assertIn('gust_topology_restarts_total{topology="wc2"}', metrics)
        with urllib.request.urlopen(self.base + "/", timeout=30) as r:
            self.assertIn("<html", r.read().decode().lower())

        status, reply = self.request("/api/v1/topology/%s/deactivate" % wc["id"], "POST", b"")
        self.assertEqual(status, 200, reply)
        self.assertEqual(reply, {"topologyOperation": "deactivate", "topologyId": wc["id"],
                                 "status": "success"})
        with Client(self.nimbus.port) as client:
            self.assertEqual(client.getTopologyInfo(wc["id"]).status, "INACTIVE")
        self.until(lambda: {t["name"]: t["status"] for t in self.topologies()}
                   == {"wc": "INACTIVE", "wc2": "ACTIVE"}, "wc INACTIVE in the UI")

        wc2 = by_name["wc2"]
        status, reply = self.request("/api/v1/topology/%s/rebalance/0" % wc2["id"], "POST",
                                     b'{"rebalanceOptions": {"numWorkers": "two"}}')
        self.assertEqual(status, 500, reply)
        self.assertIn("numWorkers", reply["errorMessage"])
        status, reply = self.request("/api/v1/topology/%s/rebalance/0" % wc2["id"], "POST",
                                     b'{"rebalanceOptions": {"executors": {"split": 3}}}')
        self.assertEqual(status, 200, reply)
        self.assertEqual(reply["topologyOperation"], "rebalance")

        # no supervisor runs here, so Nimbus assigns no executors: its log says
        # the rebalance happened
        self.nimbus.wait_for_log("topology %s rebalanced" % wc2["id"])

        status, reply = self.request("/api/v1/topology/no-such-1-1")
        self.assertEqual(status, 500, reply)
        self.assertEqual(reply["error"], "500 Server Error")
        self.assertIn("no-such-1-1", reply["errorMessage"])
        status, reply = self.request("/api/v1/topology/no-such-1-1/activate", "POST", b"")
        self.assertEqual(status, 500, reply)

        self.nimbus.stop()
        address = "127.0.0.1:%d" % self.nimbus.port
        lost = self.until(lambda: (r := self.request("/api/v1/cluster/summary"))[0] == 500 and r,
                          "Storm's 500 once Nimbus is gone")
        self.assertEqual(lost[1]["error"], "500 Server Error")
        self.assertIn(address, lost[1]["errorMessage"])
        status, reply = self.request("/api/v1/topology/%s/activate" % wc["id"], "POST", b"")
        self.assertEqual(status, 500, reply)
        self.assertIn(address, reply["errorMessage"])
        self.assertIsNone(self.ui.poll(), "gust ui exited:\n" + self.ui_log_text())
        status, _ = self.request("/api/v1/topology/summary")
        self.assertEqual(status, 500)


if __name__ == "__main__":
    unittest.main()
