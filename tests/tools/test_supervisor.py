"""`gust supervisor` and its `gust worker`s on a real ZooKeeper server.

The supervisor fetches the three topology files over Thrift from the
leader Nimbus named in /leader-lock.  Here that Nimbus is BlobNimbus: a
real Thrift server (framed transport, binary protocol, the Python client
code generated from the project's storm.thrift) that serves exactly
beginBlobDownload / downloadBlobChunk for the keys <id>-stormjar.jar,
<id>-stormcode.ser and <id>-stormconf.ser from a folder the test writes,
as Nimbus does; the test writes /storms/<id> and /assignments/<id> itself
(tests/supervisor/zk_tool).  The topology is a multilang WordCount
(examples/flux/shell/resources/ in the jar's resources/ folder).

Checked: a worker is launched for an assignment and counts words (its
log); the supervisor's node carries the worker's /proc figures; kill -9
of the worker -> relaunched, resumes from its latest checkpoint;
deactivate / activate reach the spouts; a new assignment version restarts
the worker; unassigning stops it (SIGTERM, final checkpoint); a jar with
a zip-slip entry is refused with a clear error and the supervisor stays
up.  Waits are for conditions; the deadlines only bound a hang.
"""
import glob
import warnings
import io
import json
import os
import re
import shutil
import signal
import socket
import sys
import threading
import time
import unittest
import zipfile

warnings.simplefilter("ignore", DeprecationWarning)  # thrift 0.17 server threads
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cluster_harness import (BUILD, SOURCE, GustDaemon, ZooKeeperTestCase, free_port,  # noqa: E402
                             make_temp_dir, wait_for)

sys.path.insert(0, os.path.join(BUILD, "compat", "thrift", "gen-py"))
try:
    import thrift  # noqa: F401
except ImportError:  # a python3 of its own (pyenv) without Debian's python3-thrift
    sys.path.append("/usr/lib/python3/dist-packages")
from gust_storm import Nimbus  # noqa: E402
from gust_storm.ttypes import (BeginDownloadResult, Bolt, ComponentCommon, ComponentObject,  # noqa: E402
                               GlobalStreamId, Grouping, KeyNotFoundException, NullStruct,
                               ShellComponent, SpoutSpec, StormTopology, StreamInfo)
from thrift.protocol import TBinaryProtocol  # noqa: E402
from thrift.server import TServer  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402
from thrift.TSerialization import serialize  # noqa: E402

ZK_TOOL = os.path.join(BUILD, "tests", "supervisor", "zk_tool")
RESOURCES = os.path.join(SOURCE, "examples", "flux", "shell", "resources")
HANG_BOUND_S = 120
CHUNK = 64 * 1024


