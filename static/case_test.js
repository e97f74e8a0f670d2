// The case-test page's few lines of script: the countdown to the deadline (the server
// enforces it; this is for the candidate's eyes), the play-once recording, reports of
// listening time, and going to the result when the test ends.
(function () {
  "use strict";
  var shell = document.querySelector(".case-test");
  var socket = null;
  var deadlineAt = null;
  var started = null; // when the recording began playing, for listening time

  function send(msg) { if (socket) { socket.sendImmediately(JSON.stringify(msg), shell); } }
  function version() { var pane = document.getElementById("case-pane"); return pane && pane.dataset.version; }

  shell.addEventListener("htmx:wsOpen", function (evt) { socket = evt.detail.socketWrapper; });
  shell.addEventListener("htmx:wsConfigSend", function (evt) { evt.detail.headers = null; });

  shell.addEventListener("htmx:wsAfterMessage", function () {
    var end = document.getElementById("case-end");
    if (end) { window.location.assign(end.dataset.href); return; }
    var deadline = document.getElementById("deadline");
    var ms = parseFloat(deadline.dataset.remainingMs || "NaN");
    if (!isNaN(ms)) { deadlineAt = performance.now() + ms; }
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

  setInterval(function () {
    if (deadlineAt === null) { return; }
    var left = Math.max(0, deadlineAt - performance.now()) / 1000;
    var m = Math.floor(left / 60), s = Math.floor(left % 60);
    document.getElementById("deadline").textContent = m + ":" + (s < 10 ? "0" : "") + s;
  }, 500);
})();
