"""Publishing feeds to a CalDAV server: one collection per organization, one resource per event.

:func:`publish` makes each organization's collection match its feed. It touches only the events
lianxue manages — a UID ending in ``@lianxue`` or an ``X-LIANXUE-OBLIGATION`` property — and leaves
everything else in the collection (events people added by hand) alone:

* an event of the feed that the collection lacks is created (``PUT``, one resource per UID with its
  VTIMEZONE, no METHOD);
* an event whose content changed is replaced, with SEQUENCE one above the server's;
* a managed event of the same year(s) that the feed no longer has is deleted;
* everything else is left untouched, so a second publish sends nothing.

Servers rewrite what they store (Radicale sorts properties and refolds lines), so each resource
carries ``X-LIANXUE-FINGERPRINT``: the fingerprint of the event as lianxue wrote it (every line but
DTSTAMP, SEQUENCE and LAST-MODIFIED). An event is unchanged when that fingerprint matches and its
start, end, summary, location and status still read the same (a managed event moved by hand is put
back). Each PUT and DELETE is one request on one resource, so a failure part-way leaves every event
either as it was or fully updated.

The CalDAV client comes with the optional extra ``lianxue[caldav]``; without it, importing this module
raises :class:`~lianxue_core.errors.InputError` saying how to install it.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Collection, Iterable, Mapping
from typing import cast

import attrs
import icalendar

from ..errors import InputError, LianxueError, Problem

# The CalDAV client is the optional extra `lianxue[caldav]`: without it this module (and so `lianxue publish`,
# which imports it first) stops with one line saying how to install it, before reading anything.
try:
    from caldav.calendarobjectresource import Event as DAVEvent
    from caldav.collection import Calendar as DAVCalendar
    from caldav.collection import Principal as DAVPrincipal
    from caldav.davclient import DAVClient
    from caldav.lib import error as caldav_error
except ImportError as exc:
    raise InputError([Problem("lianxue publish", "needs the CalDAV client: pip install 'lianxue[caldav]'")]) from exc

from .feeds import EventBlock, PreviousFeed
from .ics import line
from .writer import WrittenFeed

__all__ = [
    "FINGERPRINT_PROPERTY",
    "CollectionReport",
    "PublishError",
    "PublishReport",
    "check_url",
    "is_managed",
    "publish",
]

FINGERPRINT_PROPERTY = "X-LIANXUE-FINGERPRINT"


@attrs.frozen
class CollectionReport:
    """What :func:`publish` did to one organization's collection.

    Args:
        org: The collection's id (the organization id).
        name: Its display name.
        url: Its URL on the server.
        created: Events added.
        updated: Events replaced because their content changed.
        deleted: Managed events removed because the feed no longer has them.
        unchanged: Events already as the feed has them.
        new_collection: ``True`` when the collection itself was created.
    """

    org: str
    name: str
    url: str
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    new_collection: bool = False

    @property
    def changed(self) -> int:
        """Requests that changed something (created + updated + deleted)."""
        return self.created + self.updated + self.deleted


@attrs.frozen
class PublishReport:
    """What :func:`publish` did: one :class:`CollectionReport` per feed, in feed order."""

    url: str
    collections: tuple[CollectionReport, ...] = ()

    def total(self, field: str) -> int:
        """The sum of one count (``"created"``, ``"updated"``, ``"deleted"``, ``"unchanged"``)."""
        return sum(int(getattr(c, field)) for c in self.collections)


class PublishError(LianxueError):
    """The server could not be reached or refused a request.

    The message is one line naming the URL and the organization. :attr:`report` holds what was
    done before the failure (every collection in it was fully updated).
    """

    def __init__(self, message: str, report: PublishReport) -> None:
        super().__init__(message)
        self.report = report


def check_url(url: str) -> str | None:
    """What is wrong with ``url`` as a CalDAV server URL, or ``None`` when it looks right."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not parts.hostname:
        return "has no host name"
    return None


# -- what is on the server ----------------------------------------------------------------------------

_COMPARED = ("UID", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "STATUS", "X-LIANXUE-OBLIGATION")
_VISIBLE = ("DTSTART", "DTEND", "SUMMARY", "LOCATION", "STATUS")
_WANTED = frozenset((*_COMPARED, FINGERPRINT_PROPERTY))
_UNFOLD = re.compile(r"\r?\n[ \t]")
_NAME = re.compile(r"[;:]")


