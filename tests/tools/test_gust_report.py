"""`gust report` as a user runs it: sampling a legacy Storm cluster from a
recorded Storm UI REST API (fixtures/report/storm-ui-fx-java.json, served
over HTTP on 127.0.0.1) and from the recorded Nimbus Thrift replies of
Storm 2.6.0 (tests/fixtures/storm-2.6.0/f-monitor, served by a small
replaying server), with /proc sampling of a stand-in worker process found by
its command line; building the report from recorded samples; the HTML page
rendered by headless Chromium, its charts found in the screenshot; a live
`gust report run` against `gust local`; Ctrl-C leaving a partial report;
and the bad inputs that end with exit status 2 and a sentence saying why.
"""
import http.server
import json
import os
import re
import signal
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from png_pixels import png_rows
from test_gust_kafka import KafkaMock
from test_gust_ui import check_shape

SOURCE = os.environ.get("GUST_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("GUST_BUILD_DIR", os.path.join(SOURCE, "build"))
GUST = os.path.join(BUILD, "tools", "gust")
HERE = os.path.dirname(os.path.abspath(__file__))
UI_FIXTURE = os.path.join(HERE, "fixtures", "report", "storm-ui-fx-java.json")
GUST_SAMPLES = os.path.join(HERE, "fixtures", "report", "gust-wordcount.jsonl")
MONITOR = os.path.join(SOURCE, "tests", "fixtures", "storm-2.6.0", "f-monitor")
WORDCOUNT = os.path.join(SOURCE, "examples", "flux", "wordcount.yaml")
KAFKA_FLUX = os.path.join(SOURCE, "examples", "flux", "shell", "kafka_spout.yaml")
TOPOLOGY_ID = "fx-java-1-1796334857"
WORKER_WORDS = ["org.apache.storm.daemon.worker.Worker", TOPOLOGY_ID]
SUMMARY = re.compile(r"CPU per million tuples [\u2212+]\d+ %, peak memory [\u2212+]\d+ %, "
                     r"throughput \u00d7[\d.]+")
TIMEOUT_S = 120  # bounds a hang only

sys.path.insert(0, os.path.join(BUILD, "compat", "thrift", "gen-py"))
sys.path.append("/usr/lib/python3/dist-packages")
from thrift.protocol import TBinaryProtocol  # noqa: E402
from thrift.transport import TTransport  # noqa: E402
from gust_storm import Nimbus  # noqa: E402
from gust_storm.ttypes import NimbusSummary  # noqa: E402


def gust(*args, timeout=TIMEOUT_S):
    return subprocess.run([GUST, *args], capture_output=True, text=True, timeout=timeout)


class RecordedStormUI:
    """Serves the recorded Storm UI replies; each topology page request gets
    the next recorded poll (the last one once they run out)."""

    def __init__(self, body_override=None):
        with open(UI_FIXTURE) as f:
            self.replies = json.load(f)
        self.pages = list(self.replies["/api/v1/topology/:id?window=:all-time"])
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                if body_override is not None:
                    body, status = body_override.encode(), 200
                elif self.path in outer.replies:
                    body, status = json.dumps(outer.replies[self.path]).encode(), 200
                elif self.path == "/api/v1/topology/%s?window=:all-time" % TOPOLOGY_ID:
                    page = outer.pages.pop(0) if len(outer.pages) > 1 else outer.pages[0]
                    body, status = json.dumps(page).encode(), 200
                else:
                    body = json.dumps({"error": "404 Not Found", "errorMessage": self.path}).encode()
                    status = 404
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def recorded_replies():
    """The f-monitor getTopologyInfoByNameWithOpts reply frames, in order."""
    names = sorted(n for n in os.listdir(MONITOR) if re.match(r"\d+-s2c-getTopologyInfoByNameWithOpts", n))
    frames = []
    for name in names:
        with open(os.path.join(MONITOR, name), "rb") as f:
            frames.append(f.read())
    return frames


def decode_info(frame):
    proto = TBinaryProtocol.TBinaryProtocol(TTransport.TMemoryBuffer(frame[4:]))
    proto.readMessageBegin()
    result = Nimbus.getTopologyInfoByNameWithOpts_result()
    result.read(proto)
    return result.success


def spout_emitted(info):
    """The all-time emitted count of the spouts on their own streams."""
    total = 0
    for e in info.executors:
        if e.component_id.startswith("__") or not e.stats or not e.stats.specific.spout:
            continue
        total += sum(v for s, v in e.stats.emitted.get(":all-time", {}).items() if not s.startswith("__"))
    return total


class ReplayingNimbus:
    """A Thrift endpoint on 127.0.0.1 answering getLeader with itself and each
    getTopologyInfoByNameWithOpts with the next recorded Storm 2.6.0 reply
    (its seqid set to the call's)."""

    def __init__(self):
        self.replies = recorded_replies()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.calls = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.answer, args=(conn,), daemon=True).start()

    @staticmethod
    def recv(conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def answer(self, conn):
        served = 0
        with conn:
            try:
                while True:
                    length, = struct.unpack(">i", self.recv(conn, 4))
                    payload = self.recv(conn, length)
                    name_len, = struct.unpack(">i", payload[4:8])
                    name = payload[8:8 + name_len].decode()
                    seqid = payload[8 + name_len:12 + name_len]
                    self.calls.append(name)
                    if name == "getLeader":
                        buf = TTransport.TMemoryBuffer()
                        proto = TBinaryProtocol.TBinaryProtocol(buf, strictWrite=True)
                        proto.writeMessageBegin("getLeader", 2, struct.unpack(">i", seqid)[0])
                        Nimbus.getLeader_result(success=NimbusSummary(
                            host="127.0.0.1", port=self.port, uptime_secs=1, isLeader=True,
                            version="2.6.0")).write(proto)
                        proto.writeMessageEnd()
                        reply = buf.getvalue()
                        conn.sendall(struct.pack(">i", len(reply)) + reply)
                    else:
                        frame = self.replies[min(served, len(self.replies) - 1)]
                        served += 1
                        n = struct.unpack(">i", frame[8:12])[0]
                        conn.sendall(frame[:12 + n] + seqid + frame[16 + n:])
            except (EOFError, OSError):
                pass

    def close(self):
        self.sock.close()


# about a fifth of a core, as a worker with some work to do
BUSY_LOOP = """
import time
while True:
    start = time.monotonic()
    while time.monotonic() - start < 0.02:
        pass
    time.sleep(0.08)
"""


class StandInWorker:
    """A process whose command line looks like a Storm worker's."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", BUSY_LOOP,
                                      "-Dstorm.id=" + TOPOLOGY_ID, *WORKER_WORDS])

    def close(self):
        self.proc.kill()
        self.proc.wait()


def sample_recorded_storm_ui(test, samples, topology):
    """`gust report sample` of the recorded Storm UI and a stand-in worker for
    half a second; returns the UI (its requests)."""
    ui = RecordedStormUI()
    worker = StandInWorker()
    try:
        r = gust("report", "sample", "--side", "legacy", "--ui", ui.url, "--topology", topology,
                 "--proc", WORKER_WORDS[0], "--proc", WORKER_WORDS[1], "--interval", "0.1",
                 "--duration", "0.5", "--samples", samples)
    finally:
        worker.close()
        ui.close()
    test.assertEqual(r.returncode, 0, r.stderr)
    return ui


def load_report(prefix):
    with open(prefix + ".json") as f:
        report = json.load(f)
    with open(prefix + ".md") as f:
        md = f.read()
    with open(prefix + ".html") as f:
        html = f.read()
    return report, md, html


class RecordedSourcesTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def test_the_recorded_storm_ui_replies_have_storms_fields(self):
        with open(UI_FIXTURE) as f:
            replies = json.load(f)
        with open(os.path.join(HERE, "ui_api_fields.json")) as f:
            fields = json.load(f)
        check_shape(self, "cluster summary", replies["/api/v1/cluster/summary"],
                    fields["/api/v1/cluster/summary"])
        check_shape(self, "topology summary", replies["/api/v1/topology/summary"],
                    fields["/api/v1/topology/summary"])
        for i, page in enumerate(replies["/api/v1/topology/:id?window=:all-time"]):
            check_shape(self, "topology page %d" % i, page, fields["/api/v1/topology/:id"])

    def test_report_from_a_recorded_storm_ui_and_recorded_gust_samples(self):
        legacy = self.path("legacy.jsonl")
        ui = sample_recorded_storm_ui(self, legacy, "fx-java")
        self.assertIn("/api/v1/cluster/summary", ui.requests)
        prefix = self.path("report")
        r = gust("report", "build", "--gust", GUST_SAMPLES, "--legacy", legacy, "--out", prefix)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, SUMMARY)
        report, md, html = load_report(prefix)
        pages = RecordedStormUI().replies["/api/v1/topology/:id?window=:all-time"]
        figures = report["sides"]["legacy"]["figures"]
        # every poll was served once: the tuples are the last minus the first
        self.assertEqual(figures["tuples"], pages[-1]["spouts"][0]["emitted"] - pages[0]["spouts"][0]["emitted"])
        # the complete latency of the tuples acked between two polls
        acked = [p["topologyStats"][0]["acked"] for p in pages]
        latency = [float(p["topologyStats"][0]["completeLatency"]) for p in pages]
        between = [(latency[i] * acked[i] - latency[i - 1] * acked[i - 1]) / (acked[i] - acked[i - 1])
                   for i in (1, 2)]
        self.assertAlmostEqual(figures["latency_p50_ms"], min(between), places=6)
        self.assertAlmostEqual(figures["latency_p99_ms"], max(between), places=6)
        self.assertEqual(figures["processes_peak"], 1)  # the stand-in worker, not the sampler
        self.assertGreater(figures["rss_peak_bytes"], 0)
        self.assertEqual(set(report["sides"]["legacy"]["components"]), {"sentences", "split", "count"})
        self.assertEqual(report["sides"]["legacy"]["components"]["count"]["executed"],
                         pages[-1]["bolts"][1]["executed"])
        # the gust side as recorded
        with open(GUST_SAMPLES) as f:
            lines = [json.loads(line) for line in f][1:-1]
        self.assertEqual(report["sides"]["gust"]["figures"]["tuples"], lines[-1]["tuples"] - lines[0]["tuples"])
        self.assertFalse(report["partial"])
        self.assertEqual(report["summary"], r.stdout.strip())
        self.assertIn(report["summary"], md)
        self.assertIn(report["summary"], html)
        self.assertIn("| legacy | count | bolt | 2 |", md)

    def test_samples_from_recorded_nimbus_thrift_replies(self):
        nimbus = ReplayingNimbus()
        samples = self.path("nimbus.jsonl")
        try:
            r = gust("report", "sample", "--side", "legacy", "--nimbus", "127.0.0.1:%d" % nimbus.port,
                     "--topology", "fx-java", "--interval", "0.1", "--duration", "0.2",
                     "--samples", samples)
        finally:
            nimbus.close()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(nimbus.calls.count("getTopologyInfoByNameWithOpts"), 3, nimbus.calls)
        infos = [decode_info(f) for f in recorded_replies()]
        with open(samples) as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual(lines[0]["side"], "legacy")
        self.assertEqual(lines[-1], {"end": True, "partial": False})
        taken = lines[1:-1]
        self.assertEqual([s["tuples"] for s in taken], [spout_emitted(i) for i in infos])
        self.assertGreater(taken[-1]["tuples"], taken[0]["tuples"])
        count = sum(sum(v for v in e.stats.specific.bolt.executed[":all-time"].values())
                    for e in infos[-1].executors if e.component_id == "count")
        self.assertEqual(taken[-1]["components"]["count"]["executed"], count)
        self.assertEqual(taken[-1]["components"]["count"]["executors"], 2)
        prefix = self.path("report")
        r = gust("report", "build", "--legacy", samples, "--gust", GUST_SAMPLES, "--out", prefix)
        self.assertEqual(r.returncode, 0, r.stderr)
        report, _, _ = load_report(prefix)
        self.assertEqual(report["sides"]["legacy"]["figures"]["tuples"], spout_emitted(infos[-1]) - spout_emitted(infos[0]))


def colored_pixels(rows, rect, bpp):
    """Pixels of a saturated colour (the chart lines; axes and text are grey)
    in the lower 85 % of rect (the legend sits at its top)."""
    x, y, w, h = rect
    count = 0
    for row in rows[y + h * 15 // 100:y + h]:
        for px in range(x, x + w):
            r, g, b = row[px * bpp:px * bpp + 3]
            if max(r, g, b) - min(r, g, b) > 100:
                count += 1
    return count


class HtmlReportTest(unittest.TestCase):
    def test_the_report_page_draws_its_four_charts(self):
        with tempfile.TemporaryDirectory() as d:
            legacy = os.path.join(d, "legacy.jsonl")
            sample_recorded_storm_ui(self, legacy, TOPOLOGY_ID)
            prefix = os.path.join(d, "report")
            r = gust("report", "build", "--gust", GUST_SAMPLES, "--legacy", legacy, "--out", prefix)
            self.assertEqual(r.returncode, 0, r.stderr)
            url = "file://" + prefix + ".html"
            base = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + d,
                    "--window-size=1200,1400", "--virtual-time-budget=5000"]
            dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True,
                                 timeout=TIMEOUT_S).stdout
            shot = os.path.join(d, "report.png")
            subprocess.run(base + ["--screenshot=" + shot, url], capture_output=True, timeout=TIMEOUT_S)
            rows, bpp = png_rows(shot)
        for chart in ("chart-cpu", "chart-memory", "chart-throughput", "chart-latency"):
            m = re.search(r'id="%s"[^>]*data-rect="(\d+),(\d+),(\d+),(\d+)"' % chart, dom)
            self.assertIsNotNone(m, "%s was not drawn:\n%s" % (chart, dom[:2000]))
            rect = tuple(int(v) for v in m.groups())
            self.assertGreater(colored_pixels(rows, rect, bpp), 50, "%s at %s shows no line" % (chart, rect))
        self.assertGreaterEqual(dom.count("<canvas"), 4)
        self.assertNotIn("http://", re.sub(r'from http://127\.0\.0\.1:\d+', "", dom.split("<script")[0]))


class LiveRunTest(unittest.TestCase):
    def test_report_run_samples_gust_local_and_a_storm_ui(self):
        ui = RecordedStormUI()
        worker = StandInWorker()
        with tempfile.TemporaryDirectory() as d:
            prefix = os.path.join(d, "live")
            try:
                r = gust("report", "run", WORDCOUNT, "--duration", "10", "--interval", "0.5",
                         "--legacy-ui", ui.url, "--legacy-topology", "fx-java",
                         "--legacy-proc", WORKER_WORDS[0], "--legacy-proc", WORKER_WORDS[1],
                         "--out", prefix)
            finally:
                worker.close()
                ui.close()
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, SUMMARY)
            report, md, _ = load_report(prefix)
            with open(prefix + ".gust.jsonl") as f:
                gust_lines = [json.loads(line) for line in f]
        g = report["sides"]["gust"]
        self.assertGreaterEqual(g["figures"]["samples"], 3)
        self.assertGreater(g["figures"]["tuples"], 0)
        self.assertGreater(g["figures"]["rss_peak_bytes"], 0)
        self.assertGreaterEqual(g["figures"]["processes_peak"], 1)
        self.assertIn("words", g["components"])
        self.assertTrue(g["topology"].startswith("builtin-wordcount"))
        self.assertEqual(gust_lines[-1], {"end": True, "partial": False})
        self.assertFalse(report["partial"])
        self.assertIn(report["summary"], md)

    def test_report_run_feeds_the_kafka_topic_the_topology_reads(self):
        with tempfile.TemporaryDirectory() as d:
            mock = KafkaMock(d, ["sentences:2"])
            feed = os.path.join(d, "feed.txt")
            with open(feed, "w") as f:
                f.writelines("the cow jumped over the moon %d\n" % i for i in range(100))
            prefix = os.path.join(d, "kafka")
            try:
                r = subprocess.run([GUST, "report", "run", KAFKA_FLUX, "--gust-arg=--env-filter",
                                    "--feed", feed, "--feed-bootstrap", mock.bootstrap,
                                    "--feed-topic", "sentences", "--duration", "15", "--interval", "0.5",
                                    "--out", prefix],
                                   env=dict(os.environ, KAFKA_BOOTSTRAP=mock.bootstrap),
                                   capture_output=True, text=True, timeout=TIMEOUT_S)
            finally:
                mock.close()
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("produced 100 record(s) to sentences", r.stderr)
            # progress every 5 s: elapsed, samples, tuples and rate
            self.assertRegex(r.stderr, r"report: \d+ s of 15 s; gust: \d+ samples, \d+ tuples read, \d+/s")
            report, _, _ = load_report(prefix)
        tuples = report["sides"]["gust"]["figures"]["tuples"]
        self.assertGreater(tuples, 0)  # one record read in 15 s: a loaded machine still does that
        self.assertLessEqual(tuples, 100)  # the spout emits what was fed, nothing more
        self.assertIn("kafka-spout", report["sides"]["gust"]["components"])

    def test_ctrl_c_leaves_a_partial_report_that_says_so(self):
        with tempfile.TemporaryDirectory() as d:
            prefix = os.path.join(d, "stopped")
            proc = subprocess.Popen([GUST, "report", "run", WORDCOUNT, "--duration", "600",
                                     "--interval", "0.2", "--out", prefix],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            samples = prefix + ".gust.jsonl"
            deadline = time.monotonic() + TIMEOUT_S
            while time.monotonic() < deadline:
                if os.path.exists(samples):
                    with open(samples) as f:
                        if f.read().count("\n") >= 4:
                            break
                time.sleep(0.2)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=TIMEOUT_S)
            self.assertEqual(proc.returncode, 130, err)
            self.assertTrue(out.startswith("PARTIAL: "), out)
            report, md, html = load_report(prefix)
        self.assertTrue(report["partial"])
        self.assertRegex(report["partial_reasons"][0], r"gust side: interrupted after [\d.]+ s of the 600 s")
        self.assertIn("**PARTIAL REPORT**", md)
        self.assertIn('id="partial"', html)
        self.assertGreaterEqual(report["sides"]["gust"]["figures"]["samples"], 3)


class BadInputTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def unusable(self, args, sentence):
        r = gust(*args)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertRegex(r.stderr, sentence)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)  # one sentence, no trace

    def closed_port(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def test_an_unreachable_storm_ui(self):
        url = "http://127.0.0.1:%d" % self.closed_port()
        self.unusable(["report", "sample", "--side", "legacy", "--ui", url, "--topology", "x",
                       "--samples", os.path.join(self.dir.name, "s.jsonl")],
                      r"legacy side: cannot reach %s/api/v1/cluster/summary" % url)

    def test_an_unreachable_nimbus(self):
        port = self.closed_port()
        self.unusable(["report", "sample", "--side", "legacy", "--nimbus", "127.0.0.1:%d" % port,
                       "--topology", "x", "--duration", "1",
                       "--samples", os.path.join(self.dir.name, "s.jsonl")],
                      r"legacy side: .*127\.0\.0\.1:%d" % port)

    def unusable_storm_ui(self, topology, sentence, body_override=None):
        ui = RecordedStormUI(body_override)
        try:
            self.unusable(["report", "sample", "--side", "legacy", "--ui", ui.url, "--topology", topology,
                           "--samples", os.path.join(self.dir.name, "s.jsonl")], sentence)
        finally:
            ui.close()

    def test_a_storm_ui_that_answers_something_else(self):
        self.unusable_storm_ui("x", r"did not answer a JSON object .*is it a Storm UI\?",
                               body_override="<html>not the API</html>")

    def test_an_unknown_topology(self):
        self.unusable_storm_ui("nope", r"lists no topology with the id or name \"nope\"")

    def test_malformed_sample_files(self):
        header = '{"gust_report_samples": 1, "side": "legacy"}\n'
        cases = [
            ("broken.jsonl", header + '{"t": 0, "tuples": 1}\n{"t": 1, "tuples"\n',
             r"broken\.jsonl:3: not a JSON object"),
            ("text.jsonl", header + '{"t": 0, "tuples": "many"}\n', r"text\.jsonl:2: \"tuples\" is not a number"),
            ("headless.jsonl", '{"t": 0}\n', r"headless\.jsonl:1: not a sample file"),
            ("empty.jsonl", "", r"empty\.jsonl is empty: no header, no samples"),
            ("one.jsonl", header + '{"t": 0, "tuples": 1}\n',
             r"the legacy side has 1 sample: a report needs at least two"),
            ("none.jsonl", header + '{"end": true, "partial": false}\n',
             r"the legacy side has 0 samples"),
        ]
        for name, text, sentence in cases:
            with self.subTest(name):
                path = self.write(name, text)
                self.unusable(["report", "build", "--legacy", path, "--gust", GUST_SAMPLES,
                               "--out", os.path.join(self.dir.name, "r")], sentence)
        self.assertFalse(os.path.exists(os.path.join(self.dir.name, "r.html")))

    def test_bad_numbers_are_refused_naming_option_and_value(self):
        samples = os.path.join(self.dir.name, "s.jsonl")
        for args, option, value in [
                (["sample", "--side", "gust", "--pid", "1", "--samples", samples], "--interval", "0"),
                (["sample", "--side", "gust", "--pid", "1", "--samples", samples], "--interval", "nan"),
                (["sample", "--side", "gust", "--pid", "1", "--samples", samples], "--duration", "-1"),
                (["sample", "--side", "gust", "--samples", samples], "--pid", "-5"),
                (["run", WORDCOUNT, "--out", "r"], "--duration", "inf"),
                (["run", WORDCOUNT, "--out", "r"], "--duration", "0")]:
            with self.subTest(option=option, value=value):
                self.unusable(["report", *args, "%s=%s" % (option, value)], "%s '%s'" % (option, value))

    def test_a_missing_sample_file_and_a_missing_flux_file(self):
        self.unusable(["report", "build", "--gust", "/nonexistent/g.jsonl", "--out", "r"],
                      r"/nonexistent/g\.jsonl")
        self.unusable(["report", "run", "/nonexistent/topology.yaml", "--duration", "1", "--out", "r"],
                      r"/nonexistent/topology\.yaml: no such Flux file")


if __name__ == "__main__":
    unittest.main()
