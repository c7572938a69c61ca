// slogen serve: filters that apply as you type, and an optional refresh. The pages work
// without this file: the filter form submits to the server, which filters the same way.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("slo-table");
  function rows() {
    return table ? Array.prototype.slice.call(table.querySelectorAll("tr.slo-row")) : [];
  }
  function apply() {
    if (!form || !table) return;
    var service = form.elements.service.value;
    var level = form.elements.level.value;
    var burning = form.elements.burning.checked;
    var q = form.elements.q.value.trim().toLowerCase();
    var shown = 0;
    rows().forEach(function (tr) {
      var keep = (!service || tr.dataset.service === service) &&
        (!level || tr.dataset.level === level) &&
        (!burning || tr.dataset.burning === "1") &&
        (!q || tr.dataset.search.indexOf(q) !== -1);
      tr.hidden = !keep;
      if (keep) shown++;
    });
    var count = document.getElementById("shown");
    if (count) count.textContent = String(shown);
    var params = new URLSearchParams();
    if (service) params.set("service", service);
    if (level) params.set("level", level);
    if (burning) params.set("burning", "1");
    if (q) params.set("q", form.elements.q.value.trim());
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }
  if (form && table) {
    // The server filtered the page it sent; fetch every row once, so filters can widen too.
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
    if (location.search) {
      fetch(location.pathname, { headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          var body = doc.querySelector("#slo-table tbody");
          if (!body) return;
          table.replaceChild(document.importNode(body, true), table.querySelector("tbody"));
          var empty = document.getElementById("no-rows");
          if (empty) empty.remove();
          apply();
        })
        .catch(function () {});
    }
  }
  // Refresh every 30 s while the box is ticked and the page is visible; the choice is kept.
  var box = document.getElementById("auto-refresh");
  if (box) {
    box.parentNode.hidden = false;
    box.checked = localStorage.getItem("slogen-refresh") === "1";
    box.addEventListener("change", function () {
      localStorage.setItem("slogen-refresh", box.checked ? "1" : "0");
    });
    setInterval(function () {
      var typing = document.activeElement && document.activeElement.tagName === "INPUT" &&
        document.activeElement.type === "search";
      if (box.checked && document.visibilityState === "visible" && !typing) location.reload();
    }, 30000);
  }
})();