def _properties(text: str) -> dict[str, str] | None:
    """The compared properties of the first VEVENT of ``text``: name -> ``;PARAMS:value`` (unfolded).

    Only these few lines are read: parsing a whole resource (description, alarm, time zone) with
    icalendar costs ten times more, and most events only need their fingerprint compared.
    """
    found: dict[str, str] = {}
    inside = False
    depth = 0
    for ln in _UNFOLD.sub("", text).splitlines():
        upper = ln.upper()
        if not inside:
            inside = upper == "BEGIN:VEVENT"
            continue
        if upper.startswith("BEGIN:"):
            depth += 1
        elif upper.startswith("END:"):
            if depth == 0:
                break
            depth -= 1
        elif depth == 0:
            name = _NAME.split(ln, maxsplit=1)[0]
            if name.upper() in _WANTED:
                found.setdefault(name.upper(), ln[len(name) :])
    return found if inside else None


def _value(rest: str) -> str:
    """The value of ``;PARAMS:value`` (a colon inside a quoted parameter value does not end the parameters)."""
    quoted = False
    for i, ch in enumerate(rest):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return rest[i + 1 :]
    return ""


def _raw_visible(props: Mapping[str, str]) -> tuple[str, ...]:
    """What a person sees, as written, with parameters sorted (servers reorder them)."""
    out = []
    for name in _VISIBLE:
        rest = props.get(name, "")
        value = _value(rest)
        params = sorted(p.upper().replace('"', "") for p in rest[: len(rest) - len(value) - 1].split(";") if p)
        out.append(";".join(params) + ":" + value)
    return tuple(out)


def _semantic_visible(props: Mapping[str, str]) -> tuple[str, ...] | None:
    """What a person sees, as values: times in UTC, text unescaped (icalendar reads the few lines)."""
    lines = "".join(f"{name}{rest}\r\n" for name, rest in props.items() if name in _VISIBLE)
    try:
        event = icalendar.Event.from_ical(f"BEGIN:VEVENT\r\n{lines}END:VEVENT\r\n")
    except ValueError:
        return None
    out = []
    for name in _VISIBLE:
        value = event.get(name)
        moment = getattr(value, "dt", None)
        if isinstance(moment, dt.datetime):
            out.append("T" + (moment.astimezone(dt.UTC) if moment.tzinfo else moment).isoformat())
        elif isinstance(moment, dt.date):
            out.append("D" + moment.isoformat())
        else:
            out.append("" if value is None else str(value))
    return tuple(out)


def _same_visible(ours: Mapping[str, str], theirs: Mapping[str, str]) -> bool:
    if _raw_visible(ours) == _raw_visible(theirs):
        return True
    mine = _semantic_visible(ours)
    return mine is not None and mine == _semantic_visible(theirs)


def is_managed(uid: str, properties: Collection[str]) -> bool:
    """``True`` for an event lianxue manages: its UID ends in ``@lianxue`` or it has X-LIANXUE-OBLIGATION.

    Args:
        uid: The event's UID.
        properties: The names of its properties (an :class:`icalendar.Event` will do).
    """
    return uid.endswith("@lianxue") or "X-LIANXUE-OBLIGATION" in properties


@attrs.frozen
class _ServerEvent:
    uid: str
    resource: DAVEvent
    props: Mapping[str, str]

    @property
    def sequence(self) -> int:
        value = _value(self.props.get("SEQUENCE", "")).strip()
        return int(value) if value.isdigit() else 0

    @property
    def fingerprint(self) -> str:
        return _value(self.props.get(FINGERPRINT_PROPERTY, "")).strip()

    @property
    def managed(self) -> bool:
        return is_managed(self.uid, self.props)

    @property
    def year(self) -> int | None:
        start = re.match(r"\d{4}", _value(self.props.get("DTSTART", "")))
        return int(start.group(0)) if start else None


def _server_events(calendar: DAVCalendar) -> dict[str, _ServerEvent]:
    found: dict[str, _ServerEvent] = {}
    resources = cast("list[DAVEvent]", calendar.search(event=True))
    for resource in resources:
        raw = resource.raw_data
        text = raw.decode("utf-8", "replace") if raw is not None else str(resource.data or "")
        props = _properties(text)
        if props is None or "UID" not in props:
            continue  # not ours to judge
        uid = _value(props["UID"]).strip()
        found[uid] = _ServerEvent(uid, resource, props)
    return found


