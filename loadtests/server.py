"""Starting, killing and watching the processes of a load test.

Every process is started in its own session with its output in a log file, and
is stopped by its own id (``stop``: SIGTERM, then SIGKILL after a grace period).
``ResourceSampler`` reads the CPU time and resident memory of each watched
process and its children (psutil) twice a second.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Service:
    """A server process (examsrv or the echo app) listening on 127.0.0.1:``port``."""

    name: str
    argv: list[str]
    port: int
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = REPO
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout_s: float = 60.0) -> None:
        log = self.log_path.open("ab")
        self.starts += 1
        log.write(f"--- start {self.starts} at {time.strftime('%H:%M:%S')}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(
            self.argv,
            env={**os.environ, **self.env},
            cwd=self.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self._wait_ready(timeout_s)

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base_url + "/-/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout_s} s; see {self.log_path}")

    def health(self) -> dict[str, Any] | None:
        try:
            with urllib.request.urlopen(self.base_url + "/-/health", timeout=5) as r:
                data: dict[str, Any] = json.loads(r.read())
                return data
        except (OSError, ValueError):
            return None

    def kill(self) -> None:
        """SIGKILL, as a crash would: no shutdown code runs."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self, grace_s: float = 10.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def examsrv_service(
    port: int, log_path: Path, env: dict[str, str], workers: int, ws: str = "auto"
) -> Service:
    argv = [str(BIN / "examsrv"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        argv += ["--workers", str(workers)]
    if ws != "auto":
        argv += ["--ws", ws]
    return Service("examsrv", argv, port, log_path, env, cwd=log_path.parent)


def echo_service(port: int, log_path: Path) -> Service:
    argv = [
        str(BIN / "uvicorn"),
        "loadtests.echo_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--ws-max-size",
        str(64 * 1024),
    ]
    return Service("echo", argv, port, log_path)


MACHINE = "machine"  # every process on the machine: CPU busy time of all cores


@dataclass
class Usage:
    cpu_percent_mean: float  # of one core, over the window
    cpu_percent_max: float  # highest one-second reading
    rss_max_mb: float


class ResourceSampler:
    """Samples CPU time and RSS of named process trees until stopped."""

    def __init__(self, interval_s: float = 0.5) -> None:
        self.interval_s = interval_s
        self._pids: dict[str, int] = {}
        self._samples: dict[str, list[tuple[float, float, float]]] = {}  # (t, cpu s, rss)
        self._cpu_base: dict[str, float] = {}  # CPU seconds of processes that have ended
        self._last_cpu: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="resource-sampler", daemon=True)
        self._lock = threading.Lock()

    def watch(self, name: str, pid: int) -> None:
        """Watch ``pid`` under ``name``; a new pid for the same name (a restart) continues it."""
        with self._lock:
            if name in self._pids:
                self._cpu_base[name] = self._last_cpu.get(name, 0.0)
            self._pids[name] = pid
            self._samples.setdefault(name, [])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        self._samples[MACHINE] = []
        while not self._stop.is_set():
            now = time.time()
            self._samples[MACHINE].append((now, _busy_cpu_s(), psutil.virtual_memory().used))
            with self._lock:
                for name, pid in self._pids.items():
                    measured = _tree_usage(pid)
                    if measured is None:
                        continue
                    cpu = self._cpu_base.get(name, 0.0) + measured[0]
                    self._last_cpu[name] = cpu
                    self._samples[name].append((now, cpu, measured[1]))
            self._stop.wait(self.interval_s)

    def dump(self, path: Path) -> None:
        """Every sample as CSV: name, wall time (s), CPU seconds, RSS bytes."""
        with path.open("w") as f:
            f.write("name,time_s,cpu_s,rss_bytes\n")
            for name, rows in self._samples.items():
                for t, cpu, rss in rows:
                    f.write(f"{name},{t:.3f},{cpu:.3f},{rss:.0f}\n")

    def usage(self, name: str, start_s: float, end_s: float) -> Usage | None:
        rows = [r for r in self._samples.get(name, []) if start_s <= r[0] <= end_s]
        if len(rows) < 2:
            return None
        span = rows[-1][0] - rows[0][0]
        mean = 100.0 * (rows[-1][1] - rows[0][1]) / span if span > 0 else 0.0
        peak = 0.0
        j = 0
        for i in range(1, len(rows)):  # readings over spans of about one second
            dt = rows[i][0] - rows[j][0]
            if dt >= 1.0:
                peak = max(peak, 100.0 * max(rows[i][1] - rows[j][1], 0.0) / dt)
                j = i
        rss = max(r[2] for r in rows) / 2**20
        return Usage(round(mean, 1), round(peak, 1), round(rss, 1))


def _busy_cpu_s() -> float:
    """CPU seconds all cores have spent busy since boot."""
    t = psutil.cpu_times()
    fields = ("user", "nice", "system", "irq", "softirq", "steal")
    return sum(getattr(t, f, 0.0) for f in fields)


def _tree_usage(pid: int) -> tuple[float, float] | None:
    """(CPU seconds, RSS bytes) of ``pid`` and its descendants."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return None
    cpu = rss = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            cpu += t.user + t.system
            rss += p.memory_info().rss
        except psutil.Error:
            continue
    return cpu, rss
