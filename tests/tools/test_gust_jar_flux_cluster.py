"""`gust jar JAR org.apache.storm.flux.Flux --remote FILE.yaml` against a
real cluster (a real ZooKeeper, `gust nimbus` and a supervisor, as
test_cluster_end_to_end.py starts them), Nimbus found through
~/.storm/storm.yaml.

The Flux file's spouts and bolts name the test jar's classes (FluxParts):
the submitting JVM builds them to learn their streams, Nimbus stores each
as `serialized_java` holding its Flux definition, the jar is the topology
jar, and the worker's JVM builds them again and runs them beside a built-in
bolt: the spout emits exactly its limit, and the decorating bolt, built
with a {ref} and a {reflist} of two more decorators, three words for each.
A Flux file whose only Java class is a custom grouping runs too: the
worker starts its JVM for the grouping alone.
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_cluster_end_to_end as e2e  # noqa: E402
import test_custom_grouping as cg  # noqa: E402
from cluster_harness import GUST, storm_yaml  # noqa: E402
from nimbus_client import Client  # noqa: E402

BUILD = os.environ.get("GUST_BUILD_DIR", "build")
SOURCE = os.environ.get("GUST_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TESTS_JAR = os.path.abspath(os.path.join(BUILD, "tests", "java", "gust-java-tests.jar"))
REMOTE = os.path.abspath(os.path.join(SOURCE, "tests", "tools", "fixtures", "flux_java",
                                      "remote.yaml"))
FLUX = "org.apache.storm.flux.Flux"
FLUX_MAGIC = b"gust-flux-definition\n"
WAIT = 300  # seconds: bounds a hang of a JVM on a loaded machine, never a timing


class FluxJavaOnACluster(e2e.EndToEnd):
    def test_flux_file_with_java_classes_submitted_and_run(self):
        self.start_cluster("/flux-java-cluster")
        nimbus = self.nimbuses[0]
        home = os.path.join(self.work, "home")
        os.makedirs(os.path.join(home, ".storm"))
        with open(os.path.join(home, ".storm", "storm.yaml"), "w") as f:
            f.write(storm_yaml({"nimbus.seeds": ["127.0.0.1"], "nimbus.thrift.port": nimbus.port}))

        def gust(*args):
            return subprocess.run([GUST, *args], capture_output=True, text=True, timeout=WAIT,
                                  env=dict(os.environ, HOME=home), cwd=self.work)

        r = gust("jar", TESTS_JAR, FLUX, "--remote", REMOTE, "-c", "gust.test.c=7")
        self.assertEqual(r.returncode, 0, r.stderr)
        listed = gust("list")
        row = [line.split() for line in listed.stdout.splitlines()
               if line.startswith("flux-java-remote ")]
        self.assertEqual(len(row), 1, listed.stdout)
        topology_id = row[0][5]
        with Client(nimbus.port) as client:
            topology = client.getTopology(topology_id)
            conf = json.loads(client.getTopologyConf(topology_id))
        self.assertEqual(conf["gust.test.c"], 7)
        for cid in ("words", "decorate", "count"):
            spec = topology.spouts.get(cid) or topology.bolts[cid]
            obj = spec.spout_object if cid in topology.spouts else spec.bolt_object
            self.assertTrue(obj.serialized_java.startswith(FLUX_MAGIC), cid)
        self.assertEqual(topology.bolts["decorate"].common.streams["default"].output_fields,
                         ["decorated"])
        self.assertEqual(topology.bolts["log"].bolt_object.java_object.full_class_name,
                         "org.apache.storm.flux.wrappers.bolts.LogInfoBolt")
        stormdist = os.path.join(nimbus.local_dir, "nimbus", "stormdist")
        with open(TESTS_JAR, "rb") as f, \
                open(os.path.join(stormdist, topology_id, "stormjar.jar"), "rb") as stored:
            self.assertEqual(stored.read(), f.read())
        # the worker builds and runs them: exactly the spout's limit, three words each
        self.running_worker(topology_id)
        e2e.wait_for(lambda: self.emitted(nimbus.port, topology_id, "words") == 3000 or None,
                     e2e.HANG_BOUND_S, "the spout's 3000 words")
        e2e.wait_for(lambda: self.emitted(nimbus.port, topology_id, "decorate") == 9000 or None,
                     e2e.HANG_BOUND_S, "9000 decorated words")
        r = gust("kill", "flux-java-remote", "-w", "0")
        self.assertEqual(r.returncode, 0, r.stderr)
        e2e.wait_for(lambda: self.worker_record(topology_id) is None, e2e.HANG_BOUND_S,
                     "the worker to stop")

    def test_a_custom_grouping_runs_in_the_workers_jvm_without_java_components(self):
        """A Python spout and sink with a Flux CUSTOM grouping: the grouping
        goes to Nimbus as custom_serialized (its Flux definition) and the worker
        starts a JVM just for it; every word reaches the tasks it chooses."""
        self.start_cluster("/flux-custom-grouping")
        nimbus = self.nimbuses[0]
        home = os.path.join(self.work, "home")
        os.makedirs(os.path.join(home, ".storm"))
        with open(os.path.join(home, ".storm", "storm.yaml"), "w") as f:
            f.write(storm_yaml({"nimbus.seeds": ["127.0.0.1"], "nimbus.thrift.port": nimbus.port}))
        paths = {k: os.path.join(self.work, k) for k in ("spout", "sink", "record", "received")}
        with open(paths["spout"], "w") as f:
            f.write(cg.SPOUT)
        with open(paths["sink"], "w") as f:
            f.write(cg.SINK)
        flux = os.path.join(self.work, "custom.yaml")
        with open(flux, "w") as f:
            f.write(cg.FLUX % dict(paths, n=100, pause=0, grouping=cg.GROUPING,
                                   args='["x", "q", "t", "w"]'))
        r = subprocess.run([GUST, "jar", TESTS_JAR, FLUX, "--remote", flux], capture_output=True,
                           text=True, timeout=WAIT, env=dict(os.environ, HOME=home), cwd=self.work)
        self.assertEqual(r.returncode, 0, r.stderr)
        listed = subprocess.run([GUST, "list"], capture_output=True, text=True, timeout=WAIT,
                                env=dict(os.environ, HOME=home), cwd=self.work)
        row = [line.split() for line in listed.stdout.splitlines()
               if line.startswith("custom-grouping-flux ")]
        self.assertEqual(len(row), 1, listed.stdout)
        topology_id = row[0][5]
        with Client(nimbus.port) as client:
            topology = client.getTopology(topology_id)
        (grouping,) = topology.bolts["sink"].common.inputs.values()
        self.assertTrue(grouping.custom_serialized.startswith(FLUX_MAGIC))
        worker = self.running_worker(topology_id)

        def settled():
            done = cg.read_records(paths)[0]
            return sum(len(v) for v in done.values()) == 100 or None

        try:
            e2e.wait_for(settled, e2e.HANG_BOUND_S, "the spout's 100 words settled")
        except AssertionError:
            print(self.worker_log(topology_id, worker["port"])[-6000:], file=sys.stderr)
            raise
        done, got = cg.read_records(paths)
        first, second = sorted(got)
        want, unroutable = cg.expected(cg.words(100), first, second)
        self.assertEqual(got, want)
        self.assertEqual(done["failed"], unroutable)
        self.assertEqual(done["acked"], set(cg.words(100)) - unroutable)
        r = subprocess.run([GUST, "kill", "custom-grouping-flux", "-w", "0"], capture_output=True,
                           text=True, timeout=WAIT, env=dict(os.environ, HOME=home), cwd=self.work)
        self.assertEqual(r.returncode, 0, r.stderr)
        e2e.wait_for(lambda: self.worker_record(topology_id) is None, e2e.HANG_BOUND_S,
                     "the worker to stop")

    def test_a_class_that_cannot_be_built_is_refused_before_connecting(self):
        with open(REMOTE) as f:
            text = f.read().replace("FluxParts$CountBolt", "NoSuchBolt")
        path = os.path.join(e2e.make_temp_dir("flux-bad"), "bad.yaml")
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([GUST, "jar", TESTS_JAR, FLUX, "--remote", path, "-c",
                            'nimbus.seeds=["127.0.0.1"]', "-c", "nimbus.thrift.port=1"],
                           capture_output=True, text=True, timeout=WAIT)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("bolt 'count': class 'gust.tests.flux.NoSuchBolt' cannot be built", r.stderr)


def load_tests(loader, tests, pattern):
    """Only the tests written here, not those inherited from EndToEnd."""
    return unittest.TestSuite(FluxJavaOnACluster(name) for name in
                              loader.getTestCaseNames(FluxJavaOnACluster)
                              if name in vars(FluxJavaOnACluster))


if __name__ == "__main__":
    unittest.main()
