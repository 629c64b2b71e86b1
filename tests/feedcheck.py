"""A reusable validator for iCalendar feeds: every check of ``docs/calendars.md`` ("Validation").

:func:`validate_feed` returns every problem it finds in a feed as one line each (an empty list means
valid): three independent parsers (icalendar with each component's ``.errors``, the strict ``ical``
parser, vobject with ``validate=True``), a byte-level lint and semantic checks that no parser makes.

Run it on files too::

    .venv/bin/python tests/feedcheck.py lianxue-calendars/*.ics lianxue-calendars/people/*.ics
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zoneinfo
from collections.abc import Iterator, Sequence

import attrs

__all__ = [
    "Component",
    "Property",
    "check_parsers",
    "lint_bytes",
    "parse_components",
    "semantic_problems",
    "validate_feed",
]

MAX_OCTETS = 75
_DATE = re.compile(r"^\d{8}$")
_DATE_TIME = re.compile(r"^\d{8}T\d{6}Z?$")
_DURATION = re.compile(r"^[+-]?P(\d+W|(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$")
#: Properties holding a date or date-time of the component itself (not of a VTIMEZONE rule).
_TIMES = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE")
#: Properties that must be in UTC.
_UTC = ("DTSTAMP", "LAST-MODIFIED", "CREATED", "COMPLETED")
_STATUS = {
    "VEVENT": {"TENTATIVE", "CONFIRMED", "CANCELLED"},
    "VTODO": {"NEEDS-ACTION", "COMPLETED", "IN-PROCESS", "CANCELLED"},
}


@attrs.frozen
class Property:
    """One unfolded content line: name, parameters (upper-case names) and raw value."""

    name: str
    params: dict[str, str]
    value: str


@attrs.define
class Component:
    """A component with its properties in order and its subcomponents."""

    name: str
    properties: list[Property] = attrs.field(factory=list)
    components: list[Component] = attrs.field(factory=list)

    def get(self, name: str) -> Property | None:
        """The first property called ``name``."""
        return next((p for p in self.properties if p.name == name), None)

    def all(self, name: str) -> list[Property]:
        """Every property called ``name``."""
        return [p for p in self.properties if p.name == name]

    def walk(self) -> Iterator[Component]:
        """This component and all below it, depth first."""
        yield self
        for sub in self.components:
            yield from sub.walk()


# -- byte-level lint ----------------------------------------------------------------------------------


def lint_bytes(data: bytes) -> list[str]:
    """UTF-8 without BOM, CRLF on every line (the last too), lines of at most 75 octets, no split characters."""
    problems: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append("starts with a UTF-8 byte-order mark")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"not UTF-8: {exc}")
    if not data.endswith(b"\r\n"):
        problems.append("the last line does not end with CRLF")
    lines = data.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for n, raw in enumerate(lines, 1):
        if b"\n" in raw:
            problems.append(f"line {n}: bare LF (lines must end with CRLF)")
        if b"\r" in raw:
            problems.append(f"line {n}: bare CR")
        if len(raw) > MAX_OCTETS:
            problems.append(f"line {n}: {len(raw)} octets (at most {MAX_OCTETS})")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {n}: a fold splits a UTF-8 sequence (the physical line is not valid UTF-8)")
        if not raw:
            problems.append(f"line {n}: empty line")
        elif n == 1 and raw[:1] in (b" ", b"\t"):
            problems.append("line 1: starts with a fold")
    if lines and lines[0] != b"BEGIN:VCALENDAR":
        problems.append("the first line is not BEGIN:VCALENDAR")
    if lines and lines[-1] != b"END:VCALENDAR":
        problems.append("the last line is not END:VCALENDAR")
    return problems


# -- content lines and components ---------------------------------------------------------------------


_PARAM_VALUE = r'(?:"[^"]*"|[^";:,]*)'
_CONTENT_LINE = re.compile(rf"([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+={_PARAM_VALUE}(?:,{_PARAM_VALUE})*)*):(.*)", re.DOTALL)
_PARAM = re.compile(rf""";([A-Za-z0-9-]+)=({_PARAM_VALUE}(?:,{_PARAM_VALUE})*)""")


def _split_line(content: str) -> Property:
    """``NAME;P=V;Q="x:y":value`` → Property (RFC 5545 §3.1: names, parameters, quoted values)."""
    m = _CONTENT_LINE.fullmatch(content)
    if m is None:
        raise ValueError(f"not a content line: {content[:60]!r}")
    params = {k.upper(): v.strip('"') for k, v in _PARAM.findall(m.group(2))}
    return Property(m.group(1).upper(), params, m.group(3))


def parse_components(text: str) -> Component:
    """The VCALENDAR of ``text``, unfolded; raises ValueError on broken nesting."""
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    stack: list[Component] = []
    root: Component | None = None
    for content in unfolded.split("\r\n"):
        if not content:
            continue
        prop = _split_line(content)
        if prop.name == "BEGIN":
            comp = Component(prop.value.upper())
            if stack:
                stack[-1].components.append(comp)
            elif root is None:
                root = comp
            else:
                raise ValueError("more than one top-level component")
            stack.append(comp)
        elif prop.name == "END":
            if not stack or stack[-1].name != prop.value.upper():
                raise ValueError(f"END:{prop.value} does not close {stack[-1].name if stack else 'anything'}")
            stack.pop()
        elif not stack:
            raise ValueError(f"property {prop.name} outside any component")
        else:
            stack[-1].properties.append(prop)
    if stack:
        raise ValueError(f"{stack[-1].name} is never closed")
    if root is None:
        raise ValueError("no component")
    return root


# -- semantic checks ----------------------------------------------------------------------------------


def _moment(prop: Property, zones: set[str]) -> dt.datetime | dt.date | None:
    value = prop.value
    if _DATE.match(value):
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    if not _DATE_TIME.match(value):
        return None
    naive = dt.datetime.strptime(value[:15], "%Y%m%dT%H%M%S")
    if value.endswith("Z"):
        return naive.replace(tzinfo=dt.UTC)
    tzid = prop.params.get("TZID")
    if tzid is None:
        return naive
    try:
        return naive.replace(tzinfo=zoneinfo.ZoneInfo(tzid))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return naive


def _times(comp: Component, where: str, zones: set[str], problems: list[str]) -> None:
    for prop in comp.properties:
        if prop.name in _UTC:
            if not re.match(r"^\d{8}T\d{6}Z$", prop.value):
                problems.append(f"{where}: {prop.name} {prop.value!r} is not a UTC date-time (…Z)")
            continue
        if prop.name not in _TIMES:
            continue
        is_date = prop.params.get("VALUE", "").upper() == "DATE"
        for value in prop.value.split(","):
            if is_date:
                if not _DATE.match(value):
                    problems.append(f"{where}: {prop.name} has VALUE=DATE but {value!r} is not a date")
                if "TZID" in prop.params:
                    problems.append(f"{where}: {prop.name} is a DATE with a TZID")
            elif _DATE.match(value):
                problems.append(f"{where}: {prop.name} {value!r} is a date without VALUE=DATE")
            elif not _DATE_TIME.match(value):
                problems.append(f"{where}: {prop.name} {value!r} is not a date-time")
            elif not value.endswith("Z") and "TZID" not in prop.params:
                problems.append(f"{where}: {prop.name} {value!r} is a floating time (no TZID, no Z)")
            elif value.endswith("Z") and "TZID" in prop.params:
                problems.append(f"{where}: {prop.name} {value!r} is UTC but has a TZID")


def _span(comp: Component, where: str, end_name: str, zones: set[str], problems: list[str]) -> None:
    start_p, end_p = comp.get("DTSTART"), comp.get(end_name)
    if start_p is None or end_p is None:
        return
    start, end = _moment(start_p, zones), _moment(end_p, zones)
    if start is None or end is None:
        return
    if type(start) is not type(end):
        problems.append(f"{where}: DTSTART and {end_name} are not both dates or both date-times")
        return
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        if (start.tzinfo is None) != (end.tzinfo is None):
            problems.append(f"{where}: DTSTART and {end_name} mix floating and zoned times")
            return
        later = end > start
    else:
        later = end > start
    if not later:
        problems.append(f"{where}: {end_name} {end_p.value} is not after DTSTART {start_p.value}")


def _rrule(comp: Component, where: str, problems: list[str]) -> None:
    start = comp.get("DTSTART")
    for rule in comp.all("RRULE"):
        parts = dict(p.partition("=")[::2] for p in rule.value.split(";"))
        until = parts.get("UNTIL")
        if until is None:
            continue
        if start is not None and start.params.get("VALUE", "").upper() == "DATE":
            if not _DATE.match(until):
                problems.append(f"{where}: RRULE UNTIL {until!r} must be a DATE like DTSTART")
        elif not re.match(r"^\d{8}T\d{6}Z$", until):
            problems.append(f"{where}: RRULE UNTIL {until!r} must be a UTC date-time (…Z) with a zoned DTSTART")


def semantic_problems(text: str) -> list[str]:
    """What no parser checks: VTIMEZONEs, floating times, UNTIL, spans, UIDs, calendar properties."""
    try:
        cal = parse_components(text)
    except ValueError as exc:
        return [f"structure: {exc}"]
    problems: list[str] = []
    if cal.name != "VCALENDAR":
        return [f"the top-level component is {cal.name}, not VCALENDAR"]
    for name in ("PRODID", "VERSION"):
        if len(cal.all(name)) != 1:
            problems.append(f"VCALENDAR: {len(cal.all(name))} {name} properties (exactly one needed)")
    version = cal.get("VERSION")
    if version is not None and version.value != "2.0":
        problems.append(f"VCALENDAR: VERSION is {version.value!r}, not 2.0")
    if cal.get("METHOD") is not None:
        problems.append("VCALENDAR: has METHOD (CalDAV forbids it; PUBLISH would need an ORGANIZER)")
    for name in ("REFRESH-INTERVAL",):
        prop = cal.get(name)
        if prop is not None:
            if prop.params.get("VALUE", "").upper() != "DURATION":
                problems.append(f"VCALENDAR: {name} without VALUE=DURATION")
            if not _DURATION.match(prop.value):
                problems.append(f"VCALENDAR: {name} {prop.value!r} is not a duration")
    zones: set[str] = set()
    for tz in (c for c in cal.components if c.name == "VTIMEZONE"):
        tzid = tz.get("TZID")
        if tzid is None:
            problems.append("VTIMEZONE without TZID")
        elif tzid.value in zones:
            problems.append(f"VTIMEZONE {tzid.value} appears twice")
        else:
            zones.add(tzid.value)
        if tz.get("COMMENT") is not None:
            problems.append(f"VTIMEZONE {tzid.value if tzid else '?'}: has COMMENT (libical rejects it)")
    used = sorted({p.params["TZID"] for c in cal.walk() for p in c.properties if "TZID" in p.params})
    for tzid in used:
        if tzid not in zones:
            problems.append(f"TZID {tzid} is used but the feed has no VTIMEZONE for it")
    uids: dict[str, int] = {}
    for n, comp in enumerate((c for c in cal.components if c.name in ("VEVENT", "VTODO", "VJOURNAL")), 1):
        uid = comp.get("UID")
        where = f"{comp.name} {uid.value if uid else f'#{n}'}"
        for name in ("UID", "DTSTAMP"):
            if len(comp.all(name)) != 1:
                problems.append(f"{where}: {len(comp.all(name))} {name} properties (exactly one needed)")
        if uid is not None:
            uids[uid.value] = uids.get(uid.value, 0) + 1
        if comp.name == "VEVENT" and comp.get("DTSTART") is None:
            problems.append(f"{where}: no DTSTART")
        if comp.name == "VEVENT" and comp.get("DTEND") is not None and comp.get("DURATION") is not None:
            problems.append(f"{where}: both DTEND and DURATION")
        if comp.name == "VTODO" and comp.get("TRANSP") is not None:
            problems.append(f"{where}: TRANSP is not a VTODO property")
        _times(comp, where, zones, problems)
        _span(comp, where, "DTEND" if comp.name == "VEVENT" else "DUE", zones, problems)
        _rrule(comp, where, problems)
        start = comp.get("DTSTART")
        end = comp.get("DTEND")
        start_is_date = start is not None and start.params.get("VALUE", "").upper() == "DATE"
        if start_is_date and end is not None and end.params.get("VALUE", "").upper() != "DATE":
            problems.append(f"{where}: all-day DTSTART but DTEND is not VALUE=DATE")
        seq = comp.get("SEQUENCE")
        if seq is not None and not seq.value.isdigit():
            problems.append(f"{where}: SEQUENCE {seq.value!r} is not a non-negative integer")
        status = comp.get("STATUS")
        if status is not None and comp.name in _STATUS and status.value not in _STATUS[comp.name]:
            problems.append(f"{where}: STATUS {status.value} is not allowed in {comp.name}")
        for alarm in comp.components:
            if alarm.name != "VALARM":
                continue
            for name in ("ACTION", "TRIGGER"):
                if len(alarm.all(name)) != 1:
                    problems.append(f"{where}: VALARM has {len(alarm.all(name))} {name} properties")
            action = alarm.get("ACTION")
            if action is not None and action.value == "DISPLAY" and alarm.get("DESCRIPTION") is None:
                problems.append(f"{where}: DISPLAY alarm without DESCRIPTION")
            trigger = alarm.get("TRIGGER")
            if trigger is not None and trigger.params.get("VALUE", "DURATION").upper() == "DURATION":
                if not _DURATION.match(trigger.value):
                    problems.append(f"{where}: TRIGGER {trigger.value!r} is not a duration")
                related = trigger.params.get("RELATED", "START").upper()
                if related == "START" and start is None:
                    problems.append(f"{where}: TRIGGER relative to a start the {comp.name} does not have")
                no_end = comp.get("DTEND" if comp.name == "VEVENT" else "DUE") is None
                if related == "END" and no_end and (comp.name == "VTODO" or start is None):
                    problems.append(f"{where}: TRIGGER relative to an end the {comp.name} does not have")
    for uid, count in sorted(uids.items()):
        if count > 1:
            problems.append(f"UID {uid} appears {count} times")
    return problems


# -- the three parsers --------------------------------------------------------------------------------


def check_parsers(text: str) -> list[str]:
    """What icalendar (``.errors`` of every component), ical (strict) and vobject (``validate=True``) say."""
    import icalendar
    import vobject
    from ical.calendar_stream import IcsCalendarStream

    problems: list[str] = []
    try:
        cal = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # icalendar 7 rarely raises; anything it raises is a problem
        problems.append(f"icalendar: {type(exc).__name__}: {exc}")
    else:
        for comp in cal.walk():
            for prop, message in comp.errors:
                problems.append(f"icalendar: {comp.name} {prop}: {message}")
    try:
        IcsCalendarStream.calendar_from_ics(text)
    except Exception as exc:
        detail = getattr(exc, "detailed_error", None)
        problems.append(f"ical: {type(exc).__name__}: {exc}" + (f" ({detail})" if detail else ""))
    try:
        vobject.readOne(text, validate=True)
    except Exception as exc:
        problems.append(f"vobject: {type(exc).__name__}: {exc}")
    return problems


def validate_feed(text: str | bytes, *, parsers: bool = True) -> list[str]:
    """Every problem of a feed, one line each; an empty list when it is valid.

    Args:
        text: The feed, as written (``bytes``) or decoded with ``newline=""`` (``str``, CRLF kept).
        parsers: Also run the three parsers (slow: about 5 ms per event); the lint and semantic checks
            alone are fast.
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    problems = lint_bytes(data)
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return problems
    decoded = decoded.removeprefix("\ufeff")
    problems += semantic_problems(decoded)
    if parsers:
        problems += check_parsers(decoded)
    return problems


def main(argv: Sequence[str]) -> int:
    """``python tests/feedcheck.py FILE...``: print every problem, exit 1 when there are any."""
    bad = 0
    for path in argv:
        with open(path, "rb") as f:
            problems = validate_feed(f.read())
        for problem in problems:
            print(f"{path}: {problem}")
        bad += bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
