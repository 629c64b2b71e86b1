"""``lianxue serve``'s subscription page: the organization tree, three links per feed, QR codes that decode.

The server is the real one on 127.0.0.1 (port 0); the QR codes are decoded with zxing-cpp, from the PNG the
server makes of each code and, in headless Chromium, from a screenshot of the page as a browser renders it.
``LIANXUE_UPDATE_SCREENSHOTS=1`` saves that screenshot as docs/images/subscription-page.png.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import http.client
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp

from lianxue_core import orgfile
from lianxue_core.app import plan_year
from lianxue_core.calendar import FeedOptions, FeedSet, WrittenFeed, build_feeds
from lianxue_core.calendar.serve import FeedServer, make_server
from lianxue_core.calendar.subscribe import Base, render_page
from lianxue_core.model import OrganizationTree
from lianxue_core.plugins import PluginHost

DATA = Path(__file__).parent / "data" / "good"
ORGFILE = DATA / "anxi-county.toml"
SUPERVISOR = "anxi-jggw"
STAMP = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
SCREENSHOT = Path(__file__).parents[1] / "docs" / "images" / "subscription-page.png"


@pytest.fixture(scope="module")
def county() -> tuple[OrganizationTree, dict[str, WrittenFeed]]:
    host = PluginHost()
    tree = orgfile.load(ORGFILE, tracks=host.tracks())
    plan = plan_year(tree, host, 2026)
    obligations = {o.id: o for o in host.catalogue()}
    which = FeedSet(people=True, supervisors=(SUPERVISOR,))
    built = build_feeds(plan, tree, obligations, options=FeedOptions(stamp=STAMP), which=which)
    return tree, {f.path: f for f in built}


@pytest.fixture(scope="module")
def server(county: tuple[OrganizationTree, dict[str, WrittenFeed]]) -> Iterator[FeedServer]:
    tree, feeds = county
    srv = make_server(
        {path: f.text.encode("utf-8") for path, f in feeds.items()},
        "127.0.0.1",
        0,
        names={path: f.name for path, f in feeds.items()},
        organizations=tree.organizations,
        last_modified=STAMP,
    ).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def request(server: FeedServer, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class Page(html.parser.HTMLParser):
    """The page's feeds (path → webcal, links, QR source), organizations (id → enclosing organization, in
    document order) and sections."""

    def __init__(self) -> None:
        super().__init__()
        self.orgs: list[tuple[str, str | None]] = []
        self.feeds: dict[str, dict[str, str]] = {}
        self.sections: list[str] = []
        self._open: list[str | None] = []  # the <li> elements open: their data-org (None: not an organization)
        self._feed: dict[str, str] | None = None
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "li":
            org = a.get("data-org")
            if org is not None:
                enclosing = next((o for o in reversed(self._open) if o is not None), None)
                self.orgs.append((org, enclosing))
            self._open.append(org)
        elif tag == "div" and "data-path" in a:
            self._feed = {"webcal": a["data-webcal"]}
            self.feeds[a["data-path"]] = self._feed
        elif tag == "img" and self._feed is not None:
            self._feed["qr"] = a["src"]
            self._feed["loading"] = a.get("loading", "")
        elif tag == "a" and self._feed is not None:
            self._feed[a.get("class", "")] = a["href"]
        elif tag == "span" and a.get("class") == "name":
            self._in = "name"
        elif tag == "h2":
            self._in = "h2"

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._open.pop()
        elif tag == "div":
            self._feed = None
        elif tag in ("span", "h2"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "name" and self._feed is not None:
            self._feed["name"] = self._feed.get("name", "") + data
        elif self._in == "h2":
            self.sections.append(data)


def read_page(body: bytes) -> Page:
    page = Page()
    page.feed(body.decode("utf-8"))
    page.close()
    return page


# -- PNG to grey pixels (no Pillow: zxing-cpp reads a buffer of bytes) -----------------------------------


def png_to_grey(data: bytes) -> tuple[bytes, int, int]:
    """The pixels of a non-interlaced PNG (grey, RGB, RGBA or palette; 1 to 8 bits) as one byte of grey each."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, palette = 8, b"", b""
    width = height = depth = colour = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, chunk = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert interlace == 0
            assert depth <= 8
        elif kind == b"PLTE":
            palette = chunk
        elif kind == b"IDAT":
            idat += chunk
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    bpp = max(1, channels * depth // 8)  # bytes per pixel for the filters
    stride = (width * channels * depth + 7) // 8
    raw = zlib.decompress(idat)
    rows: list[bytearray] = []
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(line)
        prev = line
    grey = bytearray(width * height)
    for y, line in enumerate(rows):
        for x in range(width):
            if depth < 8:
                per = 8 // depth
                value = (line[x // per] >> (8 - depth * (x % per + 1))) & ((1 << depth) - 1)
                sample = value if colour == 3 else value * 255 // ((1 << depth) - 1)
            else:
                sample = line[x * channels]
            if colour == 3:
                r, g, b = palette[sample * 3 : sample * 3 + 3]
                grey[y * width + x] = (r * 299 + g * 587 + b * 114) // 1000
            elif colour in (2, 6):
                r, g, b = line[x * channels : x * channels + 3]
                grey[y * width + x] = (r * 299 + g * 587 + b * 114) // 1000
            else:
                grey[y * width + x] = sample
    return bytes(grey), width, height


def decode_png(data: bytes) -> list[str]:
    grey, width, height = png_to_grey(data)
    return [code.text for code in zxingcpp.read_barcodes(memoryview(grey).cast("B", (height, width)))]


# -- the page --------------------------------------------------------------------------------------------


def test_the_page_follows_the_organization_tree(
    server: FeedServer, county: tuple[OrganizationTree, dict[str, WrittenFeed]]
) -> None:
    tree, feeds = county
    status, headers, body = request(server, "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    text = body.decode("utf-8")
    assert "<title>日历订阅</title>" in text
    assert "用手机相机扫描二维码订阅本支部日历" in text
    assert "<script" not in text
    page = read_page(body)
    assert page.sections == ["组织日历", "个人日历", "督查日历"]
    shown = [org for org, _ in page.orgs]
    with_feeds = [org.id for org in tree if f"{org.id}.ics" in feeds]
    assert set(with_feeds) <= set(shown)
    # each organization sits inside its parent, in the file's order
    assert shown == [org.id for org in tree if org.id in shown]
    for org, enclosing in page.orgs:
        assert enclosing == tree[org].parent, org
    assert any(enclosing is not None and tree[enclosing].parent is not None for _, enclosing in page.orgs)  # 3 deep


def test_every_feed_has_its_three_links(
    server: FeedServer, county: tuple[OrganizationTree, dict[str, WrittenFeed]]
) -> None:
    _, feeds = county
    page = read_page(request(server, "/")[2])
    where = f"127.0.0.1:{server.server_address[1]}"
    assert set(page.feeds) == set(feeds)
    for path, feed in feeds.items():
        shown = page.feeds[path]
        assert shown["name"] == feed.name
        assert shown["webcal"] == f"webcal://{where}/{path}"
        assert shown["plain"] == f"http://{where}/{path}"
        assert shown["qr"] == f"qr/{path}.svg"
        assert shown["loading"] == "lazy"
    assert any(p.startswith("people/") for p in page.feeds)
    assert f"supervisors/{SUPERVISOR}.ics" in page.feeds


def test_every_qr_code_decodes_to_the_feeds_webcal_address(
    server: FeedServer, county: tuple[OrganizationTree, dict[str, WrittenFeed]]
) -> None:
    _, feeds = county
    page = read_page(request(server, "/")[2])
    for path, shown in page.feeds.items():
        status, headers, svg = request(server, "/" + shown["qr"])
        assert status == 200
        assert headers["content-type"] == "image/svg+xml"
        assert svg.startswith(b"<svg")
        assert b"<script" not in svg
        assert b"viewBox" in svg
        status, headers, png = request(server, "/" + shown["qr"].removesuffix(".svg") + ".png")
        assert status == 200
        assert headers["content-type"] == "image/png"
        assert decode_png(png) == [shown["webcal"]], path
    assert len(page.feeds) == len(feeds)


def test_page_and_codes_have_etags_and_vary_by_host(server: FeedServer) -> None:
    for path in ("/", "/qr/zrzyj-1.ics.svg", "/qr/zrzyj-1.ics.png"):
        status, headers, _ = request(server, path)
        assert status == 200, path
        assert not headers["etag"].startswith("W/")
        assert "Host" in headers["vary"]
        assert request(server, path, {"If-None-Match": headers["etag"]})[0] == 304
    assert request(server, "/index.html")[1]["etag"] == request(server, "/")[1]["etag"]
    other = request(server, "/", {"Host": "dangjian.example.cn"})[1]["etag"]
    assert other != request(server, "/")[1]["etag"]


def test_behind_a_reverse_proxy(server: FeedServer) -> None:
    proxied = {
        "Host": "127.0.0.1:8080",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "dangjian.example.cn",
        "X-Forwarded-Prefix": "/calendars/",
    }
    page = read_page(request(server, "/", proxied)[2])
    shown = page.feeds["zrzyj-1.ics"]
    assert shown["plain"] == "https://dangjian.example.cn/calendars/zrzyj-1.ics"
    assert shown["webcal"] == "webcal://dangjian.example.cn/calendars/zrzyj-1.ics"
    assert shown["qr"] == "qr/zrzyj-1.ics.svg"  # relative: served under the proxy's prefix too
    png = request(server, "/qr/zrzyj-1.ics.png", proxied)[2]
    assert decode_png(png) == ["webcal://dangjian.example.cn/calendars/zrzyj-1.ics"]
    # values that are not a plain scheme, host or path are ignored
    bad = {"Host": 'evil"><script>', "X-Forwarded-Proto": "javascript", "X-Forwarded-Prefix": "/a b/<x>"}
    shown = read_page(request(server, "/", bad)[2]).feeds["zrzyj-1.ics"]
    assert shown["plain"] == f"http://127.0.0.1:{server.server_address[1]}/zrzyj-1.ics"


@pytest.mark.parametrize(
    "path", ["/qr/nothing.ics.svg", "/qr/zrzyj-1.ics.gif", "/qr/zrzyj-1.ics", "/qr/", "/qr/people"]
)
def test_unknown_codes_are_404(server: FeedServer, path: str) -> None:
    assert request(server, path)[0] == 404


def test_names_are_escaped(tmp_path: Path) -> None:
    text = (DATA / "organs-only.toml").read_text(encoding="utf-8")
    text = text.replace('name = "县委组织部机关党支部"', 'name = "支部<b>&\\"\\u001b[31m"')
    source = tmp_path / "county.toml"
    source.write_text(text, encoding="utf-8")
    host = PluginHost()
    tree = orgfile.load(source, tracks=host.tracks())
    plan = plan_year(tree, host, 2026)
    feeds = build_feeds(plan, tree, {o.id: o for o in host.catalogue()}, options=FeedOptions(stamp=STAMP))
    body = render_page(Base("http", "127.0.0.1:8080"), {f.path: f.name for f in feeds}, tree.organizations)
    page = body.decode("utf-8")
    assert "\x1b" not in page
    assert "支部&lt;b&gt;&amp;&quot;\\x1b[31m" in page
    assert read_page(body).feeds["xianwei-zzb.ics"]["name"] == '支部<b>&"\\x1b[31m 2026'


def test_without_a_tree_the_organizations_feeds_are_one_list() -> None:
    body = render_page(Base("http", "h:1"), {"b.ics": "乙", "a.ics": "甲", "people/m.ics": "张三"})
    page = read_page(body)
    assert list(page.feeds) == ["a.ics", "b.ics", "people/m.ics"]
    assert page.sections == ["组织日历", "个人日历"]
    assert "没有日历" in render_page(Base("http", "h:1"), {}).decode("utf-8")


# -- lianxue serve: the command gives the page its tree ------------------------------------------------


def fetch_when_built(url: str) -> bytes:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code != 503:
                raise
        time.sleep(0.1)
    raise AssertionError(f"{url} was never served")


def test_lianxue_serve_shows_the_tree(county: tuple[OrganizationTree, dict[str, WrittenFeed]]) -> None:
    tree, _ = county
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(STAMP.timestamp())), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "lianxue_core", "serve", str(ORGFILE), "--year", "2026", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", first)
        assert found, first
        url = found.group(0)
        body = fetch_when_built(url)
        page = read_page(body)
        assert page.orgs
        assert all(enclosing == tree[org].parent for org, enclosing in page.orgs)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0


# -- in a real browser ------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--virtual-time-budget=10000",  # let the lazy QR images on screen load before the screenshot
]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's chromium)")
def test_the_page_in_headless_chromium_shows_codes_a_phone_can_scan(
    server: FeedServer, county: tuple[OrganizationTree, dict[str, WrittenFeed]], tmp_path: Path
) -> None:
    assert CHROMIUM is not None
    _, feeds = county
    png = tmp_path / "subscription-page.png"
    subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            "--window-size=900,1000",
            # the page as a secretary would see it at the organization's address (Host: dangjian.example.cn)
            f"--host-resolver-rules=MAP dangjian.example.cn 127.0.0.1:{server.server_address[1]}",
            "http://dangjian.example.cn/",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    shot = png.read_bytes()
    decoded = decode_png(shot)
    where = "webcal://dangjian.example.cn/"
    webcal = {where + path for path in feeds}
    assert decoded, "no QR code decoded from the screenshot"
    assert set(decoded) <= webcal
    assert where + "anxi.ics" in decoded or where + "anxi-jggw.ics" in decoded  # the top of the tree comes first
    if os.environ.get("LIANXUE_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(shot)
