"""`gust jar JAR MAINCLASS` to a cluster, as `storm jar` does: the user's
main runs in a JVM and its StormSubmitter finds the leader (nimbus.seeds,
getLeader), asks isTopologyNameAllowed, uploads the jar and calls
submitTopology with every spout and bolt a serialized_java ComponentObject.

Against a recording Nimbus (fake_nimbus.py, a Python Thrift server built
from storm.thrift): the whole call sequence, the uploaded bytes (the jar),
the topology conf (the main's settings with the -c options on top), each
component's Java-serialized bytes (magic 0xACED, the classes named),
inputs of every grouping kind, streams, parallelism_hint, json_conf;
submitTopologyWithProgressBar and ConfigurableTopology's submit; a leader
that is not the seed; Nimbus's AlreadyAliveException and
InvalidTopologyException reaching the main as those types; a name Nimbus
does not allow; no Nimbus at all; a LocalCluster in a main run for a
cluster.

Against a real cluster (a real ZooKeeper, `gust nimbus` and a supervisor,
as test_cluster_end_to_end.py starts them), with the Nimbus found through
~/.storm/storm.yaml: the Java WordCount example is submitted.  A Nimbus
that runs Java components stores it (getTopology returns the
serialized_java components, getTopologyConf the main's settings, the jar
is in storm.local.dir, `gust list` shows it, a second submission is
refused as Storm refuses it) and its worker runs it (every component's
emitted count grows).  (A Nimbus without a JVM refusing Java components by
class is test_cluster_java.py's.)
"""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_cluster_end_to_end as e2e  # noqa: E402
from cluster_harness import GUST, storm_yaml, wait_for_leader  # noqa: E402
from fake_nimbus import AlreadyAliveException, FakeNimbus  # noqa: E402
from nimbus_client import Client  # noqa: E402
from nimbus_wire import T_I32, T_STRING, decode_message, recv_frame  # noqa: E402
from gust_storm.ttypes import InvalidTopologyException, TopologyInitialStatus  # noqa: E402

