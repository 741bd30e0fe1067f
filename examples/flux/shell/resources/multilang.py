"""The part of Storm's multilang protocol the example scripts need.

Every message is one JSON document followed by a line holding "end".  The
parent first sends {conf, pidDir, context}; the child answers {"pid": N}
and creates an empty file named N in pidDir.  Spouts then answer each
command (next, ack, fail, activate, deactivate) with what they emit and a
final "sync".  Bolts receive tuples, answer heartbeats with "sync", and ack
what they processed.  Emits ask for no task-id replies.
"""
import json
import os
import sys


def read_message():
    lines = []
    while True:
        line = sys.stdin.readline()
        if not line:
            raise SystemExit(0)  # the parent closed the pipe: stop quietly
        line = line.rstrip("\n")
        if line == "end":
            return json.loads("\n".join(lines))
        lines.append(line)


def send(message):
    sys.stdout.write(json.dumps(message) + "\nend\n")
    sys.stdout.flush()


def handshake():
    setup = read_message()
    pid = os.getpid()
    open(os.path.join(setup["pidDir"], str(pid)), "w").close()
    send({"pid": pid})
    return setup["conf"], setup["context"]


def emit(values, stream=None, anchors=None, message_id=None):
    message = {"command": "emit", "tuple": values, "need_task_ids": False}
    if stream is not None:
        message["stream"] = stream
    if anchors is not None:
        message["anchors"] = anchors
    if message_id is not None:
        message["id"] = message_id
    send(message)


def run_spout(next_tuple, ack=lambda message_id: None, fail=lambda message_id: None):
    handshake()
    while True:
        command = read_message()
        kind = command.get("command")
        if kind == "next":
            next_tuple()
        elif kind == "ack":
            ack(command["id"])
        elif kind == "fail":
            fail(command["id"])
        send({"command": "sync"})


def is_heartbeat(message):
    return message.get("task") == -1 and message.get("stream") == "__heartbeat"


def is_tick(message):
    return message.get("comp") == "__system" and message.get("stream") == "__tick"


def run_bolt(process):
    """process(message) gets each input tuple; it is acked afterwards."""
    handshake()
    while True:
        message = read_message()
        if isinstance(message, list):
            continue  # a task-id list; not asked for, ignore
        if is_heartbeat(message):
            send({"command": "sync"})
            continue
        process(message)
        send({"command": "ack", "id": message["id"]})
