"""nimbus_wire.py — Thrift on the wire for the Nimbus tests: frames, a
generic binary-protocol decoder (field ids and types, no IDL needed) and a
running `gust nimbus` with a temporary storm.local.dir on a free port."""
import os
import re
import socket
import struct
import subprocess
import tempfile
import time

BUILD = os.environ.get("GUST_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
GUST = os.path.join(BUILD, "tools", "gust")

CALL, REPLY, EXCEPTION = 1, 2, 3
T_STOP, T_BOOL, T_BYTE, T_DOUBLE, T_I16, T_I32, T_I64, T_STRING, T_STRUCT, T_MAP, T_SET, T_LIST = (
    0, 2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15)


def message(method, seqid, body=b"\0", mtype=CALL):
    """A strict binary-protocol message (header + args struct body)."""
    name = method.encode()
    return struct.pack(">Ii", 0x80010000 | mtype, len(name)) + name + struct.pack(">i", seqid) + body


def framed(payload):
    return struct.pack(">I", len(payload)) + payload


def string_field(fid, text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack(">bhi", T_STRING, fid, len(data)) + data


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("truncated at %d (+%d of %d)" % (self.pos, n, len(self.data)))
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def value(self, ttype):
        if ttype == T_BOOL: return self.unpack(">b") != 0
        if ttype == T_BYTE: return self.unpack(">b")
        if ttype == T_DOUBLE: return self.unpack(">d")
        if ttype == T_I16: return self.unpack(">h")
        if ttype == T_I32: return self.unpack(">i")
        if ttype == T_I64: return self.unpack(">q")
        if ttype == T_STRING: return self.take(self.unpack(">i"))
        if ttype == T_STRUCT: return self.struct()
        if ttype == T_MAP:
            kt, vt, n = self.unpack(">b"), self.unpack(">b"), self.unpack(">i")
            return ("map", kt, vt, [(self.value(kt), self.value(vt)) for _ in range(n)])
        if ttype in (T_SET, T_LIST):
            et, n = self.unpack(">b"), self.unpack(">i")
            return ("list", et, [self.value(et) for _ in range(n)])
        raise ValueError("unknown type %d at %d" % (ttype, self.pos))

    def struct(self):
        fields = {}
        while True:
            ttype = self.unpack(">b")
            if ttype == T_STOP:
                return fields
            fid = self.unpack(">h")
            fields[fid] = (ttype, self.value(ttype))


def decode_message(payload):
    """(method, type, seqid, fields) of one message (frame body)."""
    r = Reader(payload)
    word = r.unpack(">I")
    if word & 0x80000000:
        mtype = word & 0xff
        method = r.take(r.unpack(">i")).decode()
    else:
        method = r.take(word).decode()
        mtype = r.unpack(">b")
    seqid = r.unpack(">i")
    return method, mtype, seqid, r.struct()


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def recv_frame(sock):
    (length,) = struct.unpack(">I", recv_exact(sock, 4))
    return recv_exact(sock, length)


def recv_all(sock):
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            return data
        data += chunk
    return data


def shape(value):
    """Field ids and Thrift types of a decoded value, values dropped."""
    if isinstance(value, dict):
        return {fid: (t, shape(v)) for fid, (t, v) in sorted(value.items())}
    if isinstance(value, tuple) and value[0] == "map":
        return ("map", value[1], value[2])
    if isinstance(value, tuple) and value[0] == "list":
        return ("list", value[1])
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nimbus:
    """`gust nimbus` on a free port with a temporary storm.local.dir."""

    def __init__(self, *overrides, local_dir=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="gust-nimbus-")
        self.local_dir = local_dir or os.path.join(self.tmp.name, "storm-local")
        args = [GUST, "nimbus", "-c", "nimbus.thrift.port=%d" % free_port(), "-c",
                "storm.local.dir=" + self.local_dir]
        for o in overrides:
            args += ["-c", o]
        self.log_path = os.path.join(self.tmp.name, "nimbus.log")
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        self.port = int(self.wait_for(r"nimbus listening on [^ ]+:(\d+)").group(1))

    def wait_for(self, pattern, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.log_path) as f:
                m = re.search(pattern, f.read())
            if m:
                return m
            if self.proc.poll() is not None:
                raise AssertionError("gust nimbus exited %s:\n%s" % (self.proc.returncode,
                                                                     self.log_text()))
            time.sleep(0.05)
        raise AssertionError("no %r in the nimbus log:\n%s" % (pattern, self.log_text()))

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        return s

    def call(self, payload, sock=None):
        """Sends one framed message, returns the decoded reply."""
        own = sock is None
        sock = sock or self.connect()
        try:
            sock.sendall(framed(payload))
            return decode_message(recv_frame(sock))
        finally:
            if own:
                sock.close()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        self.tmp.cleanup()
