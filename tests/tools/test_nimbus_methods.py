"""`gust nimbus` through a client generated from the project's storm.thrift:
a topology's whole life (upload, submit, list, read, deactivate, activate,
rebalance, kill), a restart that keeps it, and bad input — every name and
validation rule broken once, uploads to locations never begun or owned by
another connection, zip-slip and oversize jars, undecodable arguments —
each a clear Thrift error, with the daemon up and nothing written outside
storm.local.dir."""
import json
import os
import struct
import time
import unittest

from nimbus_client import Client, jar_bytes, ttypes, upload, wordcount
from nimbus_wire import EXCEPTION, Nimbus, message
from thrift.Thrift import TApplicationException

BAD_NAMES = ["a/b", "a.b", "a:b", "..", "a\\b", "../../escape", ""]


def files_under(path):
    out = set()
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            out.add(os.path.relpath(os.path.join(root, name), path))
    return out


def wait_until(predicate, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


class MethodsTest(unittest.TestCase):
    def setUp(self):
        self.nimbus = Nimbus("storm.gust.nimbus.jar.max.bytes=200000")
        self.client = Client(self.nimbus.port)
        self.outside_before = files_under(self.nimbus.tmp.name) - {
            p for p in files_under(self.nimbus.tmp.name) if p.startswith("storm-local")}

    def tearDown(self):
        self.client.close()
        self.assertTrue(self.nimbus.alive(), self.nimbus.log_text())
        outside = {p for p in files_under(self.nimbus.tmp.name) if not p.startswith("storm-local")}
        self.assertEqual(outside - self.outside_before - {"nimbus.log"}, set())
        self.nimbus.stop()

    def submit(self, name="wc", conf=None, topology=None, client=None):
        client = client or self.client
        location = upload(client, jar_bytes())
        client.submitTopology(name, location, json.dumps(conf or {}), topology or wordcount())
        return {s.name: s for s in client.getTopologySummaries()}[name]

    def test_a_topology_lives_and_dies_as_in_storm(self):
        self.assertTrue(self.client.isTopologyNameAllowed("wc"))
        summary = self.submit("wc", {"topology.workers": 3, "topology.message.timeout.secs": 1})
        self.assertRegex(summary.id, r"^wc-1-\d{10}$")
        self.assertEqual((summary.status, summary.num_workers, summary.num_executors),
                         ("ACTIVE", 1, 5))
        self.assertIn("one worker", summary.sched_status)
        self.assertIn("topology.workers is 3; gust runs a topology in one worker",
                      self.nimbus.log_text())
        self.assertFalse(self.client.isTopologyNameAllowed("wc"))
        conf = json.loads(self.client.getTopologyConf(summary.id))
        self.assertEqual((conf["storm.id"], conf["topology.name"]), (summary.id, "wc"))
        self.assertTrue(conf["topology.gust.checkpoint.dir"].endswith("/checkpoints/wc"))
        self.assertEqual(set(self.client.getUserTopology(summary.id).bolts), {"split", "count"})
        self.assertEqual(self.client.getTopologySummary(summary.id).name, "wc")
        self.client.deactivate("wc")
        self.client.deactivate("wc")  # no-op
        self.assertEqual(self.client.getTopologySummaryByName("wc").status, "INACTIVE")
        self.client.activate("wc")
        self.assertEqual(self.client.getTopologySummaryByName("wc").status, "ACTIVE")
        self.client.rebalance("wc", ttypes.RebalanceOptions(wait_secs=1, num_workers=1,
                                                            num_executors={"split": 4}))
        self.assertEqual(self.client.getTopologySummaryByName("wc").status, "REBALANCING")
        self.assertTrue(wait_until(
            lambda: self.client.getTopologySummaryByName("wc").status == "ACTIVE"))
        self.assertEqual(self.client.getTopologySummaryByName("wc").num_executors, 7)
        self.client.killTopologyWithOpts("wc", ttypes.KillOptions(wait_secs=1))
        self.assertEqual(self.client.getTopologySummaryByName("wc").status, "KILLED")
        with self.assertRaises(TApplicationException):
            self.client.activate("wc")  # being killed
        self.assertTrue(wait_until(lambda: self.client.getTopologySummaries() == []))
        self.assertTrue(self.client.isTopologyNameAllowed("wc"))
        dist = os.path.join(self.nimbus.local_dir, "nimbus", "stormdist")
        self.assertEqual(os.listdir(dist), [])
        # Resubmitted: a new id.
        self.assertRegex(self.submit("wc").id, r"^wc-2-\d+$")

    def test_a_rebalance_changes_the_topology_conf_as_storm_rebalance_t_does(self):
        summary = self.submit("tconf", {"topology.message.timeout.secs": 30, "my.setting": "a"})
        before = json.loads(self.client.getTopologyConf(summary.id))
        overrides = {"topology.message.timeout.secs": 5, "my.setting": "b", "my.new": [1, 2],
                     "topology.workers": 2,
                     # kept as they are: who submitted it, and its name and id
                     "topology.submitter.user": "mallory", "topology.name": "other",
                     "storm.id": "other-1-1"}
        self.client.rebalance("tconf", ttypes.RebalanceOptions(
            wait_secs=0, topology_conf_overrides=json.dumps(overrides)))
        self.assertTrue(wait_until(
            lambda: self.client.getTopologySummaryByName("tconf").status == "ACTIVE"))
        conf = json.loads(self.client.getTopologyConf(summary.id))
        self.assertEqual((conf["topology.message.timeout.secs"], conf["my.setting"], conf["my.new"],
                          conf["topology.workers"]), (5, "b", [1, 2], 2))
        for key in ("topology.submitter.user", "topology.name", "storm.id"):
            self.assertEqual(conf[key], before[key], key)
        # stored: the worker a supervisor starts next reads it
        path = os.path.join(self.nimbus.local_dir, "nimbus", "stormdist", summary.id, "stormconf.ser")
        with open(path) as f:
            self.assertEqual(json.load(f)["topology.message.timeout.secs"], 5)
        # resource overrides (storm rebalance -r) are said to be left out
        self.client.rebalance("tconf", ttypes.RebalanceOptions(
            wait_secs=0, topology_resources_overrides={"split": {"memory.mb": 128.0}}))
        self.assertIn("resource overrides (storm rebalance -r) are not applied",
                      self.nimbus.log_text())

    def test_submit_with_options_starts_inactive(self):
        location = upload(self.client, jar_bytes())
        self.client.submitTopologyWithOpts(
            "quiet", location, "{}", wordcount(),
            ttypes.SubmitOptions(initial_status=ttypes.TopologyInitialStatus.INACTIVE))
        self.assertEqual(self.client.getTopologySummaryByName("quiet").status, "INACTIVE")

    def test_a_restarted_nimbus_serves_its_topologies_again(self):
        kept = self.submit("kept", {"topology.message.timeout.secs": 1})
        dying = self.submit("dying")
        self.client.killTopologyWithOpts("dying", ttypes.KillOptions(wait_secs=2))
        self.client.close()
        self.nimbus.proc.terminate()
        self.nimbus.proc.wait(30)
        local_dir = self.nimbus.local_dir
        self.nimbus.log.close()
        restarted = Nimbus(local_dir=local_dir)
        try:
            with Client(restarted.port) as client:
                summary = client.getTopologySummaryByName("kept")
                self.assertEqual((summary.id, summary.status), (kept.id, "ACTIVE"))
                self.assertEqual(json.loads(client.getTopologyConf(kept.id))["storm.id"], kept.id)
                self.assertTrue(wait_until(lambda: "dying" not in {
                    s.name for s in client.getTopologySummaries()}))
                self.assertNotEqual(self.submit("third", client=client).id.split("-")[1], "1")
            self.assertIn("topology %s (kept) restored" % kept.id, restarted.log_text())
        finally:
            restarted.stop()
        self.nimbus = Nimbus()  # for tearDown
        self.client = Client(self.nimbus.port)
        del dying

    def test_names_breaking_the_rule_are_refused(self):
        for name in BAD_NAMES:
            with self.subTest(name=name):
                self.assertFalse(self.client.isTopologyNameAllowed(name))
                location = upload(self.client, jar_bytes())
                with self.assertRaises(ttypes.InvalidTopologyException) as e:
                    self.client.submitTopology(name, location, "{}", wordcount())
                self.assertIn("is invalid", e.exception.msg)
        self.assertEqual(os.listdir(os.path.join(self.nimbus.local_dir, "nimbus", "stormdist")),
                         [])

    def test_already_alive_and_not_alive(self):
        self.submit("wc")
        location = upload(self.client, jar_bytes())
        with self.assertRaises(ttypes.AlreadyAliveException) as e:
            self.client.submitTopology("wc", location, "{}", wordcount())
        self.assertIn("wc is already alive", e.exception.msg)
        calls = [lambda: self.client.killTopology("nosuch"),
                 lambda: self.client.killTopologyWithOpts("nosuch", ttypes.KillOptions()),
                 lambda: self.client.activate("nosuch"),
                 lambda: self.client.deactivate("nosuch"),
                 lambda: self.client.rebalance("nosuch", ttypes.RebalanceOptions()),
                 lambda: self.client.getTopologySummaryByName("nosuch"),
                 lambda: self.client.getTopologySummary("nosuch"),
                 lambda: self.client.getTopologyConf("nosuch"),
                 lambda: self.client.getTopology("nosuch"),
                 lambda: self.client.getUserTopology("nosuch")]
        for call in calls:
            with self.assertRaises(ttypes.NotAliveException) as e:
                call()
            self.assertIn("nosuch", e.exception.msg)

    def test_each_submission_rule_broken_once(self):
        def refused(name, conf, topology, location=None, text=""):
            location = location if location is not None else upload(self.client, jar_bytes())
            with self.assertRaises(ttypes.InvalidTopologyException) as e:
                self.client.submitTopology(name, location, conf, topology)
            self.assertIn(text, e.exception.msg)

        no_spouts = wordcount()
        no_spouts.spouts = {}
        refused("nospout", "{}", no_spouts, text="no spouts")
        refused("badconf", "not json", wordcount(), text="jsonConf is not a JSON object")
        refused("badconf2", "[1]", wordcount(), text="jsonConf is not a JSON object")
        refused("badkey", json.dumps({"topology.message.timeout.secs": "soon"}), wordcount(),
                text="topology.message.timeout.secs")
        refused("nosource", "{}", wordcount(split_source="nosuch"), text="nosuch")
        refused("nofield", "{}", wordcount(count_fields=("nofield",)), text="nofield")
        refused("nojar", "{}", wordcount(), location="/etc/passwd", text="not a finished upload")
        refused("nojar2", "{}", wordcount(), location="", text="not a finished upload")
        self.submit("wc")
        for options, text in [
                (ttypes.RebalanceOptions(num_executors={"nosuch": 2}), "'nosuch' does not exist"),
                (ttypes.RebalanceOptions(num_executors={"split": 0}), "greater than 0"),
                (ttypes.RebalanceOptions(num_workers=0), "greater than 0"),
                (ttypes.RebalanceOptions(topology_conf_overrides="not json"),
                 "topology_conf_overrides is not a JSON object"),
                (ttypes.RebalanceOptions(topology_conf_overrides="[1]"),
                 "topology_conf_overrides is not a JSON object"),
                (ttypes.RebalanceOptions(
                    topology_conf_overrides='{"topology.message.timeout.secs": "soon"}'),
                 "topology.message.timeout.secs")]:
            with self.assertRaises(ttypes.InvalidTopologyException) as e:
                self.client.rebalance("wc", options)
            self.assertIn(text, e.exception.msg)
        self.assertEqual(self.client.getTopologySummaryByName("wc").status, "ACTIVE")

    def test_upload_chunks_only_reach_their_own_session(self):
        with self.assertRaises(TApplicationException) as e:
            self.client.uploadChunk("/tmp/never-begun.jar", b"x")
        self.assertIn("does not exist", e.exception.message)
        inbox = os.path.join(self.nimbus.local_dir, "nimbus", "inbox")
        with self.assertRaises(TApplicationException):
            self.client.uploadChunk(os.path.join(inbox, "../../../escape.jar"), b"x")
        location = self.client.beginFileUpload()
        with Client(self.nimbus.port) as other:
            with self.assertRaises(TApplicationException) as e:
                other.uploadChunk(location, b"stolen")
            self.assertIn("belongs to another client's connection", e.exception.message)
            with self.assertRaises(TApplicationException):
                other.finishFileUpload(location)
        self.client.uploadChunk(location, jar_bytes())
        self.client.finishFileUpload(location)
        with self.assertRaises(TApplicationException) as e:  # finished: no more chunks
            self.client.uploadChunk(location, b"more")
        # A connection that ends drops its unfinished upload and the file.
        with Client(self.nimbus.port) as gone:
            dropped = gone.beginFileUpload()
            gone.uploadChunk(dropped, b"partial")
        self.assertTrue(wait_until(lambda: not os.path.exists(dropped)))

    def test_bad_jars_are_refused_at_finish(self):
        for data, text in [
                (jar_bytes({"resources/../../evil.sh": "x"}), "zip slip"),
                (jar_bytes({"/abs/evil.sh": "x"}), "zip slip"),
                (b"not a zip at all", "not a jar")]:
            location = self.client.beginFileUpload()
            self.client.uploadChunk(location, data)
            with self.assertRaises(TApplicationException) as e:
                self.client.finishFileUpload(location)
            self.assertIn(text, e.exception.message)
            self.assertFalse(os.path.exists(location))
        location = self.client.beginFileUpload()
        self.client.uploadChunk(location, b"x" * 150000)
        with self.assertRaises(TApplicationException) as e:
            self.client.uploadChunk(location, b"x" * 150000)
        self.assertIn("storm.gust.nimbus.jar.max.bytes (200000 bytes)", e.exception.message)

    def test_blob_downloads_serve_the_stored_files(self):
        jar = jar_bytes({"resources/x.py": "print(1)\n" * 20000})
        location = upload(self.client, jar)
        self.client.submitTopology("wc", location, "{}", wordcount())
        tid = self.client.getTopologySummaryByName("wc").id

        def download(key, chunks=None):
            begun = self.client.beginBlobDownload(key)
            data = b""
            while True:
                chunk = (chunks or self.client.downloadBlobChunk)(begun.session)
                if not chunk:
                    return begun, data
                data += chunk

        begun, data = download(tid + "-stormjar.jar")
        self.assertEqual((data, begun.data_size), (jar, len(jar)))
        self.assertEqual(json.loads(download(tid + "-stormconf.ser",
                                             self.client.downloadChunk)[1])["storm.id"], tid)
        self.assertGreater(len(download(tid + "-stormcode.ser")[1]), 0)
        for key in ["nosuch-stormjar.jar", tid + "-other", "../" + tid + "-stormjar.jar"]:
            with self.assertRaises(ttypes.KeyNotFoundException):
                self.client.beginBlobDownload(key)
        with self.assertRaises(TApplicationException):
            self.client.downloadBlobChunk("no-such-session")

    def test_undecodable_arguments_get_a_protocol_error_naming_the_method(self):
        with self.nimbus.connect() as s:
            # submitTopology whose field 1 claims 1000 bytes and has 3.
            body = struct.pack(">bhi", 11, 1, 1000) + b"abc"
            reply = self.nimbus.call(message("submitTopology", 5, body), s)
            self.assertEqual(reply[:3], ("submitTopology", EXCEPTION, 5))
            self.assertEqual(reply[3][2][1], 7)
            self.assertIn(b"submitTopology: malformed arguments", reply[3][1][1])
            reply = self.nimbus.call(message("getLogConfig", 6), s)
            self.assertIn(b"gust nimbus does not support getLogConfig", reply[3][1][1])
            self.assertEqual(self.nimbus.call(message("getLeader", 7), s)[1], 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
