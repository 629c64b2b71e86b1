"""Serving feeds over HTTP for phones and calendar programs that subscribe (webcal).

The feeds are served by `uvicorn <https://www.uvicorn.org/>`_ (an ASGI server on asyncio, with the
pure-Python ``h11`` HTTP parser) in front of a small ASGI application, :class:`FeedApp`:

* ``/<path>`` for each feed (``/<org-id>.ics``, ``/people/<id>.ics``, ``/supervisors/<id>.ics``), the
  subscription page at ``/`` (``/index.html``) and each feed's QR code at ``/qr/<path>.svg`` (``.png``)
  (:mod:`lianxue_core.calendar.subscribe`); every response carries a strong ETag (a digest of the bytes)
  and Last-Modified, and a request whose If-None-Match (or, without it, If-Modified-Since) matches gets
  ``304 Not Modified`` without a body. An If-Modified-Since in the future is ignored (``200``).
* until the first feeds are there, every request gets ``503`` with ``Retry-After``; a rebuild swaps the
  feeds at once, so a client never sees half of one build and half of another.

The server is bounded (:class:`ServeLimits`): a listen backlog of 2,048, a cap on open connections (past
it, the connection that has waited longest for its request line and headers is closed, so slow clients
cannot lock others out), a whole request head within 10 s of the connection or of the previous answer
(slowloris), idle keep-alive connections closed after 5 s, and the process's open-file limit raised to
fit the cap. A client that hangs up costs nothing and logs nothing; every log line has its control
characters escaped.

:func:`make_server` serves fixed feeds; :func:`serve` is ``lianxue serve``: it listens at once, builds the
feeds in the background, and builds them again whenever a watched file (the organization file) changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import hashlib
import logging
import os
import resource
import socket
import threading
import time
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs

from ..errors import InputError, LianxueError, Problem
from ..i18n import _, ngettext, os_reason

try:
    import h11
    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol
except ImportError as exc:  # pragma: no cover - uvicorn is a main dependency
    raise InputError([Problem("lianxue serve", "needs the HTTP server: pip install uvicorn")]) from exc

from ..model import Organization
from .subscribe import Base, Subscriptions, base_of, qr_code, qr_png, qr_svg, render_page
from .writer import WrittenFeed

__all__ = [
    "CALENDAR_TYPE",
    "FeedApp",
    "FeedServer",
    "ServeLimits",
    "Subscriptions",
    "escape_log",
    "make_server",
    "serve",
]

CALENDAR_TYPE = "text/calendar; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@attrs.frozen
class ServeLimits:
    """What the server allows: the defaults hold 1,000 slow connections and serve others meanwhile.

    Args:
        max_connections: Open connections at most. Past it, the connection that has waited longest for
            its request head is closed (or, when every connection is busy answering, the new one). The
            process's open-file limit is raised to fit, up to the hard limit (``ulimit -Hn``); when the
            hard limit is lower, the cap is lowered to fit it.
        backlog: Connections the kernel queues before the server accepts them (``listen()``).
        header_timeout: Seconds a client has to send its whole request line and headers, from the
            connection or from the previous answer on it (slowloris).
        keep_alive: Seconds an idle keep-alive connection stays open after an answer.
        retry_after: The ``Retry-After`` of a ``503`` while the feeds are being built.
        graceful: Seconds to let answers in progress finish when the server stops.
    """

    max_connections: int = 4096
    backlog: int = 2048
    header_timeout: float = 10.0
    keep_alive: int = 5
    retry_after: int = 5
    graceful: int = 3


# -- what is served --------------------------------------------------------------------------------------


@attrs.frozen
class _Resource:
    body: bytes
    content_type: str
    etag: str
    modified: dt.datetime
    last_modified: str

    @classmethod
    def of(cls, body: bytes, content_type: str, modified: dt.datetime) -> _Resource:
        modified = modified.astimezone(dt.UTC).replace(microsecond=0)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return cls(body, content_type, etag, modified, email.utils.format_datetime(modified, usegmt=True))


@attrs.frozen
class _Content:
    resources: Mapping[str, _Resource]
    count: int
    names: Mapping[str, str] = attrs.field(factory=dict)
    organizations: tuple[Organization, ...] = ()
    listed: dt.datetime = attrs.field(factory=lambda: dt.datetime.now(tz=dt.UTC))  # when the page last changed
    # pages and QR codes made for the hosts seen (the addresses in them depend on the request's host)
    made: dict[tuple[Base, str], _Resource] = attrs.field(factory=dict)


_MADE_AT_MOST = 2048  # pages and QR codes kept per build; past it they are made again
_QR_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
_VARY = (b"vary", b"Host, X-Forwarded-Host, X-Forwarded-Proto, X-Forwarded-Prefix")


def escape_log(text: str) -> str:
    """``text`` with control characters (ESC, BEL, CR, LF, C1, bidi controls...) and backslashes escaped
    as ``\\xNN``/``\\uNNNN``, so that a log line is one line and cannot drive a terminal."""
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch == "\\" or category[0] == "C" or category in ("Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


_NOT_FOUND = "404 未找到：没有这个日历。\n".encode()
_BUILDING = "503 日历正在生成，请稍后再试。\n".encode()
_NOT_ALLOWED = "405 只支持 GET 和 HEAD。\n".encode()


class FeedApp:
    """The ASGI application: feeds by path, the index page, validators, ``503`` until there are feeds.

    Args:
        log: Where to write one line per request (default: nowhere).
        retry_after: The ``Retry-After`` (seconds) of a ``503`` while there are no feeds yet.
    """

    def __init__(self, log: TextIO | None = None, retry_after: int = 5) -> None:
        self.log = log
        self.retry_after = retry_after
        self._content: _Content | None = None

    @property
    def ready(self) -> bool:
        """``True`` once feeds were set (until then every request gets ``503``)."""
        return self._content is not None

    @property
    def count(self) -> int:
        """How many feeds are served."""
        return self._content.count if self._content is not None else 0

    def set_feeds(
        self,
        feeds: Mapping[str, bytes],
        *,
        names: Mapping[str, str] | None = None,
        organizations: Sequence[Organization] = (),
        last_modified: dt.datetime | None = None,
    ) -> None:
        """Serve ``feeds`` (bytes by relative path) from now on, in place of what was served.

        ``names`` (by path) and ``organizations`` (in file order, for the tree) make the subscription page
        (:mod:`lianxue_core.calendar.subscribe`). A resource whose bytes did not change keeps its
        Last-Modified; a new or changed one gets ``last_modified`` on the first call (default: now) and the
        current time on later ones; so does the page when the feeds, their names or the tree changed.
        """
        now = dt.datetime.now(tz=dt.UTC)
        old = self._content.resources if self._content is not None else None
        moment = last_modified if (last_modified is not None and old is None) else now

        def resource(path: str, body: bytes, content_type: str) -> _Resource:
            made = _Resource.of(body, content_type, moment)
            before = old.get(path) if old is not None else None
            return (
                attrs.evolve(made, modified=before.modified, last_modified=before.last_modified)
                if (before is not None and before.etag == made.etag)
                else made
            )

        resources = {path.lstrip("/"): resource(path.lstrip("/"), body, CALENDAR_TYPE) for path, body in feeds.items()}
        shown = {path.lstrip("/"): (names or {}).get(path, path) for path in feeds}
        orgs = tuple(organizations)
        listed = moment
        if self._content is not None and (self._content.names, self._content.organizations) == (shown, orgs):
            listed = self._content.listed
        # one assignment: requests see one build or the other
        self._content = _Content(resources, len(feeds), shown, orgs, listed.astimezone(dt.UTC).replace(microsecond=0))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        method = scope["method"]
        status, headers, body = self._answer(scope)
        length = len(body)
        if method == "HEAD" or status == 304:
            body = b""
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        if self.log is not None:
            self._log(scope, status, length if body else 0)

    def _answer(self, scope: Scope) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if scope["method"] not in ("GET", "HEAD"):
            return 405, [*_plain(_NOT_ALLOWED), (b"allow", b"GET, HEAD")], _NOT_ALLOWED
        content = self._content
        if content is None:
            retry = str(self.retry_after).encode()
            return 503, [*_plain(_BUILDING), (b"retry-after", retry), (b"cache-control", b"no-store")], _BUILDING
        path = scope["path"]
        made = path in ("/", "/index.html") or path.startswith("/qr/")
        found = self._made(content, scope) if made else content.resources.get(path.lstrip("/"))
        if found is None:
            return 404, _plain(_NOT_FOUND), _NOT_FOUND
        validators = [
            (b"etag", found.etag.encode()),
            (b"last-modified", found.last_modified.encode()),
            (b"cache-control", b"no-cache"),  # revalidate every time: a 304 costs nothing
        ]
        if made:
            validators.append(_VARY)  # the addresses in the page and the codes are the request's host
        if _not_modified(found, scope["headers"]):
            return 304, validators, b""
        head = [(b"content-type", found.content_type.encode()), (b"content-length", str(len(found.body)).encode())]
        return 200, head + validators, found.body

    def _made(self, content: _Content, scope: Scope) -> _Resource | None:
        """The subscription page or a QR code (``/qr/<feed path>.svg`` or ``.png``) for the request's host."""
        path = scope["path"]
        feed = ""
        if path.startswith("/qr/"):
            feed, suffix = os.path.splitext(path.removeprefix("/qr/"))
            if suffix not in _QR_TYPES or feed not in content.resources:
                return None
            path = "/qr/" + feed + suffix
        else:
            path = "/"
        base = base_of(scope)
        key = (base, path)
        found = content.made.get(key)
        if found is not None:
            return found
        if not feed:
            body = render_page(base, content.names, content.organizations)
            found = _Resource.of(body, HTML_TYPE, content.listed)
        else:
            code = qr_code(base.webcal(feed))
            body = qr_svg(code) if path.endswith(".svg") else qr_png(code)
            found = _Resource.of(body, _QR_TYPES[path[-4:]], content.resources[feed].modified)
        if len(content.made) >= _MADE_AT_MOST:
            content.made.clear()
        content.made[key] = found
        return found

    def _log(self, scope: Scope, status: int, length: int) -> None:
        assert self.log is not None
        client = scope.get("client")
        who = escape_log(str(client[0])) if client else "-"
        target = scope.get("raw_path", b"") or scope["path"].encode("utf-8")
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        request = f"{scope['method']} {target.decode('latin-1')} HTTP/{scope['http_version']}"
        stamp = time.strftime("%d/%b/%Y %H:%M:%S", time.localtime())
        try:
            self.log.write(f'{who} - [{stamp}] "{escape_log(request)}" {status} {length or "-"}\n')
            self.log.flush()
        except (OSError, ValueError):
            pass  # a closed or full log never stops the server


