"""``lianxue serve`` and :func:`lianxue_core.calendar.serve.make_server`, fetched with real HTTP clients."""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest

from lianxue_core import orgfile
from lianxue_core.app import plan_year
from lianxue_core.calendar import FeedOptions, FeedSet, WrittenFeed, build_feeds
from lianxue_core.calendar.serve import FeedServer, make_server
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
        assert "学习教育日历订阅" in page
        for feed_path, feed in feeds.items():
            assert f'href="{feed_path}"' in page
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


# -- the command line ------------------------------------------------------------------------------------


def test_lianxue_serve_runs_until_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(STAMP.timestamp())), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "lianxue_core", "serve", str(ORGFILE), "--year", "2026", "--port", "0"]
    command += ["--people", "--supervisor", "deqing-jgdgw", "--no-alarm"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Serving 4 calendars at http://127.0.0.1:"), first
        url = first.split(" at ", 1)[1].split()[0]
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
