"""`gust local --ui-port` as a user watches it: a real topology in a real
subprocess, its UI server read over HTTP on 127.0.0.1.

Checks every Storm UI REST endpoint's reply against the field names and
JSON types of ui_api_fields.json (written from Storm's UIHelpers.java),
JSONP, Storm's error replies for bad requests (the server stays up),
deactivate and activate changing what the spouts emit, kill stopping the
run, /metrics passing `promtool check metrics` with counters that move,
and the topology page rendered by headless Chromium (a screenshot that is
not blank, a DOM with live numbers and chart canvases).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

import prometheus_text
from png_pixels import png_rows

SOURCE = os.environ.get("GUST_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("GUST_BUILD_DIR", os.path.join(SOURCE, "build"))
GUST = os.path.join(BUILD, "tools", "gust")
WORDCOUNT = os.path.join(SOURCE, "examples", "flux", "wordcount.yaml")
FIELDS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ui_api_fields.json")
START_TIMEOUT_S = 60  # bounds a hang only
WAIT_TIMEOUT_S = 60


class GustUI:
    """A `gust local --ui-port 0` run and its address."""

    def __init__(self, flux=WORDCOUNT, extra=()):
        self.proc = subprocess.Popen([GUST, "local", flux, "--duration", "0", "--ui-port", "0", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stderr = []
        found = threading.Event()

        def read():
            for line in self.proc.stderr:
                self.stderr.append(line)
                m = re.search(r"UI at (http://127\.0\.0\.1:\d+)/", line)
                if m:
                    self.base = m.group(1)
                    found.set()
        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        if not found.wait(START_TIMEOUT_S):
            self.proc.kill()
            raise AssertionError("no 'UI at' line:\n" + "".join(self.stderr))
        self.id = self.get("/api/v1/topology/summary")["topologies"][0]["id"]

    def request(self, path, method="GET", body=None):
        req = urllib.request.Request(self.base + path, method=method, data=body)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.headers.get("Content-Type"), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type"), e.read().decode()

    def get(self, path):
        status, _, text = self.request(path)
        assert status == 200, (path, status, text)
        return json.loads(text)

    def post(self, path, body=None):
        status, _, text = self.request(path, "POST", body)
        return status, json.loads(text)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(WAIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(WAIT_TIMEOUT_S)
        self.proc.stdout.close()
        self.proc.stderr.close()


def wait_until(predicate, what, timeout=WAIT_TIMEOUT_S):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def type_ok(value, allowed):
    for t in allowed.split("|"):
        if (t == "string" and isinstance(value, str)) or (t == "null" and value is None) or \
           (t == "bool" and isinstance(value, bool)) or \
           (t == "int" and isinstance(value, int) and not isinstance(value, bool)) or \
           (t == "float" and isinstance(value, float)) or \
           (t == "number" and isinstance(value, (int, float)) and not isinstance(value, bool)) or \
           (t == "object" and isinstance(value, dict)) or (t == "array" and isinstance(value, list)):
            return True
    return False


def check_shape(test, where, value, schema):
    """Every field of schema is in value with its type (nested arrays and objects too)."""
    test.assertIsInstance(value, dict, where)
    for field, want in schema.items():
        test.assertIn(field, value, "%s lacks %r" % (where, field))
        got = value[field]
        if isinstance(want, str):
            test.assertTrue(type_ok(got, want), "%s.%s is %r, not %s" % (where, field, got, want))
        elif "array" in want:
            test.assertIsInstance(got, list, "%s.%s" % (where, field))
            for i, item in enumerate(got):
                check_shape(test, "%s.%s[%d]" % (where, field, i), item, want["array"])
        else:
            check_shape(test, "%s.%s" % (where, field), got, want["object"])


def total(topology, key, kind="spouts"):
    return sum(c[key] for c in topology[kind])


class UIApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(FIELDS) as f:
            cls.fields = json.load(f)
        cls.ui = GustUI()

    @classmethod
    def tearDownClass(cls):
        cls.ui.stop()

    def endpoint(self, name, path):
        value = self.ui.get(path)
        check_shape(self, name, value, self.fields[name])
        return value

    def test_every_endpoint_has_storms_fields_and_types(self):
        ui, tid = self.ui, self.ui.id
        wait_until(lambda: total(ui.get("/api/v1/topology/" + tid), "emitted") > 0, "spouts emitting")
        self.endpoint("/api/v1/cluster/summary", "/api/v1/cluster/summary")
        conf = self.endpoint("/api/v1/cluster/configuration", "/api/v1/cluster/configuration")
        self.assertEqual(conf.get("topology.message.timeout.secs"), 30)
        self.endpoint("/api/v1/nimbus/summary", "/api/v1/nimbus/summary")
        self.endpoint("/api/v1/supervisor/summary", "/api/v1/supervisor/summary")
        summary = self.endpoint("/api/v1/topology/summary", "/api/v1/topology/summary")
        self.assertEqual(summary["topologies"][0]["name"], "builtin-wordcount")
        for window in (":all-time", "600", "10800", "86400"):
            t = self.endpoint("/api/v1/topology/:id", "/api/v1/topology/%s?window=%s" % (tid, window))
            self.assertEqual(t["window"], window)
            self.assertEqual(len(t["topologyStats"]), 4)
            self.assertEqual([s["spoutId"] for s in t["spouts"]], ["words"])
            self.assertEqual(sorted(b["boltId"] for b in t["bolts"]), ["counter", "logger"])
        with_sys = self.ui.get("/api/v1/topology/%s?sys=1" % tid)
        self.assertGreaterEqual(len(with_sys["bolts"]), 2)
        m = self.endpoint("/api/v1/topology/:id/metrics", "/api/v1/topology/%s/metrics" % tid)
        self.assertTrue(m["spouts"] and m["bolts"])
        words = [s for s in m["spouts"] if s["id"] == "words"][0]
        self.assertEqual([e["stream_id"] for e in words["emitted"]], ["default"])
        counter = [b for b in m["bolts"] if b["id"] == "counter"][0]
        self.assertEqual([(e["component_id"], e["stream_id"]) for e in counter["executed"]],
                         [("words", "default")])
        spout = self.endpoint("/api/v1/topology/:id/component/:spout",
                              "/api/v1/topology/%s/component/words" % tid)
        self.assertEqual(spout["componentType"], "spout")
        self.assertEqual(len(spout["executorStats"]), 2)
        self.assertEqual(len(spout["spoutSummary"]), 4)
        bolt = self.endpoint("/api/v1/topology/:id/component/:bolt",
                             "/api/v1/topology/%s/component/counter?window=600" % tid)
        self.assertEqual(bolt["componentType"], "bolt")
        self.assertEqual(len(bolt["executorStats"]), 4)
        self.assertTrue(bolt["outputStats"])
        self.assertEqual([(i["component"], i["stream"]) for i in bolt["inputStats"]], [("words", "default")])
        self.assertGreater(bolt["inputStats"][0]["executed"], 0)
        self.endpoint("/api/v1/topology-workers/:id", "/api/v1/topology-workers/" + tid)
        self.assertEqual(self.ui.get("/api/v1/topology/%s/lag" % tid), {})

    def test_jsonp_callback_wraps_the_reply(self):
        status, ctype, text = self.ui.request("/api/v1/cluster/summary?callback=show.summary")
        self.assertEqual(status, 200)
        self.assertTrue(ctype.startswith("application/javascript"))
        m = re.fullmatch(r"show\.summary\((.*)\);", text, re.S)
        self.assertIsNotNone(m, text)
        self.assertEqual(json.loads(m.group(1))["supervisors"], 1)
        status, _, text = self.ui.request("/api/v1/topology/nope?callback=cb")
        self.assertEqual(status, 500)
        self.assertTrue(text.startswith("cb(") and text.endswith(");"), text)

    def storm_error(self, status, text, mentions):
        self.assertEqual(status, 500, text)
        body = json.loads(text)
        check_shape(self, "error", body, self.fields["error"])
        self.assertEqual(body["error"], "500 Server Error")
        self.assertIn(mentions, body["errorMessage"])

    def test_bad_requests_get_storms_errors_and_the_server_stays_up(self):
        ui, tid = self.ui, self.ui.id
        status, _, text = ui.request("/api/v1/topology/no-such-topology-1-1")
        self.storm_error(status, text, "no-such-topology-1-1")
        status, _, text = ui.request("/api/v1/topology/%s?window=7" % tid)
        self.storm_error(status, text, "window '7'")
        status, _, text = ui.request("/api/v1/topology/%s/component/nope" % tid)
        self.storm_error(status, text, "nope")
        status, _, text = ui.request("/api/v1/topology/%s/rebalance/0" % tid, "POST", b"{\"rebalanceOptions\": ")
        self.storm_error(status, text, "not JSON")
        status, _, text = ui.request("/api/v1/topology/%s/rebalance/0" % tid, "POST",
                                     b'{"rebalanceOptions": {"numWorkers": 2}}')
        self.storm_error(status, text, "rebalance is not possible")
        status, _, text = ui.request("/api/v1/topology/%s/kill/soon" % tid, "POST")
        self.storm_error(status, text, "'soon'")
        status, _, text = ui.request("/api/v1/topology/no-such-topology-1-1/activate", "POST")
        self.storm_error(status, text, "no-such-topology-1-1")
        status, _, text = ui.request("/api/v1/no/such/path")
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(text)["error"], "404 Not Found")
        for path in ("/../../etc/passwd", "/%2e%2e%2fCMakeLists.txt", "/..%2f..%2fREADME.md"):
            status, _, text = ui.request(path)
            self.assertIn(status, (400, 404), path)  # refused by libsoup or by the server
            self.assertNotIn("gust", text.lower().replace("gust-ui", ""), path)
        self.assertEqual(ui.get("/api/v1/topology/summary")["topologies"][0]["id"], tid)
        self.assertIsNone(ui.proc.poll())

    def test_metrics_pass_promtool_and_counters_move(self):
        promtool = shutil.which("promtool")
        if not promtool:
            self.fail("promtool is missing (Debian package prometheus, in dev.sh)")

        def scrape():
            status, ctype, text = self.ui.request("/metrics")
            self.assertEqual(status, 200)
            self.assertTrue(ctype.startswith("text/plain; version=0.0.4"), ctype)
            return text

        def emitted(text):
            return sum(float(v) for v in re.findall(
                r'^gust_tuples_emitted_total\{[^}]*component="words"[^}]*\} (\S+)$', text, re.M))
        first = scrape()
        check = subprocess.run([promtool, "check", "metrics"], input=first, capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertEqual(check.stdout + check.stderr, "", "promtool warnings")
        for name in ("gust_tuples_acked_total", "gust_tuples_executed_total", "gust_execute_latency_seconds_count",
                     "gust_task_backpressure_seconds_total", "gust_task_queue_fill_ratio",
                     "gust_checkpoints_completed_total", "gust_checkpoint_last_duration_seconds",
                     "process_cpu_seconds_total", "process_resident_memory_bytes"):
            self.assertRegex(first, r"(?m)^%s(\{| )" % name)
        wait_until(lambda: emitted(scrape()) > emitted(first), "emitted to grow in /metrics")

    def test_topology_page_renders_live_numbers_and_charts(self):
        chromium = shutil.which("chromium")
        if not chromium:
            self.fail("chromium is missing (Debian package chromium, in dev.sh)")
        tid = self.ui.id
        wait_until(lambda: len(self.ui.get("/api/v1/gust/topology/%s/history" % tid)["timeMs"]) >= 3,
                   "three samples")
        url = "%s/topology.html?id=%s" % (self.ui.base, tid)
        with tempfile.TemporaryDirectory() as profile:
            base = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile,
                    "--window-size=1200,1600", "--virtual-time-budget=5000"]
            dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True,
                                 timeout=120).stdout
            shot = os.path.join(profile, "topology.png")
            subprocess.run(base + ["--screenshot=" + shot, url], capture_output=True, timeout=120)
            pixels = non_background_share(shot)
        self.assertIn("builtin-wordcount", dom)
        spouts = re.search(r'<table id="spouts">(.*?)</table>', dom, re.S).group(1)
        emitted = re.search(r'>words</a></td><td>\d+</td><td>\d+</td><td>(\d+)</td>', spouts)
        self.assertIsNotNone(emitted, spouts)
        self.assertGreater(int(emitted.group(1)), 0)
        throughput = re.search(r'<div id="chart-throughput"[^>]*>(.*?)</div></div>', dom, re.S)
        self.assertIsNotNone(throughput)
        self.assertIn("<canvas", throughput.group(1))
        self.assertGreaterEqual(dom.count("<canvas"), 6)
        self.assertGreater(pixels, 0.02, "the screenshot is nearly blank")


def non_background_share(png_path):
    """Share of pixels of an 8-bit RGB/RGBA PNG that differ from its top-left pixel."""
    rows, bpp = png_rows(png_path)
    background = rows[0][:3]
    differ = sum(1 for row in rows for x in range(0, len(row), bpp) if row[x:x + 3] != background)
    return differ / (len(rows) * (len(rows[0]) // bpp))


class UIActionsTest(unittest.TestCase):
    def test_deactivate_stops_the_spouts_and_activate_resumes_them(self):
        ui = GustUI()
        try:
            tid = ui.id
            emitted = lambda: total(ui.get("/api/v1/topology/" + tid), "emitted")
            wait_until(lambda: emitted() > 0, "spouts emitting")
            status, body = ui.post("/api/v1/topology/%s/deactivate" % tid)
            self.assertEqual(status, 200, body)
            with open(FIELDS) as f:
                check_shape(self, "deactivate", body, json.load(f)["POST /api/v1/topology/:id/activate"])
            self.assertEqual(body, {"topologyOperation": "deactivate", "topologyId": tid, "status": "success"})
            self.assertEqual(ui.get("/api/v1/topology/" + tid)["status"], "INACTIVE")
            # what was emitted before settles; then two samples a second apart agree
            def settled():
                a = emitted()
                time.sleep(2.5)
                return emitted() == a
            wait_until(settled, "emitted to stop growing")
            still = emitted()
            time.sleep(2.5)
            self.assertEqual(emitted(), still)
            status, body = ui.post("/api/v1/topology/%s/activate" % tid)
            self.assertEqual(status, 200, body)
            self.assertEqual(ui.get("/api/v1/topology/" + tid)["status"], "ACTIVE")
            wait_until(lambda: emitted() > still, "emitted to grow again")
            status, body = ui.post("/api/v1/topology/%s/kill/0" % tid)
            self.assertEqual((status, body["topologyOperation"]), (200, "kill"))
            ui.proc.wait(WAIT_TIMEOUT_S)
            self.assertEqual(ui.proc.returncode, 0, "".join(ui.stderr))
            self.assertIn("killed over the UI", "".join(ui.stderr))
            self.assertIn("words", ui.proc.stdout.read())  # the summary is printed
        finally:
            ui.stop()


class LatencyHistogramTest(unittest.TestCase):
    """Latency histograms with the runtime's bucket ladder, read once the
    spouts are deactivated and the counters settled (so _sum and the
    buckets are read at rest and must agree exactly)."""

    def test_buckets_are_cumulative_and_hold_the_samples(self):
        ui = GustUI()
        try:
            def scrape():
                status, _, text = ui.request("/metrics")
                self.assertEqual(status, 200)
                return text

            def executed_samples(text):
                return sum(v for name, labels, v in prometheus_text.samples(text)
                           if name == "gust_execute_latency_seconds_count" and labels["component"] == "counter")
            wait_until(lambda: executed_samples(scrape()) >= 3, "execute latency samples")
            status, body = ui.post("/api/v1/topology/%s/deactivate" % ui.id)
            self.assertEqual(status, 200, body)

            def latencies(text):
                return [line for line in text.splitlines() if "_latency_seconds" in line]

            def settled():
                a = scrape()
                time.sleep(2.5)
                return latencies(a) == latencies(scrape()) and a
            text = wait_until(settled, "the latency histograms to settle")
            prometheus_text.promtool_check(self, text)
            execute = prometheus_text.histograms(self, text, "gust_execute_latency_seconds")
            process = prometheus_text.histograms(self, text, "gust_process_latency_seconds")
            prometheus_text.histograms(self, text, "gust_complete_latency_seconds")
            counters = [s for key, s in execute.items() if ("component", "counter") in key]
            self.assertEqual(len(counters), 4, "one execute histogram per counter task")
            self.assertGreaterEqual(sum(s["count"] for s in counters), 3)
            for s in execute.values():
                les = [le for le, _ in s["buckets"]]
                self.assertEqual(les[:3], [0.0001, 0.00025, 0.0005])
                self.assertEqual(les[-2:], [10, float("inf")])
            # the samples sit in finite buckets (a word count is far below 10 s)
            self.assertTrue(any(s["buckets"][-2][1] > 0 for s in counters))
            self.assertTrue(any(s["count"] > 0 for key, s in process.items() if ("component", "counter") in key))
        finally:
            ui.stop()


class ComponentMetricsTest(unittest.TestCase):
    """A multilang bolt's "metrics" commands on /metrics (fixtures/multilang_metrics)."""

    def test_multilang_metrics_are_gauges_with_the_task_and_name(self):
        fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "multilang_metrics")
        work = tempfile.TemporaryDirectory()
        self.addCleanup(work.cleanup)
        os.mkdir(os.path.join(work.name, "resources"))
        shutil.copy(os.path.join(fixture, "metrics.yaml"), work.name)
        shutil.copy(os.path.join(fixture, "metrics_bolt.py"), os.path.join(work.name, "resources"))
        shutil.copy(os.path.join(SOURCE, "examples", "flux", "shell", "resources", "multilang.py"),
                    os.path.join(work.name, "resources"))
        ui = GustUI(flux=os.path.join(work.name, "metrics.yaml"))
        try:
            def reported():
                status, _, text = ui.request("/metrics")
                self.assertEqual(status, 200)
                series = {(labels["component"], labels["task"], labels["name"], labels.get("key")): v
                          for name, labels, v in prometheus_text.samples(text)
                          if name == "gust_component_metric"}
                tasks = {task for (_, task, name, _), v in series.items() if name == "tuples_seen" and v > 0}
                return len(tasks) == 2 and (text, series, tasks)
            text, series, tasks = wait_until(reported, "both reporter tasks' metrics on /metrics")
            prometheus_text.promtool_check(self, text)
            self.assertIn("# TYPE gust_component_metric gauge", text)
            self.assertRegex(text, r'(?m)^gust_component_metric\{topology="multilang-metrics",component="reporter",'
                                   r'task="\d+",name="tuples_seen"\} [1-9]')
            for task in tasks:
                self.assertGreater(series[("reporter", task, "by_kind", "words")], 0)
                self.assertEqual(series[("reporter", task, "by_kind", "nested.half")], 2.5)
            self.assertEqual(tasks, {"1", "2"}, "Storm task ids of the reporter's two tasks")
            names = {(name, key) for (_, _, name, key) in series}
            self.assertNotIn(("by_kind", "note"), names, "a string is not a metric value")
            self.assertNotIn("label", {name for name, _ in names}, "a string is not a metric value")
        finally:
            ui.stop()


