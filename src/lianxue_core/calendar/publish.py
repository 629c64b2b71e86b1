"""Publishing feeds to a CalDAV server: one collection per organization, one resource per event.

:func:`publish` makes each organization's collection match its feed. It touches only the events
lianxue provably wrote — read with icalendar's parser, never from a line split: a UID of lianxue's
scheme (``…@lianxue``) *and* an ``X-LIANXUE-OBLIGATION`` property *and* an ``X-LIANXUE-FINGERPRINT``,
one VEVENT per resource — and leaves everything else in the collection (events people added by hand,
whatever their text and properties) alone:

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
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import cast

import attrs
import icalendar

from ..errors import InputError, LianxueError, Problem
from ..i18n import _

# The CalDAV client is the optional extra `lianxue[caldav]`: without it this module (and so `lianxue publish`,
# which imports it first) stops with one line saying how to install it, before reading anything.
try:
    from caldav.calendarobjectresource import Event as DAVEvent
    from caldav.collection import Calendar as DAVCalendar
    from caldav.collection import Principal as DAVPrincipal
    from caldav.davclient import DAVClient
    from caldav.lib import error as caldav_error
except ImportError as exc:
    raise InputError([Problem("lianxue publish", _("needs the CalDAV client: pip install 'lianxue[caldav]'"))]) from exc

from .feeds import EventBlock, PreviousFeed
from .ics import line
from .writer import WrittenFeed

__all__ = [
    "FINGERPRINT_PROPERTY",
    "MANAGED_UID",
    "CollectionReport",
    "PublishError",
    "PublishReport",
    "check_url",
    "is_managed",
    "publish",
    "redact_url",
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
        foreign: Events of the feed not written because the collection holds, under their UID or
            resource name, an event lianxue did not write (left as it is).
    """

    org: str
    name: str
    url: str
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    new_collection: bool = False
    foreign: int = 0

    @property
    def changed(self) -> int:
        """Requests that changed something (created + updated + deleted)."""
        return self.created + self.updated + self.deleted


@attrs.frozen
class PublishReport:
    """What :func:`publish` did: one :class:`CollectionReport` per feed, in feed order.

    :attr:`url` is the server URL with its password masked (:func:`redact_url`), ready to print.
    """

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


_CREDENTIALS = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://)([^/?#\s]*)@")


def redact_url(text: str) -> str:
    """``text`` with the password of every URL in it masked: ``http://user:secret@host/`` ->
    ``http://user:***@host/`` (a password holding ``@`` included). Use it on anything that prints a URL."""

    def mask(m: re.Match[str]) -> str:
        user, colon, _ = m.group(2).partition(":")
        return f"{m.group(1)}{user}:***@" if colon else m.group(0)

    return _CREDENTIALS.sub(mask, text)


def check_url(url: str) -> str | None:
    """What is wrong with ``url`` as a CalDAV server URL, or ``None`` when it looks right."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError as exc:
        return _("not a URL ({error})").format(error=exc)
    if parts.scheme not in ("http", "https"):
        return _("must start with http:// or https://")
    if not parts.hostname:
        return _("has no host name")
    return None


# -- what is on the server ----------------------------------------------------------------------------

MANAGED_UID = re.compile(r"[^\s@]+@lianxue")
"""The UID scheme of lianxue's events: ``<org>.<obligation>.<period>[.<slot digest>]@lianxue`` (full match)."""
_FINGERPRINT_VALUE = re.compile(r"[0-9a-f]{64}")
_VISIBLE = ("DTSTART", "DTEND", "SUMMARY", "LOCATION", "STATUS")


def _text(value: object) -> str:
    """A property value as text (``""`` for a missing one); the first of a repeated property."""
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value)


def _visible(event: icalendar.cal.Component) -> tuple[str, ...]:
    """What a person sees, as values: times in UTC, dates as dates, text unescaped."""
    out = []
    for name in _VISIBLE:
        value = event.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        moment = getattr(value, "dt", None)
        if isinstance(moment, dt.datetime):
            out.append("T" + (moment.astimezone(dt.UTC) if moment.tzinfo else moment).isoformat())
        elif isinstance(moment, dt.date):
            out.append("D" + moment.isoformat())
        else:
            out.append(_text(value))
    return tuple(out)


