"""The whole cluster chain with real parts: Debian's ZooKeeper server,
`gust nimbus`, `gust supervisor` and the `gust worker` it launches, driven
by a Storm client generated from the project's storm.thrift.

The topology is a multilang WordCount (the scripts of
examples/flux/shell/resources/ in the resources/ folder of a jar the test
builds).  Checked through Nimbus: the summary lists it, TopologyInfo's
executors carry emitted counts that grow (they come from the worker's
heartbeats), the conf is served; the worker's log shows word counts;
deactivate stops the spout's emitted count, activate lets it grow again;
a rebalance of the count bolt with a conf override writes a new
assignment version, and the restarted worker, given the new conf, resumes
from its checkpoint with the new number of executors; kill with wait_secs
0 stops the worker, and the topology leaves the list and its assignment.

Faults: kill -9 of the worker (its pid read from the supervisor's
ZooKeeper node) -> the supervisor relaunches it and it resumes from a
checkpoint; kill -9 of the leader Nimbus with a standby beside it -> the
standby leads, `gust list --config storm.yaml` shows the topology again,
and the worker kept running (same pid, counts still growing).

Waits are for conditions; their bounds only catch a hang on a loaded
machine.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_harness import (GUST, GustDaemon, ZooKeeperTestCase, assignment, make_temp_dir,  # noqa: E402
                             storm_yaml, supervisor_records, wait_for, wait_for_leader)
from nimbus_client import Client, growth_above, ttypes, upload  # noqa: E402
from test_supervisor import jar_bytes, wordcount_topology  # noqa: E402

HANG_BOUND_S = 180
SETTLE_S = 5  # two readings this far apart span several worker heartbeats (1 s each)
TOPOLOGY_CONF = {"topology.workers": 1, "topology.gust.checkpoint.interval.ms": 200}


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is gone for our purpose
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class EndToEnd(ZooKeeperTestCase):
    def start_cluster(self, root, nimbus_names=("nimbus",), supervisor_conf=None):
        self.root = root
        self.work = make_temp_dir("end-to-end")
        conf = {"storm.local.dir": os.path.join(self.work, "nimbus-local"),
                "storm.zookeeper.session.timeout": 4000, "nimbus.monitor.freq.secs": 1}
        self.nimbuses = []
        for name in nimbus_names:
            self.nimbuses.append(self.daemon(GustDaemon.nimbus(self.zk, self.work, name, conf, root=root)))
            if len(self.nimbuses) == 1:
                self.nimbuses[0].wait_for_log(r"is the leader", timeout=HANG_BOUND_S)
        self.supervisor = self.daemon(GustDaemon.supervisor(
            self.zk, self.work, "supervisor", nimbuses=self.nimbuses[:1], root=root, slots=2,
            conf=dict({"supervisor.heartbeat.frequency.secs": 1,
                       "supervisor.monitor.frequency.secs": 1,
                       "storm.gust.worker.stop.timeout.secs": 30,
                       "storm.gust.worker.restart.backoff.max.secs": 2},
                      **(supervisor_conf or {}))))
        self.supervisor.wait_for_log(r"supervisor \S+ started", timeout=HANG_BOUND_S)
        self.addCleanup(self.kill_leftover_workers)

    def kill_leftover_workers(self):
        for record in supervisor_records(self.zk, self.root).values():
            for worker in record.get("workers", []):
                pid = worker.get("pid")
                if not isinstance(pid, int) or pid <= 1:
                    continue  # a worker that never started: killpg(0) would kill this test
                try:  # a worker the supervisor could not stop must not outlive the test
                    os.killpg(pid, signal.SIGKILL)
                except (OSError, KeyError, TypeError):
                    pass

    def submit(self, port, name):
        with Client(port) as client:
            client.submitTopology(name, upload(client, jar_bytes()), json.dumps(TOPOLOGY_CONF),
                                  wordcount_topology())
            return client.getTopologySummaryByName(name).id

    # --- what the cluster shows -------------------------------------------------

    def worker_record(self, topology_id):
        """The supervisor's ZooKeeper record of the worker running topology_id, or None."""
        for record in supervisor_records(self.zk, self.root).values():
            for worker in record.get("workers", []):
                if worker.get("topology_id") == topology_id:
                    return worker
        return None

    def running_worker(self, topology_id, **expect):
        def find():
            worker = self.worker_record(topology_id)
            if worker and worker.get("state") == "running" and \
                    all(worker.get(k) == v for k, v in expect.items()):
                return worker
            return None
        return wait_for(find, HANG_BOUND_S, "a running worker of %s %s" % (topology_id, expect))

    def worker_log(self, topology_id, port):
        path = os.path.join(self.supervisor.local_dir, "logs", "workers-artifacts", topology_id,
                            str(port), "worker.log")
        try:
            with open(path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_worker_log(self, topology_id, port, pattern, after=0):
        regex = re.compile(pattern, re.M)
        wait_for(lambda: regex.search(self.worker_log(topology_id, port)[after:]), HANG_BOUND_S,
                 "/%s/ in the worker log of %s" % (pattern, topology_id))

    def executors(self, port, topology_id):
        with Client(port) as client:
            return client.getTopologyInfo(topology_id).executors

    def emitted(self, port, topology_id, component):
        """All-time tuples emitted by component's executors, as Nimbus reports them."""
        total = 0
        for executor in self.executors(port, topology_id):
            if executor.component_id == component and executor.stats is not None:
                total += sum(executor.stats.emitted.get(":all-time", {}).values())
        return total

    def wait_growing(self, port, topology_id, component, above=None):
        """Waits until component's emitted count exceeds above (default: the
        current reading); returns the new reading (growth_above: a
        NotAliveException while waiting is "not yet")."""
        floor = self.emitted(port, topology_id, component) if above is None else above
        return wait_for(lambda: growth_above(floor, lambda: self.emitted(port, topology_id, component)),
                        HANG_BOUND_S, "%s's emitted count above %d" % (component, floor))

    def wait_still(self, port, topology_id, component):
        """Waits until two readings SETTLE_S apart are equal; returns the reading."""
        def still():
            first = self.emitted(port, topology_id, component)
            time.sleep(SETTLE_S)
            second = self.emitted(port, topology_id, component)
            return (first,) if first == second else None
        return wait_for(still, HANG_BOUND_S, "%s's emitted count to stop growing" % component)[0]

    # --- the tests ----------------------------------------------------------------

    def test_b_submit_list_info_conf_deactivate_activate_rebalance_kill(self):
        self.start_cluster("/e2e-life")
        port = self.nimbuses[0].port
        tid = self.submit(port, "e2e-wc")
        with Client(port) as client:
            summaries = client.getTopologySummaries()
            self.assertEqual([(s.name, s.id, s.status) for s in summaries], [("e2e-wc", tid, "ACTIVE")])
            conf = json.loads(client.getTopologyConf(tid))
        self.assertEqual(conf["topology.name"], "e2e-wc")
        self.assertEqual(conf["topology.gust.checkpoint.interval.ms"], 200)

        worker = self.running_worker(tid, assignment_version=1)
        self.assertEqual(assignment(self.zk, tid, self.root)["version"], 1)
        slot = worker["port"]
        self.wait_worker_log(tid, slot, r"count:\d+ .*\d+ distinct words so far")
        first = self.wait_growing(port, tid, "sentences", above=0)
        self.wait_growing(port, tid, "sentences", above=first)
        self.wait_growing(port, tid, "split", above=0)
        counts = [e for e in self.executors(port, tid) if e.component_id == "count"]
        self.assertEqual(len(counts), 2)
        self.assertTrue(all(e.port == slot for e in counts))

        with Client(port) as client:
            client.deactivate("e2e-wc")
            self.assertEqual(client.getTopologySummary(tid).status, "INACTIVE")
        self.wait_worker_log(tid, slot, r"is INACTIVE: deactivating its spouts")
        stopped = self.wait_still(port, tid, "sentences")
        time.sleep(SETTLE_S)
        self.assertEqual(self.emitted(port, tid, "sentences"), stopped, "an inactive spout emitted")

        with Client(port) as client:
            client.activate("e2e-wc")
            self.assertEqual(client.getTopologySummary(tid).status, "ACTIVE")
        self.wait_worker_log(tid, slot, r"is ACTIVE: activating its spouts")
        self.wait_growing(port, tid, "sentences", above=stopped)

        size = len(self.worker_log(tid, slot))
        with Client(port) as client:
            client.rebalance("e2e-wc", ttypes.RebalanceOptions(
                wait_secs=0, num_executors={"count": 3},
                topology_conf_overrides='{"e2e.rebalanced": "yes"}'))
        self.supervisor.wait_for_log(r"assignment of %s changed to version 2" % re.escape(tid),
                                     timeout=HANG_BOUND_S)
        rebalanced = self.running_worker(tid, assignment_version=2)
        self.assertEqual(assignment(self.zk, tid, self.root)["version"], 2)
        self.assertNotEqual(rebalanced["pid"], worker["pid"])
        self.assertFalse(pid_alive(worker["pid"]))
        wait_for(lambda: len([e for e in self.executors(port, tid) if e.component_id == "count"]) == 3,
                 HANG_BOUND_S, "three count executors in TopologyInfo")
        self.assertEqual(rebalanced["port"], slot)
        # the new worker was given the conf with the rebalance's overrides
        stormconf = os.path.join(self.supervisor.local_dir, "supervisor", "stormdist", tid,
                                 "stormconf.ser")
        with open(stormconf) as f:
            self.assertEqual(json.load(f)["e2e.rebalanced"], "yes")
        self.wait_worker_log(tid, slot, r"resumes from checkpoint \d+", after=size)
        self.wait_growing(port, tid, "count", above=0)
        self.wait_worker_log(tid, slot, r"distinct words so far", after=len(self.worker_log(tid, slot)))

        with Client(port) as client:
            client.killTopologyWithOpts("e2e-wc", ttypes.KillOptions(wait_secs=0))
        wait_for(lambda: not pid_alive(rebalanced["pid"]), HANG_BOUND_S, "the worker to stop")
        wait_for(lambda: self.worker_record(tid) is None, HANG_BOUND_S,
                 "the worker gone from the supervisor's node")

        def listed():
            with Client(port) as client:
                return client.getTopologySummaries()
        wait_for(lambda: listed() == [], HANG_BOUND_S, "an empty topology list")
        wait_for(lambda: assignment(self.zk, tid, self.root) is None, HANG_BOUND_S,
                 "the assignment of %s to go" % tid)
        self.assertTrue(self.supervisor.alive())

    def test_e_worker_kill9_and_leader_nimbus_kill9(self):
        self.start_cluster("/e2e-faults", nimbus_names=("nimbus-a", "nimbus-b"))
        a, b = self.nimbuses
        b.wait_for_log(r"is a standby", timeout=HANG_BOUND_S)
        tid = self.submit(a.port, "e2e-faults")
        worker = self.running_worker(tid)
        slot = worker["port"]
        self.wait_worker_log(tid, slot, r"distinct words so far")
        checkpoints = os.path.join(a.local_dir, "checkpoints", "e2e-faults")
        wait_for(lambda: os.path.isdir(checkpoints) and os.listdir(checkpoints), HANG_BOUND_S,
                 "a checkpoint under %s" % checkpoints)

        # kill -9 of the worker: relaunched, resumes from its checkpoint
        size = len(self.worker_log(tid, slot))
        os.killpg(worker["pid"], signal.SIGKILL)  # the worker and its shell processes
        self.supervisor.wait_for_log(r"worker of %s was killed by signal 9; relaunching" % re.escape(tid),
                                     timeout=HANG_BOUND_S)
        self.wait_worker_log(tid, slot, r"resumes from checkpoint \d+", after=size)
        self.wait_worker_log(tid, slot, r"distinct words so far", after=size)
        relaunched = self.running_worker(tid, restarts=1)
        self.assertNotEqual(relaunched["pid"], worker["pid"])
        self.wait_growing(a.port, tid, "sentences", above=0)

        # kill -9 of the leader Nimbus: the standby leads; the worker runs on
        cli_yaml = os.path.join(self.work, "cli-storm.yaml")
        with open(cli_yaml, "w") as f:
            f.write(storm_yaml({"nimbus.seeds": ["127.0.0.1"], "nimbus.thrift.port": b.port}))
        before = self.emitted(a.port, tid, "sentences")
        log_size = len(self.worker_log(tid, slot))
        a.kill9()
        wait_for_leader(self.zk, self.nimbuses, timeout=HANG_BOUND_S, root=self.root, other_than=a)
        b.wait_for_log(r"is the leader", timeout=HANG_BOUND_S)

        def gust_list():
            result = subprocess.run([GUST, "list", "--config", cli_yaml], capture_output=True, text=True,
                                    timeout=HANG_BOUND_S, cwd=self.work)
            if result.returncode != 0:
                return None
            rows = [line.split() for line in result.stdout.splitlines()[2:]]
            return [row for row in rows if row[:2] == ["e2e-faults", "ACTIVE"] and tid in row] or None
        wait_for(gust_list, HANG_BOUND_S, "`gust list` through the new leader to show %s" % tid)

        self.wait_growing(b.port, tid, "sentences", above=before)
        self.wait_worker_log(tid, slot, r"distinct words so far", after=log_size)
        still = self.worker_record(tid)
        self.assertEqual((still["pid"], still["restarts"]), (relaunched["pid"], 1))
        self.assertTrue(pid_alive(relaunched["pid"]))

        with Client(b.port) as client:
            client.killTopologyWithOpts("e2e-faults", ttypes.KillOptions(wait_secs=0))
        wait_for(lambda: not pid_alive(relaunched["pid"]), HANG_BOUND_S, "the worker to stop")


if __name__ == "__main__":
    unittest.main(verbosity=2)
