/* Dashboards: draw each chart from its JSON (made on the server, embedded with json_script) with
   the vendored uPlot. The numbers are also in the table under each chart, so nothing depends on
   this script; without JavaScript the tables are the figures. */
(function () {
  "use strict";

  var nb = new Intl.NumberFormat("nb-NO", { maximumFractionDigits: 1 });
  var nbWhole = new Intl.NumberFormat("nb-NO", { maximumFractionDigits: 0 });

  function num(v) {
    if (v === null || v === undefined || v === "") return null;
    var n = parseFloat(v);
    return isNaN(n) ? null : n;
  }

  function format(v, unit) {
    if (v === null || v === undefined) return "–";
    if (unit === "nok") return nbWhole.format(v) + " kr";
    if (unit === "pct") return nb.format(v) + " %";
    if (unit === "days") return nb.format(v) + " d";
    return nbWhole.format(v);
  }

  function axisValue(v, unit) {
    if (unit === "nok") {
      var a = Math.abs(v);
      if (a >= 1e6) return nb.format(v / 1e6) + " mill.";
      if (a >= 1e3) return nbWhole.format(v / 1e3) + " k";
    }
    return format(v, unit === "count" ? "count" : unit).replace(" kr", "");
  }

  function draw(holder, spec) {
    var drawn = spec.series.filter(function (s) { return s.drawn; });
    if (!drawn.length || typeof uPlot === "undefined") return;
    var n = spec.labels.length;
    var xs = [];
    for (var i = 0; i < n; i++) xs.push(i);
    var raw = drawn.map(function (s) { return s.values.map(num); });
    var ys = raw;
    var order = drawn.map(function (_, i) { return i; });
    if (spec.kind === "bar" && spec.stacked) {
      // cumulative sums, drawn top series first so that each lower part covers the one above it
      ys = [];
      var running = xs.map(function () { return 0; });
      raw.forEach(function (vals) {
        running = running.map(function (r, j) { return r + (vals[j] || 0); });
        ys.push(running.slice());
      });
      order = order.reverse();
    }
    var bar = spec.kind === "bar";
    var series = [{
      label: spec.x_label || "",
      value: function (u, v) { return v == null || spec.labels[v] == null ? "–" : spec.labels[v]; }
    }];
    var data = [xs];
    order.forEach(function (si) {
      var s = drawn[si];
      var opts = {
        label: s.label,
        stroke: s.color,
        width: bar ? 0 : 2,
        spanGaps: false,
        points: { show: !bar, size: 6 },
        value: function (u, v, sidx, idx) { return idx == null ? "–" : format(raw[si][idx], spec.unit); }
      };
      if (bar) {
        opts.fill = s.color;
        var barOpts = { size: [0.6, 64] };
        if (spec.colors_by_point && spec.colors_by_point.length) {
          barOpts.disp = { fill: { unit: 3, values: function () { return spec.colors_by_point.slice(0, n); } } };
        }
        opts.paths = uPlot.paths.bars(barOpts);
      }
      series.push(opts);
      data.push(ys[si]);
    });
    var width = Math.max(holder.clientWidth, 280);
    // A category label wider than its slot ("1-30 dager" under five bars) breaks at its first space.
    var slot = (width - 90) / Math.max(n, 1);
    function fit(label) { return String(label).length * 7 > slot ? String(label).replace(" ", "\n") : label; }
    var wraps = spec.labels.some(function (l) { return l != null && fit(l) !== l; });
    var opts = {
      width: width,
      height: 230,
      series: series,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false }, points: { show: !bar } },
      scales: {
        x: { time: false, range: function () { return [-0.5, n - 0.5]; } },
        y: {
          range: function (u, min, max) {
            var hi = Math.max(max || 0, 0);
            var lo = Math.min(min || 0, 0);
            return [lo, hi > 0 ? hi * 1.12 : 1];
          }
        }
      },
      axes: [
        {
          splits: function () { return xs; },
          values: function (u, splits) {
            var step = n > 8 && width < 560 ? 2 : 1;
            // every other label on a narrow chart, always including the latest
            return splits.map(function (i) { return (n - 1 - i) % step === 0 && spec.labels[i] != null ? fit(spec.labels[i]) : ""; });
          },
          grid: { show: false },
          size: wraps ? 50 : 36
        },
        {
          values: function (u, splits) { return splits.map(function (v) { return axisValue(v, spec.unit); }); },
          // whole numbers on a count axis: no "0, 0, 1, 1" from rounded fractions
          incrs: spec.unit === "count" ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] : undefined,
          size: 72
        }
      ]
    };
    holder.innerHTML = "";
    var chart = new uPlot(opts, data, holder);
    holder.dataset.drawn = "1";
    return chart;
  }

  function init() {
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (holder) {
      var source = document.getElementById(holder.dataset.chart + "-data");
      if (!source) return;
      try {
        var chart = draw(holder, JSON.parse(source.textContent));
        if (chart) charts.push([holder, chart]);
      } catch (e) {
        holder.dataset.error = String(e);  // the table under the chart still has every number
      }
    });
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        charts.forEach(function (pair) {
          pair[1].setSize({ width: Math.max(pair[0].clientWidth, 280), height: 230 });
        });
      }, 150);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
