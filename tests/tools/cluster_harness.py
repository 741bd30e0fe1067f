"""A real cluster for tests: Debian's ZooKeeper server and gust daemons.

ZooKeeperServer starts the server of Debian's `zookeeper` package (Java,
the jars under /usr/share/java) as a subprocess:

    with ZooKeeperServer() as zk:          # or zk = ZooKeeperServer().start()
        zk.address                         # "127.0.0.1:PORT"
        zk.kill9(); zk.start()             # a crash, then the same data again

It listens on 127.0.0.1 only, on a free port, keeps its data in a
temporary folder, has no admin server (no port 8080) and answers the
`srvr` four-letter word with its mode once it serves requests, which is
how start() knows it is up.  The JVM
starts slowly on a loaded machine, so the wait is bounded generously
(ZOOKEEPER_START_TIMEOUT seconds).

GustDaemon runs `gust nimbus` or `gust supervisor` with a storm.yaml the
harness writes (ZooKeeper's address, a storm.zookeeper.root of its own,
free ports, a temporary storm.local.dir), its output in a log file:

    nimbus = GustDaemon.nimbus(zk, workdir)
    nimbus.wait_for_log(r"leader")         # a regular expression
    supervisor = GustDaemon.supervisor(zk, workdir, nimbuses=[nimbus])
    supervisor.kill9()                     # a crash: SIGKILL to its group
    nimbus.stop()                          # SIGTERM, then SIGKILL if it hangs

Every process the harness starts runs in a session of its own (so a stop
reaches what it started too) and is sent SIGKILL if the test process
dies, even by kill -9 (PR_SET_PDEATHSIG).  Temporary folders carry the
pid of the process that made them; a later run removes those whose
process is gone.  Use the objects as context managers or register their
stop() with unittest's addCleanup so that a failing test cleans up too.

ZooKeeperTestCase is a unittest base class with one server for its tests.

Run as a program (`cluster_harness.py --zookeeper`), it starts a server,
prints its address and waits for Ctrl-C: handy when trying things by hand.
"""
import atexit
import ctypes
import glob
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

SOURCE = os.environ.get("GUST_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("GUST_BUILD_DIR", os.path.join(SOURCE, "build"))
GUST = os.path.join(BUILD, "tools", "gust")

# Debian's zookeeper package: zookeeper.jar's manifest names the jars it
# needs; slf4j-simple makes the server log to its stderr (our log file).
ZOOKEEPER_JARS = [jar for jar in ("/usr/share/java/zookeeper.jar", "/usr/share/java/slf4j-simple.jar")
                  if os.path.exists(jar)]
ZOOKEEPER_MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain"
# Bounds on waits that only catch a hang: a JVM on a loaded 2-core machine
# can take 20 s and more to start.
ZOOKEEPER_START_TIMEOUT = float(os.environ.get("GUST_TEST_ZOOKEEPER_START_TIMEOUT", "120"))
DAEMON_LOG_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0

TEMP_PREFIX = "gust-cluster-"
_live = []  # objects to stop at exit, whatever happened
_temp_dirs = []  # make_temp_dir's folders, removed at exit


def _stop_all_at_exit():
    for thing in reversed(list(_live)):
        try:
            thing.stop()
        except Exception:  # noqa: BLE001 - exit must go on
            pass
    for path in _temp_dirs:
        shutil.rmtree(path, ignore_errors=True)


atexit.register(_stop_all_at_exit)


def _die_with_parent():
    """preexec_fn: own session (signals to the group reach everything the
    child starts) and SIGKILL when the test process dies, however it dies."""
    os.setsid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(count):
    """count distinct free ports (held open together while choosing)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def remove_stale_temp_dirs():
    """Remove the temporary folders of earlier runs whose process is gone
    (a test killed with -9 cannot clean up after itself)."""
    for path in glob.glob(os.path.join(tempfile.gettempdir(), TEMP_PREFIX + "*")):
        try:
            with open(os.path.join(path, "owner.pid")) as f:
                pid = int(f.read())
        except (OSError, ValueError):
            continue
        if not _pid_alive(pid):
            shutil.rmtree(path, ignore_errors=True)


def make_temp_dir(what):
    """A temporary folder owned by this process, removed when it exits (or,
    if it is killed, by the next run: see remove_stale_temp_dirs)."""
    remove_stale_temp_dirs()
    path = tempfile.mkdtemp(prefix=TEMP_PREFIX + what + "-")
    _temp_dirs.append(path)
    with open(os.path.join(path, "owner.pid"), "w") as f:
        f.write(str(os.getpid()))
    return path


def wait_for(predicate, seconds, what):
    """Poll predicate until it is true; AssertionError naming what after seconds."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %g s waiting for %s" % (seconds, what))
        time.sleep(0.1)


