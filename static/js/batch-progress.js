// A batch of reports: the progress bar and counts follow the batch while it runs.
// Without JavaScript the page reloads itself instead (a <noscript> refresh).
(function () {
  "use strict";
  var panel = document.querySelector("[data-batch-status-url]");
  if (!panel || !window.fetch) { return; }
  var bar = panel.querySelector("[data-batch-bar]");
  var state = panel.querySelector("[data-batch-state]");
  var summary = panel.querySelector("[data-batch-summary]");
  var failed = Number(panel.dataset.batchFailed);
  var INTERVAL = 1500;

  function show(body) {
    bar.max = body.total;
    bar.value = body.finished;
    state.textContent = body.state_label;
    summary.textContent = body.summary;
    // The finished page (the zip link) and each new failure (with its reason) come
    // from the server, in the reader's language: reload for them.
    if (body.is_finished || body.failed !== failed) {
      window.location.reload();
      return false;
    }
    return true;
  }

  function poll() {
    fetch(panel.dataset.batchStatusUrl, {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (body) { if (show(body)) { window.setTimeout(poll, INTERVAL); } })
      .catch(function () { window.setTimeout(poll, INTERVAL * 4); });
  }

  window.setTimeout(poll, INTERVAL);
}());
