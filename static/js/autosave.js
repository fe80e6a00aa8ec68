// Autosave for questionnaire pages: each question is saved as soon as it changes.
// Without JavaScript the page's Save buttons do the same; nothing here is required.
//
// A save the server refuses shows the server's reason (in the page's language). A save
// that gets no answer (connection lost, server restarting, a proxy's error page) is tried
// again after 2, 5, 10, 20 and 30 seconds with the question's value at that moment, and
// says so; after the last try it asks the person to press Save. A newer change of the
// question replaces a pending retry. Leaving the page while a change is unsaved asks first.
// Every message comes from the script tag's data attributes, written by the template.
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch) { return; }
  var text = {
    saving: script.dataset.saving,
    saved: script.dataset.saved,
    failed: script.dataset.failed,
    retrying: script.dataset.retrying
  };
  var RETRY_SECONDS = [2, 5, 10, 20, 30];
  var status = form.querySelector("[data-autosave-status]");
  var typingTimers = {};
  var retryTimers = {};
  var unsaved = {};  // question id -> true while its latest change is not saved
  var inFlight = {};  // question id -> true while a save of it is on its way
  var again = {};  // question id -> true when it changed while a save was on its way
  var leavingByForm = false;

  function questionOf(element) { return element.closest("[data-question]"); }

  function valueOf(fieldset) {
    var checked = fieldset.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  }

  function show(fieldset, message) {
    var state = fieldset.querySelector("[data-save-state]");
    if (state) { state.textContent = message; }
    if (status) { status.textContent = message; }
  }

  function updateProgress(body) {
    document.querySelectorAll("[data-progress-answered]").forEach(function (answered) {
      answered.textContent = body.answered;
    });
    document.querySelectorAll("[data-progress-bar]").forEach(function (bar) {
      bar.value = body.answered;
    });
    Object.keys(body.dimensions || {}).forEach(function (id) {
      var count = document.querySelector('[data-progress-dimension="' + id + '"]');
      if (count) { count.textContent = count.textContent.replace(/^\d+/, body.dimensions[id]); }
    });
  }

  // The response's JSON body, or null when there is none (a proxy's HTML error page).
  function jsonOf(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") !== 0) { return Promise.resolve(null); }
    return response.json().catch(function () { return null; });
  }

  function worthRetrying(response, body) {
    return !body || response.status >= 500 || response.status === 408 || response.status === 429;
  }

  function retryLater(fieldset, attempt) {
    var id = fieldset.dataset.question;
    if (attempt >= RETRY_SECONDS.length) { show(fieldset, text.failed); return; }
    show(fieldset, text.retrying);
    retryTimers[id] = setTimeout(function () { save(fieldset, attempt + 1); },
                                 RETRY_SECONDS[attempt] * 1000);
  }

  // One save per question at a time: a change made while one is on its way is sent when
  // it returns, so the server always receives (and keeps) the question's last state.
  function save(fieldset, attempt) {
    var id = fieldset.dataset.question;
    var comment = fieldset.querySelector("textarea");
    clearTimeout(retryTimers[id]);
    unsaved[id] = true;
    if (inFlight[id]) { again[id] = true; return; }
    inFlight[id] = true;
    show(fieldset, text.saving);
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.dataset.csrf },
      body: JSON.stringify({
        question_id: id, value: valueOf(fieldset), comment: comment ? comment.value : ""
      })
    }).then(function (response) {
      return jsonOf(response).then(function (body) { finish(fieldset, attempt, response, body); });
    }, function () {
      finish(fieldset, attempt, null, null);  // no answer at all: the connection was lost
    });
  }

  function finish(fieldset, attempt, response, body) {
    var id = fieldset.dataset.question;
    inFlight[id] = false;
    if (again[id]) { delete again[id]; save(fieldset, 0); return; }
    if (response && response.ok && body && body.saved) {
      delete unsaved[id];
      show(fieldset, text.saved);
      updateProgress(body);
    } else if (!response || worthRetrying(response, body)) {
      retryLater(fieldset, attempt);
    } else {
      show(fieldset, (body && body.error) || text.failed);  // refused: the server says why
    }
  }

  form.addEventListener("change", function (event) {
    var fieldset = questionOf(event.target);
    if (fieldset && event.target.type === "radio") { save(fieldset, 0); }
  });
  form.addEventListener("input", function (event) {
    var fieldset = questionOf(event.target);
    if (!fieldset || event.target.tagName !== "TEXTAREA") { return; }
    unsaved[fieldset.dataset.question] = true;
    clearTimeout(typingTimers[fieldset.dataset.question]);
    typingTimers[fieldset.dataset.question] = setTimeout(function () { save(fieldset, 0); }, 800);
  });
  form.addEventListener("submit", function () { leavingByForm = true; });  // the page saves all
  window.addEventListener("beforeunload", function (event) {
    if (leavingByForm || Object.keys(unsaved).length === 0) { return; }
    event.preventDefault();
    event.returnValue = "";
  });
})();
