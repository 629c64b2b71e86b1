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
from .ics import escape_text, fold, format_date, format_local, format_utc, line, text_list

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
    """One VEVENT as written: its UID, SEQUENCE, text (CRLF lines) and a fingerprint of its content.

    The fingerprint covers every line but DTSTAMP, SEQUENCE and LAST-MODIFIED, so two generations of
    the same event compare equal exactly when nothing a subscriber sees has changed.
    """

    uid: str
    sequence: int
    text: str
    fingerprint: str
    sort_key: str
    cancelled: bool = False


_VOLATILE = ("DTSTAMP", "SEQUENCE", "LAST-MODIFIED")


def _fingerprint(text: str) -> str:
    unfolded = text.replace("\r\n ", "")
    content = [ln for ln in unfolded.split("\r\n") if ln and not ln.startswith(_VOLATILE)]
    return hashlib.sha256("\n".join(content).encode("utf-8")).hexdigest()


def _alarm(minutes: int, summary: str) -> str:
    trigger = f"-PT{minutes}M" if minutes % 60 else f"-PT{minutes // 60}H"
    return (
        "BEGIN:VALARM\r\n"
        + line("ACTION", "DISPLAY")
        + line("TRIGGER", trigger)
        + line("DESCRIPTION", escape_text(f"提醒：{summary}"))
        + "END:VALARM\r\n"
    )


def _description(occ: Occurrence, ob: Obligation | None, titles: Mapping[str, str], people: str) -> str:
    parts: list[str] = []
    if occ.provisional:
        parts.append("【暂定】本年度节假日和调休安排尚未正式公布，日期可能调整。")
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
) -> str:
    summary = summary_prefix + occ.title + ("（暂定）" if occ.provisional else "")
    lines = ["BEGIN:VEVENT\r\n", line("UID", uid), line("DTSTAMP", format_utc(options.stamp))]
    if last_modified is not None:
        lines.append(line("LAST-MODIFIED", format_utc(last_modified)))
    lines.append(line("SEQUENCE", str(sequence)))
    if isinstance(occ.start, dt.datetime) and isinstance(occ.end, dt.datetime):
        tzid = _tzid(occ.start)
        lines.append(line("DTSTART", format_local(occ.start), (("TZID", tzid),)))
        lines.append(line("DTEND", format_local(occ.end), (("TZID", tzid),)))
        transp = "OPAQUE"
    else:
        end = occ.end if isinstance(occ.end, dt.date) else occ.start
        lines.append(line("DTSTART", format_date(occ.start), (("VALUE", "DATE"),)))
        lines.append(line("DTEND", format_date(end + dt.timedelta(days=1)), (("VALUE", "DATE"),)))
        transp = "TRANSPARENT"
    lines.append(line("SUMMARY", escape_text(summary)))
    description = _description(occ, ob, titles, people)
    if description:
        lines.append(line("DESCRIPTION", escape_text(description)))
    if occ.location:
        lines.append(line("LOCATION", escape_text(occ.location)))
    categories = ["两学一做"]
    if ob is not None:
        categories.append(ob.kind.label)
    lines.append(line("CATEGORIES", text_list(categories)))
    status = "CANCELLED" if cancelled else ("TENTATIVE" if occ.provisional else "CONFIRMED")
    lines.append(line("STATUS", status))
    lines.append(line("TRANSP", transp))
    lines.append(line("X-LIANXUE-ORG", escape_text(occ.org)))
    lines.append(line("X-LIANXUE-OBLIGATION", escape_text(occ.obligation)))
    lines.append(line("X-LIANXUE-PERIOD", escape_text(occ.period)))
    if occ.provisional:
        lines.append(line("X-LIANXUE-PROVISIONAL", "TRUE"))
    if options.alarm_minutes is not None and not cancelled:
        lines.append(_alarm(options.alarm_minutes, summary))
    lines.append("END:VEVENT\r\n")
    return "".join(lines)


def _tzid(moment: dt.datetime) -> str:
    key = getattr(moment.tzinfo, "key", None)
    if not isinstance(key, str):
        raise ValueError(f"occurrence start {moment.isoformat()} has no IANA time zone")
    return key


def _sort_key(occ: Occurrence, uid: str) -> str:
    start = occ.start
    moment = (
        start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")
        if isinstance(start, dt.datetime)
        else (format_date(start) + "T000000")
    )
    return f"{moment}|{uid}"


