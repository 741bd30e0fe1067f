"""Storm's multilang protocol for Python spouts and bolts, small and fast.

Every message is one JSON document followed by a line holding "end".  The
parent first sends {conf, pidDir, context}; the child answers {"pid": N}
and creates an empty file named N in pidDir.  Bolts then receive tuples
(answering heartbeats with "sync") and ack or fail them; spouts answer each
command (next, ack, fail, activate, deactivate) with their emits and a
final "sync".

Speed: input is read in large chunks and split at once; output is
gathered and written only when no complete message is left to read (one
write per burst, not per emit); emits ask for no task-id reply unless
need_task_ids=True.

    import multilang
    def process(tup):                       # a bolt
        for word in tup.values[0].split():
            multilang.emit([word])            # anchored to tup, which is acked after
    multilang.run_bolt(process)
"""
import json
import os
import sys
import traceback
from json.encoder import encode_basestring_ascii as _quote  # C, fast

_dumps = json.dumps
_loads = json.loads

conf = {}
context = {}

_ready = []       # complete messages (bytes), newest last
_next_ready = 0   # index of the next one in _ready
_rest = b""       # an incomplete message
_deferred = []    # messages read while waiting for task ids
_out = []         # output not yet written
_anchoring = ""   # ',"anchors":[<current input's id>]' while a bolt processes it

_SYNC = '{"command":"sync"}\nend\n'


def _flush():
    if _out:
        data = "".join(_out).encode()
        del _out[:]
        while data:
            data = data[os.write(1, data):]


def _read():
    """The next message from the parent; exits quietly when it hangs up."""
    global _ready, _next_ready, _rest
    if _next_ready == len(_ready):
        _flush()  # nothing left to read: now is the time to write
        while True:
            chunk = os.read(0, 1 << 16)
            if not chunk:
                _flush()
                raise SystemExit(0)
            parts = (_rest + chunk).split(b"\nend\n")
            _rest = parts.pop()
            if parts:
                _ready, _next_ready = parts, 0
                break
            if len(_rest) > (1 << 26):
                raise SystemExit("multilang: a message without an 'end' line")
    _next_ready += 1
    return _loads(_ready[_next_ready - 1])


def _next():
    return _deferred.pop(0) if _deferred else _read()


def send(text):
    """Queues one framed message (JSON text without the end line)."""
    _out.append(text + "\nend\n")


def _read_task_ids():
    while True:
        message = _read()
        if isinstance(message, list):
            return message
        _deferred.append(message)


def _json(values):
    """JSON text of a list; strings and integers without json.dumps (which
    builds an encoder on every call)."""
    parts = []
    for v in values:
        t = type(v)
        if t is str:
            parts.append(_quote(v))
        elif t is int:
            parts.append(int.__repr__(v))
        else:
            return _dumps(values)
    return "[" + ",".join(parts) + "]"


def emit(values, stream=None, anchors=None, id=None, task=None, need_task_ids=False):
    """Emits values (a list).  Bolts: anchored to the current input unless
    anchors (a list of tuple ids) says otherwise.  Spouts: id makes the
    emit reliable.  task: a direct emit to that task id.  With
    need_task_ids=True, returns the receiving task ids."""
    if stream is None and anchors is None and id is None and task is None and not need_task_ids:
        _out.append('{"command":"emit","tuple":%s%s,"need_task_ids":false}\nend\n'
                    % (_json(values), _anchoring))
        return None
    parts = ['{"command":"emit","tuple":', _json(values)]
    if stream is not None:
        parts.append(',"stream":' + _dumps(stream))
    if anchors is not None:
        parts.append(',"anchors":' + _dumps(anchors))
    else:
        parts.append(_anchoring)
    if id is not None:
        parts.append(',"id":' + _dumps(id))
    if task is not None:
        parts.append(',"task":%d' % task)
    if not need_task_ids:
        parts.append(',"need_task_ids":false')
    parts.append("}\nend\n")
    _out.append("".join(parts))
    if need_task_ids and task is None:
        return _read_task_ids()
    return None


def ack(tuple_id):
    _out.append('{"command":"ack","id":%s}\nend\n' % _dumps(tuple_id))


def fail(tuple_id):
    _out.append('{"command":"fail","id":%s}\nend\n' % _dumps(tuple_id))


def log(message, level=2):
    """level: 0 trace, 1 debug, 2 info, 3 warn, 4 error."""
    send(_dumps({"command": "log", "msg": str(message), "level": level}))


def error(message):
    send(_dumps({"command": "error", "msg": str(message)}))


def metrics(name, params):
    """Storm's ShellBolt "metrics" command: gust shows the numbers in params
    (a number, or a map of them) as gust_component_metric on /metrics."""
    send(_dumps({"command": "metrics", "name": name, "params": params}))


def handshake():
    global conf, context
    setup = _read()
    conf, context = setup["conf"], setup["context"]
    pid = os.getpid()
    open(os.path.join(setup["pidDir"], str(pid)), "w").close()
    send('{"pid":%d}' % pid)
    return conf, context


class Tuple:
    __slots__ = ("id", "component", "stream", "task", "values")

    def __init__(self, message):
        self.id = message["id"]
        self.component = message["comp"]
        self.stream = message["stream"]
        self.task = message["task"]
        self.values = message["tuple"]

    def __repr__(self):
        return "Tuple(%r, %r, %r, %r, %r)" % (self.id, self.component, self.stream, self.task,
                                             self.values)


def is_tick(tup):
    return tup.component == "__system" and tup.stream == "__tick"


def run_bolt(process, auto_ack=True, auto_anchor=True):
    """Calls process(tup) for each input tuple.  auto_ack: ack it after (or,
    if process raised, report the error and fail it), as storm.py's
    BasicBolt does.  auto_anchor: emits are anchored to it."""
    global _anchoring
    handshake()
    out = _out
    while True:
        message = _next()
        if type(message) is list:
            continue  # task ids nobody asked for
        if message["stream"] == "__heartbeat" and message["task"] == -1:
            out.append(_SYNC)
            continue
        tup = Tuple(message)
        id_json = _quote(tup.id) if type(tup.id) is str else _dumps(tup.id)
        _anchoring = ',"anchors":[' + id_json + "]" if auto_anchor else ""
        try:
            process(tup)
        except Exception:
            if not auto_ack:
                raise
            error(traceback.format_exc())
            out.append('{"command":"fail","id":%s}\nend\n' % id_json)
            continue
        finally:
            _anchoring = ""
        if auto_ack:
            out.append('{"command":"ack","id":%s}\nend\n' % id_json)


def run_spout(next_tuple, ack=None, fail=None, activate=None, deactivate=None):
    """Answers the parent's commands: next_tuple() emits zero or more tuples
    (with an id to make them reliable); ack(id) and fail(id) tell what
    became of a reliable one."""
    handshake()
    handlers = {"next": next_tuple, "activate": activate, "deactivate": deactivate}
    while True:
        command = _next()
        kind = command.get("command")
        if kind == "ack":
            if ack:
                ack(command["id"])
        elif kind == "fail":
            if fail:
                fail(command["id"])
        elif handlers.get(kind):
            handlers[kind]()
        _out.append(_SYNC)


if __name__ == "__main__":
    sys.exit("multilang.py is a module: import it from a spout or bolt script")
