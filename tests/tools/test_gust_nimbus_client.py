"""gust's Storm command line (list, activate, deactivate, rebalance, kill,
monitor) against a stand-in Nimbus that records the calls it receives
(fake_nimbus.py): the exact calls and arguments each command sends, Storm's
output and exception text, the leader redirect of nimbus.seeds, and clear
errors for bad command lines and a Nimbus that is not there.
"""
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_nimbus import (ExecutorInfo, ExecutorStats, ExecutorSpecificStats,  # noqa: E402
                         ExecutorSummary, FakeNimbus, TopologyInfo, free_port,
                         topology_summary)

SOURCE = os.environ.get("GUST_SOURCE_DIR", ".")
BUILD = os.environ.get("GUST_BUILD_DIR", "build")
WORDCOUNT = os.path.join(SOURCE, "examples", "flux", "shell", "python_wordcount.yaml")
CHUNK = 307200  # Storm's upload chunk
GUST = os.path.join(BUILD, "tools", "gust")
HOME = tempfile.mkdtemp(prefix="gust-cli-home-")  # no ~/.storm/storm.yaml of the user's


def gust(*args, port=None, seeds='["127.0.0.1"]'):
    argv = [GUST] + list(args)
    if port is not None:
        argv += ["-c", "nimbus.seeds=" + seeds, "-c", "nimbus.thrift.port=%d" % port]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, HOME=HOME))


