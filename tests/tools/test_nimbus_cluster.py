"""Nimbus in a cluster, with a real ZooKeeper server and real daemons: a
standby names the leader and refuses writes, then takes over when the
leader is killed and serves its topology; a submitted topology is assigned
to a supervisor's slot and moves to another supervisor when the first one
dies."""
import json
import os
import re
import unittest

from cluster_harness import GustDaemon, ZooKeeperTestCase, make_temp_dir
from nimbus_client import Client, jar_bytes, upload, wordcount
from thrift.Thrift import TApplicationException


class ClusterTest(ZooKeeperTestCase):
    def submit(self, port, name):
        with Client(port) as client:
            client.submitTopology(name, upload(client, jar_bytes()), json.dumps({}), wordcount())
            return client.getTopologySummaryByName(name).id

    def test_a_standby_names_the_leader_refuses_writes_and_takes_over(self):
        workdir = make_temp_dir("nimbus-cluster")
        conf = {"storm.local.dir": os.path.join(workdir, "shared-local"),
                "storm.zookeeper.session.timeout": 4000}
        a = self.daemon(GustDaemon.nimbus(self.zk, workdir, "a", conf, root="/failover"))
        a.wait_for_log(r"is the leader")
        b = self.daemon(GustDaemon.nimbus(self.zk, workdir, "b", conf, root="/failover"))
        b.wait_for_log(r"is a standby")
        with Client(b.port) as client:
            leader = client.getLeader()
            self.assertEqual((leader.port, leader.isLeader), (a.port, True))
            with self.assertRaises(TApplicationException) as e:
                client.beginFileUpload()
            self.assertIn("standby; the leader is 127.0.0.1:%d" % a.port, e.exception.message)
            nimbuses = client.getClusterInfo().nimbuses
            self.assertEqual(sorted((n.port, n.isLeader) for n in nimbuses),
                             sorted([(a.port, True), (b.port, False)]))
        topology_id = self.submit(a.port, "wc")
        a.kill9()
        b.wait_for_log(r"is the leader", timeout=120)
        with Client(b.port) as client:
            self.assertEqual(client.getLeader().port, b.port)
            summary = client.getTopologySummaryByName("wc")
            self.assertEqual((summary.id, summary.status), (topology_id, "ACTIVE"))
            client.deactivate("wc")
            self.assertEqual(client.getTopologySummary(topology_id).status, "INACTIVE")

    def test_a_topology_moves_when_its_supervisor_dies(self):
        workdir = make_temp_dir("nimbus-cluster")
        nimbus = self.daemon(GustDaemon.nimbus(
            self.zk, workdir, "nimbus", {"nimbus.supervisor.timeout.secs": 2,
                                         "nimbus.monitor.freq.secs": 1}, root="/moves"))
        nimbus.wait_for_log(r"is the leader")
        first = self.daemon(GustDaemon.supervisor(self.zk, workdir, "s1", nimbuses=[nimbus],
                                                  root="/moves"))
        topology_id = self.submit(nimbus.port, "wc")
        assigned = nimbus.wait_for_log(r"topology %s assigned to supervisor (\S+) port (\d+)"
                                       % re.escape(topology_id), timeout=120)
        with Client(nimbus.port) as client:
            supervisors = client.getClusterInfo().supervisors
            self.assertEqual([s.supervisor_id for s in supervisors], [assigned.group(1)])
        second = self.daemon(GustDaemon.supervisor(self.zk, workdir, "s2", nimbuses=[nimbus],
                                                   root="/moves"))
        first.kill9()
        nimbus.wait_for_log(r"supervisor %s is gone" % re.escape(assigned.group(1)), timeout=120,
                            since_start=False)
        moved = nimbus.wait_for_log(r"topology %s assigned to supervisor (\S+)"
                                    % re.escape(topology_id), timeout=120, since_start=False)
        self.assertNotEqual(moved.group(1), assigned.group(1))
        del second


if __name__ == "__main__":
    unittest.main(verbosity=2)
