"""A stand-in Nimbus for testing gust's Storm command line: a Thrift server
(framed transport, binary protocol, on 127.0.0.1) built from the project's
storm.thrift with Debian's python3-thrift, that records every call it
receives with its arguments and answers from a small state the test sets:

    with FakeNimbus() as nimbus:
        nimbus.topologies["wc"] = topology_summary("wc")
        run gust ... -c nimbus.thrift.port=<nimbus.port>
        nimbus.calls    # [("getLeader", ()), ("killTopologyWithOpts", ("wc", KillOptions(...)))]

getLeader names this server itself unless `leader` is set to another
(host, port).  A name not in `topologies` gets Storm's NotAliveException
("NAME is not alive"); a submitted name that is there gets
AlreadyAliveException.  Uploads are kept in `uploads` (location -> bytes).
Methods listed in `refuse` answer with a Thrift application error.
"""
import logging
import os
import socket
import sys
import threading
import warnings

BUILD = os.environ.get("GUST_BUILD_DIR", "build")
sys.path.insert(0, os.path.join(BUILD, "compat", "thrift", "gen-py"))
try:
    import thrift  # noqa: F401
except ImportError:  # Debian's python3-thrift, for a python3 outside Debian's
    sys.path.append("/usr/lib/python3/dist-packages")

from thrift.Thrift import TApplicationException  # noqa: E402
from thrift.protocol import TBinaryProtocol  # noqa: E402
from thrift.server import TServer  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402

from gust_storm import Nimbus  # noqa: E402

# The refusals the tests ask for are not news: keep thrift's server quiet.
logging.getLogger().setLevel(logging.CRITICAL)
warnings.filterwarnings("ignore", message="setDaemon")
from gust_storm.ttypes import (AlreadyAliveException, ExecutorInfo, ExecutorStats,  # noqa: E402,F401
                               ExecutorSummary, ExecutorSpecificStats, NimbusSummary,
                               NotAliveException, TopologyInfo, TopologySummary)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def topology_summary(name, status="ACTIVE", tasks=4, workers=1, uptime=12, owner="tester"):
    return TopologySummary(id="%s-1-1795307846" % name, name=name, num_tasks=tasks,
                           num_executors=tasks, num_workers=workers, uptime_secs=uptime,
                           status=status, owner=owner)


class _Handler:
    def __init__(self, nimbus):
        self.nimbus = nimbus

    def __getattr__(self, method):
        def call(*args):
            n = self.nimbus
            with n.lock:
                n.calls.append((method, args))
            if method in n.refuse:
                raise TApplicationException(TApplicationException.UNKNOWN_METHOD,
                                            "%s is not served here" % method)
            return getattr(n, "answer_" + method)(*args)
        return call


class FakeNimbus:
    def __init__(self):
        self.port = free_port()
        self.lock = threading.Lock()
        self.calls = []
        self.topologies = {}
        self.infos = {}  # name -> callable returning a TopologyInfo
        self.uploads = {}
        self.leader = None
        self.refuse = set()
        self.server = None

    # ---- lifecycle ----
    def start(self):
        server_socket = TSocket.TServerSocket(host="127.0.0.1", port=self.port)
        self.server = TServer.TThreadedServer(
            Nimbus.Processor(_Handler(self)), server_socket,
            TTransport.TFramedTransportFactory(), TBinaryProtocol.TBinaryProtocolFactory(),
            daemon=True)
        threading.Thread(target=self.server.serve, daemon=True).start()
        for _ in range(500):  # until it listens (bounded: a hang, not a timing)
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                threading.Event().wait(0.02)
        raise AssertionError("the fake Nimbus did not listen on %d" % self.port)

    def stop(self):
        if self.server and self.server.serverTransport.handle:
            self.server.serverTransport.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def methods(self):
        with self.lock:
            return [c[0] for c in self.calls]

    def call_args(self, method):
        with self.lock:
            return [c[1] for c in self.calls if c[0] == method]

    # ---- answers ----
    def _alive(self, name):
        if name not in self.topologies:
            raise NotAliveException(msg="%s is not alive" % name)

    def answer_getLeader(self):
        host, port = self.leader or ("127.0.0.1", self.port)
        return NimbusSummary(host=host, port=port, uptime_secs=5, isLeader=True, version="2.6.0")

    def answer_getTopologySummaries(self):
        return list(self.topologies.values())

    def answer_killTopologyWithOpts(self, name, options):
        self._alive(name)
        del self.topologies[name]

    def answer_activate(self, name):
        self._alive(name)
        self.topologies[name].status = "ACTIVE"

    def answer_deactivate(self, name):
        self._alive(name)
        self.topologies[name].status = "INACTIVE"

    def answer_rebalance(self, name, options):
        self._alive(name)
        self.topologies[name].status = "REBALANCING"

    def answer_getTopologyInfoByNameWithOpts(self, name, options):
        self._alive(name)
        return self.infos[name]()

    def answer_isTopologyNameAllowed(self, name):
        return name not in self.topologies

    def answer_beginFileUpload(self):
        location = "/storm-local/nimbus/inbox/stormjar-%d.jar" % len(self.uploads)
        self.uploads[location] = b""
        return location

    def answer_uploadChunk(self, location, chunk):
        self.uploads[location] += chunk

    def answer_finishFileUpload(self, location):
        pass

    def answer_submitTopology(self, name, location, conf, topology):
        if name in self.topologies:
            raise AlreadyAliveException(msg="%s is already alive" % name)
        self.topologies[name] = topology_summary(name)

    def answer_submitTopologyWithOpts(self, name, location, conf, topology, options):
        self.answer_submitTopology(name, location, conf, topology)
