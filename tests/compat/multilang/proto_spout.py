"""A multilang spout speaking the raw protocol, for gust's tests.

Emits [n] for n < conf "test.tuples" (default 20), reliably: the message id
is "m<n>" for even n and the integer 2**70 + n for odd n (too big for
64 bits).  Reports on stream "report" (unreliably) its start and every ack
and fail it gets (["ack <id>"]); logs the other commands ("got activate").  conf "test.mode" = "crash": the first process (conf
"test.marker") exits after emitting 5 tuples.
"""
import json
import os
import sys

def write(obj):
    sys.stdout.write(json.dumps(obj) + "\nend\n")
    sys.stdout.flush()


def read():
    lines = []
    while True:
        line = sys.stdin.readline()
        if not line:
            sys.exit(0)
        if line.rstrip("\n") == "end":
            return json.loads("".join(lines))
        lines.append(line)


def report(text):
    write({"command": "emit", "stream": "report", "tuple": [text], "need_task_ids": False})


setup = read()
conf = setup["conf"]
open(os.path.join(setup["pidDir"], str(os.getpid())), "w").close()
write({"pid": os.getpid()})
report("started %d" % os.getpid())

limit = conf.get("test.tuples", 20)
marker = conf.get("test.marker")
crash = conf.get("test.mode") == "crash" and marker and not os.path.exists(marker)
n = 0
while True:
    cmd = read()
    kind = cmd["command"]
    if kind == "next":
        if crash and n == 5:
            open(marker, "w").close()
            sys.stderr.write("spout giving up after 5 tuples\n")
            sys.exit(4)
        if n < limit:
            msg_id = "m%d" % n if n % 2 == 0 else 2**70 + n
            write({"command": "emit", "tuple": [n], "id": msg_id})
            ids = read()
            if not isinstance(ids, list) or not ids:
                write({"command": "error", "msg": "expected task ids, got %r" % ids})
            n += 1
    elif kind in ("ack", "fail"):
        report("%s %s" % (kind, cmd["id"]))
    else:  # logged: a spout's emits after deactivate may come too late to count
        write({"command": "log", "msg": "got %s" % kind})
    write({"command": "sync"})
