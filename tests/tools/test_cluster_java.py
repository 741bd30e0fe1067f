"""Java topologies submitted to gust's Nimbus, with real parts: Debian's
ZooKeeper server, `gust nimbus`, `gust supervisor` and the `gust worker`
it launches, driven by a Storm client generated from storm.thrift.

The components are `serialized_java`, as StormSubmitter sends them: a
Java spout, a ShellSpout subclass, a ShellBolt subclass (its command in its serialized fields)
and a Java basic bolt wrapped in a BasicBoltExecutor, from a jar the build
compiles (tests/java/src/gust/tests/stored/) whose WriteComponents writes
their bytes.  The uploaded jar holds those classes and a resources/ folder
with the multilang scripts.  Checked: the worker starts one JVM for the
Java components, the ShellSpout and ShellBolt run through gust's multilang
host (python3 children in the jar's resources/ folder), TopologyInfo's
emitted counts grow for all four components and the worker log shows the Java
bolt's counts and the task ids the Java spout's and bolt's emits returned.
The submitTopology call Storm 2.6.0's own `storm jar` made (recorded in
tests/fixtures/storm-2.6.0/a-jar-wordcount) runs too, its bytes taken by
stand-ins of the storm-starter classes with the same names and
serialVersionUIDs.  Refused: a component whose class the jar lacks ->
InvalidTopologyException naming the component and the class, and Nimbus
keeps serving.  A worker's JVM killed (SIGKILL) under the running topology
is started again by the worker, its Java tasks open again there and the
counts go on, the worker itself staying up; both JVMs got the supervisor's
worker.childopts, the topology's topology.worker.childopts and its
topology.worker.gc.childopts (instead of the supervisor's
worker.gc.childopts), in that order, Storm's placeholders replaced, after
gust's own options.  Metrics the Java bolt registers (a CountMetric, a
MultiCountMetric, a never-reset total, and a string, with 1 s buckets)
show on the worker's /metrics (topology.gust.metrics.port) as
gust_component_metric, per task, the string left out.

Waits are for conditions; their bounds only catch a hang on a loaded
machine.
"""
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import unittest
import urllib.error
import urllib.request
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_cluster_end_to_end as e2e  # noqa: E402
from cluster_harness import BUILD, GustDaemon, make_temp_dir, wait_for  # noqa: E402
import prometheus_text  # noqa: E402
from nimbus_client import Client, NimbusService, ttypes, upload  # noqa: E402
from thrift.protocol import TBinaryProtocol  # noqa: E402
from thrift.transport import TTransport  # noqa: E402
from test_supervisor import RESOURCES  # noqa: E402

STORM_JAR = os.path.join(BUILD, "java", "gust-storm.jar")
METRICS_JAR = "/usr/share/java/metrics-core.jar"  # Dropwizard Metrics: the components' metrics v2
TEST_JAR = os.path.join(BUILD, "tests", "java", "gust-java-stored-tests.jar")
ABSENT_CLASS = "gust/tests/stored/AbsentBolt.class"
RECORDED_SUBMIT = os.path.join(os.environ.get("GUST_SOURCE_DIR", os.path.join(BUILD, "..")), "tests",
                               "fixtures", "storm-2.6.0", "a-jar-wordcount", "17-c2s-submitTopology.bin")
TOPOLOGY_CONF = {"topology.workers": 1, "topology.gust.checkpoint.interval.ms": 200}


def serialized_components():
    """name -> the Java serialization WriteComponents writes."""
    out = make_temp_dir("java-components")
    subprocess.run(["java", "-cp", ":".join([STORM_JAR, METRICS_JAR, TEST_JAR]), "gust.tests.stored.WriteComponents",
                    out], check=True, timeout=120)
    blobs = {}
    for name in ("spout", "shell-spout", "split", "count", "absent"):
        with open(os.path.join(out, name + ".ser"), "rb") as f:
            blobs[name] = f.read()
    return blobs