BUILD = os.environ.get("GUST_BUILD_DIR", "build")
EXAMPLES_JAR = os.path.join(BUILD, "examples", "java", "gust-java-examples.jar")
TESTS_JAR = os.path.join(BUILD, "tests", "java", "gust-java-tests.jar")
WORDCOUNT = "gust.examples.WordCountTopology"
SHAPES = "gust.tests.SubmitShapes"
SOURCE = os.environ.get("GUST_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RECORDED = os.path.join(SOURCE, "tests", "fixtures", "storm-2.6.0", "a-jar-wordcount")
WAIT = 300  # seconds: bounds a hang of a JVM on a loaded machine, never a timing
JAVA_MAGIC = b"\xac\xed\x00\x05"


def gust_jar(*args, home=None, cwd=None):
    env = dict(os.environ, HOME=home or os.environ.get("HOME", "/"))
    return subprocess.run([GUST, "jar", *args], capture_output=True, text=True, timeout=WAIT,
                          env=env, cwd=cwd)


def at(nimbus):
    return ["-c", 'nimbus.seeds=["127.0.0.1"]', "-c", "nimbus.thrift.port=%d" % nimbus.port]


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def submitted(nimbus):
    calls = nimbus.call_args("submitTopology")
    assert len(calls) == 1, nimbus.methods()
    name, location, conf, topology = calls[0]
    return name, location, json.loads(conf), topology


class NameAllowedNimbus(FakeNimbus):
    """Says every name is allowed; submitTopology answers as `refusal` says."""

    def __init__(self, refusal):
        super().__init__()
        self.refusal = refusal

    def answer_isTopologyNameAllowed(self, name):
        return True

    def answer_submitTopology(self, name, location, conf, topology):
        raise self.refusal


class AgainstARecordingNimbus(unittest.TestCase):
    def test_wordcount_example_calls_and_topology_as_storm_sends_them(self):
        with FakeNimbus() as nimbus:
            r = gust_jar(*at(nimbus), "-c", "topology.workers=2", "-c", "gust.test.c=a,b",
                         EXAMPLES_JAR, WORDCOUNT, "100")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(nimbus.methods(), ["getLeader", "isTopologyNameAllowed", "beginFileUpload",
                                                "uploadChunk", "finishFileUpload", "submitTopology"])
            name, location, conf, topology = submitted(nimbus)
            self.assertEqual(name, "java-word-count")
            with open(EXAMPLES_JAR, "rb") as f:
                self.assertEqual(nimbus.uploads[location], f.read())
            # the main's setting, then the -c options (JSON when they parse, else text)
            self.assertEqual(conf["topology.max.spout.pending"], 2000)
            self.assertEqual(conf["topology.workers"], 2)
            self.assertEqual(conf["gust.test.c"], "a,b")
            self.assertIn("Finished submitting topology: java-word-count", r.stderr)

            self.assertEqual(sorted(topology.spouts), ["sentences"])
            self.assertEqual(sorted(topology.bolts), ["count", "split"])
            classes = {"sentences": "gust.examples.WordCountTopology$SentenceSpout",
                       "split": "gust.examples.WordCountTopology$SplitBolt",
                       "count": "org.apache.storm.topology.BasicBoltExecutor"}
            for cid, spec in list(topology.spouts.items()) + list(topology.bolts.items()):
                obj = spec.spout_object if cid in topology.spouts else spec.bolt_object
                self.assertIsNone(obj.shell)
                self.assertIsNone(obj.java_object)
                data = obj.serialized_java
                self.assertTrue(data.startswith(JAVA_MAGIC), (cid, data[:8]))
                # the first class descriptor: TC_OBJECT TC_CLASSDESC, a UTF length, the name
                self.assertEqual(data[4:6], b"\x73\x72")
                length = int.from_bytes(data[6:8], "big")
                self.assertEqual(data[8:8 + length].decode(), classes[cid])
            self.assertIn(b"gust.examples.WordCountTopology$CountBolt", topology.bolts["count"].bolt_object.serialized_java)

            spout = topology.spouts["sentences"].common
            self.assertEqual(spout.inputs, {})
            self.assertEqual(spout.streams["default"].output_fields, ["sentence"])
            self.assertEqual(spout.parallelism_hint, 1)
            split = topology.bolts["split"].common
            (stream, grouping), = split.inputs.items()
            self.assertEqual((stream.componentId, stream.streamId), ("sentences", "default"))
            self.assertIsNotNone(grouping.shuffle)
            self.assertEqual(split.parallelism_hint, 2)
            self.assertIsNone(split.json_conf)
            count = topology.bolts["count"].common
            (stream, grouping), = count.inputs.items()
            self.assertEqual(grouping.fields, ["word"])
            self.assertEqual(count.streams["default"].output_fields, ["word", "count"])
            self.assertEqual(json.loads(count.json_conf), {"topology.tick.tuple.freq.secs": 1})
            self.assertEqual(topology.state_spouts, {})

    def test_every_subscription_kind_a_shell_bolt_and_the_three_submit_paths(self):
        for how in ("plain", "progress", "configurable"):
            with self.subTest(how=how), FakeNimbus() as nimbus:
                r = gust_jar(*at(nimbus), TESTS_JAR, SHAPES, how, "shapes-" + how)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertIn("submitted shapes-" + how, r.stdout)
                if how == "progress":
                    self.assertRegex(r.stdout, r"Start uploading file '.*gust-java-tests\.jar' to "
                                               r"'/storm-local/nimbus/inbox/stormjar-0\.jar' \(\d+ bytes\)")
                    self.assertIn("uploaded to '/storm-local/nimbus/inbox/stormjar-0.jar'", r.stdout)
                name, _, conf, topology = submitted(nimbus)
                self.assertEqual(name, "shapes-" + how)
                self.assertEqual((conf["topology.workers"], conf["topology.max.spout.pending"],
                                  conf["gust.test.user.key"]), (2, 123, "user value"))
                words = topology.spouts["words"]
                self.assertIn(b"org.apache.storm.testing.TestWordSpout", words.spout_object.serialized_java)
                self.assertEqual(words.common.parallelism_hint, 3)
                split = topology.bolts["split"]
                data = split.bolt_object.serialized_java
                self.assertTrue(data.startswith(JAVA_MAGIC))
                self.assertIn(b"gust.tests.SubmitShapes$Split", data)
                self.assertIn(b"org.apache.storm.task.ShellBolt", data)
                self.assertIn(b"splitsentence.py", data)
                self.assertEqual(json.loads(split.common.json_conf), {"topology.tasks": 4})
                count = topology.bolts["count"].common
                self.assertIsNone(count.parallelism_hint)  # Storm sets none when none was given
                groupings = {(s.componentId, s.streamId): g for s, g in count.inputs.items()}
                self.assertEqual(groupings[("split", "default")].fields, ["word"])
                self.assertIsNotNone(groupings[("words", "default")].all)
                self.assertEqual(json.loads(count.json_conf), {"gust.test.setting": "on"})
                total = topology.bolts["total"].common
                groupings = {(s.componentId, s.streamId): g for s, g in total.inputs.items()}
                self.assertEqual(groupings[("count", "default")].fields, [])  # global
                custom = groupings[("words", "default")].custom_serialized
                self.assertTrue(custom.startswith(JAVA_MAGIC))
                self.assertIn(b"gust.tests.SubmitShapes$FirstTask", custom)
                self.assertIn(b"first-task-marker", custom)
                partial = topology.bolts["partial"].common
                groupings = {(s.componentId, s.streamId): g for s, g in partial.inputs.items()}
                key = groupings[("split", "default")].custom_object
                self.assertEqual((key.full_class_name, [a.string_arg for a in key.args_list]),
                                 ("org.apache.storm.grouping.PartialKeyGrouping", ["word"]))
                self.assertIsNotNone(groupings[("count", "default")].local_or_shuffle)
                self.assertIsNotNone(groupings[("words", "default")].none)

    def test_submit_options_go_as_submitTopologyWithOpts_and_a_progress_listener_hears_the_upload(self):
        with FakeNimbus() as nimbus:
            r = gust_jar(*at(nimbus), TESTS_JAR, SHAPES, "inactive", "shapes-inactive")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            methods = nimbus.methods()
            self.assertIn("submitTopologyWithOpts", methods)
            self.assertNotIn("submitTopology", methods)
            name, _, _, _, options = nimbus.call_args("submitTopologyWithOpts")[0]
            self.assertEqual(name, "shapes-inactive")
            self.assertEqual(options.initial_status, TopologyInitialStatus.INACTIVE)
        size = os.path.getsize(TESTS_JAR)
        self.assertIn("listener start %d" % size, r.stdout)
        self.assertIn("listener progress %d" % size, r.stdout)
        self.assertRegex(r.stdout, r"listener completed /storm-local/nimbus/inbox/stormjar-0\.jar")

    def test_the_leader_named_by_getLeader_gets_the_submission(self):
        with FakeNimbus() as leader, FakeNimbus() as seed:
            seed.leader = ("127.0.0.1", leader.port)
            r = gust_jar(*at(seed), EXAMPLES_JAR, WORDCOUNT)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(seed.methods(), ["getLeader"])
            self.assertEqual(submitted(leader)[0], "java-word-count")
            self.assertIn("Found leader nimbus : 127.0.0.1:%d" % leader.port, r.stderr)

    def test_nimbus_refusals_reach_the_main_as_storms_exceptions(self):
        cases = ((AlreadyAliveException(msg="shapes is already alive"),
                  "org.apache.storm.generated.AlreadyAliveException: shapes is already alive"),
                 (InvalidTopologyException(msg="component 'split' is bad"),
                  "org.apache.storm.generated.InvalidTopologyException: component 'split' is bad"))
        for refusal, text in cases:
            with self.subTest(refusal=type(refusal).__name__), NameAllowedNimbus(refusal) as nimbus:
                r = gust_jar(*at(nimbus), TESTS_JAR, SHAPES, "plain", "shapes")
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn("submit threw " + text, r.stdout)
                self.assertIn('Exception in thread "main" ' + text, r.stderr)

    def test_a_name_nimbus_does_not_allow_is_refused_before_the_upload(self):
        with FakeNimbus() as nimbus:
            nimbus.topologies["java-word-count"] = None
            r = gust_jar(*at(nimbus), EXAMPLES_JAR, WORDCOUNT)
            self.assertEqual(r.returncode, 1)
            self.assertIn("Topology name java-word-count is either not allowed or it already exists "
                          "on the cluster", r.stderr)
            self.assertEqual(nimbus.methods(), ["getLeader", "isTopologyNameAllowed"])

    def test_no_nimbus_is_a_clear_error(self):
        port = closed_port()
        r = gust_jar("-c", 'nimbus.seeds=["127.0.0.1"]', "-c", "nimbus.thrift.port=%d" % port,
                     EXAMPLES_JAR, WORDCOUNT)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Could not find leader nimbus from seed hosts [127.0.0.1] (nimbus.seeds) at "
                      "nimbus.thrift.port %d: 127.0.0.1:%d:" % (port, port), r.stderr)
        self.assertIn("Connection refused", r.stderr)

    def test_bad_command_lines(self):
        r = gust_jar("-c", "nimbus.thrift.port=lots", EXAMPLES_JAR, WORDCOUNT)
        self.assertEqual(r.returncode, 1)
        self.assertIn("nimbus.thrift.port", r.stderr)
        r = gust_jar(os.path.join(BUILD, "no-such.jar"), WORDCOUNT)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no-such.jar: no such jar", r.stderr)
        r = gust_jar("--java", "/nonexistent/java", EXAMPLES_JAR, WORDCOUNT)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot run the JVM (/nonexistent/java)", r.stderr)
        r = gust_jar("-c", "nimbus.thrift.port=%d" % closed_port(), TESTS_JAR, "gust.tests.LocalClusterMain", "1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("UnsupportedOperationException: LocalCluster runs topologies under `gust jar --local`",
                      r.stderr)
        r = gust_jar("--local", "-c", "topology.workers=2", EXAMPLES_JAR, WORDCOUNT)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--config and -c configure the submission to a cluster", r.stderr)

