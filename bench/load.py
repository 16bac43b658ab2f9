"""The app under a bounded load: gunicorn with 2 workers on 127.0.0.1, 16 connections for 30 s
of mixed requests (calendar polls with their ETag, the director's dashboard, the public
documents page), reporting requests per second, the median and 99th percentile, errors (must be
zero), and the workers' peak memory.

    python -m bench.load [--seconds 30] [--connections 16] [--workers 2] [--scale N]

The data is a new SQLite file, or, when TRACKER_DATABASE_URL names a PostgreSQL server, a new
database there (dropped afterwards), holding the demo school and N generated ones.

The load is made by Python threads on the same machine (only loopback addresses), so on a
small machine the client takes some of the CPU the server could use: the figures are a floor
of what the server can do, not a ceiling.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.common import RESULTS, bench_database, database_kind, machine

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, seconds: float = 30) -> None:
    """Until a server answers on the port (gunicorn starting its workers)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on 127.0.0.1:{port} after {seconds:.0f} s")


def run(args: list[str], env: dict) -> str:
    return subprocess.run(  # noqa: S603 -- our own venv's commands, fixed arguments
        args, env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


class Client:
    """One connection with its cookies (a logged-in person, or a visitor)."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), content

    def log_in(self, username: str, password: str) -> None:
        _status, _headers, page = self.request("GET", "/login")
        token = CSRF.search(page.decode()).group(1)
        status, _h, _b = self.request(
            "POST", "/login", {"csrf_token": token, "username": username, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"login failed: {status}")


def load(port: int, password: str, feed: str, seconds: float, connections: int) -> dict:
    results: list[tuple[float, str, bool]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(number: int) -> None:
        client = Client(port)
        client.log_in("director", password)
        visitor = Client(port)
        _s, headers, _b = visitor.request("GET", feed)
        etag = headers.get("ETag", "")
        rng = random.Random(number)  # noqa: S311 -- a load mix, not a secret
        mine = []
        while time.monotonic() < deadline:
            choice = rng.random()
            start = time.perf_counter()
            try:
                if choice < 0.4:
                    name = "feed (ETag)"
                    status, _h, _b = visitor.request("GET", feed, headers={"If-None-Match": etag})
                    ok = status in (200, 304)
                elif choice < 0.7:
                    name = "dashboard"
                    status, _h, _b = client.request("GET", "/")
                    ok = status == 200
                else:
                    name = "public page"
                    status, _h, _b = visitor.request("GET", "/public/school20/documents")
                    ok = status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                client, visitor = Client(port), Client(port)
                client.log_in("director", password)
            mine.append((time.perf_counter() - start, name, ok))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    times = sorted(r[0] for r in results)
    summary = {
        "requests": len(results),
        "seconds": round(elapsed, 1),
        "rps": round(len(results) / elapsed, 1),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p99_ms": round(times[int(len(times) * 0.99) - 1] * 1000, 1),
        "errors": sum(1 for r in results if not r[2]),
        "by_kind": {},
    }
    for kind in sorted({r[1] for r in results}):
        kind_times = sorted(r[0] for r in results if r[1] == kind)
        summary["by_kind"][kind] = {
            "requests": len(kind_times),
            "median_ms": round(statistics.median(kind_times) * 1000, 1),
            "p99_ms": round(kind_times[int(len(kind_times) * 0.99) - 1] * 1000, 1),
        }
    return summary


def memory_kb(pid: int, field: str) -> int | None:
    """A process's memory figure from /proc (VmRSS: resident now; VmHWM: its peak), in kB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(rf"{field}:\s+(\d+) kB", status)
    return int(match.group(1)) if match else None


def peak_memory_mb(pids: list[int]) -> float:
    """The largest peak resident size (VmHWM) among the server's processes."""
    peaks = [kb / 1024 for kb in (memory_kb(pid, "VmHWM") for pid in pids) if kb is not None]
    return round(max(peaks, default=0.0), 1)


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=int, default=0, help="N generated schools beside the demo")
    options = parser.parse_args()
    port = free_port()
    from tracker.demo import demo_password

    password = demo_password()
    with (
        tempfile.TemporaryDirectory(prefix="tracker-load-") as folder,
        bench_database(folder) as url,
    ):
        env = {
            **os.environ,
            "TRACKER_DATABASE_URL": url,
            "TRACKER_SECRET_KEY": secrets.token_hex(32),
            "TRACKER_BASE_URL": f"http://127.0.0.1:{port}/",
        }
        run([str(BIN / "flask"), "--app", "tracker", "db", "upgrade"], env)
        run([str(BIN / "tracker"), "demo", f"--password={password}"], env)
        if options.scale:
            run(
                [
                    str(BIN / "python"),
                    "-m",
                    "bench.scale",
                    str(options.scale),
                    f"--password={password}",
                ],
                env,
            )
        feed = urllib.parse.urlparse(
            run([str(BIN / "tracker"), "ical-url", "director"], env).strip()
        ).path
        server = subprocess.Popen(  # noqa: S603 -- our own venv's gunicorn, fixed arguments
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(options.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "tracker:create_app()",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            wait_for(port)
            summary = load(port, password, feed, options.seconds, options.connections)
            summary["workers"] = options.workers
            summary["schools"] = 1 + options.scale
            summary["connections"] = options.connections
            summary["peak_worker_mb"] = peak_memory_mb(children(server.pid))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(
        f"{summary['schools']} schools: {summary['requests']} requests "
        f"in {summary['seconds']} s: {summary['rps']} req/s, "
        f"median {summary['median_ms']} ms, p99 {summary['p99_ms']} ms, "
        f"errors {summary['errors']}, worker peak {summary['peak_worker_mb']} MB"
    )
    for kind, figures in summary["by_kind"].items():
        print(
            f"  {kind:<14} {figures['requests']:>6}  "
            f"median {figures['median_ms']} ms  p99 {figures['p99_ms']} ms"
        )
    RESULTS.mkdir(exist_ok=True)
    kind = database_kind()
    name = f"load-{1 + options.scale}" + ("" if kind == "sqlite" else f"-{kind}")
    (RESULTS / f"{name}.json").write_text(
        json.dumps({"benchmark": "load", "machine": machine(), **summary}, indent=2) + "\n"
    )
    if summary["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