class BlobNimbus:
    """The two blob calls of Nimbus over real Thrift, from folder/<key>."""

    def __init__(self, folder):
        self.folder = folder
        self.sessions = {}
        self.served = []
        self.port = free_port()
        handler = self
        transport = TSocket.TServerSocket(host="127.0.0.1", port=self.port)
        self.server = TServer.TThreadedServer(
            Nimbus.Processor(handler), transport, TTransport.TFramedTransportFactory(),
            TBinaryProtocol.TBinaryProtocolFactory())
        self.server.daemon = True
        threading.Thread(target=self.server.serve, daemon=True).start()
        wait_for(self._listening, 30, "the blob server to listen")

    def _listening(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def beginBlobDownload(self, key):
        path = os.path.join(self.folder, key)
        if "/" in key or not os.path.isfile(path):
            raise KeyNotFoundException(msg=key)
        session = "session-%d" % len(self.sessions)
        with open(path, "rb") as f:
            self.sessions[session] = io.BytesIO(f.read())
        self.served.append(key)
        return BeginDownloadResult(version=1, session=session,
                                   data_size=len(self.sessions[session].getvalue()))

    def downloadBlobChunk(self, session):
        return self.sessions[session].read(CHUNK)


def shell(command, script, streams, parallelism=1, inputs=None, conf=None):
    common = ComponentCommon(
        inputs=inputs or {},
        streams={name: StreamInfo(output_fields=fields, direct=False) for name, fields in streams.items()},
        parallelism_hint=parallelism,
        json_conf=json.dumps(conf) if conf else None)
    return ComponentObject(shell=ShellComponent(execution_command=command, script=script)), common


def wordcount_topology():
    spout_object, spout_common = shell("python3", "sentence_spout.py", {"default": ["sentence"]})
    split_object, split_common = shell(
        "python3", "split_sentence.py", {"default": ["word"]}, 2,
        {GlobalStreamId("sentences", "default"): Grouping(shuffle=NullStruct())})
    count_object, count_common = shell(
        "python3", "count_words.py", {"default": ["word", "count"], "totals": ["words_seen"]}, 2,
        {GlobalStreamId("split", "default"): Grouping(fields=["word"])},
        {"topology.tick.tuple.freq.secs": 1})
    return StormTopology(
        spouts={"sentences": SpoutSpec(spout_object=spout_object, common=spout_common)},
        bolts={"split": Bolt(bolt_object=split_object, common=split_common),
               "count": Bolt(bolt_object=count_object, common=count_common)},
        state_spouts={})


def jar_bytes(extra=()):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        for name in sorted(os.listdir(RESOURCES)):
            jar.write(os.path.join(RESOURCES, name), "resources/" + name)
        for name, data in extra:
            jar.writestr(name, data)
    return out.getvalue()


class SupervisorTest(ZooKeeperTestCase):
    def setUp(self):
        self.work = make_temp_dir("supervisor")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.root = "/t%d" % free_port()
        self.blobs = os.path.join(self.work, "blobs")
        os.makedirs(self.blobs)
        self.nimbus = BlobNimbus(self.blobs)
        self.addCleanup(self.nimbus.server.serverTransport.close)
        self.zk_put("/leader-lock/n-0000000000", "127.0.0.1:%d" % self.nimbus.port)
        self.checkpoints = os.path.join(self.work, "checkpoints")
        self.supervisor = GustDaemon.supervisor(
            self.zk, self.work, root=self.root, slots=2,
            conf={"supervisor.heartbeat.frequency.secs": 1, "supervisor.monitor.frequency.secs": 1,
                  "storm.gust.worker.stop.timeout.secs": 15,
                  "storm.gust.worker.restart.backoff.max.secs": 2})
        self.addCleanup(self.stop_supervisor)
        match = self.supervisor.wait_for_log(r"supervisor (\S+) started: slots (\[[^\]]*\])")
        self.supervisor_id = match.group(1)
        self.ports = json.loads(match.group(2))

    def stop_supervisor(self):
        self.supervisor.stop(timeout=40)
        for pid_file in glob.glob(os.path.join(self.supervisor.local_dir, "workers", "*", "pid")):
            try:  # a worker the supervisor could not stop must not outlive the test
                with open(pid_file) as f:
                    os.killpg(int(f.read()), signal.SIGKILL)
            except (OSError, ValueError):
                pass

    def zk_tool(self, *args):
        import subprocess
        result = subprocess.run([ZK_TOOL, self.zk.address, self.root] + list(args),
                                capture_output=True, text=True, timeout=60)
        return result.returncode, result.stdout, result.stderr

    def zk_put(self, path, data):
        status, _, err = self.zk_tool("put", path, data)
        self.assertEqual(status, 0, err)

    def zk_json(self, path):
        status, out, err = self.zk_tool("get", path)
        return json.loads(out) if status == 0 else None

    def store_topology(self, topology_id, jar=None, name="wordcount"):
        conf = {"topology.name": name, "topology.workers": 3,
                "topology.gust.checkpoint.interval.ms": 200,
                "topology.gust.checkpoint.dir": os.path.join(self.checkpoints, name)}
        files = {"stormjar.jar": jar if jar is not None else jar_bytes(),
                 "stormcode.ser": serialize(wordcount_topology()),
                 "stormconf.ser": json.dumps(conf).encode()}
        for suffix, data in files.items():
            with open(os.path.join(self.blobs, "%s-%s" % (topology_id, suffix)), "wb") as f:
                f.write(data)

    def set_status(self, topology_id, status, name="wordcount"):
        self.zk_put("/storms/" + topology_id, json.dumps(
            {"name": name, "status": status, "launch_time_secs": int(time.time()),
             "num_workers_requested": 3}))

    def assign(self, topology_id, version, port):
        self.zk_put("/assignments/" + topology_id, json.dumps(
            {"topology_id": topology_id, "version": version,
             "workers": [{"supervisor_id": self.supervisor_id, "host": "127.0.0.1", "port": port,
                          "executors": [[1, 6]]}]}))

    def worker_log(self, topology_id, port):
        return os.path.join(self.supervisor.local_dir, "logs", "workers-artifacts", topology_id,
                            str(port), "worker.log")

    def read(self, path):
        try:
            with open(path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_log(self, path, pattern, after=0, what=None):
        regex = re.compile(pattern, re.M)
        wait_for(lambda: regex.search(self.read(path)[after:]), HANG_BOUND_S,
                 what or "/%s/ in %s" % (pattern, path))
        return regex.search(self.read(path)[after:])

    def supervisor_worker(self, port):
        node = self.zk_json("/supervisors/" + self.supervisor_id) or {}
        return next((w for w in node.get("workers", []) if w["port"] == port), None)

    def test_worker_runs_restarts_from_checkpoint_follows_status_and_stops(self):
        tid, port = "wordcount-1-1700000000", self.ports[0]
        self.store_topology(tid)
        self.set_status(tid, "ACTIVE")
        self.assign(tid, 1, port)
        log = self.worker_log(tid, port)
        self.wait_log(log, r"runs the whole topology in ONE worker \(topology.workers asks for 3")
        self.wait_log(log, r"count:\d+ .*\d+ distinct words so far", what="word counts in the worker log")
        self.assertEqual(sorted(self.nimbus.served),
                         sorted("%s-%s" % (tid, f) for f in ("stormjar.jar", "stormcode.ser", "stormconf.ser")))
        resources = os.path.join(self.supervisor.local_dir, "supervisor", "stormdist", tid, "resources")
        self.assertTrue(os.path.isfile(os.path.join(resources, "count_words.py")))

        # the supervisor's node: the worker, running, with /proc figures
        wait_for(lambda: (self.supervisor_worker(port) or {}).get("state") == "running", HANG_BOUND_S,
                 "the worker's state 'running' in the supervisor's node")
        wait_for(lambda: self.supervisor_worker(port)["cpu_secs"] > 0, HANG_BOUND_S, "CPU seconds")
        worker = self.supervisor_worker(port)
        self.assertEqual(worker["topology_id"], tid)
        self.assertGreater(worker["rss_bytes"], 1 << 20)
        self.assertEqual(worker["restarts"], 0)
        self.assertEqual(worker["assignment_version"], 1)
        pid = worker["pid"]
        beat = self.zk_json("/workerbeats/%s/%s-%d" % (tid, self.supervisor_id, port))
        self.assertEqual(beat["port"], port)
        self.assertIn("stats", beat)

        # deactivate / activate reach the spouts
        self.set_status(tid, "INACTIVE")
        self.wait_log(log, r"is INACTIVE: deactivating its spouts")
        self.set_status(tid, "ACTIVE")
        self.wait_log(log, r"is ACTIVE: activating its spouts")

        # kill -9: relaunched, resumes from the latest complete checkpoint
        wait_for(lambda: glob.glob(os.path.join(self.checkpoints, "wordcount", "*", "*")), HANG_BOUND_S,
                 "a checkpoint")
        size = len(self.read(log))
        os.killpg(pid, signal.SIGKILL)
        self.supervisor.wait_for_log(r"worker of %s was killed by signal 9; relaunching" % tid)
        self.wait_log(log, r"resumes from checkpoint \d+", after=size)
        self.wait_log(log, r"distinct words so far", after=size)
        wait_for(lambda: (self.supervisor_worker(port) or {}).get("restarts") == 1, HANG_BOUND_S,
                 "restarts 1 in the supervisor's node")
        self.assertNotEqual(self.supervisor_worker(port)["pid"], pid)

        # a new assignment version (rebalance): stopped, started again
        size = len(self.read(log))
        self.assign(tid, 2, port)
        self.supervisor.wait_for_log(r"assignment of %s changed to version 2" % tid)
        self.wait_log(log, r"worker of %s stopped" % tid, after=size)
        self.wait_log(log, r"resumes from checkpoint \d+", after=size)
        wait_for(lambda: (self.supervisor_worker(port) or {}).get("assignment_version") == 2,
                 HANG_BOUND_S, "version 2 in the supervisor's node")

        # unassigned: SIGTERM, a clean stop with its final checkpoint
        size = len(self.read(log))
        self.assertEqual(self.zk_tool("delete", "/assignments/" + tid)[0], 0)
        self.supervisor.wait_for_log(r"%s is no longer assigned here" % tid)
        self.supervisor.wait_for_log(r"worker of %s \(assignment version 2\) stopped: it exited with status 0"
                                     % tid)
        self.wait_log(log, r"worker of %s stopped$" % tid, after=size)
        wait_for(lambda: self.supervisor_worker(port) is None, HANG_BOUND_S,
                 "the worker gone from the supervisor's node")
        self.assertTrue(self.supervisor.alive())

    def test_zip_slip_jar_is_refused_and_supervisor_stays_up(self):
        bad, good, port = "slip-1-1700000000", "wordcount-2-1700000000", self.ports[0]
        self.store_topology(bad, jar=jar_bytes([("resources/../../../escaped.txt", "x")]), name="slip")
        self.set_status(bad, "ACTIVE", name="slip")
        self.assign(bad, 1, port)
        self.supervisor.wait_for_log(
            r"cannot start the worker of %s: topology jar \S+ refused: entry "
            r"'resources/\.\./\.\./\.\./escaped\.txt' leaves its folder" % bad)
        self.assertFalse(glob.glob(os.path.join(self.supervisor.local_dir, "**", "escaped.txt"), recursive=True))
        self.assertFalse(os.path.exists(os.path.join(self.work, "escaped.txt")))
        self.assertFalse(os.path.exists(self.worker_log(bad, port)))
        self.assertTrue(self.supervisor.alive())
        # it keeps its registration alive and reports the slot as waiting to retry
        beat = self.zk_json("/supervisors/" + self.supervisor_id)["heartbeat_secs"]
        wait_for(lambda: self.zk_json("/supervisors/" + self.supervisor_id)["heartbeat_secs"] > beat,
                 HANG_BOUND_S, "a later heartbeat")
        wait_for(lambda: (self.supervisor_worker(port) or {}).get("state") == "restarting", HANG_BOUND_S,
                 "the refused slot reported as restarting")
        # the other slot still serves a good topology
        self.store_topology(good)
        self.set_status(good, "ACTIVE")
        self.assign(good, 1, self.ports[1])
        self.wait_log(self.worker_log(good, self.ports[1]), r"distinct words so far")

    def test_restarted_supervisor_keeps_its_id_and_registration(self):
        node = self.zk_json("/supervisors/" + self.supervisor_id)
        self.assertEqual(node["ports"], self.ports)
        self.assertEqual(node["workers"], [])
        self.supervisor.kill9()
        self.supervisor.start()
        match = self.supervisor.wait_for_log(r"supervisor (\S+) started")
        self.assertEqual(match.group(1), self.supervisor_id)
        wait_for(lambda: self.zk_json("/supervisors/" + self.supervisor_id), HANG_BOUND_S,
                 "the registration again")


if __name__ == "__main__":
    unittest.main(verbosity=2)
