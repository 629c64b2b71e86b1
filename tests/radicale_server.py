"""A real Radicale CalDAV server for tests: started on 127.0.0.1, on a free port, over a temporary folder.

``running_radicale(folder)`` starts ``python -m radicale`` as a subprocess (no authentication: any user
name and password are accepted, each user owns ``/<user>/``), waits until it answers HTTP and
terminates it afterwards. Nothing outside the tests needs to start it.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["closed_port", "free_port", "running_radicale"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def closed_port() -> int:
    """A port where a connection is refused (a server that is down)."""
    return free_port()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer (Radicale says 401 or redirects) means it is up
    except OSError:
        return False


@contextlib.contextmanager
def running_radicale(folder: Path, *, extra: Sequence[str] = (), timeout: float = 20.0) -> Iterator[str]:
    """Run Radicale over ``folder`` until the block ends; yield its base URL ``http://127.0.0.1:PORT/``.

    ``extra`` adds command-line options (they override the defaults: ``--auth-type htpasswd ...``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = (folder.parent / f"radicale-{port}.log").open("wb")
    command = [
        sys.executable,
        "-m",
        "radicale",
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--auth-type",
        "none",
        "--storage-filesystem-folder",
        str(folder),
        *extra,
    ]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while not _answers(url):
            if process.poll() is not None:
                raise RuntimeError(f"radicale exited with {process.returncode}; see {log.name}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"radicale did not answer at {url} within {timeout} s; see {log.name}")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
