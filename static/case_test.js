// The case-test page's few lines of script: the countdown to the deadline (the server
// enforces it; this is for the candidate's eyes), the confirmation before handing in,
// the play-once recording, reports of listening time, and going to the result when the
// test ends.
(function () {
  "use strict";
  var shell = document.querySelector(".case-test");
  var socket = null;
  var deadlineAt = null;
  var shownDeadline = null; // the #deadline element the countdown was last set from
  var shownPane = null; // the #case-pane element of the case on screen
  var started = null; // when the recording began playing, for listening time

  function send(msg) { if (socket) { socket.sendImmediately(JSON.stringify(msg), shell); } }
  function version() { var pane = document.getElementById("case-pane"); return pane && pane.dataset.version; }

  shell.addEventListener("htmx:wsOpen", function (evt) { socket = evt.detail.socketWrapper; });

  // Integrity signals for the proctor of a sitting: reported, never judged here.
  var lastSignal = {};
  function signal(kind) {
    var now = Date.now();
    if (lastSignal[kind] && now - lastSignal[kind] < 1000) { return; }
    lastSignal[kind] = now;
    send({ type: "signal", kind: kind });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { signal("focus_lost"); }
  });
  window.addEventListener("blur", function () { signal("focus_lost"); });
  var wasFullscreen = false;
  document.addEventListener("fullscreenchange", function () {
    if (document.fullscreenElement) { wasFullscreen = true; return; }
    if (wasFullscreen) { signal("fullscreen_exit"); }
  });
  shell.addEventListener("paste", function (evt) {
    if (evt.target && evt.target.matches && evt.target.matches("textarea, input")) { signal("paste"); }
  });
  shell.addEventListener("htmx:wsConfigSend", function (evt) {
    evt.detail.headers = null;
    // A changed answer is not saved until the server acknowledges it again.
    var mark = evt.target.matches && evt.target.matches("form.case-question")
      ? evt.target.querySelector(".saved") : null;
    if (mark) { mark.textContent = ""; }
    // The websocket extension ignores hx-confirm, so the hand-in form asks here. Declined:
    // send nothing, and keep the browser from submitting the form as a page request.
    var question = evt.target.getAttribute && evt.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      evt.preventDefault();
      if (evt.detail.triggeringEvent) { evt.detail.triggeringEvent.preventDefault(); }
    }
  });
  // An answer form is sent on "change"; Enter in its text box must not also submit it as
  // a page request (which would reload the test with the answer in the address).
  document.addEventListener("submit", function (evt) {
    if (evt.target.closest && evt.target.closest("form.case-question")) { evt.preventDefault(); }
  });

  function showTimeLeft() {
    if (deadlineAt === null) { return; }
    var left = Math.max(0, deadlineAt - performance.now()) / 1000;
    var m = Math.floor(left / 60), s = Math.floor(left % 60);
    document.getElementById("deadline").textContent = m + ":" + (s < 10 ? "0" : "") + s;
  }

  shell.addEventListener("htmx:wsAfterMessage", function () {
    var end = document.getElementById("case-end");
    if (end) { window.location.assign(end.dataset.href); return; }
    var deadline = document.getElementById("deadline");
    // Only a case frame brings a new #deadline, with the time left as it was sent; an ack
    // or an error keeps the old one, whose figure would wind the countdown back.
    if (deadline && deadline !== shownDeadline) {
      shownDeadline = deadline;
      if (deadline.dataset.paused) { deadlineAt = null; return; } // the time is stopped
      var ms = parseFloat(deadline.dataset.remainingMs || "NaN");
      if (!isNaN(ms)) { deadlineAt = performance.now() + ms; }
    }
    showTimeLeft(); // at once: a new case frame must not leave the placeholder showing
    // A new case (not an ack) is read from its top, and the keyboard starts there too: the
    // button that asked for it sat below the questions and is gone.
    var pane = document.getElementById("case-pane");
    if (pane && pane !== shownPane && pane.dataset.version) {
      shownPane = pane;
      var heading = pane.querySelector("h2");
      window.scrollTo(0, 0);
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
    }
  });

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest("button.play-once");
    if (!button) { return; }
    var audio = document.getElementById(button.dataset.target);
    button.disabled = true;
    audio.play();
  });
  document.addEventListener("play", function (evt) {
    if (evt.target.tagName === "AUDIO") { started = performance.now(); }
  }, true);
  function stopped(evt) {
    if (evt.target.tagName !== "AUDIO" || started === null || !version()) { return; }
    send({ type: "listen", version: parseInt(version(), 10), plays: evt.target.dataset.playOnce ? 0 : 1,
           seconds: (performance.now() - started) / 1000 });
    started = null;
  }
  document.addEventListener("pause", stopped, true);
  document.addEventListener("ended", stopped, true);
  // A play-once recording cannot be sought.
  document.addEventListener("seeking", function (evt) {
    if (evt.target.dataset && evt.target.dataset.playOnce && evt.target.currentTime > 0.5) {
      evt.target.currentTime = evt.target.played.length ? evt.target.played.end(0) : 0;
    }
  }, true);

  setInterval(showTimeLeft, 500);
})();