class PreviousFeed:
    """The events of a feed written earlier, by UID, for updates.

    Read with :meth:`read`; an unreadable or foreign file counts as no previous feed.
    """

    def __init__(self, blocks: Mapping[str, EventBlock]) -> None:
        self.blocks = dict(blocks)

    @classmethod
    def empty(cls) -> PreviousFeed:
        """No previous feed."""
        return cls({})

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> PreviousFeed:
        """Read the feed at ``path`` (missing: an empty previous feed)."""
        try:
            with open(path, encoding="utf-8", newline="") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            return cls.empty()
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> PreviousFeed:
        """Split feed text into its VEVENT blocks."""
        blocks: dict[str, EventBlock] = {}
        for m in re.finditer(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", text, re.DOTALL):
            block = m.group(0)
            unfolded = block.replace("\r\n ", "")
            uid = re.search(r"^UID:(.*)$", unfolded, re.MULTILINE)
            seq = re.search(r"^SEQUENCE:(\d+)$", unfolded, re.MULTILINE)
            if uid is None:
                continue
            key = uid.group(1).strip()
            start = re.search(r"^DTSTART[^:]*:(\S+)$", unfolded, re.MULTILINE)
            blocks[key] = EventBlock(
                uid=key,
                sequence=int(seq.group(1)) if seq else 0,
                text=block,
                fingerprint=_fingerprint(block),
                sort_key=f"{start.group(1) if start else ''}|{key}",
                cancelled=bool(re.search(r"^STATUS:CANCELLED$", unfolded, re.MULTILINE)),
            )
        return cls(blocks)


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
) -> list[EventBlock]:
    """The VEVENT blocks of a feed, updated against ``previous``.

    Args:
        occurrences: What the feed shows.
        options: Stamp, alarm and refresh settings.
        obligations: The catalogue, by id (for descriptions and citations).
        previous: The same feed as written before, if any.
        summary_prefix: A prefix for each SUMMARY (the organization's name in a person's feed).
        people_text: A line about the people concerned, for the DESCRIPTION.
        uid_prefix: A prefix for UIDs (a supervisor's feed shows the same occurrences as its own events).
        adjust: Called with each event as an :class:`icalendar.Event` before it is written (plugins).
    """
    prev = previous.blocks if previous is not None else {}
    titles = {k: v.title for k, v in obligations.items()}
    out: list[EventBlock] = []
    seen: set[str] = set()
    for occ in occurrences:
        uid = uid_for(occ, uid_prefix)
        if uid in seen:
            continue
        seen.add(uid)
        ob = obligations.get(occ.obligation)
        prefix = summary_prefix(occ) if summary_prefix else ""
        people = people_text(occ) if people_text else ""
        old = prev.get(uid)
        text = _event_text(occ, uid, 0, options, ob, titles, prefix, people, None)
        if adjust is not None:
            text = _adjusted(text, occ, adjust)
        fingerprint = _fingerprint(text)
        if old is not None and old.fingerprint == fingerprint and not old.cancelled:
            out.append(attrs.evolve(old, sort_key=_sort_key(occ, uid)))
            continue
        if old is not None:
            sequence = old.sequence + 1
            text = _event_text(occ, uid, sequence, options, ob, titles, prefix, people, options.stamp)
            if adjust is not None:
                text = _adjusted(text, occ, adjust)
        else:
            sequence = 0
        out.append(EventBlock(uid, sequence, text, fingerprint, _sort_key(occ, uid)))
    for uid, old in sorted(prev.items()):
        if uid in seen or old.cancelled:
            continue  # a cancelled event is published once, then dropped
        out.append(_cancel(old, options))
    out.sort(key=lambda b: b.sort_key)
    return out


def _cancel(old: EventBlock, options: FeedOptions) -> EventBlock:
    unfolded = old.text.replace("\r\n ", "")
    kept = []
    in_alarm = False
    for ln in unfolded.split("\r\n"):
        if not ln:
            continue
        if ln == "BEGIN:VALARM":
            in_alarm = True
        if in_alarm:
            in_alarm = ln != "END:VALARM"
            continue
        name = re.split(r"[;:]", ln, maxsplit=1)[0]
        if name in ("DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "STATUS", "END"):
            continue
        kept.append(ln)
    sequence = old.sequence + 1
    body = [kept[0], *kept[1:2]]  # BEGIN:VEVENT, UID
    body += [
        f"DTSTAMP:{format_utc(options.stamp)}",
        f"LAST-MODIFIED:{format_utc(options.stamp)}",
        f"SEQUENCE:{sequence}",
    ]
    body += [*kept[2:], "STATUS:CANCELLED", "END:VEVENT"]
    text = "".join(fold(ln) for ln in body)
    return EventBlock(old.uid, sequence, text, _fingerprint(text), old.sort_key, cancelled=True)


def _adjusted(text: str, occ: Occurrence, adjust: AdjustEvent) -> str:
    event = icalendar.Event.from_ical(text)
    assert isinstance(event, icalendar.Event)
    adjust(event, occ)
    raw: str = event.to_ical().decode("utf-8")
    return raw.replace("\r\n", "\n").replace("\n", "\r\n")


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
    """The whole VCALENDAR text of a feed named ``name`` holding ``events``."""
    head = [
        "BEGIN:VCALENDAR\r\n",
        line("VERSION", "2.0"),
        line("PRODID", options.prodid),
        line("CALSCALE", CALSCALE),
        line("NAME", escape_text(name)),
        line("X-WR-CALNAME", escape_text(name)),
        line("X-WR-TIMEZONE", timezone),
        line("REFRESH-INTERVAL", options.refresh, (("VALUE", "DURATION"),)),
        line("X-PUBLISHED-TTL", options.refresh),
    ]
    if description:
        head.append(line("DESCRIPTION", escape_text(description)))
        head.append(line("X-WR-CALDESC", escape_text(description)))
    zones = sorted(set(tzids) | ({timezone} if any("TZID=" in e.text for e in events) else set()))
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
