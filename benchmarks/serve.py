"""``lianxue serve`` under load, against a static file server serving the same feeds (the floor).

Run from the repository root (not run by the tests)::

    .venv/bin/python benchmarks/serve.py                    # the bundled example county
    .venv/bin/python benchmarks/serve.py --markdown         # the tables as Markdown

The feeds of the example county (2026, ``SOURCE_DATE_EPOCH`` fixed) are built once with
``lianxue_core.app`` and written to a temporary folder. Two servers then serve the same bytes, each in a
process of its own, one after the other:

- **lianxue**: :func:`lianxue_core.calendar.serve.make_server` (uvicorn, the limits of ``lianxue serve``),
  logging one line per request to a file, as ``lianxue serve`` logs to standard error;
- **floor**: the standard library's static file server (``http.server.ThreadingHTTPServer`` with
  ``SimpleHTTPRequestHandler``, a thread per connection) over the folder, with its listen backlog raised
  from 5 to 2,048 so that it is a floor and not a straw man (nginx is not installed on this machine).

The load comes from asyncio clients in this process (standard library only): each request opens a
connection, sends ``GET`` for one normal feed (the organization feed of median size), reads the whole
answer and closes; latency is from the start of the connect to the last byte. For 1, 50, 200 and 1,000
concurrent clients, each client sends requests back to back until the round's total is reached. Then
**1,000 slow connections** (slowloris: each sends a request line and headers a few bytes at a time, one
every 2 s, and reconnects when the server closes it) are held open while 50 normal clients measure again.
A request that fails or takes more than 30 s counts as an error. The process's open-file limit is raised
to fit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

STAMP = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
TIMEOUT = 30.0

LIANXUE_SERVER = """
import sys, datetime as dt
from pathlib import Path
from lianxue_core.calendar.serve import make_server
folder, port, log = Path(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3], "w")
feeds = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.ics"))}
server = make_server(feeds, "127.0.0.1", port, log=log, last_modified=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
print("ready", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
"""

FLOOR_SERVER = """
import functools, http.server, sys
folder, port, log = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], "w")
class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, format, *args):
        log.write("%s - %s\\n" % (self.address_string(), format % args)); log.flush()
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 2048
    daemon_threads = True
