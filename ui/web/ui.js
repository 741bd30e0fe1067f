/* ui.js — what every page of gust's web UI shares: reading the API,
 * filling tables, drawing charts with dygraphs, refreshing by itself.
 * Pages call gust.every(ms, fn) with a function that reads the API and
 * redraws; a failed read shows its error and the next refresh tries again. */
"use strict";
var gust = (function () {
  var REFRESH_MS = 2000;

  function query(name) {
    return new URLSearchParams(window.location.search).get(name);
  }

  function getJSON(path) {
    return fetch(path, {cache: "no-store"}).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.errorMessage || body.error || r.statusText);
        return body;
      });
    });
  }

  function post(path) {
    return fetch(path, {method: "POST"}).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.errorMessage || body.error);
        return body;
      });
    });
  }

  function escape(text) {
    var d = document.createElement("div");
    d.textContent = text === null || text === undefined ? "" : String(text);
    return d.innerHTML;
  }

  /* columns: [[title, key or function(row), is text]] */
  function table(id, columns, rows) {
    var html = "<tr>" + columns.map(function (c) {
      return "<th" + (c[2] ? " class=text" : "") + ">" + escape(c[0]) + "</th>";
    }).join("") + "</tr>";
    rows.forEach(function (row) {
      html += "<tr>" + columns.map(function (c) {
        var v = typeof c[1] === "function" ? c[1](row) : escape(row[c[1]]);
        return "<td" + (c[2] ? " class=text" : "") + ">" + v + "</td>";
      }).join("") + "</tr>";
    });
    document.getElementById(id).innerHTML = html;
  }

  function message(text, isError) {
    var m = document.getElementById("message");
    if (!m) return;
    m.textContent = text || "";
    m.className = isError ? "error" : "";
  }

  var charts = {};
  /* data: rows [Date, y1, y2, ...]; labels: ["time", "y1", ...] */
  function chart(id, data, labels, ylabel) {
    if (data.length === 0) return;
    var opts = {labels: labels, ylabel: ylabel, legend: "always", labelsSeparateLines: false,
                connectSeparatedPoints: false, drawPoints: data.length < 3};
    if (charts[id]) {
      charts[id].updateOptions(Object.assign({file: data}, opts));
    } else {
      charts[id] = new Dygraph(document.getElementById(id), data, opts);
    }
  }

  /* Per-second rates from cumulative series sampled at times (ms). */
  function rates(times, series) {
    var out = [];
    for (var i = 1; i < times.length; i++) {
      var dt = (times[i] - times[i - 1]) / 1000;
      out.push(dt > 0 && series[i] !== null && series[i - 1] !== null
                   ? (series[i] - series[i - 1]) / dt : null);
    }
    return out;
  }

  function every(fn) {
    function run() {
      Promise.resolve().then(fn).then(function () { message(""); },
                                      function (e) { message("refresh failed: " + e.message, true); })
          .then(function () { setTimeout(run, REFRESH_MS); });
    }
    run();
  }

  function statusSpan(status) {
    return "<span class=\"status-" + escape(status) + "\">" + escape(status) + "</span>";
  }

  return {query: query, getJSON: getJSON, post: post, escape: escape, table: table,
          message: message, chart: chart, rates: rates, every: every, statusSpan: statusSpan};
})();
