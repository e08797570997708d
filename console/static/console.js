// paspor console: document tabs, word boxes over the page picture, zoom. No build step.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";

  function drawWords(viewer) {
    if (viewer.dataset.loaded) return;
    viewer.dataset.loaded = "1";
    const svg = viewer.querySelector("svg");
    const status = viewer.querySelector(".wordcount");
    const hits = new Set(JSON.parse(viewer.dataset.highlight || "[]"));
    fetch(viewer.dataset.words, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((body) => {
        svg.setAttribute("viewBox", `0 0 ${body.width} ${body.height}`);
        for (const w of body.words) {
          const rect = document.createElementNS(SVG, "rect");
          rect.setAttribute("x", w.x);
          rect.setAttribute("y", w.y);
          rect.setAttribute("width", w.w);
          rect.setAttribute("height", w.h);
          if (w.conf < 0.6) rect.classList.add("low");
          if (hits.has(w.text.toUpperCase())) rect.classList.add("hit");
          const title = document.createElementNS(SVG, "title");
          title.textContent = `${w.text} (${Math.round(w.conf * 100)}%)`;
          rect.appendChild(title);
          svg.appendChild(rect);
        }
        if (status) status.textContent = body.words.length;
      })
      .catch(() => { if (status) status.textContent = "-"; });
  }

  function show(id) {
    document.querySelectorAll(".viewer").forEach((v) => v.classList.toggle("on", v.id === id));
    document.querySelectorAll(".doctabs button").forEach((b) => b.classList.toggle("on", b.dataset.for === id));
    const viewer = document.getElementById(id);
    if (viewer) drawWords(viewer);
  }

  document.addEventListener("click", (event) => {
    const tab = event.target.closest(".doctabs button");
    if (tab) { show(tab.dataset.for); return; }
    const zoom = event.target.closest("[data-zoom]");
    if (zoom) {
      const page = zoom.closest(".viewer").querySelector(".page");
      const now = parseFloat(page.style.getPropertyValue("--zoom") || "1");
      const step = zoom.dataset.zoom;
      const next = step === "fit" ? 1 : Math.min(4, Math.max(0.5, now * (step === "in" ? 1.25 : 0.8)));
      page.style.setProperty("--zoom", next.toFixed(2));
      zoom.closest(".viewer").querySelector(".zoomlevel").textContent = Math.round(next * 100) + "%";
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    const first = document.querySelector(".viewer");
    if (first) show(first.id);
    const all = document.querySelector("[data-check-all]");
    if (all) all.addEventListener("change", () => {
      document.querySelectorAll("input[name=numbers]").forEach((c) => { c.checked = all.checked; });
    });
  });
})();