def recorded(number, method, direction):
    with open(os.path.join(RECORDED, "%02d-%s-%s.bin" % (number, direction, method)), "rb") as f:
        return f.read()[4:]  # the frame's body


def with_seqid(payload, seqid):
    """payload (a strict-header message) with its seqid replaced."""
    name_length = struct.unpack(">i", payload[4:8])[0]
    at = 8 + name_length
    return payload[:at] + struct.pack(">i", seqid) + payload[at + 4:]


class ReplayNimbus:
    """Answers each call with Storm 2.6.0 Nimbus's recorded reply to it
    (a-jar-wordcount: getLeader naming this server, isTopologyNameAllowed,
    beginFileUpload, uploadChunk, finishFileUpload, submitTopology), with
    the caller's seqid; keeps the bodies of the calls."""
    REPLIES = {"getLeader": 2, "isTopologyNameAllowed": 6, "beginFileUpload": 8, "uploadChunk": 10,
               "finishFileUpload": 16, "submitTopology": 18}

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.calls = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                try:
                    while True:
                        payload = recv_frame(conn)
                        method, _, seqid, _ = decode_message(payload)
                        self.calls.append(payload)
                        reply = recorded(self.REPLIES[method], method, "s2c")
                        if method == "getLeader":  # the recorded leader is 127.0.0.1:6627: this server
                            reply = reply.replace(struct.pack(">bhi", T_I32, 2, 6627),
                                                  struct.pack(">bhi", T_I32, 2, self.port))
                        reply = with_seqid(reply, seqid)
                        conn.sendall(struct.pack(">I", len(reply)) + reply)
                except (ConnectionError, KeyError):
                    pass

    def close(self):
        self.server.close()