def _plain(body: bytes) -> list[tuple[bytes, bytes]]:
    return [(b"content-type", TEXT_TYPE.encode()), (b"content-length", str(len(body)).encode())]


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    values = [v.decode("latin-1") for k, v in headers if k == name]
    return ", ".join(values) if values else None


def _not_modified(resource: _Resource, headers: Iterable[tuple[bytes, bytes]]) -> bool:
    headers = list(headers)
    match = _header(headers, b"if-none-match")
    if match is not None:
        tags = [t.strip().removeprefix("W/") for t in match.split(",")]
        return "*" in tags or resource.etag in tags
    since = _header(headers, b"if-modified-since")
    if since is None:
        return False
    try:
        when = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if when > dt.datetime.now(tz=dt.UTC):
        return False  # a date in the future is no proof of anything (RFC 9110, 13.1.3): send the feed
    return resource.modified <= when


# -- the HTTP side: uvicorn with a guard against slow clients ----------------------------------------------


class _Guard:
    """Per server: connections still waiting for a request head, oldest first, and the cap."""

    def __init__(self, limits: ServeLimits) -> None:
        self.limits = limits
        self.waiting: dict[_GuardedH11, None] = {}


class _GuardedH11(H11Protocol):
    """uvicorn's h11 protocol, plus: a deadline for each request head, and the connection cap."""

    guard: _Guard
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        guard = self.guard
        if len(self.connections) > guard.limits.max_connections:
            victim = next(iter(guard.waiting), None)
            if victim is None:
                self.transport.abort()  # every connection is busy: no room for this one
                return
            victim._drop()
        self._wait_for_head()

    def _wait_for_head(self) -> None:
        self._stop_waiting()
        self.guard.waiting[self] = None
        self._head_timer = self.loop.call_later(self.guard.limits.header_timeout, self._drop)

    def _stop_waiting(self) -> None:
        self.guard.waiting.pop(self, None)
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _drop(self) -> None:
        """Close a connection still waiting for its request head (no answer: it asked nothing)."""
        self._stop_waiting()
        self.transport.abort()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE and self._head_timer is not None:
            self._stop_waiting()  # the head is in: the request is being answered

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._wait_for_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)


