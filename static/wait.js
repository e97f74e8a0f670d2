// The waiting room of a checked-in candidate. It keeps a websocket open to
// /ws/seat/{seat_id} (the container's data-ws) and follows what the proctor does:
//   {"type": "go", "url": "/trial/12"}        the test starts: open it
//   {"type": "paused", "reason": "..."}      show why the candidate is held
//   {"type": "resumed"} / {"type": "waiting"} clear the pause
//   {"type": "voided", "reason": "..."}      the attempt was voided: show why, stop
// If the connection drops it reconnects with a growing delay (1 s doubling to 30 s,
// with jitter), and the connection state is always on screen.
(function () {
  "use strict";
  var room = document.getElementById("waiting-room");
  if (!room || !room.dataset.ws) { return; }

  function part(role) { return room.querySelector('[data-role="' + role + '"]'); }
  var conn = part("conn");
  var delayMs = 1000;
  var MAX_DELAY_MS = 30000;
  var finished = false; // going to the test, or voided: no more reconnecting
  var socket = null;

  function showConn(state) {
    if (!conn) { return; }
    conn.dataset.state = state;
    var label = conn.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)];
    if (label) { conn.textContent = label; }
  }

  function showPaused(reason) {
    var box = part("paused");
    if (!box) { return; }
    box.querySelector('[data-role="reason"]').textContent = reason || "";
    box.hidden = false;
  }

  function clearPaused() {
    var box = part("paused");
    if (box) { box.hidden = true; }
  }

  function showVoided(reason) {
    var box = part("voided");
    clearPaused();
    if (box) {
      box.querySelector('[data-role="reason"]').textContent = reason || "";
      box.hidden = false;
    }
    var status = part("status");
    if (status) { status.hidden = true; }
  }

  function sameSite(url) {
    // Only a path on this site is followed (never another origin).
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function onMessage(evt) {
    var msg;
    try { msg = JSON.parse(evt.data); } catch (e) { return; }
    if (!msg || typeof msg.type !== "string") { return; }
    if (msg.type === "go" && sameSite(msg.url)) {
      finished = true;
      location.assign(msg.url);
    } else if (msg.type === "paused") {
      showPaused(msg.reason);
    } else if (msg.type === "resumed" || msg.type === "waiting") {
      clearPaused();
    } else if (msg.type === "voided") {
      finished = true;
      showVoided(msg.reason);
      if (socket) { socket.close(); }
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    showConn("connecting");
    try {
      socket = new WebSocket(scheme + location.host + room.dataset.ws);
    } catch (e) {
      retry();
      return;
    }
    socket.addEventListener("open", function () {
      delayMs = 1000;
      showConn("open");
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function () {
      socket = null;
      if (finished) { return; }
      showConn("closed");
      retry();
    });
  }

  function retry() {
    var wait = delayMs / 2 + Math.random() * delayMs / 2;
    delayMs = Math.min(delayMs * 2, MAX_DELAY_MS);
    window.setTimeout(connect, wait);
  }

  connect();
}());
