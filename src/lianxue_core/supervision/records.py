"""Reading record files: CSV, JSON and iCalendar → :class:`~.findings.Record` values.

Every format carries the same fields (see ``docs/supervision.md``); :data:`COLUMNS` lists them with the
Chinese headers a spreadsheet may use instead. :func:`read_records` reads every file, checks every row
against the organization tree and the obligations, and returns the records together with every problem
(file, line and column) and every warning (duplicates, cancelled events). Nothing is dropped silently: a
row is either a record, a problem, or named in a warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import hashlib
import io
import json
import re
import zoneinfo
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import icalendar

from ..errors import InputError, Problem
from ..limits import Limits, depth_of, env_name, read_limited, too_big
from ..limits import current as current_limits
from ..model import OrganizationTree
from ..obligations import CadenceKind, Obligation
from ..scheduling.periods import periods
from ..textsafe import clip, for_terminal
from .findings import Record

__all__ = ["COLUMNS", "RecordSet", "parse_date", "parse_uid", "read_records"]

#: The record fields, each with the headers (English first, then Chinese) a file may use for it.
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "org": ("org", "组织", "党组织"),
    "obligation": ("obligation", "事项"),
    "date": ("date", "日期"),
    "time": ("time", "时间"),
    "period": ("period", "周期", "期间"),
    "topic": ("topic", "主题"),
    "lecturer": ("lecturer", "主讲人"),
    "comment": ("comment", "书记点评", "点评"),
    "attendees": ("attendees", "参加人员"),
    "attendance": ("attendance", "参加人数"),
    "members": ("members", "覆盖党员"),
    "households": ("households", "走访户数", "户数"),
    "notes": ("notes", "备注"),
    "uid": ("uid",),
}
_ALIASES = {alias.lower(): field for field, aliases in COLUMNS.items() for alias in aliases}
_LIST_SEP = re.compile(r"[;；、,，\s]+")
_DATE_RE = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")
_TIME_RE = re.compile(r"^(\d{1,2})[:：](\d{2})(?::\d{2})?$")
_PERIOD_RE = re.compile(r"^\d{4}(?:-W\d{2}|-Q[1-4]|-\d{2})?$")
_UID_RE = re.compile(
    r"^(?P<org>[a-z0-9][a-z0-9-]*)\.(?P<ob>[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*?)\."
    r"(?P<period>\d{4}(?:-W\d{2}|-Q[1-4]|-\d{2})?)(?:\.(?P<slot>[0-9a-f]{12}))?@lianxue$"
)
_DEFAULT_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@attrs.frozen
class RecordSet:
    """What :func:`read_records` read.

    Args:
        records: The records, in file order (duplicates counted once).
        problems: Every bad row, with file, line and column; the command stops with exit code 2 when any.
        warnings: Rows read but not counted, each named: duplicates, cancelled calendar events.
    """

    records: tuple[Record, ...]
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()


def parse_date(text: str) -> dt.date:
    """``2026-03-05``, ``2026/3/5``, ``2026.03.05`` or ``2026年3月5日`` as a date.

    Raises:
        ValueError: Not one of those forms, or no such day.
    """
    return _parse_date(text)


@functools.lru_cache(maxsize=4096)  # a year of records holds a few hundred different days
def _parse_date(text: str) -> dt.date:
    m = _DATE_RE.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a date such as 2026-03-05 or 2026年3月5日")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(f"{text!r} is not a day of the calendar") from None


def _parse_time(text: str) -> dt.time:
    m = _TIME_RE.match(text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"{text!r} is not a time such as 14:30")
    return dt.time(int(m.group(1)), int(m.group(2)))


def parse_uid(uid: str, known: Collection[str] = ()) -> tuple[str, str, str, str] | None:
    """Split a UID lianxue gave an event into organization, obligation, period and slot digest.

    A supervisor's copy (``watch.<supervisor>.`` prefix) is accepted too. Where ``known`` obligation ids
    are given, the reading that names a known obligation wins.
    """
    candidates = [uid]
    if uid.startswith("watch."):
        rest = uid[len("watch.") :]
        if "." in rest:
            candidates.insert(0, rest.split(".", 1)[1])
    found = []
    for text in candidates:
        m = _UID_RE.match(text)
        if m:
            found.append((m.group("org"), m.group("ob"), m.group("period"), m.group("slot") or ""))
    for item in found:
        if not known or item[1] in known:
            return item
    return found[0] if found else None


def _slot_digest(slot: str) -> str:
    return hashlib.sha1(slot.encode("utf-8")).hexdigest()[:12]


# -- one row ----------------------------------------------------------------------------------------


class _Row:
    """One row being turned into a record: its raw fields and where each came from."""

    def __init__(self, file: str, line: int, label: str, where: Mapping[str, str]) -> None:
        self.file = file
        self.line = line
        self.label = label  # "line 12" / "line 5 (record 2)" / "line 40 (event ...)"
        self.where = where  # field -> "column 3 (date)" / "key 'date'" / "DTSTART"
        self.problems: list[Problem] = []

    def problem(self, field: str | None, message: str) -> None:
        subject = self.label + (f", {self.where.get(field, field)}" if field else "")
        self.problems.append(Problem(self.file, message, subject=subject))


class _Context:
    def __init__(self, tree: OrganizationTree, obligations: Mapping[str, Obligation], applies: Mapping[str, Any]):
        self.tree = tree
        self.obligations = obligations
        self.applies = applies
        self._labels: dict[tuple[str, int], frozenset[str]] = {}
        self.names: dict[tuple[str, str], str] = {}
        self.slots: dict[str, dict[str, str]] = {}  # org -> slot digest -> member id
        self.global_names: dict[str, list[str]] = {}
        self.ids = {m.id for m in tree.members}
        # (org, obligation, period) already found valid: the checks of a row are made once per combination
        self.valid: set[tuple[str, str, str]] = set()
        # (org, text) -> the member ids a list of people names: the same attendees recur on many rows
        self.people: dict[tuple[str, str], tuple[str, ...]] = {}
        for m in tree.members:
            self.names[(m.org, m.name)] = m.id
            self.global_names.setdefault(m.name, []).append(m.id)

    def labels(self, ob: Obligation, year: int) -> frozenset[str]:
        """The period labels of ``ob`` in ``year`` (cached: read once per obligation, not per row)."""
        key = (ob.id, year)
        found = self._labels.get(key)
        if found is None:
            labels = {p.label for p in periods(ob.cadence, year)} or {str(year)}
            if ob.cadence.kind is CadenceKind.ONCE:
                labels.add(str(year))
            found = self._labels[key] = frozenset(labels)
        return found

    def people_of(self, org: str, value: object) -> tuple[str, ...]:
        """The member ids of a list of people (ids or names, ``;``-separated text or a JSON list), each once."""
        if not isinstance(value, str):
            return tuple(dict.fromkeys(self.person(org, t) for t in _people(value)))
        key = (org, value)
        found = self.people.get(key)
        if found is None:
            if len(self.people) > 200_000:  # bounded, whatever the file
                self.people.clear()
            found = self.people[key] = tuple(dict.fromkeys(self.person(org, t) for t in _people(value)))
        return found

    def person(self, org: str, token: str) -> str:
        """A member id for ``token`` (an id or a name, preferring the organization's own members)."""
        if token in self.ids:
            return token
        own = self.names.get((org, token))
        if own is not None:
            return own
        ids = self.global_names.get(token, [])
        return ids[0] if len(ids) == 1 else token


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value).strip()


