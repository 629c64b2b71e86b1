"""``lianxue serve`` and :func:`lianxue_core.calendar.serve.make_server`, fetched with real HTTP clients."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import http.client
import io
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest

from lianxue_core import orgfile
from lianxue_core.app import plan_year
from lianxue_core.calendar import FeedOptions, FeedSet, WrittenFeed, build_feeds
from lianxue_core.calendar.serve import FeedServer, ServeLimits, escape_log, make_server
from lianxue_core.cli import main
from lianxue_core.plugins import PluginHost

DATA = Path(__file__).parent / "data" / "good"
ORGFILE = DATA / "organs-only.toml"
STAMP = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def feeds() -> dict[str, WrittenFeed]:
    host = PluginHost()
    tree = orgfile.load(ORGFILE, tracks=host.tracks())
    plan = plan_year(tree, host, 2026)
    obligations = {o.id: o for o in host.catalogue()}
    which = FeedSet(people=True, supervisors=("deqing-jgdgw",))
    built = build_feeds(plan, tree, obligations, options=FeedOptions(stamp=STAMP), which=which)
    return {f.path: f for f in built}


@pytest.fixture
def server(feeds: dict[str, WrittenFeed]) -> Iterator[FeedServer]:
    srv = make_server(
        {path: f.text.encode("utf-8") for path, f in feeds.items()},
        "127.0.0.1",
        0,
        names={path: f.name for path, f in feeds.items()},
        last_modified=STAMP,
    )
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def request(
    server: FeedServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_a_feed_is_served_as_text_calendar_with_validators(server: FeedServer, feeds: dict[str, WrittenFeed]) -> None:
    with urllib.request.urlopen(server.url + "xianwei-zzb.ics", timeout=10) as response:
        body = response.read()
        headers = response.headers
        assert response.status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
    assert body == feeds["xianwei-zzb.ics"].text.encode("utf-8")
    etag = headers["ETag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert not etag.startswith("W/")
    assert email.utils.parsedate_to_datetime(headers["Last-Modified"]) == STAMP
    cal = icalendar.Calendar.from_ical(body)
    for component in cal.walk():
        assert not component.errors, (component.name, component.errors)
    assert len(cal.walk("VEVENT")) == feeds["xianwei-zzb.ics"].events
    assert str(cal["X-WR-CALNAME"]) == "县委组织部机关党支部 2026"


def test_a_matching_if_none_match_gets_304(server: FeedServer) -> None:
    status, headers, _ = request(server, "/xianwei-zzb.ics")
    etag = headers["etag"]
    for match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        status, again, body = request(server, "/xianwei-zzb.ics", headers={"If-None-Match": match})
        assert status == 304, match
        assert body == b""
        assert again["etag"] == etag
        assert again["last-modified"] == headers["last-modified"]
    status, _, body = request(server, "/xianwei-zzb.ics", headers={"If-None-Match": '"something-else"'})
    assert status == 200
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")


def test_urllib_sees_304_as_not_modified(server: FeedServer) -> None:
    with urllib.request.urlopen(server.url + "deqing-jgdgw.ics", timeout=10) as response:
        etag = response.headers["ETag"]
    req = urllib.request.Request(server.url + "deqing-jgdgw.ics", headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 304
    info.value.close()


def test_if_modified_since(server: FeedServer) -> None:
    since = email.utils.format_datetime(STAMP, usegmt=True)
    earlier = email.utils.format_datetime(STAMP - dt.timedelta(seconds=1), usegmt=True)
    assert request(server, "/xianwei-zzb.ics", headers={"If-Modified-Since": since})[0] == 304
    assert request(server, "/xianwei-zzb.ics", headers={"If-Modified-Since": earlier})[0] == 200
    assert request(server, "/xianwei-zzb.ics", headers={"If-Modified-Since": "not a date"})[0] == 200
    # If-None-Match wins over If-Modified-Since.
    both = {"If-None-Match": '"other"', "If-Modified-Since": since}
    assert request(server, "/xianwei-zzb.ics", headers=both)[0] == 200


def test_head_has_the_headers_and_no_body(server: FeedServer, feeds: dict[str, WrittenFeed]) -> None:
    status, headers, body = request(server, "/xianwei-zzb.ics", "HEAD")
    assert status == 200
    assert body == b""
    assert int(headers["content-length"]) == len(feeds["xianwei-zzb.ics"].text.encode("utf-8"))
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert request(server, "/nothing.ics", "HEAD")[:2][0] == 404


@pytest.mark.parametrize("path", ["/nothing.ics", "/xianwei-zzb", "/people/", "/../xianwei-zzb.ics.bak", "/%00"])
def test_unknown_paths_get_404(server: FeedServer, path: str) -> None:
    status, headers, body = request(server, path)
    assert status == 404
    assert "未找到" in body.decode("utf-8")
    assert headers["content-type"].startswith("text/plain")


def test_people_and_supervisor_feeds_and_query_strings(server: FeedServer, feeds: dict[str, WrittenFeed]) -> None:
    assert "people/m-0001.ics" in feeds
    status, _, body = request(server, "/people/m-0001.ics")
    assert status == 200
    assert body == feeds["people/m-0001.ics"].text.encode("utf-8")
    assert request(server, "/supervisors/deqing-jgdgw.ics")[0] == 200
    assert request(server, "/xianwei-zzb.ics?refresh=1")[0] == 200


def test_the_index_links_every_feed(server: FeedServer, feeds: dict[str, WrittenFeed]) -> None:
    for path in ("/", "/index.html"):
        status, headers, body = request(server, path)
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        page = body.decode("utf-8")
        assert "<title>日历订阅</title>" in page
        base = f"127.0.0.1:{server.server_address[1]}/"
        for feed_path, feed in feeds.items():
            assert f'href="http://{base}{feed_path}"' in page
            assert f'href="webcal://{base}{feed_path}"' in page
            assert feed.name in page
    etag = request(server, "/")[1]["etag"]
    assert request(server, "/", headers={"If-None-Match": etag})[0] == 304


def test_many_requests_at_once(server: FeedServer) -> None:
    results: list[int] = []

    def fetch() -> None:
        for _ in range(5):
            results.append(request(server, "/xianwei-zzb.ics")[0])

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [200] * 40


def wait_until_served(url: str, tries: int = 600) -> None:
    """Poll ``url`` until it answers 200 (``lianxue serve`` answers 503 while it builds the feeds)."""
    parts = urllib.parse.urlsplit(url)
    for _ in range(tries):
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        try:
            conn.request("GET", parts.path)
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        if response.status == 200:
            return
        assert response.status == 503, response.status
        assert response.getheader("Retry-After")
        time.sleep(0.1)
    raise AssertionError(f"{url} was never served")


# -- the command line ------------------------------------------------------------------------------------


def test_lianxue_serve_runs_until_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(STAMP.timestamp())), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "lianxue_core", "serve", str(ORGFILE), "--year", "2026", "--port", "0"]
    command += ["--people", "--supervisor", "deqing-jgdgw", "--no-alarm"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert " at http://127.0.0.1:" in first, first
        url = first.split(" at ", 1)[1].split()[0]
        wait_until_served(url + "xianwei-zzb.ics")
        with urllib.request.urlopen(url + "xianwei-zzb.ics", timeout=10) as response:
            body = response.read()
            assert response.headers["Last-Modified"] == email.utils.format_datetime(STAMP, usegmt=True)
        assert b"BEGIN:VALARM" not in body
        with urllib.request.urlopen(url + "people/m-0001.ics", timeout=10) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Stopped." in out
    assert "Traceback" not in err
    assert '"GET /xianwei-zzb.ics HTTP/1.1" 200' in err  # one access-log line per request


def test_a_port_in_use_is_one_error_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out, err = io.StringIO(), io.StringIO()
        code = main(["serve", str(ORGFILE), "--year", "2026", "--port", str(port)], stdout=out, stderr=err)
    assert code == 2
    assert err.getvalue().startswith(f"lianxue: error: cannot listen on 127.0.0.1:{port}: ")
    assert err.getvalue().count("\n") == 1


@pytest.mark.parametrize(("args", "message"), [(["--port", "70000"], "--port"), (["--supervisor", "nope"], "nope")])
def test_bad_serve_options_exit_2(args: list[str], message: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["serve", str(ORGFILE), "--year", "2026", *args], stdout=out, stderr=err)
    assert code == 2
    assert err.getvalue().startswith("lianxue: error: ")
    assert message in err.getvalue()


# -- a real server: bounds, hostile clients, builds in the background ------------------------------------


def test_a_future_if_modified_since_is_ignored(server: FeedServer) -> None:
    future = email.utils.format_datetime(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=365), usegmt=True)
    status, _, body = request(server, "/xianwei-zzb.ics", headers={"If-Modified-Since": future})
    assert status == 200
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")


def test_other_methods_get_405(server: FeedServer) -> None:
    status, headers, _ = request(server, "/xianwei-zzb.ics", "POST")
    assert status == 405
    assert headers["allow"] == "GET, HEAD"


def test_before_the_feeds_are_built_every_request_gets_503_with_retry_after() -> None:
    srv = FeedServer("127.0.0.1", 0).start()
    try:
        for path in ("/", "/xianwei-zzb.ics"):
            status, headers, body = request(srv, path)
            assert status == 503
            assert headers["retry-after"] == "5"
            assert "正在生成" in body.decode("utf-8")
        srv.set_feeds({"a.ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}, last_modified=STAMP)
        status, headers, _ = request(srv, "/a.ics")
        assert status == 200
        assert email.utils.parsedate_to_datetime(headers["last-modified"]) == STAMP
    finally:
        srv.shutdown()
        srv.server_close()


def test_new_feeds_replace_the_old_and_unchanged_ones_keep_their_validators() -> None:
    one, two = b"BEGIN:VCALENDAR\r\nX:1\r\nEND:VCALENDAR\r\n", b"BEGIN:VCALENDAR\r\nX:2\r\nEND:VCALENDAR\r\n"
    srv = make_server({"a.ics": one, "b.ics": one}, "127.0.0.1", 0, last_modified=STAMP).start()
    try:
        _, a_before, _ = request(srv, "/a.ics")
        _, b_before, _ = request(srv, "/b.ics")
        srv.set_feeds({"a.ics": one, "b.ics": two, "c.ics": two})
        _, a_after, _ = request(srv, "/a.ics")
        status, b_after, body = request(srv, "/b.ics", headers={"If-None-Match": b_before["etag"]})
        assert (a_after["etag"], a_after["last-modified"]) == (a_before["etag"], a_before["last-modified"])
        assert status == 200
        assert body == two
        assert b_after["etag"] != b_before["etag"]
        assert email.utils.parsedate_to_datetime(b_after["last-modified"]) > STAMP
        # a client that only has the old date is not told "not modified"
        since = {"If-Modified-Since": b_before["last-modified"]}
        assert request(srv, "/b.ics", headers=since)[0] == 200
        assert request(srv, "/c.ics")[0] == 200
    finally:
        srv.shutdown()
        srv.server_close()


def test_escape_log() -> None:
    assert escape_log('GET /\x1b[31mred\x07 "x"') == 'GET /\\x1b[31mred\\x07 "x"'
    assert escape_log("a\\b\r\n\u2028\u202e 德清") == "a\\x5cb\\x0d\\x0a\\u2028\\u202e 德清"


def raw(srv: FeedServer, data: bytes) -> bytes:
    with socket.create_connection(srv.server_address, timeout=10) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_control_characters_in_request_lines_are_escaped_in_the_log(feeds: dict[str, WrittenFeed]) -> None:
    log = io.StringIO()
    srv = make_server({"a.ics": b"x"}, "127.0.0.1", 0, log=log).start()
    try:
        assert raw(srv, b"GET /\x1b]0;owned\x07\x1b[2J HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 400 ")
        assert raw(srv, b"GET /%1b[31m%07.ics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startswith(
            b"HTTP/1.1 404 "
        )
        assert raw(srv, b"G\x1bT /a.ics HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 400 ")
        assert raw(srv, b"GET /a.ics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200 ")
    finally:
        srv.shutdown()
        srv.server_close()
    text = log.getvalue()
    assert '"GET /%1b[31m%07.ics HTTP/1.1" 404' in text
    assert '"GET /a.ics HTTP/1.1" 200' in text
    assert "Invalid HTTP request" in text
    assert not any(ch in text for ch in "\x1b\x07\r"), text
    assert all(line.isprintable() for line in text.splitlines())


def test_clients_that_hang_up_cost_no_traceback() -> None:
    log = io.StringIO()
    body = b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 70 + b"\r\n" * 30000 + b"END:VCALENDAR\r\n"
    srv = make_server({"big.ics": body}, "127.0.0.1", 0, log=log).start()
    try:
        for n in range(60):
            s = socket.create_connection(srv.server_address, timeout=10)
            s.sendall(b"GET /big.ics HTTP/1.1\r\nHost: x\r\n\r\n")
            if n % 2:
                s.recv(100)  # read a little of the answer, then reset the connection
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        assert request(srv, "/big.ics")[0] == 200  # still serving
    finally:
        srv.shutdown()
        srv.server_close()
    assert "Traceback" not in log.getvalue()
    assert "Error" not in log.getvalue()


def test_slow_clients_are_cut_off_and_cannot_lock_others_out() -> None:
    limits = ServeLimits(max_connections=40, header_timeout=1.0)
    srv = make_server({"a.ics": b"x"}, "127.0.0.1", 0, limits=limits).start()
    slow: list[socket.socket] = []
    try:
        for _ in range(100):  # more slow connections than the server will hold
            s = socket.create_connection(srv.server_address, timeout=30)
            s.sendall(b"GET /a.ics HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # and never the end of the headers
            slow.append(s)
        for _ in range(20):
            assert request(srv, "/a.ics")[0] == 200  # served all the same
        # every slow connection is closed by the server (cap or head deadline), without an answer
        for s in slow:
            with contextlib.suppress(ConnectionResetError):
                assert s.recv(100) == b""
        # a keep-alive connection that dribbles bytes after an answer is closed too
        with socket.create_connection(srv.server_address, timeout=30) as s:
            s.sendall(b"GET /a.ics HTTP/1.1\r\nHost: x\r\n\r\n")
            assert s.recv(65536).startswith(b"HTTP/1.1 200 ")
            closed = False
            for _ in range(300):
                try:
                    s.sendall(b"G")
                except OSError:
                    closed = True
                    break
                time.sleep(0.05)
            assert closed
    finally:
        for s in slow:
            s.close()
        srv.shutdown()
        srv.server_close()


SERVE_SCRIPT = """
import datetime as dt, sys, time
from pathlib import Path
from lianxue_core import app, orgfile
from lianxue_core.calendar import FeedOptions, FeedSet
from lianxue_core.calendar.serve import serve
from lianxue_core.errors import LianxueError
from lianxue_core.plugins import PluginHost

