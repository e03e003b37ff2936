/* unspin report behaviour: layer toggles, the minimum-score slider and the span panel. Uses textContent only, never
   innerHTML, so nothing from the article can become markup. */
(function () {
  "use strict";

  function hidden(root) {
    var off = {};
    root.querySelectorAll("input[data-layer-toggle]").forEach(function (box) {
      if (!box.checked) { off[box.getAttribute("data-layer-toggle")] = true; }
    });
    return off;
  }

  function minScore(root) {
    var slider = root.querySelector("input[data-min-score]");
    return slider ? parseFloat(slider.value) || 0 : 0;
  }

  // A finding is shown when its layer is on and its score reaches the slider's minimum.
  function shown(item, off, min) {
    return !off[item.getAttribute("data-layer")] && parseFloat(item.getAttribute("data-score") || "1") >= min;
  }

  function recolour(root) {
    var off = hidden(root), min = minScore(root), visible = {};
    // Which findings are shown, looked up once: the slider fires this on every step of a drag,
    // and a query per span of every mark grows with the square of the article's flags.
    root.querySelectorAll(".findings li[data-span-id]").forEach(function (item) {
      item.hidden = parseFloat(item.getAttribute("data-score") || "1") < min;
      if (shown(item, off, min)) { visible[item.getAttribute("data-span-id")] = item.getAttribute("data-layer"); }
    });
    root.querySelectorAll("mark.hl").forEach(function (mark) {
      // The layers of the mark's spans that are shown; data-layers lists them in paint order
      // (render/highlight.py): the first shown wins.
      var live = {};
      (mark.getAttribute("data-spans") || "").split(" ").forEach(function (id) {
        if (visible[id]) { live[visible[id]] = true; }
      });
      var layers = (mark.getAttribute("data-layers") || "").split(" ");
      layers.forEach(function (l) { mark.classList.remove("l-" + l); });
      for (var i = 0; i < layers.length; i++) {
        if (layers[i] && live[layers[i]]) {
          mark.classList.add("l-" + layers[i]);
          break;
        }
      }
    });
    var out = root.querySelector("output[data-min-score-value]");
    if (out) { out.textContent = min.toFixed(2); }
  }

  function showPanel(root, mark) {
    var panel = root.querySelector(".panel");
    if (!panel) { return; }
    var body = panel.querySelector(".panel-body");
    body.textContent = "";
    root.querySelectorAll(".findings li.active").forEach(function (li) { li.classList.remove("active"); });
    var off = hidden(root), min = minScore(root);
    (mark.getAttribute("data-spans") || "").split(" ").forEach(function (id) {
      var item = root.querySelector('[data-span-id="' + id + '"]');
      if (!item || !shown(item, off, min)) { return; }
      item.classList.add("active");
      var entry = document.createElement("div");
      entry.className = "panel-entry";
      var layer = document.createElement("p");
      layer.className = "layer muted";
      layer.textContent = item.getAttribute("data-layer-title") || "";
      entry.appendChild(layer);
      ["label", "definition", "score", "explanation"].forEach(function (field) {
        var src = item.querySelector("[data-field='" + field + "']");
        if (src && src.textContent) {
          var p = document.createElement("p");
          p.className = field;
          p.textContent = src.textContent;
          entry.appendChild(p);
        }
      });
      body.appendChild(entry);
    });
    panel.hidden = body.childNodes.length === 0;
  }

  function init(root) {
    root.querySelectorAll("input[data-layer-toggle]").forEach(function (box) {
      box.addEventListener("change", function () { recolour(root); });
    });
    root.querySelectorAll("input[data-min-score]").forEach(function (slider) {
      slider.addEventListener("input", function () { recolour(root); });
    });
    root.addEventListener("click", function (ev) {
      var mark = ev.target.closest ? ev.target.closest("mark.hl") : null;
      if (mark) { showPanel(root, mark); }
      if (ev.target.classList && ev.target.classList.contains("close")) {
        ev.target.closest(".panel").hidden = true;
      }
    });
    root.addEventListener("keydown", function (ev) {
      var mark = ev.target.closest ? ev.target.closest("mark.hl") : null;
      if (mark && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); showPanel(root, mark); }
      if (ev.key === "Escape") {
        var panel = root.querySelector(".panel");
        if (panel) { panel.hidden = true; }
      }
    });
    recolour(root);
  }

  window.unspinInit = init;
  document.querySelectorAll("[data-unspin-report]").forEach(init);
})();
