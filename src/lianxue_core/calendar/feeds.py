"""Occurrences → iCalendar feeds: one per organization, per person, per supervisor.

Each occurrence becomes one VEVENT with a deterministic UID derived from its organization, obligation,
period and slot, so a subscriber's calendar updates instead of duplicating. Events are written as
text (see :mod:`.ics`); :func:`to_calendar` gives the same feed as an :class:`icalendar.Calendar`.

Regenerating over previous feeds (:class:`PreviousFeed`) keeps unchanged events byte-identical, raises
SEQUENCE and LAST-MODIFIED only on events whose time, status or text changed, and publishes an event
that no longer exists once as CANCELLED (then drops it on the next generation).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

import attrs
import icalendar

from ..model import Organization, OrganizationTree
from ..obligations import Obligation
from ..scheduling.occurrence import Occurrence
from .ics import (
    escape_text,
    fold,
    format_date,
    format_local,
    format_utc,
    line,
    text_line,
    text_list,
    unescape_text,
    unfold,
)

__all__ = [
    "EventBlock",
    "FeedOptions",
    "PreviousFeed",
    "build_events",
    "org_prefix",
    "people_line",
    "render_feed",
    "stamp_from_environment",
    "to_calendar",
    "uid_for",
]

PRODID = "-//lianxue//lianxue 0.1.0//ZH"
CALSCALE = "GREGORIAN"
#: The first CATEGORIES value of every event; the obligation's kind follows.
CATEGORY = "两学一做"
#: The first paragraph of a provisional occurrence's DESCRIPTION.
PROVISIONAL_NOTE = "【暂定】本年度节假日和调休安排尚未正式公布，日期可能调整。"


def stamp_from_environment(environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The DTSTAMP to use: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now, in UTC."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


@attrs.frozen
class FeedOptions:
    """How feeds are written.

    Args:
        stamp: The DTSTAMP (and LAST-MODIFIED of changed events), in UTC.
        alarm_minutes: Minutes before the start a reminder (VALARM) fires; ``None`` for no reminder.
        refresh: How often subscribers should refresh (REFRESH-INTERVAL and X-PUBLISHED-TTL).
        prodid: The PRODID.
    """

    stamp: dt.datetime = attrs.field(factory=stamp_from_environment)
    alarm_minutes: int | None = 24 * 60
    refresh: str = "PT12H"
    prodid: str = PRODID


def uid_for(occ: Occurrence, prefix: str = "") -> str:
    """The UID of ``occ``: readable ids of organization, obligation and period, and a digest of the slot.

    The slot (a member id for a talk) is hashed so UIDs carry no personal data.
    """
    parts = [occ.org, occ.obligation, occ.period]
    if occ.slot:
        parts.append(hashlib.sha1(occ.slot.encode("utf-8")).hexdigest()[:12])
    return prefix + ".".join(parts) + "@lianxue"


@attrs.frozen
class EventBlock:
    """One VEVENT (or VTODO) as written: its UID, SEQUENCE, text (CRLF lines) and a fingerprint of its content.

    The fingerprint covers every line but DTSTAMP, SEQUENCE and LAST-MODIFIED, so two generations of
    the same event compare equal exactly when nothing a subscriber sees has changed.

    Args:
        uid: The UID.
        sequence: The SEQUENCE.
        text: The component's content lines, folded, each ended by CRLF.
        fingerprint: A digest of everything but DTSTAMP, SEQUENCE and LAST-MODIFIED, or ``""`` to have it
            computed on first use.
        sort_key: Where it goes in the feed: local start, then UID.
        cancelled: Whether its STATUS is CANCELLED.
        tzids: The TZIDs its date-times use (the feed needs a VTIMEZONE for each).
    """

    uid: str
    sequence: int
    text: str
    _digest: str = attrs.field(alias="fingerprint", repr=False, eq=False)
    sort_key: str
    cancelled: bool = False
    tzids: tuple[str, ...] = ()

    @functools.cached_property
    def fingerprint(self) -> str:
        """The digest of everything but DTSTAMP, SEQUENCE and LAST-MODIFIED (computed on first use when
        ``fingerprint=""`` was given: most blocks read back from a file come back byte for byte)."""
        return self._digest or _fingerprint(self.text)


_VOLATILE_LINES = re.compile(r"^(?:DTSTAMP|SEQUENCE|LAST-MODIFIED)[;:][^\r\n]*\r\n", re.MULTILINE)
_BLOCK = re.compile(r"^BEGIN:(VEVENT|VTODO)\r\n.*?^END:\1\r\n", re.DOTALL | re.MULTILINE)
_UID = re.compile(r"^UID(?:;[^:\r\n]*)?:([^\r\n]*)\r?$", re.MULTILINE)
_SEQUENCE = re.compile(r"^SEQUENCE(?:;[^:\r\n]*)?:\s*(\d+)\s*\r?$", re.MULTILINE)
_STATUS_CANCELLED = re.compile(r"^STATUS(?:;[^:\r\n]*)?:CANCELLED\r?$", re.MULTILINE)
_START = re.compile(r"^(?:DTSTART|DUE)((?:;[^:\r\n]*)?):(\d{8})(T\d{6})?", re.MULTILINE)
_TZID = re.compile(
    r'^(?:DTSTART|DTEND|DUE|RECURRENCE-ID|EXDATE|RDATE)(?:;[^:\r\n]*)?;TZID=("?)([^";:\r\n]+)\1', re.MULTILINE
)
_CALNAME = re.compile(r"^X-WR-CALNAME:([^\r\n]*)\r$", re.MULTILINE)
_RESTAMP = re.compile(r"^(?:SEQUENCE|LAST-MODIFIED)[;:][^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*", re.MULTILINE)


def _fingerprint(text: str) -> str:
    """A digest of every line but DTSTAMP, SEQUENCE and LAST-MODIFIED (which lianxue never folds)."""
    return hashlib.sha256(_VOLATILE_LINES.sub("", text).encode("utf-8")).hexdigest()


def _tzids_of(text: str) -> tuple[str, ...]:
    return tuple(sorted({m.group(2) for m in _TZID.finditer(unfold(text))}))


def _alarm(minutes: int, summary: str, *, related_end: bool = False) -> str:
    trigger = f"-PT{minutes}M" if minutes % 60 else f"-PT{minutes // 60}H"
    return (
        "BEGIN:VALARM\r\n"
        + "ACTION:DISPLAY\r\n"
        + line("TRIGGER", trigger, (("RELATED", "END"),) if related_end else ())
        + line("DESCRIPTION", escape_text(f"提醒：{summary}"))
        + "END:VALARM\r\n"
    )


def _description(occ: Occurrence, ob: Obligation | None, titles: Mapping[str, str], people: str) -> str:
    parts: list[str] = []
    if occ.provisional:
        parts.append(PROVISIONAL_NOTE)
    if occ.theme:
        parts.append(f"本月主题：{occ.theme}")
    if occ.agenda:
        parts.append("议程：" + "；".join(f"{n}. {step}" for n, step in enumerate(occ.agenda, 1)))
    if ob is not None and ob.description:
        parts.append(ob.description)
    if occ.also_fulfils:
        parts.append("本次活动同时落实：" + "、".join(titles.get(i, i) for i in occ.also_fulfils))
    if people:
        parts.append(people)
    if occ.note:
        parts.append(occ.note)
    if ob is not None:
        parts.append(f"出处：{ob.source.citation()}\n原文：“{ob.source.quote}”")
    return "\n\n".join(parts)


def _last_day(occ: Occurrence) -> dt.date:
    """The last day (inclusive) of an all-day occurrence."""
    end = occ.end
    if isinstance(end, dt.datetime):
        return end.date()
    return max(end, occ.first_day)


TextLine = Callable[[str, str], str]


def _text_lines() -> TextLine:
    """A memo of :func:`text_line` for one feed: its texts repeat (the same obligation every month), and
    a cache that lives as long as the feed keeps memory flat in the number of feeds."""
    cache: dict[tuple[str, str], str] = {}

    def get(name: str, value: str) -> str:
        key = (name, value)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = text_line(name, value)
        return hit

    return get


def _event_text(
    occ: Occurrence,
    uid: str,
    sequence: int,
    options: FeedOptions,
    ob: Obligation | None,
    titles: Mapping[str, str],
    summary_prefix: str,
    people: str,
    last_modified: dt.datetime | None,
    cancelled: bool = False,
    component: str = "VEVENT",
    text_line: TextLine = text_line,
) -> str:
    todo = component == "VTODO"
    summary = summary_prefix + occ.title + ("（暂定）" if occ.provisional else "")
    lines = [f"BEGIN:{component}\r\n", fold(f"UID:{uid}"), f"DTSTAMP:{format_utc(options.stamp)}\r\n"]
    if last_modified is not None:
        lines.append(f"LAST-MODIFIED:{format_utc(last_modified)}\r\n")
    lines.append(f"SEQUENCE:{sequence}\r\n")
    start = occ.start
    if isinstance(start, dt.datetime):
        tzid = _tzid(start)
        end = occ.end if isinstance(occ.end, dt.datetime) else start
        if end.tzinfo is not start.tzinfo:
            end = end.astimezone(start.tzinfo)
        if todo:
            lines.append(f"DTSTART;TZID={tzid}:{format_local(start)}\r\n")
            lines.append(f"DUE;TZID={tzid}:{format_local(max(end, start + dt.timedelta(minutes=1)))}\r\n")
        else:
            lines.append(f"DTSTART;TZID={tzid}:{format_local(start)}\r\n")
            if end > start:
                lines.append(f"DTEND;TZID={tzid}:{format_local(end)}\r\n")
        transp = "OPAQUE"
    else:
        last = _last_day(occ)
        if todo:
            if last > start:
                lines.append(f"DTSTART;VALUE=DATE:{format_date(start)}\r\n")
            lines.append(f"DUE;VALUE=DATE:{format_date(last)}\r\n")
        else:
            lines.append(f"DTSTART;VALUE=DATE:{format_date(start)}\r\n")
            lines.append(f"DTEND;VALUE=DATE:{format_date(last + dt.timedelta(days=1))}\r\n")
        transp = "TRANSPARENT"
    lines.append(text_line("SUMMARY", summary))
    description = _description(occ, ob, titles, people)
    if description:
        lines.append(text_line("DESCRIPTION", description))
    if occ.location:
        lines.append(text_line("LOCATION", occ.location))
    lines.append(_categories(ob.kind.label if ob is not None else ""))
    if todo:
        status = "CANCELLED" if cancelled else "NEEDS-ACTION"
        lines.append(f"STATUS:{status}\r\n")
    else:
        status = "CANCELLED" if cancelled else ("TENTATIVE" if occ.provisional else "CONFIRMED")
        lines.append(f"STATUS:{status}\r\nTRANSP:{transp}\r\n")
    lines.append(text_line("X-LIANXUE-ORG", occ.org))
    lines.append(text_line("X-LIANXUE-OBLIGATION", occ.obligation))
    lines.append(text_line("X-LIANXUE-PERIOD", occ.period))
    if occ.provisional:
        lines.append("X-LIANXUE-PROVISIONAL:TRUE\r\n")
    if options.alarm_minutes is not None and not cancelled:
        lines.append(_alarm(options.alarm_minutes, summary, related_end=todo))
    lines.append(f"END:{component}\r\n")
    return "".join(lines)


@lru_cache(maxsize=64)
def _categories(kind_label: str) -> str:
    return line("CATEGORIES", text_list([CATEGORY, kind_label] if kind_label else [CATEGORY]))


def _tzid(moment: dt.datetime) -> str:
    key = getattr(moment.tzinfo, "key", None)
    if not isinstance(key, str):
        raise ValueError(f"occurrence start {moment.isoformat()} has no IANA time zone")
    return key


def _sort_key(occ: Occurrence, uid: str) -> str:
    """Local start (``20260104T143000``; all-day items at ``T000000``), then UID: the order in a feed."""
    start = occ.start
    moment = format_local(start) if isinstance(start, dt.datetime) else (format_date(start) + "T000000")
    return f"{moment}|{uid}"


class PreviousFeed:
    """The events (and to-dos) of a feed written earlier, by UID, for updates.

    Read with :meth:`read`; an unreadable or foreign file counts as no previous feed.
    """

    def __init__(self, blocks: Mapping[str, EventBlock], name: str = "") -> None:
        self.blocks = dict(blocks)
        self.name = name

    @classmethod
    def empty(cls) -> PreviousFeed:
        """No previous feed."""
        return cls({})

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> PreviousFeed:
        """Read the feed at ``path`` (missing or unreadable: an empty previous feed)."""
        try:
            with open(path, encoding="utf-8", newline="") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            return cls.empty()
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> PreviousFeed:
        """Split feed text into its VEVENT and VTODO blocks (lines must end with CRLF, as lianxue writes them)."""
        blocks: dict[str, EventBlock] = {}
        for m in _BLOCK.finditer(text):
            block = m.group(0)
            unfolded = unfold(block)
            uid = _UID.search(unfolded)
            if uid is None:
                continue
            key = uid.group(1).strip()
            seq = _SEQUENCE.search(unfolded)
            start = _START.search(unfolded)
            moment = (start.group(2) + (start.group(3) or "T000000")) if start else ""
            blocks[key] = EventBlock(
                uid=key,
                sequence=int(seq.group(1)) if seq else 0,
                text=block,
                fingerprint="",  # computed when needed: most blocks come back byte for byte
                sort_key=f"{moment}|{key}",
                cancelled=_STATUS_CANCELLED.search(unfolded) is not None,
                tzids=tuple(sorted({t.group(2) for t in _TZID.finditer(unfolded)})),
            )
        name = _CALNAME.search(unfold(text))
        return cls(blocks, unescape_text(name.group(1)) if name else "")


AdjustEvent = Callable[[icalendar.Event, Occurrence], None]


def build_events(
    occurrences: Iterable[Occurrence],
    *,
    options: FeedOptions,
    obligations: Mapping[str, Obligation],
    previous: PreviousFeed | None = None,
    summary_prefix: Callable[[Occurrence], str] | None = None,
    people_text: Callable[[Occurrence], str] | None = None,
    uid_prefix: str = "",
    adjust: AdjustEvent | None = None,
    component: str = "VEVENT",
) -> list[EventBlock]:
    """The VEVENT (or VTODO) blocks of a feed, updated against ``previous``.

    An event whose content is unchanged keeps the previous text byte for byte; a changed one gets
    SEQUENCE + 1, LAST-MODIFIED and DTSTAMP of ``options.stamp``; one that no longer exists is
    returned once with STATUS:CANCELLED and SEQUENCE + 1 and dropped the time after.

    Args:
        occurrences: What the feed shows.
        options: Stamp, alarm and refresh settings.
        obligations: The catalogue, by id (for descriptions and citations).
        previous: The same feed as written before, if any.
        summary_prefix: A prefix for each SUMMARY (the organization's name in a person's feed).
        people_text: A line about the people concerned, for the DESCRIPTION.
        uid_prefix: A prefix for UIDs (a supervisor's feed shows the same occurrences as its own events).
        adjust: Called once with each event as an :class:`icalendar.Event` before it is written
            (plugins); not called for to-dos.
        component: ``"VEVENT"`` or ``"VTODO"`` (a to-do per occurrence, due on its last day).

    Raises:
        ValueError: ``adjust`` changed an event's UID.
    """
    if component not in ("VEVENT", "VTODO"):
        raise ValueError(f"component must be VEVENT or VTODO, not {component!r}")
    prev = previous.blocks if previous is not None else {}
    titles = {k: v.title for k, v in obligations.items()}
    out: list[EventBlock] = []
    seen: set[str] = set()
    lines = _text_lines()
    for occ in occurrences:
        uid = uid_for(occ, uid_prefix)
        if uid in seen:
            continue
        seen.add(uid)
        ob = obligations.get(occ.obligation)
        prefix = summary_prefix(occ) if summary_prefix else ""
        people = people_text(occ) if people_text else ""
        old = prev.get(uid)
        text = _event_text(occ, uid, 0, options, ob, titles, prefix, people, None, component=component, text_line=lines)
        adjusted = adjust is not None and component == "VEVENT"
        if adjust is not None and adjusted:
            text = _adjusted(text, occ, adjust)
        sort_key = _sort_key(occ, uid)
        tzids = _tzids_of(text) if adjusted else ((_tzid(occ.start),) if isinstance(occ.start, dt.datetime) else ())
        if old is not None and not old.cancelled and old.text == text:
            out.append(attrs.evolve(old, sort_key=sort_key, tzids=tzids))  # unchanged since it was new
            continue
        fingerprint = "" if old is None else _fingerprint(text)  # a new event's is computed on first use
        if old is not None and not old.cancelled and old.fingerprint == fingerprint:
            out.append(attrs.evolve(old, sort_key=sort_key, tzids=tzids))
            continue
        sequence = 0
        if old is not None:
            sequence = old.sequence + 1
            if adjusted:
                text = _restamp(text, sequence, options.stamp)
            else:
                last_modified = options.stamp
                text = _event_text(
                    occ, uid, sequence, options, ob, titles, prefix, people, last_modified, False, component, lines
                )
        out.append(EventBlock(uid, sequence, text, fingerprint, sort_key, tzids=tzids))
    for uid, old in sorted(prev.items()):
        if uid in seen or old.cancelled:
            continue  # a cancelled event is published once, then dropped
        out.append(_cancel(old, options))
    out.sort(key=lambda b: b.sort_key)
    return out


def _restamp(text: str, sequence: int, stamp: dt.datetime) -> str:
    """Set SEQUENCE and LAST-MODIFIED of a component's text (written by :func:`_render`), before its UID."""
    text = _RESTAMP.sub("", text, count=0)
    head, rest = text.split("\r\n", 1)
    return f"{head}\r\nLAST-MODIFIED:{format_utc(stamp)}\r\nSEQUENCE:{sequence}\r\n{rest}"


def _cancel(old: EventBlock, options: FeedOptions) -> EventBlock:
    """``old`` as a CANCELLED component: SEQUENCE + 1, new DTSTAMP and LAST-MODIFIED, no alarm."""
    kept: list[str] = []
    end = "END:VEVENT"
    depth = 0
    uid_at = 1
    for ln in unfold(old.text).split("\r\n"):
        if not ln:
            continue
        if ln.startswith("BEGIN:"):
            depth += 1
            if depth == 1:
                kept.append(ln)
            continue
        if ln.startswith("END:"):
            depth -= 1
            if depth == 0:
                end = ln
            continue
        if depth != 1:
            continue  # alarms go: a cancelled event reminds nobody
        name = re.split(r"[;:]", ln, maxsplit=1)[0].upper()
        if name in ("DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "STATUS"):
            continue
        if name == "UID":
            uid_at = len(kept) + 1
        kept.append(ln)
    sequence = old.sequence + 1
    stamp = format_utc(options.stamp)
    body = [*kept[:uid_at], f"DTSTAMP:{stamp}", f"LAST-MODIFIED:{stamp}", f"SEQUENCE:{sequence}"]
    body += [*kept[uid_at:], "STATUS:CANCELLED", end]
    text = "".join(fold(ln) for ln in body)
    return EventBlock(old.uid, sequence, text, _fingerprint(text), old.sort_key, cancelled=True, tzids=old.tzids)


class _Escaped(str):
    """A TEXT value escaped by :func:`escape_text` (icalendar's writer turns a literal ``\\N`` into a break)."""

    __slots__ = ()

    def to_ical(self) -> bytes:
        return escape_text(self).encode("utf-8")


def _render(component: icalendar.cal.component.Component) -> str:
    """A component as lianxue writes it: properties in their order, TEXT escaped and lines folded as in :mod:`.ics`."""
    out: list[str] = []
    for name, value in component.property_items(sorted=False):
        if name in ("BEGIN", "END"):
            assert isinstance(value, bytes)
            out.append(f"{name}:{value.decode('ascii')}\r\n")
            continue
        params = getattr(value, "params", None)
        if not isinstance(params, icalendar.Parameters):
            params = icalendar.Parameters()
        if type(value) is icalendar.vText or type(value) is str:
            value = _Escaped(value)
        content = icalendar.parser.Contentline.from_parts(name, params, value, sorted=True)
        out.append(fold(str(content)))
    return "".join(out)


def _adjusted(text: str, occ: Occurrence, adjust: AdjustEvent) -> str:
    event = icalendar.Event.from_ical(text)
    assert isinstance(event, icalendar.Event)
    uid = str(event.get("UID"))
    adjust(event, occ)
    if str(event.get("UID")) != uid:
        raise ValueError(f"adjusting the event {uid!r} changed its UID to {event.get('UID')!r}")
    return _render(event)


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, year: int) -> str:
    tz = icalendar.Timezone.from_tzid(tzid, first_date=dt.date(year, 1, 1), last_date=dt.date(year, 12, 31))
    if "COMMENT" in tz:
        del tz["COMMENT"]  # libical rejects it
    raw: str = tz.to_ical().decode("utf-8")
    return raw.replace("\r\n", "\n").replace("\n", "\r\n")


def render_feed(
    name: str,
    events: Sequence[EventBlock],
    *,
    options: FeedOptions,
    year: int,
    timezone: str = "Asia/Shanghai",
    tzids: Iterable[str] = (),
    description: str = "",
) -> str:
    """The whole VCALENDAR text of a feed named ``name`` holding ``events``.

    The feed gets a VTIMEZONE (covering ``year``) for every TZID its events use and for ``tzids``, in
    sorted order.
    """
    head = [
        "BEGIN:VCALENDAR\r\n",
        "VERSION:2.0\r\n",
        line("PRODID", options.prodid),
        line("CALSCALE", CALSCALE),
        line("NAME", escape_text(name)),
        line("X-WR-CALNAME", escape_text(name)),
        line("X-WR-TIMEZONE", timezone),
        line("REFRESH-INTERVAL", options.refresh, (("VALUE", "DURATION"),)),
        line("X-PUBLISHED-TTL", options.refresh),
    ]
    if description:
        head.append(text_line("DESCRIPTION", description))
        head.append(line("X-WR-CALDESC", escape_text(description)))
    zones = sorted(set(tzids).union(*(e.tzids for e in events)))
    body = [_vtimezone(z, year) for z in zones]
    body += [e.text for e in events]
    return "".join(head + body) + "END:VCALENDAR\r\n"


def to_calendar(text: str) -> icalendar.Calendar:
    """Parse feed text into an :class:`icalendar.Calendar` (the Python API's return type)."""
    cal = icalendar.Calendar.from_ical(text)
    assert isinstance(cal, icalendar.Calendar)
    return cal


def people_line(occ: Occurrence, tree: OrganizationTree) -> str:
    """``参加人员：张三、李四等12人`` for an occurrence's listed people."""
    names = []
    for person in occ.people:
        try:
            names.append(tree.member(person).name)
        except KeyError:
            continue
    if not names:
        return ""
    shown = "、".join(names[:8])
    more = f"等{len(names)}人" if len(names) > 8 else ""
    return f"参加人员：{shown}{more}"


def org_prefix(tree: OrganizationTree) -> Callable[[Occurrence], str]:
    """A summary prefix ``【庄村党支部】`` naming each occurrence's organization."""

    def prefix(occ: Occurrence) -> str:
        org: Organization | None = tree.get(occ.org)
        return f"【{org.name}】" if org else ""

    return prefix
