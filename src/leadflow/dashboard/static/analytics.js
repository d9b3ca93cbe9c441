// Draws the analytics page's charts from the figures the server put in #analytics-data.
(() => {
  const source = document.getElementById("analytics-data");
  if (!source || typeof Chart === "undefined") return;
  const { charts, words } = JSON.parse(source.textContent);
  const rtl = document.documentElement.dir === "rtl";
  const brand = getComputedStyle(document.documentElement).getPropertyValue("--bs-primary").trim() || "#0d6efd";
  const base = { responsive: true, maintainAspectRatio: false, animation: false, locale: document.documentElement.lang };
  const percent = { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } };

  const draw = (id, config) => {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  };

  draw("chart-funnel", {
    type: "bar",
    data: { labels: charts.funnel.labels, datasets: [{ label: words.leads, data: charts.funnel.values, backgroundColor: brand }] },
    options: { ...base, indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, reverse: rtl, ticks: { precision: 0 } }, y: { position: rtl ? "right" : "left" } } },
  });
  draw("chart-speed", {
    type: "bar",
    data: { labels: charts.speed.labels, datasets: [{ label: words.leads, data: charts.speed.values, backgroundColor: "#198754" }] },
    options: { ...base, plugins: { legend: { display: false } }, scales: { x: { reverse: rtl }, y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  draw("chart-replies", {
    type: "bar",
    data: { labels: charts.replies.labels, datasets: [{ label: words.rate, data: charts.replies.values, backgroundColor: "#6f42c1" }] },
    options: { ...base, plugins: { legend: { display: false } }, scales: { x: { reverse: rtl }, y: percent } },
  });
  draw("chart-calibration", {
    type: "line",
    data: {
      labels: charts.calibration.labels,
      datasets: [
        { label: words.predicted, data: charts.calibration.predicted, borderColor: "#6c757d", borderDash: [6, 4], pointRadius: 3 },
        { label: words.won, data: charts.calibration.won, borderColor: "#dc3545", backgroundColor: "#dc3545", pointRadius: 4 },
      ],
    },
    options: { ...base, plugins: { legend: { rtl } }, scales: { x: { reverse: rtl }, y: percent } },
  });
})();