# -- what the feed says --------------------------------------------------------------------------------

_TIMEZONE = re.compile(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", re.DOTALL)
_TZID = re.compile(r"^TZID:(.*)$", re.MULTILINE)
_TZID_PARAM = re.compile(r";TZID=([^;:]+)")
_PRODID = re.compile(r"^PRODID:(.*)$", re.MULTILINE)


@attrs.frozen
class _Feed:
    org: str
    name: str
    prodid: str
    timezones: Mapping[str, str]
    events: Mapping[str, EventBlock]

    @property
    def years(self) -> set[int]:
        years = set()
        for block in self.events.values():
            start = re.search(r"^DTSTART[^:\r\n]*:(\d{4})", block.text, re.MULTILINE)
            if start:
                years.add(int(start.group(1)))
        return years

    def resource(self, block: EventBlock, sequence: int) -> bytes:
        """One CalDAV resource: the event with its VTIMEZONEs, SEQUENCE set and the fingerprint added."""
        event = re.sub(r"^SEQUENCE:\d+\r\n", f"SEQUENCE:{sequence}\r\n", block.text, count=1, flags=re.MULTILINE)
        if "\r\nSEQUENCE:" not in event:
            event = event.replace("\r\n", f"\r\nSEQUENCE:{sequence}\r\n", 1)
        end = "END:VEVENT\r\n"
        event = event.removesuffix(end) + line(FINGERPRINT_PROPERTY, block.fingerprint) + end
        unfolded = event.replace("\r\n ", "")
        zones = sorted(set(_TZID_PARAM.findall(unfolded)))
        head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{self.prodid}\r\nCALSCALE:GREGORIAN\r\n"
        body = "".join(self.timezones[z] for z in zones if z in self.timezones)
        return (head + body + event + "END:VCALENDAR\r\n").encode("utf-8")


def _collection_id(path: str) -> str:
    return path.removesuffix(".ics").replace("/", "-")


def _read_feed(feed: WrittenFeed, names: Mapping[str, str] | None) -> _Feed:
    if not feed.text:
        raise ValueError(f"feed {feed.path!r} has no text: publish the feeds build_feeds() yields")
    org = _collection_id(feed.path)
    default = re.sub(r" \d{4}$", "", feed.name)
    name = names.get(org, default) if names is not None else default
    head = feed.text.split("BEGIN:V", 2)
    prodid = _PRODID.search(head[1] if len(head) > 1 else feed.text)
    timezones = {}
    for block in _TIMEZONE.findall(feed.text):
        tzid = _TZID.search(block.replace("\r\n ", ""))
        if tzid:
            timezones[tzid.group(1).strip()] = block
    return _Feed(
        org=org,
        name=name,
        prodid=prodid.group(1).strip() if prodid else "-//lianxue//lianxue//ZH",
        timezones=timezones,
        events=PreviousFeed.parse(feed.text).blocks,
    )


# -- talking to the server -----------------------------------------------------------------------------


def _reason(exc: BaseException) -> str:
    """One short line saying why a request failed."""
    if isinstance(exc, caldav_error.AuthorizationError):
        return f"the server refused the credentials or the request (HTTP {exc.status or 401}/403)"
    if isinstance(exc, caldav_error.DAVError):
        reason = " ".join(str(exc.reason).split())
        if reason in ("", "no reason"):
            reason = "the server gave no reason"
        if exc.status in (404, 405, 501):
            reason += " (is this the address of a CalDAV server?)"
        status = f"HTTP {exc.status}: " if exc.status else ""
        return f"{type(exc).__name__}: {status}{reason}"[:300]
    text = str(exc)
    errno = re.search(r"\[Errno -?\d+\] ([^')\"]+)", text)
    if errno:
        return f"cannot connect ({errno.group(1).strip()})"
    resolve = re.search(r"Failed to resolve '([^']+)'", text)
    if resolve:
        return f"cannot connect (unknown host {resolve.group(1)})"
    first = " ".join(text.split())
    return f"{type(exc).__name__}: {first}"[:300]


class _Session:
    """A DAV client, its principal and its collections, found on first use."""

    def __init__(self, url: str, user: str | None, password: str | None, timeout: int) -> None:
        self.url = url
        # With a user name, send the credentials at once: servers delay the answer to a failed
        # (credential-less) request, Radicale by a second.
        self.client = DAVClient(
            url=url,
            username=user,
            password=password,
            auth_type="basic" if user is not None else None,
            timeout=timeout,
            enable_rfc6764=False,
        )
        self._principal: DAVPrincipal | None = None
        self._calendars: dict[str, DAVCalendar] | None = None

    def close(self) -> None:
        self.client.close()

    def calendars(self) -> tuple[DAVPrincipal, dict[str, DAVCalendar]]:
        if self._principal is None or self._calendars is None:
            principal = self.client.get_principal()
            found = cast("list[DAVCalendar]", principal.get_calendars())
            self._principal = principal
            self._calendars = {}
            for cal in found:
                path = urllib.parse.urlsplit(str(cal.url)).path.rstrip("/")
                self._calendars[urllib.parse.unquote(path.rsplit("/", 1)[-1])] = cal
        return self._principal, self._calendars

    def collection(self, org: str, name: str) -> tuple[DAVCalendar, bool]:
        principal, calendars = self.calendars()
        if org in calendars:
            return calendars[org], False
        cal = cast("DAVCalendar", principal.make_calendar(name=name, cal_id=org))
        calendars[org] = cal
        return cal, True


def _sync(session: _Session, feed: _Feed) -> CollectionReport:
    calendar, new = session.collection(feed.org, feed.name)
    server = {} if new else _server_events(calendar)
    created = updated = deleted = unchanged = 0
    for uid, block in feed.events.items():
        old = server.get(uid)
        if old is None:
            resource = DAVEvent(session.client, parent=calendar)
            resource.save(raw_data=feed.resource(block, block.sequence))
            created += 1
            continue
        ours = _properties(block.text) if old.fingerprint == block.fingerprint else None
        if ours is not None and _same_visible(ours, old.props):
            unchanged += 1
            continue
        sequence = max(block.sequence, old.sequence + 1)
        old.resource.save(raw_data=feed.resource(block, sequence))  # If-Match: the ETag just read
        updated += 1
    years = feed.years
    for uid, old in sorted(server.items()):
        if uid in feed.events or not old.managed or old.year not in years:
            continue
        old.resource.delete()
        deleted += 1
    return CollectionReport(
        org=feed.org,
        name=feed.name,
        url=str(calendar.url),
        created=created,
        updated=updated,
        deleted=deleted,
        unchanged=unchanged,
        new_collection=new,
    )


def publish(
    feeds: Iterable[WrittenFeed],
    url: str,
    *,
    user: str | None = None,
    password: str | None = None,
    names: Mapping[str, str] | None = None,
    timeout: int = 30,
) -> PublishReport:
    """Make each feed's collection on the CalDAV server at ``url`` match the feed.

    Args:
        feeds: Feeds with their text, as :func:`~lianxue_core.calendar.build_feeds` yields them
            (``which=FeedSet()``: one per organization). A feed ``<org-id>.ics`` goes to the collection
            ``<org-id>`` of the user's calendar home, created when missing.
        url: The server (or principal) URL; the calendar home is discovered from it.
        user: User name for HTTP authentication.
        password: Password for HTTP authentication.
        names: Display names of new collections by organization id (default: the feed's name
            without its year).
        timeout: Seconds to wait for each request.

    Returns:
        What was created, updated, deleted and left unchanged in each collection.

    Raises:
        ValueError: ``url`` is not an http(s) URL, or a feed has no text.
        PublishError: The server is unreachable or refused a request (one line naming the URL
            and the organization; ``report`` says what was done before).

    Example::

        feeds = build_feeds(plan, tree, obligations, options=FeedOptions())
        report = publish(feeds, "https://dav.example.cn/", user="dangjian", password=secret)
        print(report.total("created"), "events created")
    """
    problem = check_url(url)
    if problem is not None:
        raise ValueError(f"{url}: {problem}")
    done: list[CollectionReport] = []
    session = _Session(url, user, password, timeout)
    try:
        for written in feeds:
            feed = _read_feed(written, names)
            try:
                done.append(_sync(session, feed))
            except (caldav_error.DAVError, OSError) as exc:
                message = f"cannot publish organization {feed.org!r} ({feed.name}) to {url}: {_reason(exc)}"
                raise PublishError(message, PublishReport(url, tuple(done))) from exc
    finally:
        session.close()
    return PublishReport(url, tuple(done))
