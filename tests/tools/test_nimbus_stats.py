"""The statistics methods of `gust nimbus` over the wire, with a Python
client generated from the project's storm.thrift: a submitted topology's
TopologyInfo (by id and name, with options), TopologyPageInfo,
ComponentPageInfo and SupervisorPageInfo decode with every required field,
and unknown topologies and components get NotAliveException.  The numbers
themselves come from the workers' heartbeats (tests/nimbus checks the
replies built from a known heartbeat against Storm's recorded ones)."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nimbus_client import Client, jar_bytes, ttypes, upload, wordcount  # noqa: E402
from nimbus_wire import Nimbus  # noqa: E402
from cluster_harness import GustDaemon, ZooKeeperServer, make_temp_dir  # noqa: E402

BUILD = os.environ.get("GUST_BUILD_DIR", "build")
ZK_TOOL = os.path.join(BUILD, "tests", "supervisor", "zk_tool")
WINDOWS = ["600", "10800", "86400", ":all-time"]


def every_window(value):
    return {w: value for w in WINDOWS}


def worker_beat(port):
    """A heartbeat as a worker writes it (compat/runtime/stats_json.c)."""
    spout = {"component": "sentences", "type": "spout", "task_start": 5, "task_end": 5,
             "uptime_secs": 30, "emitted": every_window({"default": 100}),
             "transferred": every_window({"default": 100}), "acked": every_window({"default": 97}),
             "failed": every_window({"default": 3}),
             "complete_ms_avg": every_window({"default": 4.0})}
    split = {"component": "split", "type": "bolt", "task_start": 3, "task_end": 3,
             "uptime_secs": 30, "emitted": every_window({"default": 500}),
             "transferred": every_window({"default": 500}),
             "executed": every_window({"sentences": {"default": 100}}),
             "acked": every_window({"sentences": {"default": 100}}),
             "failed": every_window({"sentences": {"default": 0}}),
             "process_ms_avg": every_window({"sentences": {"default": 1.5}}),
             "execute_ms_avg": every_window({"sentences": {"default": 1.0}})}
    errors = {"split": {"total": 1, "last": [{"time_secs": 1764800000, "task": 3,
                                               "host": "127.0.0.1", "port": port,
                                               "error": "Shell Process Exception: boom"}]}}
    stats = {"format": 1, "time_secs": 1764800000, "uptime_secs": 30, "host": "127.0.0.1",
             "port": port, "executors": [spout, split], "errors": errors}
    return {"time_secs": 1764800000, "uptime_secs": 30, "supervisor_id": "sup-1",
            "host": "127.0.0.1", "port": port, "stats": stats}


class StatsMethods(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nimbus = Nimbus()
        cls.client = Client(cls.nimbus.port)
        location = upload(cls.client, jar_bytes())
        cls.client.submitTopology("stats-wc", location, '{"topology.workers": 1}', wordcount())
        summary = cls.client.getTopologySummaryByName("stats-wc")
        cls.id = summary.id

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.nimbus.stop()

    def test_topology_info_by_id_and_name(self):
        info = self.client.getTopologyInfo(self.id)
        self.assertEqual((info.id, info.name, info.status), (self.id, "stats-wc", "ACTIVE"))
        self.assertIsInstance(info.executors, list)
        self.assertEqual(sorted(info.errors), ["count", "sentences", "split"])
        by_name = self.client.getTopologyInfoByName("stats-wc")
        self.assertEqual(by_name.id, self.id)
        opts = ttypes.GetInfoOptions(num_err_choice=ttypes.NumErrorsChoice.NONE)
        self.assertEqual(self.client.getTopologyInfoWithOpts(self.id, opts).id, self.id)
        self.assertEqual(self.client.getTopologyInfoByNameWithOpts("stats-wc", opts).name,
                         "stats-wc")

    def test_unknown_topology_is_not_alive(self):
        for call in (lambda: self.client.getTopologyInfo("nope-1-1"),
                     lambda: self.client.getTopologyInfoByName("nope"),
                     lambda: self.client.getTopologyPageInfo("nope-1-1", "600", False),
                     lambda: self.client.getComponentPageInfo("nope-1-1", "split", "600", False)):
            with self.assertRaises(ttypes.NotAliveException) as caught:
                call()
            self.assertIn("nope", caught.exception.msg)
        self.assertTrue(self.nimbus.alive())

    def test_topology_page_has_the_windows_and_the_record(self):
        page = self.client.getTopologyPageInfo(self.id, ":all-time", False)
        self.assertEqual((page.id, page.name, page.status, page.owner),
                         (self.id, "stats-wc", "ACTIVE", page.owner))
        self.assertEqual(sorted(page.topology_stats.window_to_emitted),
                         sorted(["600", "10800", "86400", ":all-time"]))
        self.assertIn("topology.workers", page.topology_conf)

    def test_unknown_id_is_the_message_as_in_storm(self):
        with self.assertRaises(ttypes.NotAliveException) as caught:
            self.client.getTopologyInfo("nosuch-1-1")
        self.assertEqual(caught.exception.msg, "nosuch-1-1")

    def test_components_no_worker_reports_yet_have_zeros(self):
        page = self.client.getComponentPageInfo(self.id, "split", ":all-time", False)
        self.assertEqual((page.component_id, page.component_type, page.num_executors),
                         ("split", ttypes.ComponentType.BOLT, 2))
        self.assertEqual(page.window_to_stats[":all-time"].common_stats.emitted, 0)
        spout = self.client.getComponentPageInfo(self.id, "sentences", "600", False)
        self.assertEqual(spout.component_type, ttypes.ComponentType.SPOUT)
        topology = self.client.getTopologyPageInfo(self.id, "600", False)
        self.assertEqual(sorted(topology.id_to_spout_agg_stats), ["sentences"])
        self.assertEqual(sorted(topology.id_to_bolt_agg_stats), ["count", "split"])
        self.assertEqual(topology.num_executors, 5)
        with self.assertRaises(ttypes.NotAliveException) as caught:
            self.client.getComponentPageInfo(self.id, "nosuch", ":all-time", False)
        self.assertIn("nosuch", caught.exception.msg)

    def test_supervisor_page_of_an_unknown_supervisor_is_empty(self):
        page = self.client.getSupervisorPageInfo("no-such-supervisor", None, False)
        self.assertEqual((page.supervisor_summaries, page.worker_summaries), ([], []))


class StatsFromHeartbeats(unittest.TestCase):
    """A Nimbus with a real ZooKeeper answers from a worker's heartbeat
    (written here as a worker writes it)."""

    def test_executors_and_errors_come_from_the_heartbeat(self):
        zk = ZooKeeperServer().start()
        self.addCleanup(zk.stop)
        workdir = make_temp_dir("nimbus-stats")
        nimbus = GustDaemon.nimbus(zk, workdir, "nimbus", root="/stats")
        self.addCleanup(nimbus.stop)
        nimbus.wait_for_log(r"is the leader")
        with Client(nimbus.port) as client:
            client.submitTopology("beats", upload(client, jar_bytes()), "{}", wordcount())
            topology_id = client.getTopologySummaryByName("beats").id
            subprocess.run([ZK_TOOL, zk.address, "/stats", "put",
                            "/workerbeats/%s/sup-1-6700" % topology_id,
                            json.dumps(worker_beat(6700))], check=True, timeout=60)
            info = client.getTopologyInfo(topology_id)
            self.assertEqual(sorted((e.component_id, e.executor_info.task_start, e.port)
                                    for e in info.executors),
                             [("sentences", 5, 6700), ("split", 3, 6700)])
            spout = [e for e in info.executors if e.component_id == "sentences"][0]
            self.assertEqual(spout.stats.specific.spout.acked["600"]["default"], 97)
            self.assertEqual([e.error for e in info.errors["split"]],
                             ["Shell Process Exception: boom"])
            page = client.getComponentPageInfo(topology_id, "split", "600", False)
            self.assertEqual(page.window_to_stats["600"].specific_stats.bolt.executed, 100)
            self.assertEqual(page.window_to_stats["600"].common_stats.emitted, 500)
            topology = client.getTopologyPageInfo(topology_id, ":all-time", False)
            self.assertEqual(topology.topology_stats.window_to_acked[":all-time"], 97)
            self.assertEqual(topology.num_workers, 1)


if __name__ == "__main__":
    unittest.main()
