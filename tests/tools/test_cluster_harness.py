"""The cluster test harness itself: Debian's ZooKeeper server started on a
free loopback port, crashed and started again with its data, removed at
the end; the harness's own ZooKeeper reader; and leadership read from
/leader-lock as gust_cluster writes it (a C test program of tests/cluster
stands for leader and is killed with SIGKILL).
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_harness import (  # noqa: E402
    BUILD,
    GustDaemon,
    ZooKeeperReader,
    ZooKeeperServer,
    _die_with_parent,
    four_letter_word,
    kill9_supervisor,
    leader_member,
    make_temp_dir,
    supervisor_id_of,
    supervisor_records,
    wait_for,
    wait_for_supervisor_gone,
)

ELECTION_TEST = os.path.join(BUILD, "tests", "cluster", "cluster_election")


class Harness(unittest.TestCase):
    def test_server_serves_on_loopback_survives_kill9_and_is_removed_at_stop(self):
        zk = ZooKeeperServer()
        self.addCleanup(zk.stop)
        zk.start()
        self.assertTrue(zk.address.startswith("127.0.0.1:"))
        self.assertIn("Mode: standalone", four_letter_word(zk.address, "srvr"))
        with ZooKeeperReader(zk.address) as reader:
            self.assertIn("zookeeper", reader.children("/"))
            self.assertIsNone(reader.get("/no/such/node"))
            self.assertEqual(reader.children("/no/such/node"), [])
        port, data = zk.port, zk.data_dir
        zk.kill9()
        self.assertEqual(four_letter_word(zk.address, "ruok", 1.0), "")
        zk.start()
        self.assertEqual(zk.port, port)
        self.assertTrue(os.path.isdir(data))
        zk.stop()
        self.assertFalse(os.path.exists(zk.dir))
        self.assertEqual(four_letter_word(zk.address, "ruok", 1.0), "")

    def test_leader_is_read_from_the_lock_and_goes_with_a_killed_process(self):
        with ZooKeeperServer() as zk:
            env = dict(os.environ, GUST_TEST_ZOOKEEPER=zk.address)
            child = subprocess.Popen([ELECTION_TEST, "--lead", "/harness", "127.0.0.1:7001"], env=env,
                                     stdout=subprocess.PIPE, text=True, preexec_fn=_die_with_parent)
            self.addCleanup(child.wait)
            self.addCleanup(child.kill)
            self.assertEqual(child.stdout.readline(), "leading\n")
            self.assertEqual(leader_member(zk, "/harness"), "127.0.0.1:7001")
            child.kill()
            child.wait()
            # Its session (2 s) expires; the lock node goes with it.
            wait_for(lambda: leader_member(zk, "/harness") is None, 60, "the killed leader's lock to go")
            with ZooKeeperReader(zk.address) as reader:
                self.assertEqual(reader.children("/harness/leader-lock"), [])

    def test_a_leader_keeps_its_lock_across_a_zookeeper_crash(self):
        """gust_cluster reconnects when the server comes back (the same
        session, if within its timeout, else a new one with the candidacy
        made again): the lock is held by the same member afterwards."""
        with ZooKeeperServer() as zk:
            env = dict(os.environ, GUST_TEST_ZOOKEEPER=zk.address)
            child = subprocess.Popen([ELECTION_TEST, "--lead", "/crash", "127.0.0.1:7002"], env=env,
                                     stdout=subprocess.PIPE, text=True, preexec_fn=_die_with_parent)
            self.addCleanup(child.wait)
            self.addCleanup(child.kill)
            self.assertEqual(child.stdout.readline(), "leading\n")
            zk.kill9()
            zk.start()
            wait_for(lambda: leader_member(zk, "/crash") == "127.0.0.1:7002", 120,
                     "the member to hold the lock again after the restart")
            self.assertEqual(child.stdout.readline(), "leading\n")  # it stepped down, then led again
            self.assertIsNone(child.poll())

    def test_a_nimbus_starts_on_the_port_given_and_stops_on_sigterm(self):
        with ZooKeeperServer() as zk:
            work = make_temp_dir("harness")
            nimbus = GustDaemon.nimbus(zk, work)
            self.addCleanup(nimbus.stop)
            nimbus.wait_for_log(r"listening on 127\.0\.0\.1:%d" % nimbus.port)
            self.assertEqual(nimbus.stop(), 0)
            self.assertFalse(nimbus.alive())

    def test_a_supervisor_registers_and_its_node_goes_when_it_is_killed(self):
        with ZooKeeperServer() as zk:
            work = make_temp_dir("harness")
            supervisor = GustDaemon.supervisor(zk, work, slots=2, conf={"storm.zookeeper.session.timeout": 4000})
            self.addCleanup(supervisor.stop)
            sid = supervisor_id_of(zk, supervisor)
            record = supervisor_records(zk)[sid]
            self.assertEqual(sorted(record["ports"]), sorted(supervisor.conf["supervisor.slots.ports"]))
            self.assertTrue(os.path.isfile(supervisor.config_file))
            self.assertEqual(kill9_supervisor(zk, supervisor), sid)
            self.assertFalse(supervisor.alive())
            wait_for_supervisor_gone(zk, sid)  # its session (4 s) expires


if __name__ == "__main__":
    unittest.main()
