// The proctor console: one websocket to /ws/proctor/{sitting}; rows are rebuilt from
// the server's JSON frames (see docs/protocol.md, "The proctor console"). All text
// from the server is inserted as text, never as HTML.
(function () {
  "use strict";
  var root = document.getElementById("console");
  var t = JSON.parse(root.dataset.i18n);
  var tbody = document.getElementById("seats");
  var feed = document.getElementById("signals");
  var errorBox = document.getElementById("console-error");
  var conn = document.getElementById("console-conn");
  var rows = {}; // seat id -> row data
  var signals = {}; // seat id -> count
  var socket = null;
  var retry = 500;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function send(msg) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(msg)); }
  }

  function stateLabel(row) {
    if (row.state === "in_progress" && !row.connected) { return t.disconnected; }
    return t[row.state] || row.state;
  }

  function timeText(row) {
    var parts = [];
    if (row.elapsed_ms) { parts.push((row.elapsed_ms / 1000).toFixed(1) + " " + t.seconds); }
    if (row.remaining_ms !== null && row.remaining_ms !== undefined) {
      parts.push(Math.ceil(row.remaining_ms / 60000) + " min " + t.left);
    }
    if (row.extra_minutes) { parts.push("+" + row.extra_minutes + " min"); }
    return parts.join(" · ");
  }

  var ACTIONS = {
    waiting: ["start", "pause", "extra_time", "void", "move"],
    in_progress: ["pause", "extra_time", "void", "move"],
    paused: ["resume", "extra_time", "void", "move"],
    finished: ["void"],
    not_arrived: [],
    voided: []
  };

  function act(action, seat) {
    var msg = { type: action, seat: seat };
    if (action === "void") {
      var reason = window.prompt(t.ask_void, "");
      if (reason === null || !reason.trim()) { return; }
      msg.reason = reason;
    } else if (action === "pause") {
      var why = window.prompt(t.ask_pause, "");
      if (why === null) { return; }
      msg.reason = why;
    } else if (action === "extra_time") {
      var minutes = window.prompt(t.ask_minutes, "5");
      if (minutes === null) { return; }
      msg.minutes = parseInt(minutes, 10);
    } else if (action === "move") {
      if (!window.confirm(t.ask_move)) { return; }
    }
    send(msg);
  }

  function render(row) {
    var tr = document.getElementById("seat-" + row.seat) || el("tr");
    tr.id = "seat-" + row.seat;
    tr.dataset.state = row.state;
    tr.dataset.connected = row.connected ? "1" : "0";
    while (tr.firstChild) { tr.removeChild(tr.firstChild); }
    tr.appendChild(el("td", row.employee_no));
    tr.appendChild(el("td", row.name));
    var status = el("td", stateLabel(row), "state state-" + row.state);
    if (row.pause_reason) { status.title = row.pause_reason; }
    if (row.void_reason) { status.title = row.void_reason; }
    tr.appendChild(status);
    tr.appendChild(el("td", row.of ? (t.task + " " + Math.min(row.answered + 1, row.of) + "/" + row.of) : "", "progress"));
    tr.appendChild(el("td", timeText(row), "elapsed"));
    tr.appendChild(el("td", signals[row.seat] ? String(signals[row.seat]) : "", "signals"));
    var cell = el("td", null, "actions");
    (ACTIONS[row.state] || []).forEach(function (action) {
      var button = el("button", t[action], "button small");
      button.type = "button";
      button.dataset.action = action;
      button.dataset.seat = row.seat;
      cell.appendChild(button);
    });
    tr.appendChild(cell);
    if (!tr.parentNode) { tbody.appendChild(tr); }
  }

  function summary() {
    var counts = {};
    Object.keys(rows).forEach(function (k) {
      var label = stateLabel(rows[k]);
      counts[label] = (counts[label] || 0) + 1;
    });
    document.getElementById("console-summary").textContent =
      Object.keys(counts).map(function (k) { return k + " " + counts[k]; }).join(" · ");
  }

  function setSitting(info) {
    document.getElementById("release-state").textContent = info.released ? t.released : t.not_released;
    document.getElementById("sitting-status").textContent = t["status_" + info.status] || info.status;
  }

  function onFrame(msg) {
    if (msg.type === "hello") {
      while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
      rows = {};
      msg.rows.forEach(function (row) { rows[row.seat] = row; render(row); });
      setSitting(msg.sitting);
    } else if (msg.type === "seat") {
      rows[msg.row.seat] = msg.row; render(msg.row);
    } else if (msg.type === "rows") {
      msg.rows.forEach(function (row) { rows[row.seat] = row; render(row); });
    } else if (msg.type === "progress" && rows[msg.seat]) {
      var row = rows[msg.seat];
      row.answered = msg.answered; row.of = msg.of; row.elapsed_ms = msg.elapsed_ms;
      render(row);
    } else if (msg.type === "presence" && rows[msg.seat]) {
      rows[msg.seat].connected = msg.connected; render(rows[msg.seat]);
    } else if (msg.type === "signal") {
      signals[msg.seat] = (signals[msg.seat] || 0) + 1;
      var who = rows[msg.seat] ? rows[msg.seat].employee_no + " " + rows[msg.seat].name : "#" + msg.seat;
      var item = el("li", new Date(msg.at).toLocaleTimeString() + " · " + who + " · " + (t[msg.kind] || msg.kind));
      item.dataset.kind = msg.kind;
      feed.insertBefore(item, feed.firstChild);
      if (rows[msg.seat]) { render(rows[msg.seat]); }
    } else if (msg.type === "sitting") {
      setSitting(msg.sitting);
    } else if (msg.type === "error") {
      errorBox.textContent = msg.message;
      return;
    } else if (msg.type === "ok") {
      errorBox.textContent = "";
    }
    summary();
  }

  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + root.dataset.ws;
    socket = new WebSocket(url);
    conn.dataset.state = "connecting";
    socket.onopen = function () { retry = 500; conn.dataset.state = "open"; conn.textContent = t.connected; };
    socket.onmessage = function (evt) {
      var msg;
      try { msg = JSON.parse(evt.data); } catch (e) { return; }
      onFrame(msg);
    };
    socket.onclose = function (evt) {
      conn.dataset.state = "closed"; conn.textContent = t.closed;
      if (evt.code === 4401 || evt.code === 4403 || evt.code === 4404) { return; }
      setTimeout(connect, retry); retry = Math.min(retry * 2, 10000);
    };
  }

  root.addEventListener("click", function (evt) {
    var button = evt.target.closest("button");
    if (!button) { return; }
    if (button.dataset.all) { send({ type: button.dataset.all }); return; }
    if (button.dataset.action) { act(button.dataset.action, parseInt(button.dataset.seat, 10)); }
  });

  connect();
})();
