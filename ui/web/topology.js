/* topology.js — the topology page: reads /api/v1/topology/:id (tables),
 * /topology/:id/lag and the history endpoint (charts), every refresh. */
"use strict";
(function () {
  var id = gust.query("id");
  var api = "/api/v1/topology/" + encodeURIComponent(id);

  function componentLink(cid) {
    return "<a href=\"component.html?id=" + encodeURIComponent(id) + "&component=" +
           encodeURIComponent(cid) + "\">" + gust.escape(cid) + "</a>";
  }

  function errorCell(c) {
    return c.lastError ? "<span class=error>" + gust.escape(c.lastError) + "</span>" : "";
  }

  function drawTables(t) {
    document.getElementById("name").textContent = t.name;
    gust.table("summary", [["Id", "id", true], ["Status", function (r) { return gust.statusSpan(r.status); }, true],
                           ["Uptime", "uptime"], ["Workers", "workersTotal"], ["Executors", "executorsTotal"],
                           ["Tasks", "tasksTotal"], ["Restarts", "restarts"]], [t]);
    gust.table("stats", [["Window", "windowPretty", true], ["Emitted", "emitted"], ["Transferred", "transferred"],
                         ["Complete latency (ms)", "completeLatency"], ["Acked", "acked"], ["Failed", "failed"]],
               t.topologyStats);
    gust.table("spouts", [["Id", function (c) { return componentLink(c.spoutId); }, true], ["Executors", "executors"],
                          ["Tasks", "tasks"], ["Emitted", "emitted"], ["Transferred", "transferred"],
                          ["Complete latency (ms)", "completeLatency"], ["Acked", "acked"], ["Failed", "failed"],
                          ["Last error", errorCell, true]], t.spouts);
    gust.table("bolts", [["Id", function (c) { return componentLink(c.boltId); }, true], ["Executors", "executors"],
                         ["Tasks", "tasks"], ["Emitted", "emitted"], ["Transferred", "transferred"],
                         ["Capacity", "capacity"], ["Execute latency (ms)", "executeLatency"], ["Executed", "executed"],
                         ["Process latency (ms)", "processLatency"], ["Acked", "acked"], ["Failed", "failed"],
                         ["Last error", errorCell, true]], t.bolts);
    gust.table("workers", [["Host", "host", true], ["Port", "port"], ["Uptime", "uptime"],
                           ["Executors", "executorsTotal"]], t.workers);
  }

  function drawLag(lag) {
    var rows = [];
    Object.keys(lag).forEach(function (spout) {
      var s = lag[spout];
      if (s.errorInfo) { rows.push({spout: spout, topic: "", partition: "", committed: "", head: "", lag: s.errorInfo}); return; }
      Object.keys(s.spoutLagResult || {}).forEach(function (topic) {
        Object.keys(s.spoutLagResult[topic]).forEach(function (p) {
          var r = s.spoutLagResult[topic][p];
          rows.push({spout: spout, topic: topic, partition: p, committed: r.consumerCommittedOffset,
                     head: r.logHeadOffset, lag: r.lag});
        });
      });
    });
    gust.table("lag", [["Spout", "spout", true], ["Topic", "topic", true], ["Partition", "partition"],
                       ["Committed offset", "committed"], ["Head offset", "head"], ["Lag", "lag"]], rows);
  }

  function drawHistory(h) {
    var times = h.timeMs, n = times.length;
    var dates = times.map(function (t) { return new Date(t); });
    var users = h.components.filter(function (c) { return !c.isSystem; });
    var tp = [], lat = [], tpLabels = ["time"], latLabels = ["time"];
    var series = [];
    users.forEach(function (c) {
      var total = c.isSpout ? c.emitted : c.executed;
      series.push(gust.rates(times, total));
      tpLabels.push(c.id + (c.isSpout ? " emitted" : " executed"));
      latLabels.push(c.id);
    });
    for (var i = 1; i < n; i++) {
      tp.push([dates[i]].concat(series.map(function (s) { return s[i - 1]; })));
      lat.push([dates[i]].concat(users.map(function (c) { return c.latencyMs[i]; })));
    }
    gust.chart("chart-throughput", tp, tpLabels, "tuples/s");
    gust.chart("chart-latency", lat, latLabels, "ms");
    var bp = [], q = [], taskLabels = ["time"];
    var bpRates = h.tasks.map(function (t) { return gust.rates(times, t.backpressureSeconds); });
    h.tasks.forEach(function (t) { taskLabels.push(t.component + ":" + t.task); });
    for (var k = 1; k < n; k++) {
      bp.push([dates[k]].concat(bpRates.map(function (r) { return r[k - 1]; })));
      q.push([dates[k]].concat(h.tasks.map(function (t) { return t.queueFill[k]; })));
    }
    gust.chart("chart-backpressure", bp, taskLabels, "share of time");
    gust.chart("chart-queue", q, taskLabels, "fill");
    var done = h.checkpoints.filter(function (c) { return !c.failure; });
    gust.chart("chart-checkpoints", done.map(function (c) { return [new Date(c.timeMs), c.durationMs, c.alignmentMs]; }),
               ["time", "duration", "alignment"], "ms");
    gust.chart("chart-restarts", dates.map(function (d, i) { return [d, h.restarts[i]]; }), ["time", "restarts"], "restarts");
    var s = h.checkpointSummary;
    gust.table("checkpoint-summary", [["Checkpointing", function (r) { return r.enabled ? "yes" : "no (acker mode)"; }, true],
                                      ["Triggered", "triggered"], ["Completed", "completed"], ["Failed", "aborted"],
                                      ["Last completed", "lastCompletedId"], ["Last failure", "lastFailure", true]], [s]);
    gust.table("checkpoints", [["Id", "id"], ["Time", function (c) { return new Date(c.timeMs).toLocaleTimeString(); }, true],
                               ["Duration (ms)", function (c) { return c.failure ? "" : c.durationMs.toFixed(1); }],
                               ["Size (bytes)", function (c) { return c.failure ? "" : c.sizeBytes; }],
                               ["Alignment (ms)", function (c) { return c.failure ? "" : c.alignmentMs.toFixed(1); }],
                               ["Failure", function (c) { return c.failure ? "<span class=error>" + gust.escape(c.failure) + "</span>" : ""; }, true]],
               h.checkpoints.slice(-20).reverse());
  }

  function act(op) {
    var path = api + "/" + op + (op === "kill" ? "/0" : "");
    if (op === "kill" && !window.confirm("Kill " + id + "?")) return;
    gust.post(path).then(function (r) { gust.message(r.topologyOperation + ": " + r.status); },
                         function (e) { gust.message(e.message, true); });
  }

  window.addEventListener("DOMContentLoaded", function () {
    ["activate", "deactivate", "kill"].forEach(function (op) {
      document.getElementById(op).onclick = function () { act(op); };
    });
    var select = document.getElementById("window");
    select.value = gust.query("window") || ":all-time";
    select.onchange = function () {
      window.location.search = "?id=" + encodeURIComponent(id) + "&window=" + encodeURIComponent(select.value);
    };
    gust.every(function () {
      var w = encodeURIComponent(gust.query("window") || ":all-time");
      return Promise.all([gust.getJSON(api + "?window=" + w), gust.getJSON(api + "/lag"),
                          gust.getJSON("/api/v1/gust/topology/" + encodeURIComponent(id) + "/history")])
        .then(function (r) { drawTables(r[0]); drawLag(r[1]); drawHistory(r[2]); });
    });
  });
})();