class NimbusCommands(unittest.TestCase):
    def setUp(self):
        self.nimbus = FakeNimbus().start()
        self.addCleanup(self.nimbus.stop)

    def run_ok(self, *args):
        r = gust(*args, port=self.nimbus.port)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def test_list_prints_no_topologies_then_storms_columns(self):
        r = self.run_ok("list")
        self.assertEqual(r.stdout, "No topologies running.\n")
        self.assertIn("Found leader nimbus : 127.0.0.1:%d" % self.nimbus.port, r.stderr)
        self.nimbus.topologies["wc-fixture"] = topology_summary("wc-fixture", tasks=28, workers=3,
                                                                uptime=29, owner="root")
        r = self.run_ok("list")
        self.assertEqual(r.stdout.splitlines(), [
            "Topology_name        Status     Num_tasks  Num_workers  Uptime_secs  Topology_Id    "
            "      Owner               ",
            "-" * 88,
            "wc-fixture           ACTIVE     28         3            29           "
            "wc-fixture-1-1795307846 root                ",
        ])
        self.assertEqual(self.nimbus.methods(),
                         ["getLeader", "getTopologySummaries"] * 2)

    def test_deactivate_activate_send_the_name_and_log_as_storm(self):
        self.nimbus.topologies["wc"] = topology_summary("wc")
        r = self.run_ok("deactivate", "wc")
        self.assertIn("Deactivated topology: wc", r.stderr)
        self.assertEqual(self.nimbus.topologies["wc"].status, "INACTIVE")
        r = self.run_ok("activate", "wc")
        self.assertIn("Activated topology: wc", r.stderr)
        self.assertEqual(self.nimbus.methods(),
                         ["getLeader", "deactivate", "getLeader", "activate"])
        self.assertEqual(self.nimbus.call_args("activate"), [("wc",)])

    def test_kill_sends_kill_options_with_wait_only_when_given(self):
        for name in ("a", "b"):
            self.nimbus.topologies[name] = topology_summary(name)
        r = self.run_ok("kill", "a", "-w", "1")
        self.assertIn("Killed topology: a", r.stderr)
        self.run_ok("kill", "b")
        (name_a, opts_a), (name_b, opts_b) = self.nimbus.call_args("killTopologyWithOpts")
        self.assertEqual((name_a, opts_a.wait_secs), ("a", 1))
        self.assertEqual((name_b, opts_b.wait_secs), ("b", None))

    def test_unknown_topology_prints_storms_not_alive_exception(self):
        for command in (["kill", "no-such-topo", "-w", "1"], ["activate", "no-such-topo"],
                        ["deactivate", "no-such-topo"], ["rebalance", "no-such-topo"]):
            with self.subTest(command=command):
                r = gust(*command, port=self.nimbus.port)
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn("NotAliveException(msg:no-such-topo is not alive)", r.stderr)

    def test_kill_ignore_errors_goes_on_and_fails_at_the_end(self):
        self.nimbus.topologies["b"] = topology_summary("b")
        r = gust("kill", "-i", "missing", "b", port=self.nimbus.port)
        self.assertEqual(r.returncode, 1)
        self.assertIn("NotAliveException(msg:missing is not alive)", r.stderr)
        self.assertIn("Killed topology: b", r.stderr)
        self.assertIn("Failed to successfully kill 1 topologies.", r.stderr)
        r = gust("kill", "missing", "b", port=self.nimbus.port)  # without -i: stops at the first
        self.assertEqual(r.returncode, 1)
        self.assertEqual([a[0] for a in self.nimbus.call_args("killTopologyWithOpts")],
                         ["missing", "b", "missing"])

    def test_rebalance_sends_only_the_options_given(self):
        self.nimbus.topologies["wc"] = topology_summary("wc")
        r = self.run_ok("rebalance", "wc", "-n", "1", "-e", "split=1", "-e", "count=3", "-e",
                        "count=4", "-w", "2")
        self.assertIn("Topology wc is rebalancing", r.stderr)
        self.run_ok("rebalance", "wc", "-n", "1", "-e", "split=1")
        self.run_ok("rebalance", "wc", "-t", '{"topology.message.timeout.secs": 60}')
        (_, full), (_, fixture), (_, conf) = self.nimbus.call_args("rebalance")
        self.assertEqual((full.wait_secs, full.num_workers, full.num_executors),
                         (2, 1, {"split": 1, "count": 4}))
        self.assertIsNone(full.topology_conf_overrides)
        self.assertEqual((conf.num_workers, conf.num_executors, conf.topology_conf_overrides),
                         (None, None, '{"topology.message.timeout.secs": 60}'))
        # the recorded `storm rebalance wc-fixture -n 1 -e split=1`: wait_secs unset
        self.assertEqual((fixture.wait_secs, fixture.num_workers, fixture.num_executors),
                         (None, 1, {"split": 1}))
        self.assertIsNone(fixture.topology_conf_overrides)

    def test_bad_command_lines_are_refused_before_connecting(self):
        cases = [
            (["rebalance", "wc", "-e", "split"],
             "Failed to parse 'split' correctly. Expected in <component>=<parallelism> format"),
            (["rebalance", "wc", "-e", "split=x"], "Failed to parse 'split=x' correctly"),
            (["rebalance", "wc", "-e", "=3"], "Failed to parse '=3' correctly"),
            (["rebalance", "wc", "-n", "0"], "--num-workers"),
            (["kill", "wc", "-w", "-1"], "--wait"),
            (["kill", "a/b"], "Topology name 'a/b' is not valid"),
            (["kill"], "usage: gust kill NAME..."),
            (["activate", "a", "b"], "usage: gust activate NAME"),
            (["monitor", "wc", "-w", "acked"], "watch item must either be transferred or emitted"),
            (["monitor", "wc", "-i", "0"], "--interval"),
            (["list", "-c", "nimbus.thrift.port=http"],
             "-c nimbus.thrift.port=http: 'nimbus.thrift.port' must be an integer in 1..65535"),
        ]
        for command, message in cases:
            with self.subTest(command=command):
                r = gust(*command)
                self.assertNotEqual(r.returncode, 0)
                self.assertIn(message, r.stderr)
        self.assertEqual(self.nimbus.calls, [])

    def test_an_application_error_from_nimbus_is_named(self):
        self.nimbus.refuse.add("getTopologySummaries")
        r = gust("list", port=self.nimbus.port)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Nimbus at 127.0.0.1:%d answered:" % self.nimbus.port, r.stderr)
        self.assertIn("getTopologySummaries is not served here", r.stderr)

    def test_monitor_prints_storms_columns_and_the_change_per_poll(self):
        self.nimbus.topologies["fx"] = topology_summary("fx")
        polls = []

        def info():
            polls.append(1)
            emitted = 1000 * len(polls)

            def executor(task, count):
                stats = ExecutorStats(
                    emitted={":all-time": {"default": count, "other": 7}, "600": {"default": 1}},
                    transferred={":all-time": {"default": count * 2}},
                    specific=ExecutorSpecificStats(), rate=1.0)
                return ExecutorSummary(executor_info=ExecutorInfo(task, task), component_id="count",
                                       host="127.0.0.1", port=6700, uptime_secs=3, stats=stats)
            return TopologyInfo(id="fx-1-1", name="fx", uptime_secs=3, status="ACTIVE", errors={},
                                executors=[executor(1, emitted), executor(2, emitted),
                                           ExecutorSummary(ExecutorInfo(3, 3), "split",
                                                           "127.0.0.1", 6700, 3)])
        self.nimbus.infos["fx"] = info
        r = self.run_ok("monitor", "fx", "-i", "1", "-m", "count", "--count", "3")
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "topology\tcomponent\tparallelism\tstream\ttime-diff ms\t"
                                   "emitted\tthroughput (Kt/s)")
        rows = [line.split("\t") for line in lines[1:]]
        self.assertEqual([row[:4] for row in rows], [["fx", "count", "2", "default"]] * 3)
        self.assertEqual([row[5] for row in rows], ["2000", "2000", "2000"])
        for row in rows[1:]:
            self.assertGreater(int(row[4]), 0)
            self.assertAlmostEqual(float(row[6]), 2000 / int(row[4]), places=9)
        args = self.nimbus.call_args("getTopologyInfoByNameWithOpts")
        self.assertEqual(len(args), 3)
        self.assertEqual(args[0][1].num_err_choice, 1)  # NONE, as storm monitor asks

        r = self.run_ok("monitor", "fx", "-m", "count", "-w", "transferred", "--count", "1")
        self.assertEqual(r.stdout.splitlines()[1].split("\t")[5], str(2 * 2 * 1000 * len(polls)))
        r = self.run_ok("monitor", "fx")
        self.assertEqual(r.stdout, "Available components for fx :\n------------------\ncount\n"
                                   "split\n------------------\nPlease use -m to specify one "
                                   "component\n")
        r = gust("monitor", "fx", "-m", "nosuch", port=self.nimbus.port)
        self.assertEqual(r.returncode, 1)
        self.assertIn("component: nosuch not found", r.stderr)
        r = gust("monitor", "fx", "-m", "split", port=self.nimbus.port)
        self.assertEqual(r.returncode, 1)
        self.assertIn("stream: default not found", r.stderr)


