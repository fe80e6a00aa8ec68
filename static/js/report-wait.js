// A report being prepared: ask whether it is ready, then fetch it (the download starts)
// and say so. Without JavaScript the page reloads itself instead (a <noscript> refresh).
(function () {
  "use strict";
  var panel = document.querySelector("[data-report-status-url]");
  if (!panel || !window.fetch) { return; }
  var INTERVAL = 1000;

  function ready() {
    panel.querySelectorAll("[data-report-waiting]").forEach(function (element) {
      element.hidden = true;
    });
    panel.querySelector("[data-report-ready]").hidden = false;
    window.location.assign(panel.dataset.reportUrl);
  }

  function poll() {
    fetch(panel.dataset.reportStatusUrl, {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (body) { if (body.ready) { ready(); } else { window.setTimeout(poll, INTERVAL); } })
      .catch(function () { window.setTimeout(poll, INTERVAL * 4); });
  }

  window.setTimeout(poll, INTERVAL);
}());