def is_managed(uid: str, properties: Collection[str], fingerprint: str | None = None) -> bool:
    """``True`` only for an event lianxue provably wrote: a UID of lianxue's scheme (``…@lianxue``) *and*
    an ``X-LIANXUE-OBLIGATION`` property *and* (when ``fingerprint`` is given) a well-formed
    ``X-LIANXUE-FINGERPRINT`` value, as every event :func:`publish` writes has.

    Args:
        uid: The event's UID, as a parser read it.
        properties: The names of its properties (an :class:`icalendar.Event` will do).
        fingerprint: The value of its ``X-LIANXUE-FINGERPRINT`` (``None``: not checked).
    """
    if MANAGED_UID.fullmatch(uid) is None or "X-LIANXUE-OBLIGATION" not in properties:
        return False
    return fingerprint is None or _FINGERPRINT_VALUE.fullmatch(fingerprint) is not None


@attrs.frozen
class _ServerEvent:
    uid: str
    resource: DAVEvent | None
    managed: bool
    sequence: int = 0
    fingerprint: str = ""
    year: int | None = None
    visible: tuple[str, ...] = ()


def _read_resource(text: str) -> tuple[str, bool, icalendar.cal.Component] | None:
    """Parse one stored resource with icalendar: its UID, whether lianxue provably wrote it, its VEVENT.

    ``None`` when it cannot be parsed or holds no VEVENT with a UID: such a resource is not lianxue's
    to judge and is never touched. A resource lianxue wrote holds exactly one VEVENT (no RRULE, no
    RECURRENCE-ID) and nothing but VTIMEZONEs besides.
    """
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception:  # any parser failure: not ours
        return None
    if not isinstance(calendar, icalendar.Calendar):
        return None
    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    if not events or "UID" not in events[0]:
        return None
    event = events[0]
    uid = _text(event.get("UID"))
    others = [c for c in calendar.subcomponents if c.name not in ("VEVENT", "VTIMEZONE")]
    managed = (
        len(events) == 1
        and not others
        and "RRULE" not in event
        and "RECURRENCE-ID" not in event
        and not isinstance(event.get("UID"), list)
        and is_managed(uid, event, _text(event.get(FINGERPRINT_PROPERTY)))
    )
    return uid, managed, event


def _server_event(uid: str, managed: bool, event: icalendar.cal.Component, resource: DAVEvent | None) -> _ServerEvent:
    if not managed:
        return _ServerEvent(uid, resource, False)
    try:
        sequence = int(_text(event.get("SEQUENCE")) or 0)
        start = getattr(event.get("DTSTART"), "dt", None)
        year = start.year if isinstance(start, dt.date) else None
        visible = _visible(event)
    except (ValueError, TypeError, AttributeError):
        return _ServerEvent(uid, resource, False)  # ours by its marks, but unreadable: leave it
    return _ServerEvent(uid, resource, True, sequence, _text(event.get(FINGERPRINT_PROPERTY)), year, visible)


def _server_events(calendar: DAVCalendar) -> dict[str, _ServerEvent]:
    found: dict[str, _ServerEvent] = {}
    resources = cast("list[DAVEvent]", calendar.search(event=True))
    for resource in resources:
        raw = resource.raw_data
        text = raw.decode("utf-8", "replace") if raw is not None else str(resource.data or "")
        read = _read_resource(text)
        if read is None:
            continue  # not ours to judge
        uid, managed, event = read
        if uid in found:  # two resources with one UID: neither is provably ours alone
            found[uid] = _ServerEvent(uid, None, False)
            continue
        found[uid] = _server_event(uid, managed, event, resource)
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
        return _("the server refused the credentials or the request (HTTP {status}/403)").format(
            status=exc.status or 401
        )
    if isinstance(exc, caldav_error.DAVError):
        reason = " ".join(str(exc.reason).split())
        if reason in ("", "no reason"):
            reason = _("the server gave no reason")
        if exc.status in (404, 405, 501):
            reason += _(" (is this the address of a CalDAV server?)")
        status = f"HTTP {exc.status}: " if exc.status else ""
        return f"{type(exc).__name__}: {status}{reason}"[:300]
    text = str(exc)
    errno = re.search(r"\[Errno -?\d+\] ([^')\"]+)", text)
    if errno:
        return _("cannot connect ({reason})").format(reason=errno.group(1).strip())
    resolve = re.search(r"Failed to resolve '([^']+)'", text)
    if resolve:
        return _("cannot connect (unknown host {host})").format(host=resolve.group(1))
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


