"""A split bolt that talks as Storm's stock storm.py does, for
multilang-bench: every message is printed and flushed on its own (one
write each), every emit leaves need_task_ids at its default (true) and
waits for the task-id list before going on, and each tuple is acked after
its emits (storm.BasicBolt).  Input is read a line at a time.  Written for
the benchmark; it mimics storm.py's behaviour, not its code."""
import json
import os
import sys
from collections import deque

queued = deque()  # messages read while waiting for task ids


def read_message():
    lines = []
    while True:
        line = sys.stdin.readline()
        if not line:
            raise SystemExit(0)
        if line == "end\n":
            return json.loads("".join(lines))
        lines.append(line)


def send(message):
    sys.stdout.write(json.dumps(message) + "\nend\n")
    sys.stdout.flush()


def task_ids():
    while True:
        message = read_message()
        if isinstance(message, list):
            return message
        queued.append(message)


setup = read_message()
send({"pid": os.getpid()})
open(os.path.join(setup["pidDir"], str(os.getpid())), "w").close()
while True:
    tup = queued.popleft() if queued else read_message()
    if isinstance(tup, list):
        continue
    if tup["task"] == -1 and tup["stream"] == "__heartbeat":
        send({"command": "sync"})
        continue
    for word in tup["tuple"][0].split(" "):
        send({"command": "emit", "anchors": [tup["id"]], "tuple": [word]})
        task_ids()
    send({"command": "ack", "id": tup["id"]})
