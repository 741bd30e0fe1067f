"""The statistics methods of `gust nimbus` over the wire, with a Python
client generated from the project's storm.thrift: a submitted topology's
TopologyInfo (by id and name, with options), TopologyPageInfo,
ComponentPageInfo and SupervisorPageInfo decode with every required field,
and unknown topologies and components get NotAliveException.  The numbers
themselves come from the workers' heartbeats (tests/nimbus checks the
replies built from a known heartbeat against Storm's recorded ones)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nimbus_client import Client, jar_bytes, ttypes, upload, wordcount  # noqa: E402
from nimbus_wire import Nimbus  # noqa: E402


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


if __name__ == "__main__":
    unittest.main()