def _tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


def _kill_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _stop_process(proc, timeout=STOP_TIMEOUT):
    """SIGTERM to the process group, SIGKILL if it is still there after
    timeout; reaps the process.  Returns its exit status."""
    if proc.poll() is None:
        _kill_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    _kill_group(proc, signal.SIGKILL)  # what it started, if anything is left
    return proc.wait()


def four_letter_word(address, word, timeout=5.0):
    """Send a ZooKeeper four-letter word ("ruok", "srvr", "mntr") and return
    the reply as text ("" if the server did not answer)."""
    host, port = address.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as s:
            s.sendall(word.encode())
            chunks = []
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks).decode(errors="replace")
    except OSError:
        return ""


class ZooKeeperServer:
    """Debian's ZooKeeper server (standalone) on 127.0.0.1, data in a
    temporary folder; start() returns once it serves requests."""

    def __init__(self, port=None, start_timeout=ZOOKEEPER_START_TIMEOUT):
        self.port = port
        self.start_timeout = start_timeout
        self.dir = make_temp_dir("zookeeper")
        self.data_dir = os.path.join(self.dir, "data")
        self.config = os.path.join(self.dir, "zoo.cfg")
        self.log = os.path.join(self.dir, "zookeeper.log")
        self.proc = None
        self._log_file = None
        _live.append(self)

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def _write_config(self):
        os.makedirs(self.data_dir, exist_ok=True)
        with open(self.config, "w") as f:
            f.write(
                "tickTime=500\n"  # sessions of 1 s .. 10 s (2 and 20 ticks)
                "minSessionTimeout=1000\n"
                "maxSessionTimeout=60000\n"
                "dataDir=%s\n"
                "clientPort=%d\n"
                "clientPortAddress=127.0.0.1\n"
                "admin.enableServer=false\n"
                "4lw.commands.whitelist=ruok,srvr,mntr,cons,stat,dump\n"
                "maxClientCnxns=0\n" % (self.data_dir, self.port)
            )

    def start(self):
        """Start the server (on the same port and data again after a stop or
        kill9) and wait until it answers.  Raises AssertionError with the
        tail of its log if it exits or does not answer in time."""
        if self.proc is not None and self.proc.poll() is None:
            return self
        attempts = 1 if self.port else 3  # a chosen free port can be taken meanwhile
        for attempt in range(attempts):
            if attempts > 1:
                self.port = free_port()
            self._write_config()
            self._log_file = open(self.log, "a")
            self.proc = subprocess.Popen(
                [
                    "java",
                    "-Xmx128m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",  # starts faster; plenty for tests
                    "-Dzookeeper.admin.enableServer=false",
                    "-Dzookeeper.jmx.log4j.disable=true",
                    "-Djava.net.preferIPv4Stack=true",
                    "-cp",
                    ":".join(ZOOKEEPER_JARS),
                    ZOOKEEPER_MAIN,
                    self.config,
                ],
                stdin=subprocess.DEVNULL,
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
            deadline = time.monotonic() + self.start_timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                if self.serving():
                    return self
                time.sleep(0.2)
            failed_log = _tail(self.log)
            self._reap(signal.SIGKILL)
            if "Address already in use" not in failed_log or attempt == attempts - 1:
                raise AssertionError(
                    "ZooKeeper on %s did not answer within %g s; its log ends with:\n%s"
                    % (self.address, self.start_timeout, failed_log)
                )
        return self

    def _reap(self, sig):
        if self.proc is not None:
            if self.proc.poll() is None:
                _kill_group(self.proc, sig)
                try:
                    self.proc.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    _kill_group(self.proc, signal.SIGKILL)
                    self.proc.wait()
            self.proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def serving(self):
        """True once the server answers requests (`ruok` answers before it
        does; `srvr` names the server's mode only once it serves)."""
        return "Mode:" in four_letter_word(self.address, "srvr", 2.0)

    def kill9(self):
        """A crash: SIGKILL, data kept (start() brings it back)."""
        self._reap(signal.SIGKILL)

    def stop(self):
        """Stop the server and remove its data (safe to call twice)."""
        self._reap(signal.SIGTERM)
        if self.dir and os.path.isdir(self.dir):
            shutil.rmtree(self.dir, ignore_errors=True)
        if self in _live:
            _live.remove(self)

    def log_tail(self, lines=40):
        return _tail(self.log, lines)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class ZooKeeperReader:
    """A small read-only ZooKeeper client (the wire protocol's connect,
    getData and getChildren), so that tests can look at what the daemons
    wrote without a ZooKeeper package for Python:

        with ZooKeeperReader(zk.address) as reader:
            reader.children("/storm/supervisors")   # sorted names, [] if missing
            reader.get("/storm/assignments/x")      # bytes, None if missing
            reader.get_json("/storm/storms/x")      # parsed, None if missing
    """

    NO_NODE = -101

    def __init__(self, address, timeout=30.0):
        host, port = address.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.xid = 0
        # ConnectRequest: protocolVersion, lastZxidSeen, timeOut, sessionId, passwd
        self._send(struct.pack(">iqiqi16s", 0, 0, 10000, 0, 16, b"\0" * 16))
        self._receive()  # ConnectResponse (a new session)

    def _send(self, payload):
        self.sock.sendall(struct.pack(">i", len(payload)) + payload)

    def _read_exactly(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("ZooKeeper closed the connection")
            data += chunk
        return data

    def _receive(self):
        (length,) = struct.unpack(">i", self._read_exactly(4))
        return self._read_exactly(length)

    def _request(self, kind, path):
        self.xid += 1
        encoded = path.encode()
        self._send(struct.pack(">iii", self.xid, kind, len(encoded)) + encoded + b"\0")  # watch: false
        while True:
            reply = self._receive()
            xid, _zxid, err = struct.unpack(">iqi", reply[:16])
            if xid == self.xid:
                return err, reply[16:]
            # anything else (a ping reply) is skipped

    def get(self, path):
        err, body = self._request(4, path)  # getData
        if err == self.NO_NODE:
            return None
        if err:
            raise AssertionError("ZooKeeper getData %s failed: error %d" % (path, err))
        (length,) = struct.unpack(">i", body[:4])
        return b"" if length < 0 else body[4 : 4 + length]

    def get_json(self, path):
        data = self.get(path)
        return None if data is None else json.loads(data.decode())

    def children(self, path):
        err, body = self._request(8, path)  # getChildren
        if err == self.NO_NODE:
            return []
        if err:
            raise AssertionError("ZooKeeper getChildren %s failed: error %d" % (path, err))
        (count,) = struct.unpack(">i", body[:4])
        names, offset = [], 4
        for _ in range(max(count, 0)):
            (length,) = struct.unpack(">i", body[offset : offset + 4])
            names.append(body[offset + 4 : offset + 4 + length].decode())
            offset += 4 + length
        return sorted(names)

    def close(self):
        try:
            self.xid += 1
            self._send(struct.pack(">ii", self.xid, -11))  # closeSession: ephemeral state goes now
        except OSError:
            pass
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _read_zookeeper(zk, fn):
    with ZooKeeperReader(zk.address) as reader:
        return fn(reader)


def leader_member(zk, root="/storm"):
    """The "host:port" holding /leader-lock (lowest sequence), or None."""

    def read(reader):
        for _ in range(10):  # the leader may go between the two reads
            names = reader.children(root + "/leader-lock")
            if not names:
                return None
            first = min(names, key=lambda name: int(name.rsplit("-", 1)[1]))
            data = reader.get(root + "/leader-lock/" + first)
            if data is not None:
                return data.decode()
        return None

    return _read_zookeeper(zk, read)


def leader_nimbus(zk, nimbuses, root="/storm"):
    """The GustDaemon among nimbuses that holds leadership, or None."""
    member = leader_member(zk, root)
    if member is None:
        return None
    port = int(member.rsplit(":", 1)[1])
    for nimbus in nimbuses:
        if nimbus.port == port and nimbus.alive():
            return nimbus
    return None


def wait_for_leader(zk, nimbuses, timeout=DAEMON_LOG_TIMEOUT, root="/storm", other_than=None):
    """Wait until one of nimbuses (not other_than) leads; returns it.  A
    dead leader's lock goes with its session: allow the session timeout."""
    return wait_for(
        lambda: (lambda n: n if n is not None and n is not other_than else None)(leader_nimbus(zk, nimbuses, root)),
        timeout,
        "a leader Nimbus" + (" other than %s" % other_than.name if other_than else ""),
    )


def kill9_leader(zk, nimbuses, root="/storm"):
    """A crash of the leader Nimbus: waits until one leads, SIGKILLs it, and
    returns it (the standby takes over once the dead one's session expires;
    wait_for_leader(..., other_than=killed) waits for that)."""
    leader = wait_for_leader(zk, nimbuses, root=root)
    leader.kill9()
    return leader


def supervisor_ids(zk, root="/storm"):
    """The ids registered under /supervisors (sorted)."""
    return _read_zookeeper(zk, lambda reader: reader.children(root + "/supervisors"))


def supervisor_records(zk, root="/storm"):
    """{id: the JSON each supervisor wrote under /supervisors}."""

    def read(reader):
        records = {}
        for name in reader.children(root + "/supervisors"):
            record = reader.get_json(root + "/supervisors/" + name)
            if record is not None:
                records[name] = record
        return records

    return _read_zookeeper(zk, read)


def supervisor_id_of(zk, supervisor, timeout=DAEMON_LOG_TIMEOUT, root="/storm"):
    """The id under which the GustDaemon supervisor registered (matched by
    its slot ports); waits for the registration."""
    ports = sorted(supervisor.conf["supervisor.slots.ports"])

    def find():
        for sid, record in supervisor_records(zk, root).items():
            if sorted(record.get("ports", [])) == ports:
                return sid
        return None

    return wait_for(find, timeout, "%s to register under %s/supervisors" % (supervisor.name, root))


def kill9_supervisor(zk, supervisor, root="/storm"):
    """A crash of a supervisor (SIGKILL to its process group; workers it
    started in groups of their own stay, as with Storm).  Returns the id it
    was registered under; its node goes when its session expires
    (wait_for_supervisor_gone)."""
    sid = supervisor_id_of(zk, supervisor, root=root)
    supervisor.kill9()
    return sid


def wait_for_supervisor_gone(zk, supervisor_id, timeout=DAEMON_LOG_TIMEOUT, root="/storm"):
    wait_for(lambda: supervisor_id not in supervisor_ids(zk, root), timeout,
             "supervisor %s to leave %s/supervisors" % (supervisor_id, root))


def assignment(zk, topology_id, root="/storm"):
    """The JSON of /assignments/<topology_id>, or None."""
    return _read_zookeeper(zk, lambda reader: reader.get_json(root + "/assignments/" + topology_id))


def storm_yaml(values):
    """storm.yaml text for a dict of Storm keys (JSON is YAML: each value is
    written as JSON on its key's line)."""
    return "".join("%s: %s\n" % (key, json.dumps(value)) for key, value in values.items())


def zookeeper_conf(zk, root="/storm"):
    """The Storm keys that point a daemon at the harness's server."""
    return {
        "storm.zookeeper.servers": ["127.0.0.1"],
        "storm.zookeeper.port": zk.port,
        "storm.zookeeper.root": root,
    }


class GustDaemon:
    """`gust nimbus` or `gust supervisor` as a subprocess with a storm.yaml
    of its own under workdir/<name>/; output in workdir/<name>/daemon.log."""

    def __init__(self, kind, conf, workdir, name=None, args=(), env=None):
        self.kind = kind
        self.name = name or kind
        self.dir = os.path.join(workdir, self.name)
        os.makedirs(self.dir, exist_ok=True)
        self.conf = dict(conf)
        self.conf.setdefault("storm.local.dir", os.path.join(self.dir, "storm-local"))
        self.config_file = os.path.join(self.dir, "storm.yaml")
        self.log = os.path.join(self.dir, "daemon.log")
        self.args = list(args)
        self.env = env
        self.proc = None
        self._log_file = None
        self._log_offset = 0  # wait_for_log searches from here on
        _live.append(self)

    @classmethod
    def nimbus(cls, zk, workdir, name="nimbus", conf=None, root="/storm", **kwargs):
        """A Nimbus on a free Thrift port; self.port is that port."""
        port = free_port()
        values = zookeeper_conf(zk, root)
        values.update({"nimbus.seeds": ["127.0.0.1"], "nimbus.thrift.port": port})
        values.update(conf or {})
        daemon = cls("nimbus", values, workdir, name, **kwargs)
        daemon.port = values["nimbus.thrift.port"]
        return daemon.start()

    @classmethod
    def supervisor(cls, zk, workdir, name="supervisor", nimbuses=(), slots=2, conf=None, root="/storm",
                   **kwargs):
        """A supervisor with `slots` free worker ports, pointed at nimbuses
        (GustDaemon objects) for nimbus.seeds/nimbus.thrift.port."""
        values = zookeeper_conf(zk, root)
        values["supervisor.slots.ports"] = free_ports(slots)
        if nimbuses:
            values["nimbus.seeds"] = ["127.0.0.1"]
            values["nimbus.thrift.port"] = nimbuses[0].port
        values.update(conf or {})
        daemon = cls("supervisor", values, workdir, name, **kwargs)
        return daemon.start()

    @property
    def local_dir(self):
        return self.conf["storm.local.dir"]

    def command(self):
        return [GUST, self.kind, "--config", self.config_file] + self.args

    def start(self):
        """Start (or restart after stop/kill9, same conf); returns self at once."""
        if self.proc is not None and self.proc.poll() is None:
            return self
        with open(self.config_file, "w") as f:
            f.write(storm_yaml(self.conf))
        self._log_file = open(self.log, "ab")
        self._log_offset = self._log_file.tell()
        self.proc = subprocess.Popen(
            self.command(),
            cwd=self.dir,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env=self.env,
            preexec_fn=_die_with_parent,
        )
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_text(self):
        try:
            with open(self.log, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def wait_for_log(self, pattern, timeout=DAEMON_LOG_TIMEOUT, since_start=True):
        """Wait until a line of the log (since the last start, or since the
        last match when since_start is False) matches the regular expression
        pattern; returns the match.  Fails early, with the log, if the daemon
        exits."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            with open(self.log, "rb") as f:
                f.seek(self._log_offset)
                text = f.read().decode(errors="replace")
            match = regex.search(text)
            if match:
                if not since_start:
                    self._log_offset += len(text[: match.end()].encode())
                return match
            if not self.alive():
                raise AssertionError(
                    "%s exited (status %s) before logging /%s/; its log ends with:\n%s"
                    % (self.name, self.proc.poll() if self.proc else None, pattern, _tail(self.log))
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    "%s did not log /%s/ within %g s; its log ends with:\n%s"
                    % (self.name, pattern, timeout, _tail(self.log))
                )
            time.sleep(0.1)

    def _close_log(self):
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def kill9(self):
        """A crash: SIGKILL to the daemon's process group; returns once reaped."""
        if self.proc is not None:
            _kill_group(self.proc, signal.SIGKILL)
            self.proc.wait()
        self._close_log()

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, then SIGKILL after timeout; returns the exit status (None
        if it was not running)."""
        status = None
        if self.proc is not None:
            status = _stop_process(self.proc, timeout)
        self._close_log()
        if self in _live:
            _live.remove(self)
        return status

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class ZooKeeperTestCase(unittest.TestCase):
    """A TestCase whose tests share one ZooKeeperServer (self.zk), started
    once for the class; daemon(d) stops the GustDaemon d after the test."""

    @classmethod
    def setUpClass(cls):
        cls.zk = ZooKeeperServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.zk.stop()

    def daemon(self, daemon, stop_timeout=40):
        self.addCleanup(daemon.stop, stop_timeout)
        self.addCleanup(self._tell_logs_if_failed, daemon)  # runs first: the logs as they were
        return daemon

    def _tell_logs_if_failed(self, daemon):
        """A test that failed leaves the ends of the daemon's log and of the
        worker logs under its directories on stderr (they are removed)."""
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result is None or not any(test is self for test, _ in result.failures + result.errors):
            return
        logs = [daemon.log]
        for where in {daemon.dir, daemon.conf.get("storm.local.dir") or daemon.dir}:
            for top, _dirs, files in os.walk(where):
                logs += [os.path.join(top, f) for f in files if f == "worker.log"]
        for log in logs:
            sys.stderr.write("--- the end of %s:\n%s\n" % (log, _tail(log)))


def _main(argv):
    if argv[1:] != ["--zookeeper"]:
        print("usage: cluster_harness.py --zookeeper   (start a server, print its address, Ctrl-C stops)")
        return 2
    with ZooKeeperServer() as zk:
        print(zk.address, flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