def flux_with_conf(directory, extra_conf):
    """wordcount.yaml with extra lines in its config section, in directory."""
    with open(WORDCOUNT) as f:
        text = f.read()
    text = text.replace("config:\n", "config:\n" + "".join("  %s: %s\n" % kv for kv in extra_conf.items()), 1)
    path = os.path.join(directory, "wordcount.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


class WorkerMetricsPortTest(unittest.TestCase):
    """topology.gust.metrics.port in a local run: /metrics alone, on its own port."""

    def test_metrics_port_serves_the_exposition_and_nothing_else(self):
        with tempfile.TemporaryDirectory() as d:
            flux = flux_with_conf(d, {"topology.gust.metrics.port": 0})
            proc = subprocess.Popen([GUST, "local", flux, "--duration", "0"], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True)
            try:
                url = None
                for line in proc.stderr:
                    m = re.search(r"metrics at (http://127\.0\.0\.1:\d+/metrics) \(topology\.gust\.metrics\.port 0", line)
                    if m:
                        url = m.group(1)
                        break
                self.assertIsNotNone(url, "no 'metrics at' line")
                threading.Thread(target=proc.stderr.read, daemon=True).start()

                def scrape():
                    with urllib.request.urlopen(url, timeout=30) as r:
                        return r.read().decode()
                text = wait_until(lambda: (t := scrape()) and re.search(
                    r'(?m)^gust_tuples_emitted_total\{[^}]*component="words"[^}]*\} [1-9]', t) and t,
                    "emitted tuples on the worker's /metrics")
                prometheus_text.promtool_check(self, text)
                values = {name: v for name, _, v in prometheus_text.samples(text) if not _}
                self.assertGreater(values["process_cpu_seconds_total"], 0)
                self.assertGreater(values["process_resident_memory_bytes"], 1 << 20)
                prometheus_text.histograms(self, text, "gust_execute_latency_seconds")
                with self.assertRaises(urllib.error.HTTPError) as e:
                    urllib.request.urlopen(url.replace("/metrics", "/api/v1/cluster/summary"), timeout=30)
                self.assertEqual(e.exception.code, 404)
            finally:
                proc.terminate()
                proc.wait(WAIT_TIMEOUT_S)
                proc.stderr.close()

    def test_a_taken_metrics_port_ends_the_local_run_naming_the_key(self):
        with socket.socket() as taken, tempfile.TemporaryDirectory() as d:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            flux = flux_with_conf(d, {"topology.gust.metrics.port": taken.getsockname()[1]})
            run = subprocess.run([GUST, "local", flux, "--duration", "1"], capture_output=True, text=True,
                                 timeout=WAIT_TIMEOUT_S)
            self.assertEqual(run.returncode, 1, run.stderr)
            self.assertIn("topology.gust.metrics.port %d" % taken.getsockname()[1], run.stderr)
            self.assertIn("the metrics server cannot listen on 127.0.0.1:%d" % taken.getsockname()[1], run.stderr)


class UIStartTest(unittest.TestCase):
    def test_a_taken_port_or_bad_host_ends_the_run_before_it_starts(self):
        import socket
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            r = subprocess.run([GUST, "local", WORDCOUNT, "--ui-port", str(port)], capture_output=True,
                               text=True, timeout=WAIT_TIMEOUT_S)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("cannot listen on 127.0.0.1:%d" % port, r.stderr)
        self.assertNotIn("running topology", r.stderr)
        with tempfile.TemporaryDirectory() as d:
            flux = os.path.join(d, "host.yaml")
            with open(WORDCOUNT) as f:
                text = f.read().replace("config:\n", "config:\n  ui.host: \"ui.example\"\n", 1)
            with open(flux, "w") as f:
                f.write(text)
            r = subprocess.run([GUST, "local", flux, "--ui-port", "0"], capture_output=True, text=True,
                               timeout=WAIT_TIMEOUT_S)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("ui.host 'ui.example' is not an IP address", r.stderr)


KAFKA_FLUX = """
name: "kafka-lag"
components:
  - id: "builder"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder"
    constructorArgs: ["embedded", "words"]
    configMethods:
      - {name: setFirstPollOffsetStrategy, args: [EARLIEST]}
      - {name: setOffsetCommitPeriodMs, args: [200]}
  - id: "spoutConfig"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig"
    constructorArgs: [ref: "builder"]
  - id: "mapper"
    className: "org.apache.storm.kafka.bolt.mapper.FieldNameBasedTupleToKafkaMapper"
    constructorArgs: ["word", "word"]
config:
  topology.gust.reliability: acker
spouts:
  - id: "words"
    className: "org.apache.storm.testing.TestWordSpout"
  - id: "kafka-spout"
    className: "org.apache.storm.kafka.spout.KafkaSpout"
    constructorArgs: [ref: "spoutConfig"]
bolts:
  - id: "to-kafka"
    className: "org.apache.storm.kafka.bolt.KafkaBolt"
    configMethods:
      - {name: withTopicSelector, args: ["words"]}
      - {name: withTupleToKafkaMapper, args: [ref: "mapper"]}
      - {name: withProducerProperties, args: [{"bootstrap.servers": "embedded"}]}
  - id: "log"
    className: "org.apache.storm.flux.wrappers.bolts.LogInfoBolt"
streams:
  - {from: "words", to: "to-kafka", grouping: {type: SHUFFLE}}
  - {from: "kafka-spout", to: "log", grouping: {type: SHUFFLE}}
"""


class UIKafkaLagTest(unittest.TestCase):
    def test_lag_per_partition_in_the_api_and_in_metrics(self):
        with tempfile.TemporaryDirectory() as d:
            flux = os.path.join(d, "kafka_lag.yaml")
            with open(flux, "w") as f:
                f.write(KAFKA_FLUX)
            ui = GustUI(flux)
            try:
                def committed():
                    lag = ui.get("/api/v1/topology/%s/lag" % ui.id)
                    parts = lag.get("kafka-spout", {}).get("spoutLagResult", {}).get("words", {})
                    known = [p for p in parts.values() if p["consumerCommittedOffset"] >= 0]
                    return lag if known else None
                lag = wait_until(committed, "a committed offset in /lag")
                self.assertEqual(sorted(lag), ["kafka-spout"])  # TestWordSpout is no Kafka spout
                spout = lag["kafka-spout"]
                self.assertEqual((spout["spoutId"], spout["spoutType"]), ("kafka-spout", "KAFKA"))
                for partition, p in spout["spoutLagResult"]["words"].items():
                    self.assertTrue(partition.isdigit())
                    self.assertGreaterEqual(p["logHeadOffset"], 0)
                    if p["consumerCommittedOffset"] >= 0:
                        self.assertEqual(p["lag"], p["logHeadOffset"] - p["consumerCommittedOffset"])
                        self.assertGreaterEqual(p["lag"], 0)
                status, _, text = ui.request("/metrics")
                self.assertRegex(text, r'(?m)^gust_kafka_consumer_lag_records\{topology="kafka-lag",'
                                       r'component="kafka-spout",topic="words",partition="\d+"\} \d+$')
                check = subprocess.run([shutil.which("promtool") or "promtool", "check", "metrics"],
                                       input=text, capture_output=True, text=True)
                self.assertEqual((check.returncode, check.stdout + check.stderr), (0, ""))
            finally:
                ui.stop()


if __name__ == "__main__":
    unittest.main()