class Submit(unittest.TestCase):
    def setUp(self):
        self.nimbus = FakeNimbus().start()
        self.addCleanup(self.nimbus.stop)
        self.dir = tempfile.mkdtemp(prefix="gust-submit-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def flux_copy(self, extra_resources=None):
        """The Python WordCount with its resources/ in a folder of the test's."""
        shutil.copy(WORDCOUNT, self.dir)
        shutil.copytree(os.path.join(os.path.dirname(WORDCOUNT), "resources"),
                        os.path.join(self.dir, "resources"), dirs_exist_ok=True)
        for name, data in (extra_resources or {}).items():
            with open(os.path.join(self.dir, "resources", name), "wb") as f:
                f.write(data)
        return os.path.join(self.dir, os.path.basename(WORDCOUNT))

    def test_submit_uploads_the_resources_as_a_jar_and_submits_topology_and_conf(self):
        r = gust("submit", self.flux_copy(), "--name", "wc", "-c", "topology.debug=true",
                 port=self.nimbus.port)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.nimbus.methods(),
                         ["getLeader", "isTopologyNameAllowed", "beginFileUpload", "uploadChunk",
                          "finishFileUpload", "submitTopology"])
        self.assertEqual(self.nimbus.call_args("isTopologyNameAllowed"), [("wc",)])
        ((name, location, conf_json, topology),) = self.nimbus.call_args("submitTopology")
        self.assertEqual(name, "wc")
        self.assertEqual(self.nimbus.call_args("finishFileUpload"), [(location,)])
        conf = json.loads(conf_json)
        self.assertEqual(conf["topology.max.spout.pending"], 1000)  # the Flux config:
        self.assertIs(conf["topology.debug"], True)  # -c
        self.assertEqual(sorted(topology.spouts), ["sentences"])
        self.assertEqual(sorted(topology.bolts), ["count", "log", "split"])
        self.assertEqual(topology.bolts["split"].common.parallelism_hint, 2)
        jar = zipfile.ZipFile(io.BytesIO(self.nimbus.uploads[location]))
        names = jar.namelist()
        self.assertIn("META-INF/MANIFEST.MF", names)
        self.assertIn("resources/split_sentence.py", names)
        with open(os.path.join(self.dir, "resources", "storm.py"), "rb") as f:
            self.assertEqual(jar.read("resources/storm.py"), f.read())
        for line in ("Uploading topology jar ", "Successfully uploaded topology jar to assigned "
                     "location: " + location, "Finished submitting topology: wc"):
            self.assertIn(line, r.stderr)
        self.assertNotIn("Uploaded ", r.stderr)  # a small jar: no progress lines
        self.assertEqual([f for f in os.listdir(tempfile.gettempdir())
                          if f.startswith("gust-stormjar-")], [])

    def test_a_large_jar_goes_up_in_storms_chunks_with_progress(self):
        big = os.urandom(4 * CHUNK + 1234)  # random: it does not compress
        r = gust("submit", self.flux_copy({"model.bin": big}), "--inactive",
                 port=self.nimbus.port)
        self.assertEqual(r.returncode, 0, r.stderr)
        chunks = [len(args[1]) for args in self.nimbus.call_args("uploadChunk")]
        self.assertGreaterEqual(len(chunks), 5)
        self.assertTrue(all(size == CHUNK for size in chunks[:-1]), chunks)
        self.assertLessEqual(chunks[-1], CHUNK)
        (location,) = self.nimbus.uploads
        self.assertEqual(len(self.nimbus.uploads[location]), sum(chunks))
        jar = zipfile.ZipFile(io.BytesIO(self.nimbus.uploads[location]))
        self.assertEqual(jar.read("resources/model.bin"), big)
        self.assertIn("(100%)", r.stderr)
        self.assertIn("Uploaded %d of %d bytes" % (CHUNK, sum(chunks)), r.stderr)
        # --inactive: submitTopologyWithOpts, initial status INACTIVE
        ((name, _, _, _, options),) = self.nimbus.call_args("submitTopologyWithOpts")
        self.assertEqual((name, options.initial_status), ("python-wordcount", 2))

    def test_a_running_name_is_refused_before_the_upload(self):
        self.nimbus.topologies["wc"] = topology_summary("wc")
        r = gust("submit", self.flux_copy(), "--name", "wc", port=self.nimbus.port)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Topology name wc is either not allowed or it already exists on the cluster",
                      r.stderr)
        self.assertEqual(self.nimbus.methods(), ["getLeader", "isTopologyNameAllowed"])

    def test_nimbus_refusals_are_printed_as_storm_prints_them(self):
        self.nimbus.answer_isTopologyNameAllowed = lambda name: True
        self.nimbus.topologies["wc"] = topology_summary("wc")
        r = gust("submit", self.flux_copy(), "--name", "wc", port=self.nimbus.port)
        self.assertEqual(r.returncode, 1)
        self.assertIn("AlreadyAliveException(msg:wc is already alive)", r.stderr)

    def test_bad_files_and_names_are_refused_before_connecting(self):
        broken = os.path.join(self.dir, "broken.yaml")
        with open(broken, "w") as f:
            f.write("name: x\nspouts:\n  - id: s\n    className: no.such.Spout\n")
        r = gust("submit", broken, port=self.nimbus.port)
        self.assertEqual(r.returncode, 1)
        self.assertIn("broken.yaml:", r.stderr)
        r = gust("submit", os.path.join(self.dir, "missing.yaml"), port=self.nimbus.port)
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing.yaml", r.stderr)
        r = gust("submit", self.flux_copy(), "--name", "a.b", port=self.nimbus.port)
        self.assertEqual(r.returncode, 2)
        self.assertIn("Topology name 'a.b' is not valid", r.stderr)
        r = gust("submit", self.flux_copy(), "-c", "topology.message.timeout.secs=0",
                 port=self.nimbus.port)
        self.assertEqual(r.returncode, 1)
        self.assertIn("'topology.message.timeout.secs'", r.stderr)
        self.assertEqual(self.nimbus.calls, [])


