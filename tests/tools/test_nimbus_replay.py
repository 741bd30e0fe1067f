"""Every client frame Storm 2.6.0's CLI and a Python client sent to a real
Nimbus (tests/fixtures/storm-2.6.0, or GUST_STORM_FIXTURES) is replayed against `gust nimbus`, and each reply is checked as a Java client
reads it: message type, seqid, which result field is set, and that every
field the recorded Storm reply carried is there with the same id and Thrift
type (values such as hosts, ids and uptimes differ).

The topologies the sessions talk about (wc-fixture, fx-java, fx-ml) are
submitted first through a client generated from the project's IDL; ids in
the recorded frames are rewritten to the ids gust gave them.  The recorded
jar was never saved, so its withheld uploadChunk frames are replaced by
uploads of a test jar."""
import json
import os
import re
import struct
import sys
import time
import unittest

from nimbus_client import Client, jar_bytes, ttypes, upload, wordcount
from nimbus_wire import (EXCEPTION, REPLY, T_STRING, T_STRUCT, Nimbus, decode_message, framed,
                         recv_frame, string_field)

FIXTURES = os.environ.get("GUST_STORM_FIXTURES", os.path.join(
    os.path.dirname(__file__), "..", "fixtures", "storm-2.6.0"))
SESSIONS = ["a-jar-wordcount", "b0-list-empty", "b1-list-running", "c1-deactivate", "c2-activate",
            "c3-rebalance", "b2-list-after-rebalance", "d-kill", "b3-list-after-kill",
            "e1-kill-missing", "e2-activate-missing", "f-monitor", "f-stats-python", "g-errors",
            "z-redirect-demo"]
# Served by the statistics handlers once they are in; until then they answer
# "does not support", which this test accepts for them only.
STATISTICS = {"getTopologyInfo", "getTopologyInfoWithOpts", "getTopologyInfoByName",
              "getTopologyInfoByNameWithOpts", "getTopologyPageInfo", "getComponentPageInfo",
              "getSupervisorPageInfo"}
NOT_SERVED = {"getTopologyHistory"}
# Fields gust writes that the recorded Storm reply did not have.
GUST_EXTRAS = {"sched_status"}
RECORDED_IDS = {"wc-fixture": r"wc-fixture-\d+-\d+", "fx-java": r"fx-java-\d+-\d+",
                "fx-ml": r"fx-ml-\d+-\d+"}


def replace_string(payload, old, new):
    """Replaces every Thrift string equal to old (with its length prefix)."""
    o, n = old.encode(), new.encode()
    return payload.replace(struct.pack(">i", len(o)) + o, struct.pack(">i", len(n)) + n)


def shape_problems(recorded, ours, where):
    """What of the recorded value's shape is missing or different in ours."""
    problems = []
    if isinstance(recorded, dict):
        for fid, (rtype, rvalue) in recorded.items():
            if fid not in ours:
                problems.append("%s: field %d missing" % (where, fid))
            elif ours[fid][0] != rtype and not (fid in GUST_EXTRAS):
                problems.append("%s: field %d is type %d, Storm wrote %d" % (where, fid,
                                                                             ours[fid][0], rtype))
            else:
                problems += shape_problems(rvalue, ours[fid][1], "%s.%d" % (where, fid))
    elif isinstance(recorded, tuple) and recorded[0] == "list":
        if ours[1] != recorded[1]:
            problems.append("%s: list of type %d, Storm wrote %d" % (where, ours[1], recorded[1]))
        elif recorded[2] and ours[2]:
            problems += shape_problems(recorded[2][0], ours[2][0], where + "[0]")
    elif isinstance(recorded, tuple) and recorded[0] == "map":
        if ours[1:3] != recorded[1:3]:
            problems.append("%s: map types %s, Storm wrote %s" % (where, ours[1:3], recorded[1:3]))
        elif recorded[3] and ours[3]:
            problems += shape_problems(recorded[3][0][1], ours[3][0][1], where + "{}")
    return problems


class ReplayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(FIXTURES):  # a missing folder must not pass as a replay
            raise AssertionError("no recorded fixtures at %s (set GUST_STORM_FIXTURES)" % FIXTURES)
        cls.nimbus = Nimbus()
        cls.ids = {}

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.stop()

    def ensure_alive(self, name):
        with Client(self.nimbus.port) as client:
            summaries = {s.name: s.id for s in client.getTopologySummaries()}
            if name not in summaries:
                location = upload(client, jar_bytes())
                client.submitTopology(name, location, json.dumps({"topology.workers": 1}),
                                      wordcount())
                summaries = {s.name: s.id for s in client.getTopologySummaries()}
            self.ids[name] = summaries[name]

    def rewrite(self, payload, substitutions):
        for old, new in substitutions.items():
            payload = replace_string(payload, old, new)
        text = payload.decode("latin-1")
        for name, pattern in RECORDED_IDS.items():
            if name in self.ids:
                for old in set(re.findall(pattern, text)):
                    payload = replace_string(payload, old, self.ids[name])
        return payload

    def replay(self, session):
        folder = os.path.join(FIXTURES, session)
        with open(os.path.join(folder, "frames.json")) as f:
            frames = json.load(f)["frames"]
        conns, substitutions, checked, deviations = {}, {}, 0, []
        pending = {}
        for frame in frames:
            conn = conns.get(frame["conn"]) or conns.setdefault(frame["conn"],
                                                                self.nimbus.connect())
            if frame["dir"] == "c2s":
                if frame["file"]:
                    with open(os.path.join(folder, frame["file"]), "rb") as f:
                        payload = f.read()[4:]
                    payload = self.rewrite(payload, substitutions)
                else:  # a withheld uploadChunk: our jar, in the location we gave
                    location = substitutions[pending.pop("location_recorded")]
                    body = string_field(1, location) + string_field(2, jar_bytes()) + b"\0"
                    head = struct.pack(">Ii", 0x80010001, 11) + b"uploadChunk"
                    payload = head + struct.pack(">i", frame["seqid"]) + body
                    pending["location_recorded"] = [k for k, v in substitutions.items()
                                                    if v == location][0]
                conn.sendall(framed(payload))
                continue
            ours = decode_message(recv_frame(conn))
            with open(os.path.join(folder, frame["file"]), "rb") as f:
                recorded = decode_message(f.read()[4:])
            where = "%s %s (seqid %d)" % (session, frame["file"], frame["seqid"])
            method = recorded[0]
            self.assertEqual((ours[0], ours[2]), (method, recorded[2]), where)
            if ours[1] == EXCEPTION and method in STATISTICS | NOT_SERVED:
                self.assertIn(b"does not support " + method.encode(), ours[3][1][1], where)
                deviations.append(method)
                continue
            if method == "submitTopology" and session == "a-jar-wordcount" and 2 in ours[3]:
                # Storm's WordCount is Java-serialized: refused by name and class.
                self.assertIn(b"component 'spout' is a Java-serialized "
                              b"org.apache.storm.starter.spout.RandomSentenceSpout",
                              ours[3][2][1][1][1], where)
                deviations.append("submitTopology (serialized_java refused)")
                continue
            self.assertEqual(ours[1], REPLY, "%s: %r" % (where, ours))
            self.assertEqual(sorted(ours[3]), sorted(recorded[3]),
                             "%s: result fields %r, Storm set %r" % (where, ours[3], recorded[3]))
            if method in ("getTopology", "getUserTopology"):
                # The topology is what its submitter sent (shell components
                # here, Java-serialized ones there): its required maps only.
                required = {fid: (t, v[:3] + ([],)) for fid, (t, v) in recorded[3][0][1].items()
                            if fid in (1, 2, 3)}
                problems = shape_problems({0: (T_STRUCT, required)}, ours[3], where)
            else:
                problems = shape_problems(recorded[3], ours[3], where)
            self.assertEqual(problems, [], where)
            if method == "beginFileUpload":
                substitutions[recorded[3][0][1].decode()] = ours[3][0][1].decode()
                pending["location_recorded"] = recorded[3][0][1].decode()
            checked += 1
        for conn in conns.values():
            conn.close()
        return checked, deviations

    def test_replay_every_session(self):
        report = []
        for session in SESSIONS:
            if session in ("b1-list-running", "c1-deactivate", "c2-activate", "c3-rebalance",
                           "b2-list-after-rebalance", "d-kill"):
                self.ensure_alive("wc-fixture")
            if session.startswith("f-") or session == "g-errors":
                self.ensure_alive("fx-java")
                self.ensure_alive("fx-ml")
            checked, deviations = self.replay(session)
            report.append("%s: %d replies checked%s" % (
                session, checked, (", not served: " + ", ".join(deviations)) if deviations else ""))
            self.assertTrue(self.nimbus.alive(), self.nimbus.log_text())
        print("\n".join(report), file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
