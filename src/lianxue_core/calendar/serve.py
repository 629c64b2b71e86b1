"""Serving feeds over HTTP for phones and calendar programs that subscribe (webcal).

:func:`make_server` serves each feed at ``/<path>`` (``/<org-id>.ics``, ``/people/<id>.ics``...) and an
index of links at ``/``. Feeds are fixed when the server is made; every response carries a strong ETag
(a digest of the bytes) and Last-Modified, and a request whose If-None-Match (or, without it,
If-Modified-Since) matches gets ``304 Not Modified`` without a body, so subscribers that poll every few
hours cost almost nothing. Only the standard library is used (:class:`http.server.ThreadingHTTPServer`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import html
import socket
import urllib.parse
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO

import attrs

__all__ = ["CALENDAR_TYPE", "FeedServer", "make_server"]

CALENDAR_TYPE = "text/calendar; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"


@attrs.frozen
class _Resource:
    body: bytes
    content_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, content_type: str) -> _Resource:
        return cls(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


class FeedServer(ThreadingHTTPServer):
    """A :class:`ThreadingHTTPServer` holding the feeds it serves."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        resources: Mapping[str, _Resource],
        last_modified: dt.datetime,
        log: TextIO | None,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.resources = dict(resources)
        self.last_modified = last_modified.astimezone(dt.UTC).replace(microsecond=0)
        self.log = log
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        """The base URL the server listens on, e.g. ``http://127.0.0.1:8080/``."""
        host, port = self.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _index(feeds: Mapping[str, bytes], names: Mapping[str, str]) -> bytes:
    items = []
    for path in sorted(feeds):
        link = urllib.parse.quote(path)
        name = html.escape(names.get(path, path))
        items.append(
            f'<li><a href="{link}">{name}</a> <code>{html.escape(path)}</code> '
            f'<a class="webcal" href="{link}" data-webcal>订阅</a></li>'
        )
    body = "\n".join(items) if items else "<li>（没有日历）</li>"
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>学习教育日历订阅</title></head>
<body>
<h1>学习教育日历订阅</h1>
<p>点击“订阅”把日历加入手机或电脑的日历应用（webcal）；也可以复制链接，在日历应用中选择“添加订阅日历”。
日历会定期自动更新。</p>
<ul>
{body}
</ul>
<script>
for (const a of document.querySelectorAll("a[data-webcal]")) {{
  a.href = new URL(a.getAttribute("href"), location.href).href.replace(/^https?:/, "webcal:");
}}
</script>
</body>
</html>
"""
    return page.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: FeedServer
    protocol_version = "HTTP/1.1"
    server_version = "lianxue"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        resource = self.server.resources.get(path.lstrip("/") if path != "/" else "")
        if resource is None and path == "/index.html":
            resource = self.server.resources.get("")
        if resource is None:
            self._not_found(body=body)
            return
        last_modified = email.utils.format_datetime(self.server.last_modified, usegmt=True)
        if self._not_modified(resource):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._validators(resource, last_modified)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(resource.body)))
        self._validators(resource, last_modified)
        self.end_headers()
        if body:
            self.wfile.write(resource.body)

    def _validators(self, resource: _Resource, last_modified: str) -> None:
        self.send_header("ETag", resource.etag)
        self.send_header("Last-Modified", last_modified)
        self.send_header("Cache-Control", "no-cache")  # revalidate every time: a 304 costs nothing

    def _not_modified(self, resource: _Resource) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            tags = [t.strip().removeprefix("W/") for t in match.split(",")]
            return "*" in tags or resource.etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return self.server.last_modified <= when

    def _not_found(self, *, body: bool) -> None:
        text = "404 未找到：没有这个日历。\n".encode()
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        if body:
            self.wfile.write(text)

    def log_message(self, format: str, *args: object) -> None:
        if self.server.log is not None:
            print(f"{self.address_string()} - {format % args}", file=self.server.log, flush=True)


def make_server(
    feeds: Mapping[str, bytes],
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    names: Mapping[str, str] | None = None,
    last_modified: dt.datetime | None = None,
    log: TextIO | None = None,
) -> FeedServer:
    """A server (not yet running) for ``feeds``; call ``serve_forever()`` on it.

    Args:
        feeds: Feed bytes by relative path (``"xinshi.ics"``, ``"people/m-0001.ics"``), each served at
            ``/<path>`` as ``text/calendar; charset=utf-8``.
        host: The address to listen on (``"127.0.0.1"``; ``"0.0.0.0"`` for every interface).
        port: The port (``0``: any free port; read it from ``server.server_address`` or ``server.url``).
        names: Names to show on the index page, by path.
        last_modified: The Last-Modified time of every feed (default: now).
        log: Where to write one line per request (default: nowhere).

    Raises:
        OSError: The address cannot be bound (in use, or not an address of this machine).

    Example::

        server = make_server({"xinshi.ics": text.encode()}, port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(server.url + "xinshi.ics")
    """
    resources = {path.lstrip("/"): _Resource.of(body, CALENDAR_TYPE) for path, body in feeds.items()}
    resources[""] = _Resource.of(_index(feeds, names or {}), HTML_TYPE)
    moment = last_modified if last_modified is not None else dt.datetime.now(tz=dt.UTC)
    return FeedServer((host, port), resources, moment, log)