def topology_jar():
    """The test jar's classes (without AbsentBolt) and resources/ with the multilang scripts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as jar, zipfile.ZipFile(TEST_JAR) as classes:
        for entry in classes.infolist():
            if entry.filename != ABSENT_CLASS:
                jar.writestr(entry, classes.read(entry))
        for name in sorted(os.listdir(RESOURCES)):
            jar.write(os.path.join(RESOURCES, name), "resources/" + name)
    return out.getvalue()


def recorded_submission():
    """The arguments of the submitTopology call Storm 2.6.0's `storm jar` made."""
    with open(RECORDED_SUBMIT, "rb") as f:
        frame = f.read()
    protocol = TBinaryProtocol.TBinaryProtocol(TTransport.TMemoryBuffer(frame[4:]))
    name, _, _ = protocol.readMessageBegin()
    assert name == "submitTopology", name
    args = NimbusService.submitTopology_args()
    args.read(protocol)
    return args


def component(blob, fields, parallelism=1, inputs=None):
    return (ttypes.ComponentObject(serialized_java=blob),
            ttypes.ComponentCommon(inputs=inputs or {}, parallelism_hint=parallelism,
                                   streams={"default": ttypes.StreamInfo(list(fields), False)}))


def java_wordcount(blobs, count_blob=None, shell_spout=False):
    """sentences (Java spout) [and more (ShellSpout subclass)] -> split (ShellBolt
    subclass, shuffle) -> count (Java basic bolt, fields)."""
    spout_object, spout_common = component(blobs["spout"], ["sentence"])
    shuffle = ttypes.Grouping(shuffle=ttypes.NullStruct())
    split_inputs = {ttypes.GlobalStreamId("sentences", "default"): shuffle}
    spouts = {"sentences": ttypes.SpoutSpec(spout_object=spout_object, common=spout_common)}
    if shell_spout:
        more_object, more_common = component(blobs["shell-spout"], ["sentence"])
        spouts["more"] = ttypes.SpoutSpec(spout_object=more_object, common=more_common)
        split_inputs[ttypes.GlobalStreamId("more", "default")] = shuffle
    split_object, split_common = component(blobs["split"], ["word"], 2, split_inputs)
    count_object, count_common = component(
        count_blob or blobs["count"], ["word", "count"], 2,
        {ttypes.GlobalStreamId("split", "default"): ttypes.Grouping(fields=["word"])})
    return ttypes.StormTopology(
        spouts=spouts,
        bolts={"split": ttypes.Bolt(bolt_object=split_object, common=split_common),
               "count": ttypes.Bolt(bolt_object=count_object, common=count_common)},
        state_spouts={})


def processes_running(script):
    """(pid, cwd) of the processes whose command line names script."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
            if any(arg.endswith(script.encode()) for arg in argv):
                found.append((int(pid), os.readlink("/proc/%s/cwd" % pid)))
        except OSError:
            continue
    return found


def jvm_children(parent):
    """The pids of the JVM host processes (gust.jvm.Launcher) parent started."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and b"gust.jvm.Launcher" in argv:
            found.append(int(pid))
    return found