orgpath, gate = Path(sys.argv[1]), Path(sys.argv[2])
host = PluginHost()

def build():
    while not gate.exists():  # the test holds the first build until it has seen the 503
        time.sleep(0.02)
    tree = orgfile.load(orgpath, tracks=host.tracks())
    plan = app.plan_year(tree, host, 2026)
    options = FeedOptions(stamp=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    return app.feeds(tree, plan, host, options=options, which=FeedSet(supervisors=tuple(sys.argv[3:])))

try:
    serve(build, port=0, watch=[orgpath], out=sys.stdout, err=sys.stderr, poll=0.1)
except LianxueError as exc:
    print(f"lianxue: error: {exc}", file=sys.stderr)
    sys.exit(2)
"""


def test_serve_listens_at_once_builds_in_the_background_and_rebuilds_on_change(tmp_path: Path) -> None:
    orgs = tmp_path / "orgs.toml"
    orgs.write_text(ORGFILE.read_text(encoding="utf-8"), encoding="utf-8")
    gate = tmp_path / "go"
    command = [sys.executable, "-c", SERVE_SCRIPT, str(orgs), str(gate)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Listening at http://127.0.0.1:"), first
        url = first.split(" at ", 1)[1].split()[0]
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        conn.request("GET", "/xianwei-zzb.ics")
        response = conn.getresponse()
        assert (response.status, response.getheader("Retry-After")) == (503, "5")
        response.read()
        conn.close()

        gate.touch()
        assert process.stdout.readline().startswith("Serving 2 calendars at " + url)
        with urllib.request.urlopen(url + "xianwei-zzb.ics", timeout=10) as response:
            assert "县委组织部机关党支部 2026" in response.read().decode("utf-8")

        text = orgs.read_text(encoding="utf-8").replace("县委组织部机关党支部", "县委组织部第一党支部")
        orgs.write_text(text, encoding="utf-8")
        assert process.stdout.readline().startswith("Rebuilt: serving 2 calendars at " + url)
        with urllib.request.urlopen(url + "xianwei-zzb.ics", timeout=10) as response:
            assert "县委组织部第一党支部 2026" in response.read().decode("utf-8")

        orgs.write_text(text.replace("[[org]]", "[[org]]\nbroken = ", 1), encoding="utf-8")  # a bad edit
        for _ in range(600):
            if process.poll() is not None or "lianxue: warning:" in (line := _stderr_line(process)):
                break
        assert "still serving the previous calendars" in line
        with urllib.request.urlopen(url + "xianwei-zzb.ics", timeout=10) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Stopped." in out
    assert "Traceback" not in err


def _stderr_line(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    return process.stderr.readline()


def test_serve_whose_first_build_fails_stops_with_the_error(tmp_path: Path) -> None:
    gate = tmp_path / "go"
    gate.touch()
    command = [sys.executable, "-c", SERVE_SCRIPT, str(ORGFILE), str(gate), "nope"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith("Listening at http://127.0.0.1:")
    assert done.stderr.startswith("lianxue: error: ")
    assert "nope" in done.stderr
    assert "Traceback" not in done.stderr


def test_lianxue_serve_rebuilds_when_the_organization_file_changes(tmp_path: Path) -> None:
    """The command, not only the function: first line at once, then the feeds; an edit is served again."""
    orgs = tmp_path / "orgs.toml"
    orgs.write_text(ORGFILE.read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "lianxue_core", "serve", str(orgs), "--year", "2026", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Listening at http://127.0.0.1:"), first
        url = first.split(" at ", 1)[1].split()[0]
        assert process.stdout.readline().startswith("Serving ")
        with urllib.request.urlopen(url + "xianwei-zzb.ics", timeout=10) as response:
            assert "县委组织部机关党支部 2026" in response.read().decode("utf-8")
        text = orgs.read_text(encoding="utf-8").replace("县委组织部机关党支部", "县委组织部第一党支部")
        orgs.write_text(text, encoding="utf-8")
        assert process.stdout.readline().startswith("Rebuilt: serving ")
        with urllib.request.urlopen(url + "xianwei-zzb.ics", timeout=10) as response:
            assert "县委组织部第一党支部 2026" in response.read().decode("utf-8")
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Traceback" not in err