class _EscapingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.exc_info = None  # the server's own notices only: no tracebacks in the log
        record.exc_text = None
        return escape_log(super().format(record))


def _fit_file_limit(wanted: int) -> int:
    """Raise the soft open-file limit to ``wanted`` + a margin if the hard limit allows; return the
    number of connections that fit."""
    margin = 128
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + margin
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(16, min(wanted, soft - margin))


def _bind(host: str, port: int, backlog: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
        sock.set_inheritable(True)
    except BaseException:
        sock.close()
        raise
    return sock


class FeedServer:
    """An HTTP server for feeds, bound when made (so a busy port fails at once); not yet running.

    Run it with :meth:`serve_forever` (in the main thread, Ctrl-C stops it with ``KeyboardInterrupt``
    after the answers in progress) or :meth:`start` (in a thread of its own); stop it with
    :meth:`shutdown` and :meth:`server_close`. Give it feeds with :meth:`set_feeds`; until then every
    request gets ``503`` with ``Retry-After``.

    Raises:
        OSError: The address cannot be bound (in use, or not an address of this machine).
    """

    def __init__(
        self, host: str = "127.0.0.1", port: int = 8080, *, log: TextIO | None = None, limits: ServeLimits | None = None
    ) -> None:
        limits = limits or ServeLimits()
        limits = attrs.evolve(limits, max_connections=_fit_file_limit(limits.max_connections))
        self.limits = limits
        self.app = FeedApp(log, limits.retry_after)
        self.socket = _bind(host, port, limits.backlog)
        self.server_address: tuple[str, int] = self.socket.getsockname()[:2]
        protocol = type("_Protocol", (_GuardedH11,), {"guard": _Guard(limits)})
        config = uvicorn.Config(
            self.app,
            http=protocol,
            lifespan="off",
            log_config=None,
            access_log=False,
            proxy_headers=False,
            server_header=False,
            headers=[("server", "lianxue")],
            limit_concurrency=limits.max_connections + 1,  # the guard closes connections before this
            backlog=limits.backlog,
            timeout_keep_alive=limits.keep_alive,
            timeout_graceful_shutdown=limits.graceful,
            ws="none",
        )
        self._uvicorn = uvicorn.Server(config)
        self._log = log
        self._running = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL the server listens on, e.g. ``http://127.0.0.1:8080/``."""
        host, port = self.server_address
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def set_feeds(
        self,
        feeds: Mapping[str, bytes],
        *,
        names: Mapping[str, str] | None = None,
        organizations: Sequence[Organization] = (),
        last_modified: dt.datetime | None = None,
    ) -> None:
        """Serve ``feeds`` from now on (see :meth:`FeedApp.set_feeds`)."""
        self.app.set_feeds(feeds, names=names, organizations=organizations, last_modified=last_modified)

    def serve_forever(self, poll_interval: float | None = None) -> None:
        """Serve until :meth:`shutdown` (or, in the main thread, Ctrl-C: ``KeyboardInterrupt``).

        ``poll_interval`` is accepted for compatibility with :mod:`socketserver` and ignored.
        """
        handler = self._log_handler()
        logger = logging.getLogger("uvicorn.error")
        propagate = logger.propagate
        if handler is not None:
            logger.addHandler(handler)
            logger.propagate = False
        self._running.set()
        try:
            self._uvicorn.run(sockets=[self.socket])
        finally:
            if handler is not None:
                logger.removeHandler(handler)
                logger.propagate = propagate
            self._stopped.set()

    def _log_handler(self) -> logging.Handler | None:
        if self._log is None:
            return None
        handler = logging.StreamHandler(self._log)
        handler.setLevel(logging.WARNING)
        handler.setFormatter(_EscapingFormatter("%(levelname)s: %(message)s"))
        return handler

    def start(self) -> FeedServer:
        """Serve in a daemon thread; return once the server accepts connections."""
        self._thread = threading.Thread(target=self.serve_forever, name="lianxue-serve", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._uvicorn.started and not self._stopped.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def shutdown(self) -> None:
        """Stop serving: finish the answers in progress, close every connection, return when stopped."""
        self._uvicorn.should_exit = True
        if self._running.is_set():
            self._stopped.wait(self.limits.graceful + 10)

    def server_close(self) -> None:
        """Close the listening socket (after :meth:`shutdown`)."""
        self.socket.close()


def make_server(
    feeds: Mapping[str, bytes],
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    names: Mapping[str, str] | None = None,
    organizations: Sequence[Organization] = (),
    last_modified: dt.datetime | None = None,
    log: TextIO | None = None,
    limits: ServeLimits | None = None,
) -> FeedServer:
    """A server (bound, not yet running) for fixed ``feeds``; call ``serve_forever()`` or ``start()``.

    Args:
        feeds: Feed bytes by relative path (``"xinshi.ics"``, ``"people/m-0001.ics"``), each served at
            ``/<path>`` as ``text/calendar; charset=utf-8``.
        host: The address to listen on (``"127.0.0.1"``; ``"0.0.0.0"`` for every interface).
        port: The port (``0``: any free port; read it from ``server.server_address`` or ``server.url``).
        names: Names to show on the subscription page, by path.
        organizations: The organizations in file order: the page nests their feeds by ``parent``.
        last_modified: The Last-Modified time of every feed (default: now).
        log: Where to write one line per request and the server's warnings (default: nowhere).
        limits: Connections, timeouts and backlog (default: :class:`ServeLimits`).

    Raises:
        OSError: The address cannot be bound (in use, or not an address of this machine).

    Example::

        server = make_server({"xinshi.ics": text.encode()}, port=0).start()
        print(server.url + "xinshi.ics")
        ...
        server.shutdown()
        server.server_close()
    """
    server = FeedServer(host, port, log=log, limits=limits)
    server.set_feeds(feeds, names=names, organizations=organizations, last_modified=last_modified)
    return server


# -- lianxue serve: listen at once, build in the background, rebuild on change ------------------------------


def _signature(paths: Sequence[Path]) -> tuple[tuple[int, int, int] | None, ...]:
    out: list[tuple[int, int, int] | None] = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            out.append(None)
        else:
            out.append((st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(out)


def serve(
    build: Callable[[], Iterable[WrittenFeed] | Subscriptions],
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    watch: Sequence[Path] = (),
    out: TextIO,
    err: TextIO,
    last_modified: dt.datetime | None = None,
    limits: ServeLimits | None = None,
    poll: float = 1.0,
) -> None:
    """``lianxue serve``: listen at once, build the feeds in the background, rebuild when ``watch`` changes.

    Prints ``Listening at URL (Ctrl-C to stop): building the calendars...`` as soon as the port is bound,
    and ``Serving N calendars at URL`` when the feeds are ready (until then, ``503`` with Retry-After).
    Every ``poll`` seconds the files in ``watch`` (the organization file, a holidays file) are looked at
    (modification time, size, inode); when one changed, the feeds are built again and replace the old
    ones at once. A rebuild that fails leaves the old feeds served and logs one line on ``err``. Ctrl-C
    stops the server (``Stopped.``).

    Args:
        build: Makes the feeds (``app.feeds(...)`` over a freshly loaded tree and plan), or a
            :class:`Subscriptions` with the feeds and the organizations (the subscription page then follows
            the tree); called in a background thread, once at the start and after each change.
        host: The address to listen on.
        port: The port (``0``: any free port).
        watch: Files whose change triggers a rebuild.
        out: Where the two status lines go.
        err: Where the request log and rebuild failures go.
        last_modified: Last-Modified of the first build's feeds (default: now).
        limits: See :class:`ServeLimits`.
        poll: Seconds between two looks at ``watch``.

    Raises:
        OSError: The address cannot be bound (before anything is printed).
        LianxueError: The first build failed (bad organization file, unknown supervisor, a plugin
            failed; an OSError while building becomes an :class:`InputError`): the server stops and the
            error is raised, as ``lianxue calendar`` would raise it.
    """
    server = FeedServer(host, port, log=err, limits=limits)
    print(
        _("Listening at {url} (Ctrl-C to stop): building the calendars...").format(url=server.url), file=out, flush=True
    )
    stop = threading.Event()
    failure: list[BaseException] = []

    def build_once() -> int:
        built = build()
        made = built if isinstance(built, Subscriptions) else Subscriptions(tuple(built))
        feeds = {f.path: f for f in made.feeds}
        server.set_feeds(
            {path: f.text.encode("utf-8") for path, f in feeds.items()},
            names={path: f.name for path, f in feeds.items()},
            organizations=made.organizations,
            last_modified=last_modified,
        )
        return len(feeds)

    def worker() -> None:
        seen = _signature(watch)
        try:
            count = build_once()
        except Exception as exc:  # the first build's error is the command's error
            if isinstance(exc, OSError):  # a file that cannot be read: bad input, not a port that cannot be bound
                where = str(watch[0]) if watch else "lianxue serve"
                reason = os_reason(exc)
                exc = InputError([Problem(where, _("cannot build the calendars ({reason})").format(reason=reason))])
            failure.append(exc)
            server.shutdown()
            return
        serving = ngettext("Serving {n} calendar at {url}", "Serving {n} calendars at {url}", count)
        print(serving.format(n=count, url=server.url), file=out, flush=True)
        while not stop.wait(poll):
            now = _signature(watch)
            if now == seen:
                continue
            seen = now
            try:
                count = build_once()
            except LianxueError as exc:
                warning = _("{problem}; still serving the previous calendars").format(problem=escape_log(str(exc)))
                print(_("lianxue: warning: {warning}").format(warning=warning), file=err)
                continue
            rebuilt = ngettext(
                "Rebuilt: serving {n} calendar at {url}", "Rebuilt: serving {n} calendars at {url}", count
            )
            print(rebuilt.format(n=count, url=server.url), file=out, flush=True)

    thread = threading.Thread(target=worker, name="lianxue-build", daemon=True)
    thread.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        # uvicorn catches Ctrl-C, stops, then raises it again; whether that reaches here as KeyboardInterrupt or
        # as a plain return depends on when asyncio sees it: stopped either way
        pass
    finally:
        stop.set()
        server.server_close()
    if failure:
        raise failure[0]
    print(_("Stopped."), file=out, flush=True)