def without_java_bytes(value, rename=None):
    """A decoded struct with each Java-serialized blob replaced by its first
    class name (renamed as rename says)."""
    rename = rename or {}
    if isinstance(value, dict):
        return {fid: (t, without_java_bytes(v, rename)) for fid, (t, v) in value.items()}
    if isinstance(value, tuple) and value[0] == "map":
        return ("map", value[1], value[2], sorted(((without_java_bytes(k, rename), without_java_bytes(v, rename))
                                                   for k, v in value[3]), key=repr))
    if isinstance(value, tuple) and value[0] == "list":
        return ("list", value[1], [without_java_bytes(v, rename) for v in value[2]])
    if isinstance(value, bytes) and value.startswith(JAVA_MAGIC):
        name = value[8:8 + int.from_bytes(value[6:8], "big")].decode()
        return ("java", rename.get(name, name))
    return value


class AgainstStormsRecordedReplies(unittest.TestCase):
    def test_calls_are_the_bytes_storms_client_sent_and_the_topology_has_its_shape(self):
        nimbus = ReplayNimbus()
        self.addCleanup(nimbus.close)
        home = tempfile.mkdtemp(prefix="gust-jar-replay-")
        self.addCleanup(shutil.rmtree, home, True)
        os.makedirs(os.path.join(home, ".storm"))
        with open(os.path.join(home, ".storm", "storm.yaml"), "w") as f:  # no -c: they go into the conf
            f.write(storm_yaml({"nimbus.seeds": ["127.0.0.1"], "nimbus.thrift.port": nimbus.port}))
        r = gust_jar(TESTS_JAR, SHAPES, "starter", "wc-fixture", home=home)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        methods = [decode_message(c)[0] for c in nimbus.calls]
        chunks = methods.count("uploadChunk")
        self.assertEqual(methods, ["getLeader", "isTopologyNameAllowed", "beginFileUpload"]
                         + ["uploadChunk"] * chunks + ["finishFileUpload", "submitTopology"])
        # byte for byte what storm jar sent (seqids counted the same way)
        self.assertEqual(nimbus.calls[0], with_seqid(recorded(3, "getLeader", "c2s"), 1))
        self.assertEqual(nimbus.calls[1], recorded(5, "isTopologyNameAllowed", "c2s"))
        self.assertEqual(nimbus.calls[2], recorded(7, "beginFileUpload", "c2s"))
        self.assertEqual(nimbus.calls[3 + chunks], with_seqid(recorded(15, "finishFileUpload", "c2s"), 4 + chunks))
        location = decode_message(recorded(8, "beginFileUpload", "s2c"))[3][0][1]
        jar = b""
        for call in nimbus.calls[3:3 + chunks]:
            fields = decode_message(call)[3]
            self.assertEqual(fields[1], (T_STRING, location))
            self.assertLessEqual(len(fields[2][1]), 307200)
            jar += fields[2][1]
        with open(TESTS_JAR, "rb") as f:
            self.assertEqual(jar, f.read())

        ours = decode_message(nimbus.calls[-1])
        storms = decode_message(recorded(17, "submitTopology", "c2s"))
        self.assertEqual(ours[2], 5 + chunks)
        self.assertEqual((ours[3][1], ours[3][2]), (storms[3][1], storms[3][2]))  # name, location
        conf = json.loads(storms[3][3][1])
        for key in ("storm.zookeeper.topology.auth.scheme", "storm.zookeeper.topology.auth.payload"):
            del conf[key]  # Storm's ZooKeeper digest secret: gust sends none
        self.assertEqual(json.loads(ours[3][3][1]), conf)
        # the components' classes differ (TestWordSpout for storm-starter's
        # RandomSentenceSpout, ...); all else is what Storm sent
        topology = without_java_bytes(ours[3][4][1])
        expected = without_java_bytes(storms[3][4][1], {
            "org.apache.storm.starter.spout.RandomSentenceSpout": "org.apache.storm.testing.TestWordSpout",
            "org.apache.storm.starter.WordCountTopology$SplitSentence": "gust.tests.SubmitShapes$Split"})
        self.assertEqual(topology[8][0], T_STRING)  # the JVM's version, whatever it is
        topology[8] = expected[8]
        self.assertEqual(topology, expected)


