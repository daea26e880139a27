// Open cases by stage and act type on 我的工作 (data from the page's json_script, no inline code).
(function () {
  var el = document.getElementById("stage-chart");
  var data = JSON.parse(document.getElementById("stage-chart-data").textContent);
  var chart = echarts.init(el);
  chart.setOption({
    // drawn on the canvas: the HTML tooltip writes style="…" attributes, which the page's
    // Content-Security-Policy refuses (no inline styles)
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 40, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.stages },
    yAxis: { type: "value", minInterval: 1 },
    series: data.series.map(function (s) { return { name: s.name, type: "bar", stack: "all", data: s.data }; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
