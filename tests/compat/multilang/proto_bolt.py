"""A multilang bolt speaking the raw protocol (no helper), for gust's tests.

conf "test.mode" picks the behaviour (all modes echo [n] anchored to the
input and ack it, unless said otherwise):
  echo        emit with need_task_ids left to its default (true): reads the
              reply and checks it names a "sink" task; logs the first reply
  no_task_ids need_task_ids false; any task-id list arriving is an error
  direct      emits each n directly to dsink task (n % 2), stream "direct"
  join        emits one tuple [a + b] anchored to two inputs, acks both
  unknown     first acks and fails ids it never got, then echoes
  logs        first logs at every level, sends an error and a metrics update
  early       emits ["early"] on "info" before reading the handshake
  bigint      echoes, emits a 30-digit integer on "info", acks with numeric ids
  stall       after the first tuple, logs "stalling" and stops reading
              until the file conf "test.release" exists, then echoes
  crash, exit, hang, garbage, trailing, fields
              the first process only (conf "test.marker" is a file it
              creates): holds (never acks) the tuples n = trigger-2 and
              trigger-1, and on n = trigger (conf "test.trigger", 5) writes
              to stderr and crashes / exits 3 / stops reading / writes junk
              / acks it with a number after the JSON object / emits two
              values on a stream of one field
  hold        the first process only (conf "test.marker" is a file it
              creates then): holds (never acks) the tuple whose value is
              conf "test.hold"; everything else, and everything in later
              processes, is echoed without task ids
  hold_until_marker
              emits nothing; holds (never acks) every tuple while the file
              conf "test.marker" does not exist, logging "holding <count>"
              at each; once it exists, acks what it held with the next
              tuple, and every tuple after
Every process emits ["started <pid>"] on "info" once its handshake is done.
Any mode: environment GUST_TEST_LATE_S sleeps that long before reading the handshake
(a child starting late); "test.work_s" sleeps that long on every tuple
before answering it (a slow bolt); "test.started_file" is created once the
handshake is answered.
"""
import json
import os
import signal
import sys
import time

pending = []


def write(obj):
    sys.stdout.write((obj if isinstance(obj, str) else json.dumps(obj)) + "\nend\n")
    sys.stdout.flush()


def read():
    return pending.pop(0) if pending else read_one()


def read_one():
    lines = []
    while True:
        line = sys.stdin.readline()
        if not line:
            sys.exit(0)
        if line.rstrip("\n") == "end":
            return json.loads("".join(lines))
        lines.append(line)


def error(text):
    write({"command": "error", "msg": text})


def read_task_ids():
    while True:
        msg = read_one()
        if isinstance(msg, list):
            return msg
        pending.append(msg)


mode = None
if len(sys.argv) > 1 and sys.argv[1] == "early":
    write({"command": "emit", "stream": "info", "tuple": ["early"], "need_task_ids": False})

late_s = float(os.environ.get("GUST_TEST_LATE_S", "0"))
if late_s:
    time.sleep(late_s)
setup = read()
conf, context = setup["conf"], setup["context"]
mode = conf.get("test.mode", "echo")
open(os.path.join(setup["pidDir"], str(os.getpid())), "w").close()
write({"pid": os.getpid()})
if conf.get("test.started_file"):
    open(conf["test.started_file"], "w").close()

tasks_of = {}
for task, comp in context["task->component"].items():
    tasks_of.setdefault(comp, []).append(int(task))
for comp in tasks_of:
    tasks_of[comp].sort()

marker = conf.get("test.marker")
first_process = marker is not None and not os.path.exists(marker)
trigger = conf.get("test.trigger", 5)
write({"command": "emit", "stream": "info", "tuple": ["started %d" % os.getpid()],
       "need_task_ids": False})
if mode == "early":
    write({"command": "emit", "stream": "info", "need_task_ids": False,
           "tuple": ["context " + json.dumps({"context": context, "pidDir": setup["pidDir"],
                                              "conf": conf, "cwd": os.getcwd(),
                                              "env": os.environ.get("GUST_TEST_ENV")})]})

