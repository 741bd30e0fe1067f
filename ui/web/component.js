/* component.js — the component page: /api/v1/topology/:id/component/:c
 * (tables) and the topology's history (this component's charts). */
"use strict";
(function () {
  var id = gust.query("id"), cid = gust.query("component");
  var api = "/api/v1/topology/" + encodeURIComponent(id);

  function draw(c) {
    document.getElementById("name").textContent = c.id + " (" + c.componentType + ")";
    gust.table("summary", [["Topology", "name", true], ["Status", function (r) { return gust.statusSpan(r.topologyStatus); }, true],
                           ["Executors", "executors"], ["Tasks", "tasks"]], [c]);
    var spout = c.componentType === "spout";
    var common = [["Window", "windowPretty", true], ["Emitted", "emitted"], ["Transferred", "transferred"],
                  ["Acked", "acked"], ["Failed", "failed"]];
    gust.table("windows", spout ? common.concat([["Complete latency (ms)", function (r) { return r.completeLatency.toFixed(3); }]])
                                : common.concat([["Executed", "executed"], ["Execute latency (ms)", "executeLatency"],
                                                 ["Process latency (ms)", "processLatency"], ["Capacity", "capacity"]]),
               spout ? c.spoutSummary : c.boltStats);
    gust.table("inputs", [["Component", "component", true], ["Stream", "stream", true], ["Executed", "executed"],
                          ["Execute latency (ms)", "executeLatency"], ["Process latency (ms)", "processLatency"],
                          ["Acked", "acked"], ["Failed", "failed"]], c.inputStats || []);
    gust.table("outputs", [["Stream", "stream", true], ["Emitted", "emitted"], ["Transferred", "transferred"]], c.outputStats);
    gust.table("executors", [["Id", "id", true], ["Host", "host", true], ["Uptime", "uptime"], ["Emitted", "emitted"],
                             ["Acked", "acked"], ["Failed", "failed"],
                             [spout ? "Complete latency (ms)" : "Execute latency (ms)", spout ? "completeLatency" : "executeLatency"],
                             ["Back-pressured (s)", function (r) { return r.backpressureSeconds.toFixed(3); }],
                             ["Queued records", "queuedRecords"],
                             ["Queue fill", function (r) { return r.queueFill.toFixed(2); }]], c.executorStats);
    gust.table("errors", [["Time", function (e) { return new Date(e.errorTime * 1000).toLocaleString(); }, true],
                          ["Host", "errorHost", true], ["Error", function (e) { return "<span class=error>" + gust.escape(e.error) + "</span>"; }, true]],
               c.componentErrors.slice().reverse());
  }

  function drawHistory(h) {
    var comp = h.components.filter(function (c) { return c.id === cid; })[0];
    if (!comp) return;
    var times = h.timeMs, dates = times.map(function (t) { return new Date(t); });
    var emitted = gust.rates(times, comp.emitted), acked = gust.rates(times, comp.acked),
        executed = gust.rates(times, comp.executed);
    var tp = [];
    for (var i = 1; i < times.length; i++) tp.push([dates[i], emitted[i - 1], acked[i - 1], executed[i - 1]]);
    gust.chart("chart-throughput", tp, ["time", "emitted", "acked", "executed"], "per second");
    var tasks = h.tasks.filter(function (t) { return t.component === cid; });
    var rates = tasks.map(function (t) { return gust.rates(times, t.backpressureSeconds); });
    var bp = [];
    for (var k = 1; k < times.length; k++) bp.push([dates[k]].concat(rates.map(function (r) { return r[k - 1]; })));
    gust.chart("chart-backpressure", bp, ["time"].concat(tasks.map(function (t) { return "task " + t.task; })), "share of time");
  }

  window.addEventListener("DOMContentLoaded", function () {
    document.getElementById("topology-link").href = "topology.html?id=" + encodeURIComponent(id);
    gust.every(function () {
      return Promise.all([gust.getJSON(api + "/component/" + encodeURIComponent(cid)),
                          gust.getJSON("/api/v1/gust/topology/" + encodeURIComponent(id) + "/history")])
        .then(function (r) { draw(r[0]); drawHistory(r[1]); });
    });
  });
})();