class FindingNimbus(unittest.TestCase):
    def test_no_nimbus_listening_is_a_clear_error(self):
        port = free_port()
        r = gust("list", port=port)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no Nimbus at 127.0.0.1:%d: Connection refused" % port, r.stderr)
        self.assertIn("nimbus.seeds", r.stderr)

    def test_seeds_are_tried_in_order_and_the_leader_named_is_used(self):
        with FakeNimbus() as standby, FakeNimbus() as leader:
            standby.leader = ("127.0.0.1", leader.port)
            # 127.0.0.2 first (nothing listens there), then the standby, which names the leader
            r = subprocess.run(
                [GUST, "list", "--config", self.storm_yaml(standby.port)],
                capture_output=True, text=True, timeout=120, env=dict(os.environ, HOME=HOME))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(standby.methods(), ["getLeader"])
            self.assertEqual(leader.methods(), ["getTopologySummaries"])
            self.assertIn("Found leader nimbus : 127.0.0.1:%d" % leader.port, r.stderr)

    def storm_yaml(self, port):
        d = tempfile.mkdtemp(prefix="gust-cli-conf-")
        self.addCleanup(lambda: __import__("shutil").rmtree(d, ignore_errors=True))
        path = os.path.join(d, "storm.yaml")
        with open(path, "w") as f:
            f.write('nimbus.seeds: ["127.0.0.2", "127.0.0.1"]\nnimbus.thrift.port: %d\n' % port)
        return path

    def test_home_storm_yaml_configures_every_command(self):
        with FakeNimbus() as nimbus:
            home = tempfile.mkdtemp(prefix="gust-cli-home-")
            os.makedirs(os.path.join(home, ".storm"))
            with open(os.path.join(home, ".storm", "storm.yaml"), "w") as f:
                f.write("nimbus.seeds: [127.0.0.1]\nnimbus.thrift.port: %d\n" % nimbus.port)
            r = subprocess.run([GUST, "list"], capture_output=True, text=True, timeout=120,
                               env=dict(os.environ, HOME=home))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(nimbus.methods(), ["getLeader", "getTopologySummaries"])


if __name__ == "__main__":
    unittest.main()
