"""Shared bench helpers: a prepared instance folder, gunicorn on loopback, a load generator.

``load()`` uses ``wrk`` when installed (``apt-get install wrk``) and otherwise (or with
``BENCH_LOADGEN=python``) a small threaded Python client; the output says which measured.
"""
from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
ENV_CLEAR = ("SENTEM_DATABASE_URL", "SENTEM_ARCHIVE_DATABASE_URL", "SENTEM_KEYSTORE_DATABASE_URL",
             "SENTEM_REDIS_URL", "SENTEM_MASTER_KEY", "SENTEM_SECRET_KEY", "SENTEM_ENV")


# The PostgreSQL databases the in-process benches use (their ``public`` schema is dropped!).
PG_ENV = ("SENTEM_BENCH_PG_DATABASE_URL", "SENTEM_BENCH_PG_ARCHIVE_DATABASE_URL",
          "SENTEM_BENCH_PG_KEYSTORE_DATABASE_URL")


def in_process_config(backend: str, instance: str) -> dict:
    """Settings of an in-process bench app: SQLite files in ``instance``, or the PG_ENV databases."""
    cfg = {"SENTEM_INSTANCE_PATH": instance, "TESTING": True, "SENTEM_REDIS_URL": None,
           "SENTEM_MASTER_KEY": None, "SENTEM_INPROCESS_SCHEDULER": False}
    if backend == "postgresql":
        cfg.update({"SQLALCHEMY_DATABASE_URI": os.environ[PG_ENV[0]],
                    "SENTEM_ARCHIVE_DATABASE_URL": os.environ[PG_ENV[1]],
                    "SENTEM_KEYSTORE_DATABASE_URL": os.environ[PG_ENV[2]]})
    else:
        cfg.update({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/sentem.db",
                    "SENTEM_ARCHIVE_DATABASE_URL": f"sqlite:///{instance}/sentem-archive.db",
                    "SENTEM_KEYSTORE_DATABASE_URL": f"sqlite:///{instance}/sentem-keys.db"})
    return cfg


def fresh_schema() -> None:
    """Empty PostgreSQL schemas (SQLite files are new anyway), then every table (app context)."""
    from sqlalchemy import text

    from sentem.extensions import db

    for engine in db.engines.values():
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
    db.create_all()


def embedded_env(instance: str) -> dict:
    """Environment for a Sentem process on the embedded default in ``instance``."""
    env = {k: v for k, v in os.environ.items() if k not in ENV_CLEAR}
    env["SENTEM_INSTANCE_PATH"] = instance
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def flask(instance: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``flask --app wsgi ARGS`` against ``instance``."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env=embedded_env(instance), capture_output=True, text=True, check=check)


@contextlib.contextmanager
def prepared_instance(seed: bool = True):
    """A temporary instance folder after ``flask init`` (and ``demo seed`` of the catalog and staff:
    the demo shoppers' orders would change the figures and cost half a minute)."""
    path = tempfile.mkdtemp(prefix="sentem-bench-")
    try:
        flask(path, "init")
        if seed:
            result = flask(path, "demo", "seed", "--no-shoppers", check=False)
            if result.returncode != 0:
                print("  (no demo catalog: `flask demo seed` is not available or failed)")
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict, workers: int = 2):
    """Serve ``app_spec`` with gunicorn sync workers on a free loopback port; yields the base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-k", "sync", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "60", app_spec],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + proc.stderr.read()[-3000:])
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start within 60 s")
                time.sleep(0.1)
        # The master listens before its workers have built the app (seconds on a busy
        # machine): wait for a first answer, whatever its status, before anything is timed.
        for _ in range(workers):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=max(1.0, deadline - time.monotonic()))
            try:
                conn.request("GET", "/")
                conn.getresponse().read()
            finally:
                conn.close()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def load(url: str, seconds: float = SECONDS, connections: int = CONNECTIONS,
         headers: dict | None = None) -> dict:
    """Load ``url`` for ``seconds``; returns {rps, p99_ms, tool, errors}."""
    headers = headers or {}
    warm(url, headers=headers)
    if shutil.which("wrk") and os.environ.get("BENCH_LOADGEN") != "python":
        return _wrk(url, seconds, connections, headers)
    return _threaded(url, seconds, min(connections, 16), headers)


def print_loads(rows, indent: str = "    ", width: int = 22) -> None:
    """One line per ``(label, load() result)``: throughput, p99, the load tool, non-2xx answers."""
    for label, r in rows:
        extra = f", {r['errors']} non-2xx" if r["errors"] else ""
        print(f"{indent}{label:<{width}} {r['rps']:>8.0f} req/s   p99 {r['p99_ms']:>7.1f} ms   ({r['tool']}{extra})")


def print_ratios(ratios: dict, target: float, template: str = "{} / bare", indent: str = "    ") -> None:
    """One line per ratio, next to its goal (``template`` names it from the key)."""
    for key, ratio in ratios.items():
        verdict = "ok" if ratio >= target else f"BELOW goal {target}"
        print(f"{indent}{template.format(key)}: {ratio:.2f}x   (goal >= {target}x: {verdict})")


def warm(url: str, n: int = 20, headers: dict | None = None) -> None:
    """A few requests first, so that lazy imports and first-request work are not measured;
    fails loudly when the page does not answer 200."""
    for _ in range(n):
        status, _ = _get_once(url, headers or {})
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")


def _get_once(url: str, headers: dict):
    host, port, path = _split(url)
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _split(url: str):
    m = re.match(r"http://([^:/]+):(\d+)(/.*)?$", url)
    return m.group(1), int(m.group(2)), m.group(3) or "/"


def _wrk(url: str, seconds: float, connections: int, headers: dict) -> dict:
    extra = [a for k, v in headers.items() for a in ("-H", f"{k}: {v}")]
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{max(1, int(seconds))}s", "--latency", *extra, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _ms(re.search(r"^\s*99%\s+([\d.]+\w+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    sock = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p99_ms": p99, "tool": f"wrk -t2 -c{connections}", "errors": errors,
            "socket_errors": sock.group(0) if sock else ""}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _threaded(url: str, seconds: float, threads: int, headers: dict) -> dict:
    host, port, path = _split(url)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=10)
        mine = []
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    errors[0] += 1
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=10)
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)

    elapsed = run_threads(worker, threads)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
    return {"rps": len(latencies) / elapsed, "p99_ms": p99, "tool": f"python threads x{threads}",
            "errors": errors[0], "socket_errors": ""}


def run_threads(target, count: int) -> float:
    """Run ``target`` in ``count`` threads at once; returns the wall time in seconds."""
    started = time.perf_counter()
    pool = [threading.Thread(target=target) for _ in range(count)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - started


def timeit(fn, n: int) -> float:
    """Seconds per call of ``fn`` over ``n`` calls (best of three rounds)."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best