def _people(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [t for v in value for t in _LIST_SEP.split(_text(v)) if t]
    return [t for t in _LIST_SEP.split(_text(value)) if t]


def _count(row: _Row, field: str, value: object) -> int | None:
    text = _text(value)
    if text == "":
        return None
    if isinstance(value, bool) or not re.fullmatch(r"\d+", text):
        row.problem(field, f"must be a whole number of 0 or more (got {clip(text)!r})")
        return None
    return int(text)


def _close(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _name(path: Path) -> str:
    """A file's name for problems: control characters escaped."""
    return for_terminal(str(path))


def _build(row: _Row, fields: Mapping[str, object], ctx: _Context, limit: Limits) -> Record | None:
    """The record of ``fields``, or ``None`` with the row's problems noted."""
    for field, value in fields.items():
        if isinstance(value, str):
            size = len(value)
        elif isinstance(value, list):
            size = sum(len(v) for v in value if isinstance(v, str))
        else:
            continue
        if size > limit.cell_chars:
            row.problem(
                field,
                f"{size} characters: more than {limit.cell_chars} in one field; "
                f"set {env_name('cell_chars')} to read longer ones",
            )
    if row.problems:
        return None
    org = _text(fields.get("org"))
    obligation = _text(fields.get("obligation"))
    period = _text(fields.get("period"))
    slot = ""
    uid = _text(fields.get("uid"))
    if uid:
        parsed = parse_uid(uid, ctx.obligations)
        if parsed is None:
            row.problem("uid", f"{uid!r} is not a UID lianxue gave an event (<org>.<obligation>.<period>@lianxue)")
        else:
            org, obligation, period = org or parsed[0], obligation or parsed[1], period or parsed[2]
            slot = parsed[3]
    known = (org, obligation, period) in ctx.valid  # this combination passed the checks below before
    if known:
        pass
    elif not org:
        row.problem("org", "the organization is missing")
    elif org not in ctx.tree:
        row.problem(
            "org", f"no organization with id {org!r} in the organization file{_close(org, [o.id for o in ctx.tree])}"
        )
    if known:
        pass
    elif not obligation:
        row.problem("obligation", "the obligation is missing")
    elif obligation not in ctx.obligations:
        row.problem("obligation", f"no obligation with id {obligation!r}{_close(obligation, ctx.obligations)}")
    elif org in ctx.tree and obligation not in ctx.applies.get(org, ()):
        row.problem("obligation", f"obligation {obligation!r} does not apply to organization {org!r}")
    date: dt.date | None = None
    time: dt.time | None = None
    raw_date = fields.get("date")
    if isinstance(raw_date, dt.datetime):
        date, time = raw_date.date(), raw_date.time().replace(second=0, microsecond=0)
    elif isinstance(raw_date, dt.date):
        date = raw_date
    else:
        text = _text(raw_date)
        if not text:
            row.problem("date", "the date is missing")
        else:
            day, _, clock = text.partition(" ") if " " in text and ":" in text else (text, "", "")
            try:
                date = parse_date(day)
                if clock:
                    time = _parse_time(clock)
            except ValueError as exc:
                row.problem("date", str(exc))
    raw_time = _text(fields.get("time"))
    if raw_time:
        try:
            time = _parse_time(raw_time)
        except ValueError as exc:
            row.problem("time", str(exc))
    ob = ctx.obligations.get(obligation)
    if period and not known:
        if not _PERIOD_RE.match(period):
            row.problem("period", f"{period!r} is not a period such as 2026-03, 2026-Q2, 2026-W07 or 2026")
        elif ob is not None:
            labels = ctx.labels(ob, int(period[:4]))
            if period not in labels:
                shown = ", ".join(sorted(labels)[:3]) + ("..." if len(labels) > 3 else "")
                row.problem(
                    "period", f"{period!r} is not a period of {obligation!r} ({ob.cadence.describe()}: {shown})"
                )
    attendance = _count(row, "attendance", fields.get("attendance"))
    households = _count(row, "households", fields.get("households"))
    if row.problems or date is None:
        return None
    if not known:  # no problem on this row: the combination is valid
        ctx.valid.add((org, obligation, period))
    attendees = ctx.people_of(org, fields.get("attendees"))
    members = list(ctx.people_of(org, fields.get("members")))
    if slot and not members:
        members += _member_of_slot(org, slot, ctx)
    return Record(
        org=org,
        obligation=obligation,
        date=date,
        time=time,
        topic=_text(fields.get("topic")),
        lecturer=ctx.person(org, _text(fields.get("lecturer"))) if _text(fields.get("lecturer")) else "",
        comment=_text(fields.get("comment")),
        attendees=attendees,
        attendance=attendance,
        members=tuple(dict.fromkeys(members)),
        notes=_text(fields.get("notes")),
        origin=f"{row.file}:{row.line}",
        period=period,
        households=households,
    )


def _member_of_slot(org: str, digest: str, ctx: _Context) -> list[str]:
    """The member whose talk or visit the UID's digest names (every digest of an organization computed once:
    a file of many such records costs one pass over the organization's members, not one per record)."""
    by_digest = ctx.slots.get(org)
    if by_digest is None:
        tree = ctx.tree
        candidates = [m.id for m in tree.members_of(org)]
        candidates += [f"anon-{n:03d}" for n in range(len(candidates) + 1, tree.member_count(org) + 1)]
        by_digest = ctx.slots[org] = {}
        for c in candidates:
            by_digest.setdefault(_slot_digest(c), c)
    found = by_digest.get(digest)
    return [] if found is None else [found]


# -- formats ----------------------------------------------------------------------------------------


def _decode(path: Path, data: bytes) -> tuple[str | None, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, Problem(
            _name(path),
            "is not UTF-8 text (in a spreadsheet program, save as “CSV UTF-8”)",
            subject=f"line {line}",
        )


def _read_csv(path: Path, text: str, ctx: _Context, limit: Limits) -> Iterable[tuple[_Row, Record | None]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    file = _name(path)
    try:
        header = next(reader)
    except StopIteration:
        row = _Row(file, 1, "line 1", {})
        row.problem(None, "the file is empty; the first line must name the columns (org,obligation,date,...)")
        yield row, None
        return
    except csv.Error as exc:
        row = _Row(file, 1, "line 1", {})
        row.problem(None, f"not valid CSV: {exc}")
        yield row, None
        return
    fields: list[str | None] = []
    head = _Row(file, 1, "line 1", {})
    for n, name in enumerate(header, start=1):
        key = _ALIASES.get(name.strip().lower())
        if key is None:
            if name.strip():
                head.problem(None, f"column {n}: unknown column {clip(name.strip())!r}{_close(name.strip(), _ALIASES)}")
            else:
                head.problem(None, f"column {n}: the column has no name")
        elif key in fields:
            head.problem(None, f"column {n}: column {clip(name.strip())!r} repeats column {fields.index(key) + 1}")
        fields.append(key)
    missing = [f for f in ("org", "obligation", "date") if f not in fields and not ("uid" in fields and f != "date")]
    if missing:
        head.problem(None, f"required column(s) missing: {', '.join(missing)}")
    if head.problems:
        yield head, None
        return
    where = {f: f"column {n} ({f})" for n, f in enumerate(fields, start=1) if f}
    end = reader.line_num
    rows = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row = _Row(file, start, f"line {start}", where)
            row.problem(None, f"not valid CSV: {exc}")
            yield row, None
            return
        end = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        rows += 1
        if rows > limit.rows:
            row = _Row(file, start, f"line {start}", where)
            row.problem(None, f"more than {limit.rows} rows; set {env_name('rows')} to read more")
            yield row, None
            return
        row = _Row(file, start, f"line {start}", where)
        if len(cells) > len(fields):
            row.problem(None, f"{len(cells)} cells but the header names {len(fields)} columns")
            yield row, None
            continue
        values: dict[str, object] = {f: c for f, c in zip(fields, cells, strict=False) if f}
        yield row, _build(row, values, ctx, limit)


_TOO_DEEP = object()


class _Refused(Exception):
    """A JSON value outside what a record file may hold (raised from the decoder's hooks)."""


def _json_hooks(limit: Limits) -> dict[str, Any]:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise _Refused(f"key {clip(key)!r} appears twice in one object; give each key once")
            out[key] = value
        return out

    def number(text: str) -> int | float:
        if sum(ch.isdigit() for ch in text) > limit.number_digits:
            raise _Refused(
                f"a number has more than {limit.number_digits} digits; "
                f"set {env_name('number_digits')} to read longer numbers"
            )
        return float(text) if any(ch in text for ch in ".eE") else int(text)

    def constant(text: str) -> Any:
        raise _Refused(f"{text} is not a JSON value (JSON has no NaN or Infinity)")

    return {"object_pairs_hook": pairs, "parse_int": number, "parse_float": number, "parse_constant": constant}


#: The JSON types each field may have (docs/supervision.md): text is a string; people a string or a list of
#: strings; counts a whole number or a string of digits.
_PEOPLE = ("attendees", "members")
_COUNTS = ("attendance", "households")


def _json_shape(field: str, value: object) -> str | None:
    """Why ``value`` is not a documented JSON value of ``field``, or ``None`` when it is."""
    if field in _PEOPLE:
        if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return None
        return "must be a string or a list of strings (member ids or names)"
    if field in _COUNTS:
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return None
        return f"must be a whole number of 0 or more (got {clip(json.dumps(value, ensure_ascii=False))})"
    if isinstance(value, str):
        return None
    return f"must be a string, not {_json_type(value)}"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a string"


def _read_json(path: Path, text: str, ctx: _Context, limit: Limits) -> Iterable[tuple[_Row, Record | None]]:
    file = _name(path)
    decoder = json.JSONDecoder()
    try:
        data = json.loads(text, **_json_hooks(limit))
    except json.JSONDecodeError as exc:
        row = _Row(file, exc.lineno, f"line {exc.lineno}, column {exc.colno}", {})
        row.problem(None, f"not valid JSON: {exc.msg}")
        yield row, None
        return
    except _Refused as exc:
        row = _Row(file, 1, "", {})
        row.problem(None, str(exc))
        yield row, None
        return
    except RecursionError:
        data = _TOO_DEEP  # reported below with the nesting limit
    if data is _TOO_DEEP or depth_of(data, limit.depth) > limit.depth:
        row = _Row(file, 1, "", {})
        row.problem(
            None, f"values are nested more than {limit.depth} levels deep; set {env_name('depth')} to read deeper"
        )
        yield row, None
        return
    if isinstance(data, dict):
        extra = [k for k in data if k != "records"]
        if extra or "records" not in data:
            row = _Row(file, 1, "line 1", {})
            named = f"unknown key {clip(extra[0])!r}; " if extra else ""
            row.problem(None, f'{named}expected a list of records, or an object {{"records": [...]}} and nothing else')
            yield row, None
            return
    items = data.get("records") if isinstance(data, dict) else data
    if not isinstance(items, list):
        row = _Row(file, 1, "line 1", {})
        row.problem(None, 'expected a list of records, or an object {"records": [...]}')
        yield row, None
        return
    if len(items) > limit.rows:
        row = _Row(file, 1, "", {})
        row.problem(None, f"{len(items)} records: more than {limit.rows}; set {env_name('rows')} to read more")
        yield row, None
        return
    # Find where each record starts, for line numbers (counted as we go: linear in the file's size).
    starts: list[int] = []
    idx = text.find("[", text.find('"records"') if isinstance(data, dict) else 0) + 1
    for _ in items:
        while idx < len(text) and text[idx] in " \t\r\n,":
            idx += 1
        starts.append(idx)
        _, idx = decoder.raw_decode(text, idx)
    line, counted = 1, 0
    for n, (item, pos) in enumerate(zip(items, starts, strict=True), start=1):
        line += text.count("\n", counted, pos)
        counted = pos
        label = f"line {line} (record {n})"
        if not isinstance(item, dict):
            row = _Row(file, line, label, {})
            row.problem(None, f"a record must be an object, not {_json_type(item)}")
            yield row, None
            continue
        values: dict[str, object] = {}
        where: dict[str, str] = {}
        row = _Row(file, line, label, where)
        for key, value in item.items():
            field = _ALIASES.get(str(key).strip().lower())
            if field is None:
                row.problem(None, f"key {clip(key)!r}: unknown key{_close(str(key), _ALIASES)}")
                continue
            where[field] = f"key {clip(key)!r}"
            wrong = _json_shape(field, value)
            if wrong is not None:
                row.problem(field, wrong)
                continue
            values[field] = value
        record = _build(row, values, ctx, limit) if not row.problems else None
        yield row, record


def _prop(event: icalendar.cal.Component, name: str) -> str:
    value = event.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _read_ics(
    path: Path, text: str, ctx: _Context, cancelled: list[str], limit: Limits
) -> Iterable[tuple[_Row, Record | None]]:
    file = _name(path)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except ValueError as exc:
        row = _Row(file, 1, "line 1", {})
        row.problem(None, f"not valid iCalendar: {exc}")
        yield row, None
        return
    lines = [n for n, ln in enumerate(text.splitlines(), start=1) if ln.strip().upper() == "BEGIN:VEVENT"]
    events = [e for cal in calendars for e in cal.walk("VEVENT")]
    if len(events) > limit.rows:
        row = _Row(file, 1, "", {})
        row.problem(None, f"{len(events)} events: more than {limit.rows}; set {env_name('rows')} to read more")
        yield row, None
        return
    if not calendars or not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        row = _Row(file, 1, "line 1", {})
        row.problem(None, "not an iCalendar file (it must begin with BEGIN:VCALENDAR)")
        yield row, None
        return
    where = {
        "org": "X-LIANXUE-ORG",
        "obligation": "X-LIANXUE-OBLIGATION",
        "period": "X-LIANXUE-PERIOD",
        "date": "DTSTART",
        "uid": "UID",
        "topic": "X-LIANXUE-TOPIC",
        "lecturer": "X-LIANXUE-LECTURER",
        "comment": "X-LIANXUE-COMMENT",
        "attendees": "ATTENDEE",
        "attendance": "X-LIANXUE-ATTENDANCE",
        "members": "X-LIANXUE-MEMBERS",
        "households": "X-LIANXUE-HOUSEHOLDS",
        "notes": "COMMENT",
    }
    for n, event in enumerate(events):
        line = lines[n] if n < len(lines) else 1
        uid = _prop(event, "UID")
        row = _Row(file, line, f"line {line}" + (f" (event {clip(uid)})" if uid else ""), where)
        if _prop(event, "STATUS").upper() == "CANCELLED":
            cancelled.append(f"{file}:{line}")
            continue
        values: dict[str, object] = {
            "org": _prop(event, "X-LIANXUE-ORG"),
            "obligation": _prop(event, "X-LIANXUE-OBLIGATION"),
            "period": _prop(event, "X-LIANXUE-PERIOD"),
            "topic": _prop(event, "X-LIANXUE-TOPIC"),
            "lecturer": _prop(event, "X-LIANXUE-LECTURER"),
            "comment": _prop(event, "X-LIANXUE-COMMENT"),
            "attendance": _prop(event, "X-LIANXUE-ATTENDANCE"),
            "members": _prop(event, "X-LIANXUE-MEMBERS"),
            "households": _prop(event, "X-LIANXUE-HOUSEHOLDS"),
            "notes": _prop(event, "COMMENT"),
        }
        parsed = parse_uid(uid, ctx.obligations) if uid else None
        if not (values["org"] and values["obligation"]) and parsed is None:
            row.problem(None, "the event carries neither X-LIANXUE-OBLIGATION nor a UID lianxue gave it")
            yield row, None
            continue
        if parsed is not None:
            values["uid"] = uid  # fills what the X- properties do not say, and the member of a talk
        attendees = event.get("ATTENDEE")
        people = []
        for a in attendees if isinstance(attendees, list) else [attendees] if attendees is not None else []:
            cn = a.params.get("CN") if hasattr(a, "params") else None
            people.append(str(cn) if cn else str(a).removeprefix("mailto:").removeprefix("MAILTO:"))
        values["attendees"] = people + _people(_prop(event, "X-LIANXUE-ATTENDEES"))
        start = event.get("DTSTART")
        try:
            moment = start.dt if start is not None else None
        except Exception:  # icalendar 7 raises on a broken value only when it is read
            raw = event.get("DTSTART")
            shown = raw.to_ical().decode("utf-8", "replace") if hasattr(raw, "to_ical") else str(raw)
            row.problem("date", f"{clip(shown)!r} is not a date or date-time")
            yield row, None
            continue
        if isinstance(moment, dt.datetime):
            if moment.tzinfo is not None and getattr(moment.tzinfo, "key", None) is None:
                moment = moment.astimezone(_DEFAULT_TZ)  # UTC or a fixed offset: read in China time
            values["date"] = moment
        elif isinstance(moment, dt.date):
            values["date"] = moment
        yield row, _build(row, values, ctx, limit)


# -- all files --------------------------------------------------------------------------------------


def _format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".json", ".ics"):
        return suffix[1:]
    head = text.lstrip()[:20].upper()
    if head.startswith("BEGIN:VCALENDAR"):
        return "ics"
    if head.startswith(("[", "{")):
        return "json"
    return "csv"


def _dedupe_key(r: Record) -> tuple[object, ...]:
    return (
        r.org,
        r.obligation,
        r.date,
        r.time,
        r.period,
        frozenset(r.members),
        frozenset(r.attendees),
        r.lecturer,
        r.topic,
        r.households,
    )


def read_records(
    paths: Sequence[Path],
    tree: OrganizationTree,
    obligations: Mapping[str, Obligation],
    applies: Mapping[str, Collection[str]],
) -> RecordSet:
    """Read every record file in ``paths``; check each row against ``tree`` and the obligations.

    Args:
        paths: CSV (``.csv``), JSON (``.json``) or iCalendar (``.ics``) files; other names are sniffed.
        tree: The organization tree.
        obligations: Every known obligation by id (the catalogue).
        applies: For each organization id, the ids of the obligations it has that year.

    Returns:
        The records, every problem (an unknown organization or obligation, a bad date, time, period or
        number, an unknown column...) and the warnings (duplicates, counted once; cancelled events).
    """
    ctx = _Context(tree, obligations, applies)
    limit = current_limits()
    records: list[Record] = []
    problems: list[Problem] = []
    warnings: list[str] = []
    seen: dict[tuple[object, ...], str] = {}
    for path in paths:
        try:
            data = read_limited(
                path, limit.records_bytes, what="the record file", field="records_bytes", display=_name(path)
            )
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        text, problem = _decode(path, data)
        if text is None:
            assert problem is not None
            problems.append(problem)
            continue
        cancelled: list[str] = []
        kind = _format(path, text)
        if kind == "ics" and len(data) > limit.records_ics_bytes:
            problems.append(
                too_big(_name(path), "the iCalendar record file", "records_ics_bytes", limit.records_ics_bytes)
            )
            continue
        rows = (
            _read_ics(path, text, ctx, cancelled, limit)
            if kind == "ics"
            else _read_json(path, text, ctx, limit)
            if kind == "json"
            else _read_csv(path, text, ctx, limit)
        )
        for row, record in rows:
            problems.extend(row.problems)
            if record is None:
                continue
            key = _dedupe_key(record)
            if key in seen:
                warnings.append(
                    f"{record.origin}：与{seen[key]}重复（党组织、事项、日期、时间、人员和内容均相同），只计一次"
                )
                continue
            seen[key] = record.origin
            records.append(record)
        if cancelled:
            warnings.append(
                f"{_name(path)}：{len(cancelled)}个已取消（CANCELLED）的日程未计为已开展（{'、'.join(cancelled[:5])}"
                + ("等）" if len(cancelled) > 5 else "）")
            )
    return RecordSet(tuple(records), tuple(problems), tuple(warnings))
