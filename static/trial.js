// The trial page's few lines of script. The htmx websocket extension swaps the
// task fragments; this file answers the server's pings (so it can measure the
// round trip), keeps focus in the answer box, shows a clock and gives the
// keyboard shortcuts. The clock is for the candidate's eyes only: the server
// times every task itself.
(function () {
  "use strict";
  var shell = document.querySelector(".trial-shell");
  var clock = document.getElementById("clock");
  var conn = document.getElementById("conn");
  var shownAt = null; // performance.now() when the current task arrived
  var baseMs = 0; // connected time the server reported with the task
  var shownTask = null; // the #task element the clock was started for

  function answerBox() { return document.getElementById("answer"); }
  function focusAnswer() { var box = answerBox(); if (box && !box.readOnly) { box.focus(); } }

  shell.addEventListener("htmx:wsBeforeMessage", function (evt) {
    var text = evt.detail.message;
    if (typeof text !== "string" || text.charAt(0) !== "{") { return; }
    evt.preventDefault(); // JSON frames are not fragments to swap
    var msg;
    try { msg = JSON.parse(text); } catch (e) { return; }
    if (msg.type === "ping") {
      evt.detail.socketWrapper.sendImmediately(JSON.stringify({ type: "pong", id: msg.id }), shell);
    }
  });

  shell.addEventListener("htmx:wsAfterMessage", function () {
    var end = document.getElementById("trial-end");
    if (end) { shownAt = null; window.location.assign(end.dataset.href); return; }
    var task = document.getElementById("task");
    if (task && task.dataset.paused) { shownAt = null; shownTask = task; return; }
    // Only a task frame brings a new #task element; an error frame leaves it in place and
    // must not set the clock back to the moment the task was shown.
    if (task && task.dataset.seq && task !== shownTask) {
      shownTask = task;
      baseMs = parseFloat(task.dataset.elapsedMs || "0");
      shownAt = performance.now();
    }
    var error = document.getElementById("trial-error");
    if (error && error.textContent.trim()) {
      var box = answerBox();
      if (box) { box.readOnly = false; box.select(); }
    }
    focusAnswer();
  });

  shell.addEventListener("htmx:wsConfigSend", function (evt) {
    // Everything but our pong goes out as a form; strip the htmx headers we do not use
    // (the extension adds them as a HEADERS member unless the headers are cleared).
    evt.detail.headers = null;
  });

  shell.addEventListener("htmx:wsAfterSend", function (evt) {
    var box = answerBox();
    if (box && evt.detail && evt.detail.elt && evt.detail.elt.id === "answer-form") {
      box.readOnly = true; // one answer per task: the next task re-enables typing
    }
  });

  // Integrity signals for the proctor: reported, never judged here. At most one of a
  // kind per second; the server logs each with its own clock.
  var socketWrapper = null;
  var lastSignal = {};
  function signal(kind) {
    var now = Date.now();
    if (!socketWrapper || (lastSignal[kind] && now - lastSignal[kind] < 1000)) { return; }
    lastSignal[kind] = now;
    socketWrapper.sendImmediately(JSON.stringify({ type: "signal", kind: kind }), shell);
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
  // Copying from the knowledge-base panel on this page is the point of the trial, so a
  // paste of text copied here is not reported; a paste from anywhere else is.
  var copiedHere = "";
  document.addEventListener("copy", function () {
    copiedHere = String(window.getSelection() || "").trim();
  });
  shell.addEventListener("paste", function (evt) {
    if (!evt.target || evt.target.id !== "answer") { return; }
    var text = evt.clipboardData ? evt.clipboardData.getData("text").trim() : "";
    if (!text || text !== copiedHere) { signal("paste"); }
  });

  shell.addEventListener("htmx:wsOpen", function (evt) {
    socketWrapper = evt.detail && evt.detail.socketWrapper;
    conn.dataset.state = "open"; conn.textContent = conn.dataset.openText || "●";
  });
  shell.addEventListener("htmx:wsClose", function () {
    shownAt = null; conn.dataset.state = "closed"; conn.textContent = conn.dataset.closedText || "○";
  });

  document.addEventListener("keydown", function (evt) {
    if ((evt.ctrlKey || evt.metaKey) && (evt.key === "k" || evt.key === "K")) {
      evt.preventDefault();
      var q = document.getElementById("kb-q");
      if (q) { q.focus(); q.select(); }
    } else if (evt.key === "Escape") {
      // Without preventDefault, Escape in the type="search" box also clears it (Chromium's
      // default action), which wipes the hits the candidate is about to copy the answer from.
      if (answerBox()) { evt.preventDefault(); }
      focusAnswer();
    }
  });

  setInterval(function () {
    if (shownAt === null) { return; }
    clock.textContent = ((baseMs + performance.now() - shownAt) / 1000).toFixed(1);
  }, 100);
})();
