// gongkai preview: reload the page when the preview rebuilds (content, template or config changed).
// Served by `build.py serve` only; never part of a built site.
(function () {
  "use strict";
  var script = document.currentScript;
  var current = script ? script.getAttribute("data-version") : null;
  function poll() {
    fetch("/__gongkai__/version", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (current === null) {
          current = String(data.version);
        } else if (String(data.version) !== current) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 500);
      })
      .catch(function () { window.setTimeout(poll, 1500); });
  }
  poll();
})();
