// Autosave for questionnaire pages: each question is saved as soon as it changes.
// Without JavaScript the page's Save buttons do the same; nothing here is required.
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch) { return; }
  var text = {
    saving: script.dataset.saving, saved: script.dataset.saved, failed: script.dataset.failed
  };
  var status = form.querySelector("[data-autosave-status]");
  var timers = {};

  function questionOf(element) { return element.closest("[data-question]"); }

  function valueOf(fieldset) {
    var checked = fieldset.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  }

  function show(fieldset, message) {
    var state = fieldset.querySelector("[data-save-state]");
    if (state) { state.textContent = message; }
  }

  function updateProgress(body) {
    var answered = document.querySelector("[data-progress-answered]");
    var bar = document.querySelector("[data-progress-bar]");
    if (answered) { answered.textContent = body.answered; }
    if (bar) { bar.value = body.answered; }
    Object.keys(body.dimensions || {}).forEach(function (id) {
      var count = document.querySelector('[data-progress-dimension="' + id + '"]');
      if (count) { count.textContent = count.textContent.replace(/^\d+/, body.dimensions[id]); }
    });
  }

  function save(fieldset) {
    var comment = fieldset.querySelector("textarea");
    show(fieldset, text.saving);
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.dataset.csrf },
      body: JSON.stringify({
        question_id: fieldset.dataset.question,
        value: valueOf(fieldset),
        comment: comment ? comment.value : ""
      })
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.error || text.failed); }
        show(fieldset, text.saved);
        if (status) { status.textContent = text.saved; }
        updateProgress(body);
      });
    }).catch(function (error) {
      var message = error && error.message && error.message !== "Failed to fetch" ? error.message : text.failed;
      show(fieldset, message);
      if (status) { status.textContent = message; }
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = questionOf(event.target);
    if (fieldset && event.target.type === "radio") { save(fieldset); }
  });
  form.addEventListener("input", function (event) {
    var fieldset = questionOf(event.target);
    if (!fieldset || event.target.tagName !== "TEXTAREA") { return; }
    clearTimeout(timers[fieldset.dataset.question]);
    timers[fieldset.dataset.question] = setTimeout(function () { save(fieldset); }, 800);
  });
})();