held = []
first = True
while True:
    msg = read()
    if isinstance(msg, list):
        if mode in ("no_task_ids", "direct"):
            error("got task ids nobody asked for: %r" % msg)
        continue
    if msg["stream"] == "__heartbeat":
        write({"command": "sync"})
        continue
    if msg["stream"] == "__tick":
        write({"command": "emit", "stream": "info", "tuple": ["tick %r" % msg["tuple"]],
               "need_task_ids": False})
        write({"command": "ack", "id": msg["id"]})
        continue
    n = msg["tuple"][0]
    tid = msg["id"]
    if mode == "hold_until_marker":
        if not os.path.exists(marker):
            held.append(tid)
            write({"command": "log", "msg": "holding %d" % len(held)})
        else:
            for held_id in held + [tid]:
                write({"command": "ack", "id": held_id})
            held = []
        continue
    if conf.get("test.work_s"):
        time.sleep(conf["test.work_s"])
    if first:
        first = False
        if mode == "unknown":
            write({"command": "ack", "id": "999999999"})
            write({"command": "fail", "id": "abc"})
        elif mode == "stall":
            write({"command": "log", "msg": "stalling"})
            release = conf.get("test.release")
            while not os.path.exists(release):
                time.sleep(0.01)
            write({"command": "log", "msg": "reading again"})
        elif mode == "logs":
            for level in range(5):
                write({"command": "log", "msg": "level %d" % level, "level": level})
            write({"command": "log", "msg": "no level"})
            write({"command": "error", "msg": "something went wrong"})
            write({"command": "metrics", "name": "my-metric", "params": {"a": [1, 2]}})
    if first_process and mode in ("crash", "exit", "hang", "garbage", "trailing", "fields"):
        if n in (trigger - 2, trigger - 1):
            continue  # held: in flight when the process goes
        if n == trigger:
            open(marker, "w").close()
            sys.stderr.write("about to %s at tuple %d\n" % (mode, n))
            sys.stderr.flush()
            if mode == "crash":
                os.kill(os.getpid(), signal.SIGSEGV)
            elif mode == "exit":
                sys.exit(3)
            elif mode == "hang":
                time.sleep(3600)
            else:
                if mode == "garbage":
                    write("this is not json")
                elif mode == "trailing":
                    write('{"command": "ack", "id": %s} 12' % json.dumps(tid))
                else:
                    write({"command": "emit", "anchors": [tid], "tuple": [n, "extra"]})
                time.sleep(3600)
    if mode == "hold" and first_process and n == conf.get("test.hold"):
        open(marker, "w").close()
        continue  # held for good: this process never answers it
    if mode == "direct":
        dsink = tasks_of["dsink"]
        write({"command": "emit", "stream": "direct", "task": dsink[n % len(dsink)],
               "anchors": [tid], "tuple": [n]})
    elif mode == "join":
        held.append(msg)
        if len(held) == 2:
            a, b = held
            held = []
            write({"command": "emit", "anchors": [a["id"], b["id"]],
                   "tuple": [a["tuple"][0] + b["tuple"][0]], "need_task_ids": False})
            write({"command": "ack", "id": a["id"]})
            write({"command": "ack", "id": b["id"]})
        continue
    elif mode == "echo":
        write({"command": "emit", "anchors": [tid], "tuple": [n]})
        ids = read_task_ids()
        if not ids or any(t not in tasks_of["sink"] for t in ids):
            error("task ids %r are not sink tasks %r" % (ids, tasks_of["sink"]))
        if n == 0:
            write({"command": "log", "msg": "task ids %r" % ids})
    else:
        write({"command": "emit", "anchors": tid, "tuple": [n], "need_task_ids": False})
    if mode == "bigint" and n == 0:
        write('{"command":"emit","stream":"info","tuple":[123456789012345678901234567890],'
              '"need_task_ids":false}')
    if mode == "bigint":
        write('{"command":"ack","id":%s}' % tid)  # a number, not a string
    else:
        write({"command": "ack", "id": tid})
