// Draws every <div data-chart="ID"> from the JSON in <script id="ID" type="application/json">.
// Specs are built on the server; this file only maps them onto ECharts options, so pages carry no
// inline script and every chart has its numbers in a table beside it.
(function () {
  "use strict";

  var palette = ["#0d6efd", "#6c757d", "#198754", "#dc3545", "#fd7e14", "#6f42c1"];

  // A rank chart sets "inverse" so that first place is drawn at the top.
  // Axis values with separators (2,000万元, not a clipped 000万元); the grid makes room for them.
  function percentAxis(spec) {
    var axis = {
      type: "value",
      name: spec.unit || "",
      axisLabel: { formatter: function (value) { return value.toLocaleString("zh-CN"); } },
    };
    if (spec.inverse) {
      axis.inverse = true;
      axis.min = 1;
      axis.max = spec.max || null;
      axis.minInterval = 1;
    }
    return axis;
  }

  function labelOf(series, point) {
    if (point.value === null || point.value === undefined) return "";
    return series.labels ? series.labels[point.dataIndex] : String(point.value);
  }

  function barOption(spec) {
    var series = spec.series.map(function (s, index) {
      var item = {
        name: s.name,
        type: "bar",
        data: s.data.map(function (value, i) {
          var colour = s.colours ? s.colours[i] : palette[index % palette.length];
          return { value: value, itemStyle: { color: colour } };
        }),
        // The server writes each label as the table beside the chart writes it (common/figures.py).
        label: { show: true, position: "top", formatter: function (p) { return labelOf(s, p); } },
      };
      if (index === 0 && spec.markLine !== undefined && spec.markLine !== null) {
        item.markLine = {
          symbol: "none",
          label: { formatter: spec.markLineLabel || "" },
          lineStyle: { type: "dashed", color: "#dc3545" },
          data: [{ yAxis: spec.markLine }],
        };
      }
      return item;
    });
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { show: spec.series.length > 1 },
      grid: { left: 10, right: 20, top: 50, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 8 ? 30 : 0 } },
      yAxis: percentAxis(spec),
      series: series,
    };
  }

  function lineOption(spec) {
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { show: true },
      grid: { left: 10, right: 30, top: 50, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: spec.categories },
      yAxis: percentAxis(spec),
      series: spec.series.map(function (s, index) {
        // Only a series that brings its own labels is labelled: the others read from the axis.
        return {
          name: s.name, type: "line", data: s.data, color: palette[index % palette.length],
          label: { show: Boolean(s.labels), position: "top", formatter: function (p) { return labelOf(s, p); } },
          labelLayout: { hideOverlap: true },
        };
      }),
    };
  }

  function pieOption(spec) {
    return {
      animation: false,
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], data: spec.series[0].data.map(function (value, i) {
        return { name: spec.categories[i], value: value };
      }), label: { formatter: "{b}\n{c}" } }],
    };
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || typeof echarts === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var option = { bar: barOption, line: lineOption, pie: pieOption }[spec.type](spec);
    var chart = echarts.init(element, null, { renderer: "svg" });
    // A viewBox lets the printed page scale the drawing to its column (investtrack.css, @media print).
    chart.on("finished", function () {
      var svg = element.querySelector("svg");
      if (svg) {
        svg.setAttribute("viewBox", "0 0 " + chart.getWidth() + " " + chart.getHeight());
      }
      element.dataset.rendered = "true";
    });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