class AgainstARealNimbus(e2e.EndToEnd):
    def test_java_wordcount_submitted_through_storm_yaml(self):
        self.start_cluster("/jar-cluster")
        nimbus = self.nimbuses[0]
        home = os.path.join(self.work, "home")
        os.makedirs(os.path.join(home, ".storm"))
        with open(os.path.join(home, ".storm", "storm.yaml"), "w") as f:
            f.write(storm_yaml({"nimbus.seeds": ["127.0.0.1"], "nimbus.thrift.port": nimbus.port}))

        def gust(*args):
            return subprocess.run([GUST, *args], capture_output=True, text=True, timeout=WAIT,
                                  env=dict(os.environ, HOME=home), cwd=self.work)

        r = gust_jar("-c", "gust.test.c=7", EXAMPLES_JAR, WORDCOUNT, home=home, cwd=self.work)
        self.assertIn("Found leader nimbus : 127.0.0.1:%d" % nimbus.port, r.stderr)
        self.assertIn("Successfully uploaded topology jar to assigned location: ", r.stderr)
        stormdist = os.path.join(nimbus.local_dir, "nimbus", "stormdist")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Finished submitting topology: java-word-count", r.stderr)
        listed = gust("list")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        row = [line.split() for line in listed.stdout.splitlines() if line.startswith("java-word-count ")]
        self.assertEqual(len(row), 1, listed.stdout)
        topology_id = row[0][5]
        with Client(nimbus.port) as client:
            topology = client.getTopology(topology_id)
            conf = json.loads(client.getTopologyConf(topology_id))
        for cid, spec in list(topology.spouts.items()) + list(topology.bolts.items()):
            obj = spec.spout_object if cid in topology.spouts else spec.bolt_object
            self.assertTrue(obj.serialized_java.startswith(JAVA_MAGIC), cid)
        self.assertIn(b"gust.examples.WordCountTopology$SentenceSpout",
                      topology.spouts["sentences"].spout_object.serialized_java)
        self.assertIn(b"gust.examples.WordCountTopology$SplitBolt",
                      topology.bolts["split"].bolt_object.serialized_java)
        self.assertEqual((conf["topology.max.spout.pending"], conf["gust.test.c"]), (2000, 7))
        with open(EXAMPLES_JAR, "rb") as f, \
                open(os.path.join(stormdist, topology_id, "stormjar.jar"), "rb") as stored:
            self.assertEqual(stored.read(), f.read())
        # (a loaded machine may cost the leader its ZooKeeper session for a moment: the second
        # submission is meant to meet the topology, not a cluster between two leaders)
        wait_for_leader(self.zk, self.nimbuses, e2e.HANG_BOUND_S, root=self.root)
        again = gust_jar(EXAMPLES_JAR, WORDCOUNT, home=home, cwd=self.work)
        self.assertEqual(again.returncode, 1)
        self.assertIn("Topology name java-word-count is either not allowed or it already exists on "
                      "the cluster", again.stderr)
        # and it runs in a worker: every component's emitted count grows
        self.running_worker(topology_id)
        for component in ("sentences", "split", "count"):
            self.wait_growing(nimbus.port, topology_id, component, above=0)
        r = gust("kill", "java-word-count", "-w", "0")
        self.assertEqual(r.returncode, 0, r.stderr)
        e2e.wait_for(lambda: self.worker_record(topology_id) is None, e2e.HANG_BOUND_S,
                     "the worker to stop")

    def test_a_java_bolts_custom_grouping_runs_in_its_worker_task(self):
        # a Java bolt's custom grouping, submitted by StormSubmitter, is built and asked by the
        # bolt's own task in the worker's JVM, inside its emit
        self.start_cluster("/jar-cluster-grouping")
        nimbus = self.nimbuses[0]
        r = gust_jar(*at(nimbus), TESTS_JAR, "gust.tests.CustomGroupingTopology", "300", "acker", "relay",
                     cwd=self.work)
        self.assertEqual(r.returncode, 0, r.stderr)
        with Client(nimbus.port) as client:
            topology_id = [t.id for t in client.getClusterInfo().topologies if t.name == "custom-grouping"][0]
        worker = self.running_worker(topology_id)
        self.wait_growing(nimbus.port, topology_id, "relay", above=0)
        log = e2e.wait_for(lambda: (lambda text: text if "grouping asked" in text else None)(
            self.worker_log(topology_id, worker["port"])), e2e.HANG_BOUND_S, "the grouping to be asked")
        self.assertIn("grouping prepared for relay:default fields [word] targets", log)
        self.assertIn("grouping asked within an emit", log)
        self.assertNotIn("grouping asked outside an emit", log)
        with Client(nimbus.port) as client:
            client.killTopology("custom-grouping")
        e2e.wait_for(lambda: self.worker_record(topology_id) is None, e2e.HANG_BOUND_S, "the worker to stop")


def load_tests(loader, tests, pattern):
    """Only the tests written here: not those AgainstARealNimbus inherits
    from test_cluster_end_to_end's EndToEnd with its helpers."""
    suite = unittest.TestSuite()
    for cls in (AgainstARecordingNimbus, AgainstStormsRecordedReplies, AgainstARealNimbus):
        suite.addTests(cls(name) for name in loader.getTestCaseNames(cls) if name in vars(cls))
    return suite


if __name__ == "__main__":
    unittest.main()