class JavaCluster(e2e.EndToEnd):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.blobs = serialized_components()
        cls.jar = topology_jar()

    def test_java_spouts_bolts_and_shell_subclasses_run_in_the_worker(self):
        self.start_cluster("/java-run")
        port = self.nimbuses[0].port
        with Client(port) as client:
            client.submitTopology("java-wc", upload(client, self.jar), json.dumps(TOPOLOGY_CONF),
                                  java_wordcount(self.blobs, shell_spout=True))
            tid = client.getTopologySummaryByName("java-wc").id
        worker = self.running_worker(tid)
        slot = worker["port"]
        self.wait_worker_log(tid, slot, r"starting the JVM host for 4 Java component\(s\)")
        self.wait_worker_log(tid, slot, r"java spout opened as task \d+ with 3 sentences")
        self.wait_worker_log(tid, slot, r"java count: \w+=\d+ \(\d+ distinct words\)")
        self.wait_worker_log(tid, slot, r"java spout: \d+ sentences acked")
        # what the Java emits returned: the split task the shuffle chose; nothing subscribes to count
        log = self.worker_log(tid, slot)
        first = re.search(r"java spout's first sentence went to tasks \[(\d+)\]$", log, re.M)
        self.assertIsNotNone(first, log)
        split_tasks = {t for e in self.executors(port, tid) if e.component_id == "split"
                       for t in range(e.executor_info.task_start, e.executor_info.task_end + 1)}
        self.assertEqual(len(split_tasks), 2)
        self.assertIn(int(first.group(1)), split_tasks)
        self.assertRegex(log, r"(?m)java count: \w+=\d+ \(\d+ distinct words\), sent to tasks \[\]$")
        for name in ("sentences", "more", "split", "count"):
            first = self.wait_growing(port, tid, name, above=0)
            self.wait_growing(port, tid, name, above=first)
        # the ShellBolt subclass runs as a multilang child in the jar's resources/
        children = wait_for(lambda: [c for c in processes_running("split_sentence.py")
                                     if tid in c[1]], e2e.HANG_BOUND_S, "split_sentence.py children")
        self.assertEqual(len(children), 2, children)
        spout_children = [c for c in processes_running("sentence_spout.py") if tid in c[1]]
        self.assertEqual(len(spout_children), 1, spout_children)
        for _, cwd in children + spout_children:
            self.assertTrue(cwd.endswith(os.path.join(tid, "resources")), cwd)
        self.assertNotIn("Exception", self.worker_log(tid, slot))

        with Client(port) as client:
            client.killTopologyWithOpts("java-wc", ttypes.KillOptions(wait_secs=0))
        wait_for(lambda: self.worker_record(tid) is None, e2e.HANG_BOUND_S, "the worker to stop")
        wait_for(lambda: not [c for c in processes_running("split_sentence.py") if tid in c[1]],
                 e2e.HANG_BOUND_S, "the multilang children to end")

    def test_a_worker_jvm_killed_under_the_topology_is_started_again(self):
        self.start_cluster("/java-jvm-dies", supervisor_conf={
            "worker.childopts": "-Dgust.test.daemon=%WORKER-PORT%",
            "worker.gc.childopts": ["-Dgust.test.gc=daemon"]})
        port = self.nimbuses[0].port
        # the worker's JVM gets them (placeholders replaced), the restarted one too
        childopts = {"topology.worker.childopts": "-Dgust.test.slot=%ID%  -Xmx200m "
                     "-Dgust.test.where=%TOPOLOGY-ID%:%WORKER-ID%:%HEAP-MEM%",
                     "topology.worker.gc.childopts": ["-Dgust.test.gc=topology-%ID%"]}
        with Client(port) as client:
            client.submitTopology("java-jvm-dies", upload(client, self.jar),
                                  json.dumps(dict(TOPOLOGY_CONF, **childopts)), java_wordcount(self.blobs))
            tid = client.getTopologySummaryByName("java-jvm-dies").id
        worker = self.running_worker(tid)
        slot = worker["port"]
        self.wait_growing(port, tid, "count", above=0)
        jvm = wait_for(lambda: jvm_children(worker["pid"]), e2e.HANG_BOUND_S, "the worker's JVM")
        supervisor_id = re.search(r"on port \d+, supervisor (\S+): runs", self.worker_log(tid, slot)).group(1)
        expected = ["-Dgust.test.daemon=%d" % slot, "-Dgust.test.slot=%d" % slot, "-Xmx200m",
                    "-Dgust.test.where=%s:%s-%d:768" % (tid, supervisor_id, slot),
                    "-Dgust.test.gc=topology-%d" % slot]
        self.assert_childopts_last(jvm[0], expected)
        os.kill(jvm[0], signal.SIGKILL)
        self.wait_worker_log(tid, slot, r"the JVM hosting the Java tasks was killed by signal 9; "
                                        r"starting it again")
        self.wait_worker_log(tid, slot, r"count \(task \d+\) opened again in the restarted JVM")
        self.wait_worker_log(tid, slot, r"sentences \(task \d+\) opened again in the restarted JVM")
        after = self.emitted(port, tid, "count")
        self.wait_growing(port, tid, "count", above=after)  # counts go on in the new JVM
        self.assertEqual(self.worker_record(tid)["pid"], worker["pid"])  # the worker stayed up
        self.assertNotIn(jvm[0], jvm_children(worker["pid"]))
        self.assert_childopts_last(jvm_children(worker["pid"])[0], expected)
        with Client(port) as client:
            client.killTopologyWithOpts("java-jvm-dies", ttypes.KillOptions(wait_secs=0))
        wait_for(lambda: self.worker_record(tid) is None, e2e.HANG_BOUND_S, "the worker to stop")

    def assert_childopts_last(self, pid, expected):
        """The JVM's options end with expected, after the daemon's own -Xmx."""
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            argv = [a.decode() for a in f.read().split(b"\0")]
        launcher = argv.index("gust.jvm.Launcher")
        options = [a for a in argv[:launcher] if a.startswith("-") and a != "-cp"]
        self.assertEqual(options[-len(expected):], expected, argv)
        self.assertIn("-Xmx256m", options[:-len(expected)], argv)

    def test_metrics_a_java_bolt_registers_show_on_the_worker_metrics(self):
        self.start_cluster("/java-metrics")
        port = self.nimbuses[0].port
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            metrics_port = s.getsockname()[1]
        conf = dict(TOPOLOGY_CONF, **{"topology.gust.metrics.port": metrics_port})
        with Client(port) as client:
            client.submitTopology("java-metrics", upload(client, self.jar), json.dumps(conf),
                                  java_wordcount(self.blobs))
            tid = client.getTopologySummaryByName("java-metrics").id
        slot = self.running_worker(tid)["port"]
        self.wait_worker_log(tid, slot, r"metrics at http://127\.0\.0\.1:\d+/metrics")
        url = re.search(r"metrics at (http://127\.0\.0\.1:\d+/metrics)", self.worker_log(tid, slot)).group(1)

        def series():
            """(text, {(name, task, key): value}) of the count bolt's own metrics."""
            try:
                with urllib.request.urlopen(url, timeout=30) as r:
                    text = r.read().decode()
            except (urllib.error.URLError, ConnectionError):
                return None, {}
            found = {}
            for name, labels, value in prometheus_text.samples(text):
                if name == "gust_component_metric":
                    self.assertEqual(labels["topology"], "java-metrics")
                    self.assertEqual(labels["component"], "count")
                    found[(labels["name"], labels["task"], labels.get("key"))] = value
            return text, found

        def totals():
            _, found = series()
            return {task: v for (name, task, _), v in found.items() if name == "words-total"}

        first = wait_for(lambda: (lambda t: len(t) == 2 and all(v > 0 for v in t.values()) and t)(totals()),
                         e2e.HANG_BOUND_S, "words-total of both count tasks")
        wait_for(lambda: (lambda t: all(t.get(task, 0) > v for task, v in first.items()))(totals()),
                 e2e.HANG_BOUND_S, "words-total growing past %s" % first)
        text, found = wait_for(lambda: (lambda r: any(k[0] == "words" and v > 0 for k, v in r[1].items()) and r)(series()),
                               e2e.HANG_BOUND_S, "a bucket of words counted")
        tasks = {task for (_, task, _) in found}
        self.assertEqual(len(tasks), 2, found)
        for task in tasks:
            self.assertIn(("words", task, None), found)
        by_length = {key: v for (name, _, key), v in found.items() if name == "words-by-length"}
        # the sentences' words are 1 to 6 letters long
        self.assertTrue(by_length and set(by_length) <= {str(n) for n in range(1, 7)}, by_length)
        self.assertNotIn("label", {name for (name, _, _) in found})
        # metrics v2, read every 10 s: the counter's count, the histogram's count and snapshot
        text, found = wait_for(lambda: (lambda r: any(k[0] == "v2-words" and v > 0 for k, v in r[1].items()) and r)(
            series()), e2e.HANG_BOUND_S, "the metrics v2 counter read")
        lengths = {key: v for (name, _, key), v in found.items() if name == "v2-word-length"}
        self.assertLessEqual({"count", "min", "max", "mean", "p50", "p99"}, set(lengths), found)
        self.assertTrue(1 <= lengths["p50"] <= 6, lengths)
        prometheus_text.promtool_check(self, text)
        self.assertNotIn("Exception", self.worker_log(tid, slot))
        with Client(port) as client:
            client.killTopologyWithOpts("java-metrics", ttypes.KillOptions(wait_secs=0))
        wait_for(lambda: self.worker_record(tid) is None, e2e.HANG_BOUND_S, "the worker to stop")

    def test_storm_2_6_0_recorded_submission_runs(self):
        """The bytes `storm jar` sent (Storm's own serialVersionUIDs for
        BaseRichSpout, ShellBolt, BasicBoltExecutor...) run against stand-ins
        of the storm-starter classes."""
        self.start_cluster("/java-recorded")
        port = self.nimbuses[0].port
        args = recorded_submission()
        self.assertEqual(sorted(args.topology.bolts), ["count", "split"])
        with Client(port) as client:
            client.submitTopology(args.name, upload(client, self.jar), args.jsonConf, args.topology)
            tid = client.getTopologySummaryByName(args.name).id
        slot = self.running_worker(tid)["port"]
        self.wait_worker_log(tid, slot, r"starting the JVM host for 3 Java component\(s\)")
        self.wait_worker_log(tid, slot, r"stand-in RandomSentenceSpout opened as task \d+")
        self.wait_worker_log(tid, slot, r"stand-in WordCountBolt: \w+ \d+")
        for name in ("spout", "split", "count"):
            self.wait_growing(port, tid, name, above=0)
        # the recorded SplitSentence's command, from ShellBolt's serialized fields
        children = wait_for(lambda: [c for c in processes_running("splitsentence.py")
                                     if tid in c[1]], e2e.HANG_BOUND_S, "splitsentence.py children")
        self.assertEqual(len(children), 8, children)
        self.assertNotIn("Exception", self.worker_log(tid, slot))
        with Client(port) as client:
            client.killTopologyWithOpts(args.name, ttypes.KillOptions(wait_secs=0))
        wait_for(lambda: self.worker_record(tid) is None, e2e.HANG_BOUND_S, "the worker to stop")

    def test_storm_uids_fail_plain_java_and_pass_the_jvm_host(self):
        """The recorded bytes carry Storm's serialVersionUIDs: the JDK's plain
        reading refuses those that differ from gust's classes', the JVM
        host's reads them all, and keeps a ShellBolt's command."""
        args = recorded_submission()
        out = make_temp_dir("recorded-blobs")
        files = []
        for name, spec in [("spout", args.topology.spouts["spout"].spout_object),
                           ("split", args.topology.bolts["split"].bolt_object),
                           ("count", args.topology.bolts["count"].bolt_object)]:
            files.append(os.path.join(out, name + ".ser"))
            with open(files[-1], "wb") as f:
                f.write(spec.serialized_java)
        result = subprocess.run(["java", "-cp", ":".join([STORM_JAR, METRICS_JAR, TEST_JAR]), "gust.tests.stored.ReadBoth"]
                                + files,
                                capture_output=True, text=True, timeout=120, check=True)
        lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
        # ShellBolt's UID is explicit in Storm and in gust (different values),
        # BasicBoltExecutor's computed in Storm and explicit in gust
        self.assertRegex(lines["plain " + files[1]], r"InvalidClassException: org\.apache\.storm\.task\.ShellBolt; "
                         r"local class incompatible: stream classdesc serialVersionUID = -339575186639193348")
        self.assertRegex(lines["plain " + files[2]], r"InvalidClassException: "
                         r"org\.apache\.storm\.topology\.BasicBoltExecutor; local class incompatible")
        self.assertEqual(lines["gust " + files[0]], "org.apache.storm.starter.spout.RandomSentenceSpout")
        self.assertEqual(lines["gust " + files[1]],
                         "org.apache.storm.starter.WordCountTopology$SplitSentence [python3, splitsentence.py]")
        self.assertEqual(lines["gust " + files[2]], "org.apache.storm.topology.BasicBoltExecutor")

    def test_a_class_missing_from_the_jar_is_refused_by_name(self):
        self.start_cluster("/java-refused")
        port = self.nimbuses[0].port
        with Client(port) as client:
            with self.assertRaises(ttypes.InvalidTopologyException) as e:
                client.submitTopology("java-absent", upload(client, self.jar), json.dumps(TOPOLOGY_CONF),
                                      java_wordcount(self.blobs, self.blobs["absent"]))
            message = e.exception.msg
            self.assertIn("component 'count'", message)
            self.assertIn("gust.tests.stored.AbsentBolt", message)
            self.assertIn("is neither in the topology jar nor in gust's Storm API", message)
            self.assertEqual(client.getTopologySummaries(), [])
            # Nimbus stays up and takes the good topology next
            client.submitTopology("java-present", upload(client, self.jar), json.dumps(TOPOLOGY_CONF),
                                  java_wordcount(self.blobs))
            self.assertEqual([s.name for s in client.getTopologySummaries()], ["java-present"])
            client.killTopologyWithOpts("java-present", ttypes.KillOptions(wait_secs=0))

    def test_no_jvm_on_the_nimbus_refuses_java_components_by_name(self):
        work = make_temp_dir("java-no-jvm")
        nimbus = self.daemon(GustDaemon.nimbus(self.zk, work, "nimbus", {"storm.gust.java": "/nonexistent/java"},
                                               root="/java-no-jvm"))
        nimbus.wait_for_log(r"is the leader", timeout=e2e.HANG_BOUND_S)
        with Client(nimbus.port) as client:
            with self.assertRaises(ttypes.InvalidTopologyException) as e:
                client.submitTopology("java-no-jvm", upload(client, self.jar), json.dumps(TOPOLOGY_CONF),
                                      java_wordcount(self.blobs))
            self.assertEqual(e.exception.msg, "component 'sentences' is a Java-serialized gust.tests.stored.SentenceSpout: "
                             "Java components need a JVM, and this Nimbus finds no '/nonexistent/java' "
                             "(storm.gust.java)")
            self.assertEqual(client.getTopologySummaries(), [])

    def test_a_component_the_jvm_cannot_host_stops_its_worker_with_its_name(self):
        """A spout's bytes given as a bolt, and a spout's bytes cut short: Nimbus
        finds the classes in the jar, the worker's JVM finds one no bolt and
        cannot read the other; each worker says so, naming component and class."""
        self.start_cluster("/java-unhostable")
        port = self.nimbuses[0].port
        cut = dict(self.blobs, spout=self.blobs["spout"][:-12])
        cases = [("java-not-a-bolt", java_wordcount(self.blobs, self.blobs["spout"]),
                  r"component 'count' is a Java-serialized gust\.tests\.stored\.SentenceSpout: "
                  r"gust\.tests\.stored\.SentenceSpout is not a bolt \(IBolt\)"),
                 ("java-cut-short", java_wordcount(cut),
                  r"component 'sentences' is a Java-serialized gust\.tests\.stored\.SentenceSpout: "
                  r"gust\.tests\.stored\.SentenceSpout cannot be deserialized: java\.io\.\w+")]
        with Client(port) as client:
            ids = []
            for name, topology, _ in cases:
                client.submitTopology(name, upload(client, self.jar), json.dumps(TOPOLOGY_CONF), topology)
                ids.append(client.getTopologySummaryByName(name).id)
        for tid, (_, _, pattern) in zip(ids, cases):
            slot = wait_for(lambda: (self.worker_record(tid) or {}).get("port"), e2e.HANG_BOUND_S, "a worker slot")
            self.wait_worker_log(tid, slot, r"worker of %s cannot start: %s" % (tid, pattern))
        with Client(port) as client:
            self.assertEqual(sorted(s.name for s in client.getTopologySummaries()), sorted(c[0] for c in cases))
            for name, _, _ in cases:
                client.killTopologyWithOpts(name, ttypes.KillOptions(wait_secs=0))

def load_tests(loader, standard_tests, pattern):
    """Only this file's own tests, not the inherited end-to-end ones."""
    names = sorted(n for n in vars(JavaCluster) if n.startswith("test"))
    return unittest.TestSuite(JavaCluster(n) for n in names)


if __name__ == "__main__":
    unittest.main()