server = Server(("127.0.0.1", port), functools.partial(Handler, directory=folder))
print("ready", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def raise_file_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def build_feeds(folder: Path) -> str:
    """Write the example county's feeds into ``folder``; return the path of a normal (median) feed."""
    from lianxue_core import PluginHost, app, example_path, load
    from lianxue_core.calendar import FeedOptions, FeedSet

    host = PluginHost()
    tree = load(example_path(), tracks=host.tracks())
    plan = app.plan_year(tree, host, 2026)
    sizes = {}
    for feed in app.feeds(tree, plan, host, options=FeedOptions(stamp=STAMP), which=FeedSet(people=True)):
        path = folder / feed.path
        path.parent.mkdir(parents=True, exist_ok=True)
        data = feed.text.encode("utf-8")
        path.write_bytes(data)
        if "/" not in feed.path:
            sizes[feed.path] = len(data)
    ordered = sorted(sizes, key=lambda p: sizes[p])
    return ordered[len(ordered) // 2]


@contextlib.contextmanager
def running(script: str, folder: Path, log: Path) -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(folder), str(port), str(log)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=lambda: raise_file_limit(8192),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"server did not start: {line}{process.stdout.read()}")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def fetch(port: int, path: str, size: int) -> float | None:
    """One request on a new connection: seconds to the last byte, or ``None`` on failure."""
    started = time.perf_counter()
    writer = None
    try:
        async with asyncio.timeout(TIMEOUT):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET /{path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200") and not head.startswith(b"HTTP/1.0 200"):
                return None
            body = await reader.readexactly(size)
            if len(body) != size:
                return None
    except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return None
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
    return time.perf_counter() - started


async def load(port: int, path: str, size: int, clients: int, total: int) -> tuple[list[float], int, float]:
    """``clients`` concurrent clients sending ``total`` requests; latencies, errors, wall seconds."""
    latencies: list[float] = []
    errors = 0
    left = total

    async def client() -> None:
        nonlocal left, errors
        while left > 0:
            left -= 1
            took = await fetch(port, path, size)
            if took is None:
                errors += 1
            else:
                latencies.append(took)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - started


async def slowloris(port: int, count: int, stop: asyncio.Event, stats: dict[str, int]) -> None:
    """``count`` connections that send their headers a few bytes every 2 s, reconnecting when closed."""
    request = b"GET /index.html HTTP/1.1\r\nHost: bench\r\n" + b"".join(b"X-Slow-%d: yes\r\n" % i for i in range(500))

    async def one() -> None:
        while not stop.is_set():
            writer = None
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                stats["open"] += 1
                for i in range(0, len(request), 4):
                    writer.write(request[i : i + 4])
                    await writer.drain()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(2):
                            if await reader.read(1) == b"":
                                stats["closed by server"] += 1
                                break
                    if stop.is_set():
                        break
            except OSError:
                stats["refused or reset"] += 1
                await asyncio.sleep(0.5)
            finally:
                if writer is not None:
                    stats["open"] -= 1
                    writer.close()
                    with contextlib.suppress(OSError):
                        await writer.wait_closed()

    await asyncio.gather(*(one() for _ in range(count)))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(port: int, path: str, size: int, rounds: list[int], slow: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    await load(port, path, size, 10, 50)  # warm up
    for clients in rounds:
        total = max(200, 3 * clients)
        latencies, errors, wall = await load(port, path, size, clients, total)
        rows.append(row(f"{clients} concurrent", latencies, errors, wall))
    stop = asyncio.Event()
    stats = {"open": 0, "closed by server": 0, "refused or reset": 0}
    attack = asyncio.create_task(slowloris(port, slow, stop, stats))
    for _ in range(100):  # let the slow connections open
        if stats["open"] >= slow * 0.95:
            break
        await asyncio.sleep(0.1)
    held = stats["open"]
    latencies, errors, wall = await load(port, path, size, 50, 400)
    stop.set()
    await attack
    rows.append(row(f"50 concurrent, {held} slow connections open", latencies, errors, wall))
    return rows


def row(label: str, latencies: list[float], errors: int, wall: float) -> dict[str, object]:
    return {
        "load": label,
        "requests": len(latencies) + errors,
        "errors": errors,
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "req/s": (len(latencies) / wall) if wall else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 50, 200, 1000])
    parser.add_argument("--slow", type=int, default=1000, help="slow connections (default 1000)")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    limit = raise_file_limit(max(args.clients) + args.slow + 1024)
    with tempfile.TemporaryDirectory(prefix="lianxue-serve-bench-") as tmp:
        folder = Path(tmp) / "feeds"
        folder.mkdir()
        t0 = time.perf_counter()
        path = build_feeds(folder)
        size = (folder / path).stat().st_size
        print(
            f"{sum(1 for _ in folder.rglob('*.ics'))} feeds built in {time.perf_counter() - t0:.1f} s; "
            f"requests fetch /{path} ({size:,} bytes); open-file limit {limit}",
            flush=True,
        )
        results = {}
        for name, script in (
            ("floor (stdlib ThreadingHTTPServer)", FLOOR_SERVER),
            ("lianxue (uvicorn)", LIANXUE_SERVER),
        ):
            with running(script, folder, Path(tmp) / f"{name.split()[0]}.log") as port:
                results[name] = asyncio.run(measure(port, path, size, args.clients, args.slow))
            print(f"-- {name}", flush=True)
            for r in results[name]:
                print(
                    f"  {r['load']:<44} {r['requests']:>5} req {r['errors']:>4} err  "
                    f"p50 {r['p50'] * 1000:8.1f} ms  p95 {r['p95'] * 1000:8.1f} ms  p99 {r['p99'] * 1000:8.1f} ms  "
                    f"{r['req/s']:7.1f} req/s",
                    flush=True,
                )
    load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load_avg}"
    )
    if args.markdown:
        print("\n| server | load | requests | errors | p50 ms | p95 ms | p99 ms | req/s |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for name, rows in results.items():
            for r in rows:
                print(
                    f"| {name} | {r['load']} | {r['requests']} | {r['errors']} | {r['p50'] * 1000:.0f} | "
                    f"{r['p95'] * 1000:.0f} | {r['p99'] * 1000:.0f} | {r['req/s']:.0f} |"
                )


if __name__ == "__main__":
    main()
