"""Each cluster worker's own /metrics (topology.gust.metrics.port), with
real parts: Debian's ZooKeeper server, `gust nimbus`, `gust supervisor`
with two slots, and the two `gust worker`s it launches for two topologies
submitted with the same metrics port by a Storm client generated from
storm.thrift.  Each worker adds its slot's index in supervisor.slots.ports
to the port, logs the address, and serves its own topology's metrics
(passing `promtool check metrics`, with the process's CPU and memory and
latency histograms with buckets); nothing else is served there.

Waits are for conditions; their bounds only catch a hang on a loaded
machine.
"""
import glob
import json
import os
import re
import signal
import socket
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prometheus_text  # noqa: E402
from cluster_harness import (GustDaemon, ZooKeeperServer, make_temp_dir,  # noqa: E402
                             supervisor_records, wait_for)
from nimbus_client import Client, upload  # noqa: E402
from test_supervisor import jar_bytes, wordcount_topology  # noqa: E402

HANG_BOUND_S = 180


def two_free_ports():
    """A port P with P + 1 free too (both bound together while choosing)."""
    for _ in range(50):
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            if port >= 65535:
                continue
            with socket.socket() as b:
                try:
                    b.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
                return port
    raise AssertionError("no two consecutive free ports")


class WorkerMetrics(unittest.TestCase):
    def setUp(self):
        self.zk = ZooKeeperServer().start()
        self.addCleanup(self.zk.stop)
        work = make_temp_dir("worker-metrics")
        nimbus = GustDaemon.nimbus(self.zk, work, conf={"nimbus.monitor.freq.secs": 1})
        self.addCleanup(nimbus.stop, 40)
        nimbus.wait_for_log(r"is the leader", timeout=HANG_BOUND_S)
        self.supervisor = GustDaemon.supervisor(
            self.zk, work, nimbuses=[nimbus], slots=2,
            conf={"supervisor.heartbeat.frequency.secs": 1, "supervisor.monitor.frequency.secs": 1,
                  "storm.gust.worker.stop.timeout.secs": 30})
        self.addCleanup(self.supervisor.stop, 40)
        self.addCleanup(self.kill_leftover_workers)
        self.supervisor.wait_for_log(r"supervisor \S+ started", timeout=HANG_BOUND_S)
        self.nimbus = nimbus

    def kill_leftover_workers(self):
        for record in supervisor_records(self.zk).values():
            for worker in record.get("workers", []):
                try:
                    os.killpg(worker["pid"], signal.SIGKILL)
                except (OSError, KeyError, TypeError):
                    pass

    def worker_metrics_url(self, topology_id):
        """The address the worker of topology_id logged, and its slot port."""
        pattern = os.path.join(self.supervisor.local_dir, "logs", "workers-artifacts", topology_id, "*",
                               "worker.log")

        def find():
            for path in glob.glob(pattern):
                with open(path, errors="replace") as f:
                    m = re.search(r"metrics at (http://127\.0\.0\.1:(\d+)/metrics) "
                                  r"\(topology\.gust\.metrics\.port (\d+)(?: \+ slot index (\d+))?\)", f.read())
                if m:
                    return m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4) or 0), \
                        int(os.path.basename(os.path.dirname(path)))
            return None
        return wait_for(find, HANG_BOUND_S, "the metrics address in the worker log of " + topology_id)

    def test_two_workers_on_one_host_each_serve_their_metrics(self):
        port = two_free_ports()
        conf = {"topology.workers": 1, "topology.gust.metrics.port": port,
                "topology.gust.checkpoint.interval.ms": 200}
        ids = {}
        with Client(self.nimbus.port) as client:
            for name in ("wc-a", "wc-b"):
                client.submitTopology(name, upload(client, jar_bytes()), json.dumps(conf), wordcount_topology())
                ids[name] = client.getTopologySummaryByName(name).id
        slots = sorted(self.supervisor.conf["supervisor.slots.ports"])
        seen_ports = set()
        for name, topology_id in ids.items():
            url, bound, asked, index, slot = self.worker_metrics_url(topology_id)
            self.assertEqual(asked, port)
            self.assertEqual(index, self.supervisor.conf["supervisor.slots.ports"].index(slot))
            self.assertEqual(bound, port + index)
            seen_ports.add(bound)

            def scrape():
                try:
                    with urllib.request.urlopen(url, timeout=30) as r:
                        return r.read().decode()
                except (urllib.error.URLError, ConnectionError):
                    return None

            def counted():
                text = scrape()
                done = text and re.search(r'(?m)^gust_execute_latency_seconds_count\{topology="%s",'
                                          r'component="count",[^}]*\} [1-9]' % name, text)
                return done and text
            text = wait_for(counted, HANG_BOUND_S, "execute latency samples of %s on %s" % (name, url))
            prometheus_text.promtool_check(self, text)
            topologies = {labels.get("topology") for _, labels, _ in prometheus_text.samples(text)} - {None}
            self.assertEqual(topologies, {name}, "a worker serves its own topology only")
            plain = {n: v for n, labels, v in prometheus_text.samples(text) if not labels}
            self.assertGreater(plain["process_cpu_seconds_total"], 0)
            self.assertGreater(plain["process_resident_memory_bytes"], 1 << 20)
            execute = prometheus_text.histograms(self, text, "gust_execute_latency_seconds")
            self.assertTrue(any(s["buckets"][-2][1] > 0 for s in execute.values()),
                            "samples in finite buckets")
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(url.replace("/metrics", "/api/v1/cluster/summary"), timeout=30)
            self.assertEqual(e.exception.code, 404)
        self.assertEqual(seen_ports, {port, port + 1}, "one port per slot: %s" % slots)


if __name__ == "__main__":
    unittest.main()