def _our_visible(block: EventBlock) -> tuple[str, ...] | None:
    try:
        return _visible(icalendar.Event.from_ical(block.text))
    except Exception:  # never expected for lianxue's own text; then it is simply sent again
        return None


#: :func:`publish`'s progress: called with the organization, the events of its feed done and their number.
Progress = Callable[[str, int, int], object]


def _sync(session: _Session, feed: _Feed, progress: Progress | None = None) -> CollectionReport:
    calendar, new = session.collection(feed.org, feed.name)
    server = {} if new else _server_events(calendar)
    created = updated = deleted = unchanged = foreign = 0
    total = len(feed.events)
    for done, (uid, block) in enumerate(feed.events.items()):
        if progress is not None:
            progress(feed.org, done, total)
        old = server.get(uid)
        if old is None:
            resource = DAVEvent(session.client, parent=calendar)
            try:  # If-None-Match: *: never over a resource that is there already
                resource.save(raw_data=feed.resource(block, block.sequence), no_overwrite=True)
            except (caldav_error.ConsistencyError, caldav_error.UidConflictError):
                foreign += 1  # something not lianxue's holds that name or that UID: left alone
                continue
            created += 1
            continue
        if not old.managed or old.resource is None:
            foreign += 1  # an event with lianxue's UID that lianxue did not write: never touched
            continue
        if old.fingerprint == block.fingerprint and _our_visible(block) == old.visible:
            unchanged += 1
            continue
        sequence = max(block.sequence, old.sequence + 1)
        old.resource.save(raw_data=feed.resource(block, sequence))  # If-Match: the ETag just read
        updated += 1
    years = feed.years
    for uid, old in sorted(server.items()):
        if uid in feed.events or not old.managed or old.resource is None or old.year not in years:
            continue
        old.resource.delete()  # If-Match: the ETag just read
        deleted += 1
    if progress is not None:
        progress(feed.org, total, total)
    return CollectionReport(
        org=feed.org,
        name=feed.name,
        url=redact_url(str(calendar.url)),
        created=created,
        updated=updated,
        deleted=deleted,
        unchanged=unchanged,
        new_collection=new,
        foreign=foreign,
    )


def publish(
    feeds: Iterable[WrittenFeed],
    url: str,
    *,
    user: str | None = None,
    password: str | None = None,
    names: Mapping[str, str] | None = None,
    timeout: int = 30,
    progress: Progress | None = None,
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
        progress: Called as ``progress(org, done, total)`` before each event of a feed is sent (or found
            unchanged) and once when its collection is done (``done == total``): a progress display.

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
    shown = redact_url(url)  # every URL lianxue prints has its password masked
    problem = check_url(url)
    if problem is not None:
        raise ValueError(f"{shown}: {problem}")
    done: list[CollectionReport] = []
    session = _Session(url, user, password, timeout)
    try:
        for written in feeds:
            feed = _read_feed(written, names)
            try:
                done.append(_sync(session, feed, progress))
            except (caldav_error.DAVError, OSError) as exc:
                message = _("cannot publish organization {org!r} ({name}) to {url}: {reason}").format(
                    org=feed.org, name=feed.name, url=shown, reason=_reason(exc)
                )
                raise PublishError(redact_url(message), PublishReport(shown, tuple(done))) from exc
    finally:
        session.close()
    return PublishReport(shown, tuple(done))
