"""Reading record files: CSV, JSON and iCalendar → :class:`~.findings.Record` values.

Every format carries the same fields (see ``docs/supervision.md``); :data:`COLUMNS` lists them with the
Chinese headers a spreadsheet may use instead. :func:`read_records` reads every file, checks every row
against the organization tree and the obligations, and returns the records together with every problem
(file, line and column) and every warning (duplicates, cancelled events). Nothing is dropped silently: a
row is either a record, a problem, or named in a warning.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import functools
import hashlib
import heapq
import io
import json
import pickle
import re
import tempfile
import zoneinfo
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import attrs
import icalendar

from ..collector import pausing
from ..errors import InputError, Problem
from ..i18n import N_, _, ngettext
from ..limits import Limits, depth_of, env_name, open_limited, read_limited, too_big
from ..limits import current as current_limits
from ..model import OrganizationTree
from ..obligations import CadenceKind, Obligation
from ..scheduling.periods import periods
from ..textsafe import clip, for_terminal
from .findings import Record

__all__ = ["COLUMNS", "RecordSet", "RecordStore", "parse_date", "parse_uid", "read_records", "read_store"]

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
        raise ValueError(_("{text!r} is not a date such as 2026-03-05 or 2026年3月5日").format(text=text))
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(_("{text!r} is not a day of the calendar").format(text=text)) from None


def _parse_time(text: str) -> dt.time:
    m = _TIME_RE.match(text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(_("{text!r} is not a time such as 14:30").format(text=text))
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


#: How a row is named in its problems (``detail``: the column, the record's number or the event's UID).
_LINE = N_("line {line}")
_LINE_COLUMN = N_("line {line}, column {detail}")
_LINE_RECORD = N_("line {line} (record {detail})")
_LINE_EVENT = N_("line {line} (event {detail})")
#: How a field's place is named: a CSV column (its number), a JSON key (as written); iCalendar: the property.
_COLUMN = N_("column {place} ({field})")
_KEY = N_("key {key!r}")


class _Row:
    """One row being turned into a record: its raw fields and where each came from.

    The row's label and the places of its fields are kept as templates and said (translated) only when a
    problem is noted: a row read without a problem costs no translation.
    """

    __slots__ = ("detail", "file", "label", "line", "problems", "where", "where_as")

    def __init__(
        self,
        file: str,
        line: int,
        where: Mapping[str, object] | None = None,
        *,
        label: str = _LINE,
        detail: object = None,
        where_as: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.label = label  # _LINE, _LINE_RECORD, _LINE_EVENT, _LINE_COLUMN or "" (none)
        self.detail = detail
        self.where = {} if where is None else where  # field -> column number / key as written / iCalendar property
        self.where_as = where_as  # _COLUMN, _KEY, or None: the place as it is
        self.problems: list[Problem] = []

    def problem(self, field: str | None, message: str) -> None:
        subject = _(self.label).format(line=self.line, detail=self.detail) if self.label else ""
        if field:
            place = self.where.get(field)
            if place is None:
                shown = field
            elif self.where_as is None:
                shown = str(place)
            else:
                shown = _(self.where_as).format(place=place, key=place, field=field)
            subject = _("{place}, {part}").format(place=subject, part=shown) if subject else shown
        self.problems.append(Problem(self.file, message, subject=subject))


class _Context:
    def __init__(self, tree: OrganizationTree, obligations: Mapping[str, Obligation], applies: Mapping[str, Any]):
        self.tree = tree
        self.obligations = obligations
        self.applies = applies
        self._labels: dict[tuple[str, int], frozenset[str]] = {}
        self.slots: dict[str, dict[str, str]] = {}  # org -> slot digest -> member id
        self.ids = {m.id for m in tree.members}
        # (org, obligation, period) already found valid, each to itself made of the tree's and the catalogue's
        # strings: the checks of a row are made once per combination, and its rows share the combination's texts
        self.valid: dict[tuple[str, str, str], tuple[str, str, str]] = {}
        # (org, text) -> the member ids a list of people names: the same attendees recur on many rows
        self.people: dict[tuple[str, str], tuple[str, ...]] = {}
        self._people_chars = 0

    @functools.cached_property
    def names(self) -> dict[tuple[str, str], str]:
        """(org, name) -> member id, made when a name is first met (files that give ids never need it)."""
        return {(m.org, m.name): m.id for m in self.tree.members}

    @functools.cached_property
    def global_names(self) -> dict[str, list[str]]:
        """name -> the ids of the members of that name, made when a name is first met."""
        out: dict[str, list[str]] = {}
        for m in self.tree.members:
            out.setdefault(m.name, []).append(m.id)
        return out

    def is_name(self, token: str) -> bool:
        """Whether ``token`` is some member's name."""
        return token in self.global_names

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

    def accepts(self, org: str, obligation: str, period: str) -> tuple[str, str, str] | None:
        """This organization, obligation and period as :meth:`remember` gives them when :func:`_build` finds
        nothing wrong with them, else ``None``; the other checks of a row are its own."""
        if not org or org not in self.tree or obligation not in self.applies.get(org, ()):
            return None
        ob = self.obligations.get(obligation)
        if ob is None:
            return None
        if period and not (_PERIOD_RE.match(period) and period in self.labels(ob, int(period[:4]))):
            return None
        return self.remember(self.tree[org].id, ob.id, period)

    def remember(self, org: str, obligation: str, period: str) -> tuple[str, str, str]:
        """Remember a valid organization, obligation and period in :attr:`valid`; return the combination kept
        there (the rows of a county share its texts)."""
        if len(self.valid) > _CACHE_SIZE:  # bounded, whatever the file
            self.valid.clear()
        key = (org, obligation, period)
        self.valid[key] = key
        return key

    def people_of(self, org: str, value: object) -> tuple[str, ...]:
        """The member ids of a list of people (ids or names, ``;``-separated text or a JSON list), each once."""
        if not isinstance(value, str):
            return tuple(dict.fromkeys(self.person(org, t) for t in _people(value)))
        key = (org, value)
        found = self.people.get(key)
        if found is None:
            if self._people_chars > _CACHE_CHARS:  # bounded, whatever the file: texts of people are long
                self.people.clear()
                self._people_chars = 0
            found = self.people[key] = tuple(dict.fromkeys(self.person(org, t) for t in _people(value)))
            self._people_chars += len(value)
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
        row.problem(field, _("must be a whole number of 0 or more (got {value!r})").format(value=clip(text)))
        return None
    return int(text)


def _close(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return _(" (did you mean {value!r}?)").format(value=close[0]) if close else ""


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
                _("{size} characters: more than {limit} in one field; set {variable} to read longer ones").format(
                    size=size, limit=limit.cell_chars, variable=env_name("cell_chars")
                ),
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
            row.problem(
                "uid",
                _("{uid!r} is not a UID lianxue gave an event (<org>.<obligation>.<period>@lianxue)").format(uid=uid),
            )
        else:
            org, obligation, period = org or parsed[0], obligation or parsed[1], period or parsed[2]
            slot = parsed[3]
    known = (org, obligation, period) in ctx.valid  # this combination passed the checks below before
    if known:
        pass
    elif not org:
        row.problem("org", _("the organization is missing"))
    elif org not in ctx.tree:
        row.problem(
            "org",
            _("no organization with id {id!r} in the organization file{hint}").format(
                id=org, hint=_close(org, [o.id for o in ctx.tree])
            ),
        )
    if known:
        pass
    elif not obligation:
        row.problem("obligation", _("the obligation is missing"))
    elif obligation not in ctx.obligations:
        row.problem(
            "obligation",
            _("no obligation with id {id!r}{hint}").format(id=obligation, hint=_close(obligation, ctx.obligations)),
        )
    elif org in ctx.tree and obligation not in ctx.applies.get(org, ()):
        row.problem(
            "obligation",
            _("obligation {obligation!r} does not apply to organization {org!r}").format(
                obligation=obligation, org=org
            ),
        )
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
            row.problem("date", _("the date is missing"))
        else:
            day, _sep, clock = text.partition(" ") if " " in text and ":" in text else (text, "", "")
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
            row.problem(
                "period",
                _("{period!r} is not a period such as 2026-03, 2026-Q2, 2026-W07 or 2026").format(period=period),
            )
        elif ob is not None:
            labels = ctx.labels(ob, int(period[:4]))
            if period not in labels:
                shown = _(", ").join(sorted(labels)[:3]) + ("..." if len(labels) > 3 else "")
                row.problem(
                    "period",
                    _("{period!r} is not a period of {obligation!r} ({cadence}: {shown})").format(
                        period=period, obligation=obligation, cadence=ob.cadence.describe(), shown=shown
                    ),
                )
    attendance = _count(row, "attendance", fields.get("attendance"))
    households = _count(row, "households", fields.get("households"))
    if row.problems or date is None:
        return None
    if not known:  # no problem on this row: the combination is valid
        ctx.remember(org, obligation, period)
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
        return None, _not_utf8(path, data[: exc.start].count(b"\n") + 1)


def _date_time(text: str) -> tuple[dt.date, dt.time | None]:
    """The date and time of a ``date`` cell (stripped): ``2026-03-05`` or ``2026-03-05 14:30``.

    Raises:
        ValueError: As :func:`_build` reports it.
    """
    day, _sep, clock = text.partition(" ") if " " in text and ":" in text else (text, "", "")
    date = parse_date(day)
    return date, (_parse_time(clock) if clock else None)


#: How many different cell texts a reader keeps to share (dates, times, topics...): bounded, whatever the file.
_CACHE_SIZE = 100_000
#: The longest topic, comment or note a reader shares between records (longer ones are rarely repeated).
_SHARED_CHARS = 80
#: How many characters of lists of people a reader keeps to share their tuples (a cell may hold thousands).
_CACHE_CHARS = 1 << 22


def _utf8_problem(path: Path, f: IO[bytes]) -> tuple[Problem | None, int]:
    """The problem of a file that is not UTF-8 (as :func:`_decode` reports it, with the line), read from ``f`` a
    megabyte at a time; and the length in bytes of its longest line (a cell on one line is no longer: see
    :func:`_read_csv`)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0  # whole lines before the current megabyte
    longest = tail = 0  # the longest line so far; the length of the last, unfinished, line
    while chunk := f.read(1 << 20):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            # ``exc.start`` counts from the bytes the decoder held back from the megabyte before, if any
            held = len(exc.object) - len(chunk)
            line = lines + chunk[: max(0, exc.start - held)].count(b"\n") + 1
            return _not_utf8(path, line), longest
        parts = chunk.split(b"\n")
        lines += len(parts) - 1
        if len(parts) == 1:
            tail += len(chunk)
        else:
            longest = max(longest, tail + len(parts[0]), max(map(len, parts)))
            tail = len(parts[-1])
        longest = max(longest, tail)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _not_utf8(path, lines + 1), longest
    return None, longest


def _not_utf8(path: Path, line: int) -> Problem:
    return Problem(
        _name(path),
        _("is not UTF-8 text (in a spreadsheet program, save as “CSV UTF-8”)"),
        subject=_(_LINE).format(line=line),
    )


def _read_csv(
    path: Path,
    text: str | IO[str],
    ctx: _Context,
    limit: Limits,
    sink: RecordStore,
    longest_line: int | None = None,
) -> Iterable[tuple[_Row, Record | None]]:
    """The rows of a CSV file. A row whose organization, obligation and period were already found valid, with a
    date, time and counts of the usual forms, is stored straight into ``sink`` (no per-row objects but the
    record's tuple); any other row goes through :func:`_build`, which reports every problem, and is yielded.
    ``longest_line``: the length of the file's longest line (in bytes or characters; ``None``: unknown)."""
    reader = csv.reader(io.StringIO(text, newline="") if isinstance(text, str) else text)
    file = _name(path)
    try:
        header = next(reader)
    except StopIteration:
        row = _Row(file, 1)
        row.problem(None, _("the file is empty; the first line must name the columns (org,obligation,date,...)"))
        yield row, None
        return
    except csv.Error as exc:
        row = _Row(file, 1)
        row.problem(None, _("not valid CSV: {error}").format(error=_csv_error(exc)))
        yield row, None
        return
    fields: list[str | None] = []
    head = _Row(file, 1)
    for n, name in enumerate(header, start=1):
        key = _ALIASES.get(name.strip().lower())
        if key is None:
            if name.strip():
                head.problem(
                    None,
                    _("column {n}: unknown column {name!r}{hint}").format(
                        n=n, name=clip(name.strip()), hint=_close(name.strip(), _ALIASES)
                    ),
                )
            else:
                head.problem(None, _("column {n}: the column has no name").format(n=n))
        elif key in fields:
            head.problem(
                None,
                _("column {n}: column {name!r} repeats column {first}").format(
                    n=n, name=clip(name.strip()), first=fields.index(key) + 1
                ),
            )
        fields.append(key)
    missing = [f for f in ("org", "obligation", "date") if f not in fields and not ("uid" in fields and f != "date")]
    if missing:
        head.problem(None, _("required column(s) missing: {columns}").format(columns=_(", ").join(missing)))
    if head.problems:
        yield head, None
        return
    where = {f: n for n, f in enumerate(fields, start=1) if f}
    width = len(fields)
    # The fast path reads cells by position; an absent column reads as the empty padding cell at ``width``.
    col = {f: fields.index(f) if f in fields else width for f in COLUMNS}
    i_org, i_ob, i_date, i_time, i_period = col["org"], col["obligation"], col["date"], col["time"], col["period"]
    i_topic, i_lecturer, i_comment, i_notes = col["topic"], col["lecturer"], col["comment"], col["notes"]
    i_attendees, i_members, i_attendance, i_households = (
        col["attendees"],
        col["members"],
        col["attendance"],
        col["households"],
    )
    fast = "uid" not in fields and "org" in fields and "obligation" in fields
    if longest_line is None and isinstance(text, str):
        longest_line = max(map(len, text.split("\n")), default=0)
    # no line longer than a cell may be: the cells of a row on one line need no measuring (a quoted cell that
    # spans lines is measured)
    short = longest_line is not None and longest_line <= limit.cell_chars
    pad = [""] * (width + 1)
    valid, accepts = ctx.valid, ctx.accepts
    people_of, person = ctx.people_of, ctx.person
    dates: dict[str, tuple[dt.date, dt.time | None]] = {}
    times: dict[str, dt.time] = {}
    texts: dict[str, str] = {}
    cell_chars = limit.cell_chars
    fi = sink.file(file)
    by_org = sink.by_org
    ids, is_name = ctx.ids, ctx.is_name
    # people texts read the same in every organization (each token a member id, or nobody's name)
    plain: dict[str, tuple[str, ...]] = {}
    plain_chars = 0
    end = reader.line_num
    rows = 0
    start = end + 1
    seq = sink._seq
    # hot names as locals; the last organization's list of rows (files list an organization's rows together)
    max_rows, cache_size, cache_chars, shared_chars = limit.rows, _CACHE_SIZE, _CACHE_CHARS, _SHARED_CHARS
    spill_at = sink.spill_at
    last_org, stored = "", None
    # repeats (see RecordStore.dedupe) found as the rows come, one run of an organization's rows at a time: the
    # first of each key in the run; an organization met again later, or with a run too long to hold, is left
    # to dedupe's pass over all its rows
    runs, unchecked, repeats = sink.runs, sink.unchecked, sink.repeats
    run_org = ""
    run_keys: dict[tuple[object, ...], _Stored] | None = None
    sets: dict[tuple[str, ...], frozenset[str]] = {}  # people as a set, by their tuple
    try:
        for cells in reader:
            start = end + 1
            end = reader.line_num
            n = len(cells)
            if fast and n <= width and cells:
                org = cells[i_org].strip() if i_org < n else ""
                if org and ((short and end == start) or max(map(len, cells)) <= cell_chars):
                    rows += 1
                    if rows > max_rows:
                        row = _Row(file, start, where, where_as=_COLUMN)
                        row.problem(None, _too_many_rows(limit))
                        sink._seq = seq
                        yield row, None
                        return
                    given = cells
                    if n < width:
                        cells = cells + pad[n:]
                    else:
                        cells.append("")
                    obligation = cells[i_ob].strip()
                    period = cells[i_period].strip()
                    got: tuple[dt.date, dt.time | None, int | None, int | None] | None = None
                    known = valid.get((org, obligation, period)) or accepts(org, obligation, period)
                    if known is not None:
                        org, obligation, period = known  # texts shared by every row of the combination
                        moment = dates.get(cells[i_date])
                        if moment is not None and not (cells[i_time] or cells[i_attendance] or cells[i_households]):
                            got = (*moment, None, None)
                        else:
                            got = _fast_fields(cells, dates, times, i_date, i_time, i_attendance, i_households)
                    if got is not None:
                        if len(texts) > cache_size:
                            texts.clear()
                        if plain_chars > cache_chars:
                            plain.clear()
                            plain_chars = 0
                        topic = cells[i_topic].strip()
                        comment = cells[i_comment].strip()
                        notes = cells[i_notes].strip()
                        lecturer = cells[i_lecturer].strip()
                        raw = cells[i_attendees]
                        attendees = plain.get(raw) if raw else ()
                        if attendees is None:
                            attendees = people_of(org, raw)
                            if all(t in ids or not is_name(t) for t in _people(raw)):
                                plain[raw] = attendees
                                plain_chars += len(raw)
                        raw = cells[i_members]
                        members = plain.get(raw) if raw else ()
                        if members is None:
                            members = people_of(org, raw)
                            if all(t in ids or not is_name(t) for t in _people(raw)):
                                plain[raw] = members
                                plain_chars += len(raw)
                        date, time, attendance, households = got
                        if org != last_org or stored is None:
                            stored = by_org.get(org)
                            if stored is None:
                                stored = by_org[org] = []
                            last_org = org
                        record = (
                            seq,
                            obligation,
                            date,
                            time,
                            texts.setdefault(topic, topic) if len(topic) <= shared_chars else topic,
                            person(org, lecturer) if lecturer else "",
                            texts.setdefault(comment, comment) if len(comment) <= shared_chars else comment,
                            attendees,
                            attendance,
                            members,
                            texts.setdefault(notes, notes) if len(notes) <= shared_chars else notes,
                            period,
                            households,
                            fi,
                            start,
                        )
                        if org != run_org:
                            if org in runs:  # met again: dedupe looks at all its rows
                                unchecked.add(org)
                            runs.add(org)
                            run_org, run_keys = org, {} if org not in unchecked else None
                        if run_keys is not None:
                            m_set = sets.get(members)
                            if m_set is None:
                                if len(sets) > cache_size:
                                    sets.clear()
                                m_set = sets[members] = frozenset(members)
                            a_set = sets.get(attendees)
                            if a_set is None:
                                a_set = sets[attendees] = frozenset(attendees)
                            same = (obligation, date, time, period, m_set, a_set, record[5], record[4], households)
                            first = run_keys.setdefault(same, record)
                            if first is not record:
                                repeats.append((seq, sink.repeat_warning(record, first)))
                                seq += 1  # its place in the reading order is taken, as dedupe would leave it
                                if seq >= spill_at:
                                    sink._seq = seq
                                    sink.spill()
                                    spill_at, stored = sink.spill_at, None
                                continue
                            if len(run_keys) > cache_size:  # a very long run: dedupe looks at it, not this dict
                                unchecked.add(org)
                                run_keys = None
                        stored.append(record)
                        seq += 1
                        if seq >= spill_at:  # a large file: the rows so far go to the store's file
                            sink._seq = seq
                            sink.spill()
                            spill_at, stored = sink.spill_at, None  # the store's lists were emptied
                        continue
                    row = _Row(file, start, where, where_as=_COLUMN)
                    values: dict[str, object] = {f: c for f, c in zip(fields, given, strict=False) if f}
                    sink._seq = seq
                    yield row, _build(row, values, ctx, limit)
                    seq, spill_at, stored = sink._seq, sink.spill_at, None  # the caller may have stored and spilled
                    continue
            sink._seq = seq
            stored = None
            # the general path: blank rows, long cells, extra cells, a uid column, a missing organization
            if not any(c.strip() for c in cells):
                continue
            rows += 1
            if rows > limit.rows:
                row = _Row(file, start, where, where_as=_COLUMN)
                row.problem(None, _too_many_rows(limit))
                yield row, None
                return
            row = _Row(file, start, where, where_as=_COLUMN)
            if n > width:
                row.problem(None, _("{n} cells but the header names {width} columns").format(n=n, width=width))
                yield row, None
                continue
            values = {f: c for f, c in zip(fields, cells, strict=False) if f}
            yield row, _build(row, values, ctx, limit)
            seq, spill_at = sink._seq, sink.spill_at
    except csv.Error as exc:
        sink._seq = seq
        start = end + 1
        row = _Row(file, start, where, where_as=_COLUMN)
        row.problem(None, _("not valid CSV: {error}").format(error=_csv_error(exc)))
        yield row, None
    sink._seq = seq


#: The csv module's usual complaints, its own words as the msgids (English stays as the module says it).
_CSV_ERRORS = frozenset(
    (
        N_("line contains NUL"),
        N_("unexpected end of data"),
        N_("',' expected after '\"'"),
        N_("new-line character seen in unquoted field - do you need to open the file with newline=''?"),
    )
)


def _csv_error(exc: csv.Error) -> str:
    """The csv module's message, translated when it is one of its usual ones; else as it is."""
    message = str(exc)
    return _(message) if message in _CSV_ERRORS else message


def _too_many_rows(limit: Limits) -> str:
    return _("more than {limit} rows; set {variable} to read more").format(limit=limit.rows, variable=env_name("rows"))


def _fast_fields(
    cells: list[str],
    dates: dict[str, tuple[dt.date, dt.time | None]],
    times: dict[str, dt.time],
    i_date: int,
    i_time: int,
    i_attendance: int,
    i_households: int,
) -> tuple[dt.date, dt.time | None, int | None, int | None] | None:
    """A CSV row's date, time and counts, when they have the usual forms and :func:`_build` would read them
    the same way without a problem; ``None`` sends the row to :func:`_build` (which names every problem)."""
    raw = cells[i_date]
    moment = dates.get(raw)
    if moment is None:
        try:
            moment = _date_time(raw.strip())
        except ValueError:
            return None
        if len(dates) > _CACHE_SIZE:
            dates.clear()
        dates[raw] = moment
    date, time = moment
    raw = cells[i_time]
    if raw:
        found = times.get(raw)
        if found is None:
            clock = raw.strip()
            if clock:
                try:
                    found = _parse_time(clock)
                except ValueError:
                    return None
                if len(times) > _CACHE_SIZE:
                    times.clear()
                times[raw] = found
        if found is not None:
            time = found
    raw = cells[i_attendance]
    attendance = None
    if raw:
        count = raw.strip()
        if count:
            if not (count.isascii() and count.isdigit()):
                return None
            attendance = int(count)
    raw = cells[i_households]
    households = None
    if raw:
        count = raw.strip()
        if count:
            if not (count.isascii() and count.isdigit()):
                return None
            households = int(count)
    return date, time, attendance, households


_TOO_DEEP = object()


class _Refused(Exception):
    """A JSON value outside what a record file may hold (raised from the decoder's hooks)."""


def _json_hooks(limit: Limits) -> dict[str, Any]:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise _Refused(_("key {key!r} appears twice in one object; give each key once").format(key=clip(key)))
            out[key] = value
        return out

    def number(text: str) -> int | float:
        if sum(ch.isdigit() for ch in text) > limit.number_digits:
            raise _Refused(
                _("a number has more than {limit} digits; set {variable} to read longer numbers").format(
                    limit=limit.number_digits, variable=env_name("number_digits")
                )
            )
        return float(text) if any(ch in text for ch in ".eE") else int(text)

    def constant(text: str) -> Any:
        raise _Refused(_("{text} is not a JSON value (JSON has no NaN or Infinity)").format(text=text))

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
        return _("must be a string or a list of strings (member ids or names)")
    if field in _COUNTS:
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return None
        return _("must be a whole number of 0 or more (got {value})").format(
            value=clip(json.dumps(value, ensure_ascii=False))
        )
    if isinstance(value, str):
        return None
    return _("must be a string, not {type}").format(type=_json_type(value))


def _json_type(value: object) -> str:
    """How a problem names the JSON type of ``value`` (translated)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return _("a string")


#: The JSON decoder's usual complaints, its own words as the msgids (English stays as the decoder says it).
_JSON_ERRORS = frozenset(
    (
        N_("Expecting value"),
        N_("Expecting property name enclosed in double quotes"),
        N_("Expecting ':' delimiter"),
        N_("Expecting ',' delimiter"),
        N_("Extra data"),
        N_("Unterminated string starting at"),
        N_("Invalid control character at"),
        N_("Invalid \\escape"),
        N_("Invalid \\uXXXX escape"),
    )
)


def _json_error(message: str) -> str:
    """The JSON decoder's ``message``, translated when it is one of its usual ones; else as it is."""
    return _(message) if message in _JSON_ERRORS else message


def _read_json(path: Path, text: str, ctx: _Context, limit: Limits) -> Iterable[tuple[_Row, Record | None]]:
    file = _name(path)
    decoder = json.JSONDecoder()
    try:
        data = json.loads(text, **_json_hooks(limit))
    except json.JSONDecodeError as exc:
        row = _Row(file, exc.lineno, label=_LINE_COLUMN, detail=exc.colno)
        row.problem(None, _("not valid JSON: {error}").format(error=_json_error(exc.msg)))
        yield row, None
        return
    except _Refused as exc:
        row = _Row(file, 1, label="")
        row.problem(None, str(exc))
        yield row, None
        return
    except RecursionError:
        data = _TOO_DEEP  # reported below with the nesting limit
    if data is _TOO_DEEP or depth_of(data, limit.depth) > limit.depth:
        row = _Row(file, 1, label="")
        row.problem(
            None,
            _("values are nested more than {limit} levels deep; set {variable} to read deeper").format(
                limit=limit.depth, variable=env_name("depth")
            ),
        )
        yield row, None
        return
    if isinstance(data, dict):
        extra = [k for k in data if k != "records"]
        if extra or "records" not in data:
            row = _Row(file, 1)
            row.problem(
                None,
                _(
                    "unknown key {key!r}; expected a list of records, "
                    'or an object {{"records": [...]}} and nothing else'
                ).format(key=clip(extra[0]))
                if extra
                else _('expected a list of records, or an object {"records": [...]} and nothing else'),
            )
            yield row, None
            return
    items = data.get("records") if isinstance(data, dict) else data
    if not isinstance(items, list):
        row = _Row(file, 1)
        row.problem(None, _('expected a list of records, or an object {"records": [...]}'))
        yield row, None
        return
    if len(items) > limit.rows:
        row = _Row(file, 1, label="")
        row.problem(
            None,
            _("{n} records: more than {limit}; set {variable} to read more").format(
                n=len(items), limit=limit.rows, variable=env_name("rows")
            ),
        )
        yield row, None
        return
    # Find where each record starts, for line numbers (counted as we go: linear in the file's size).
    starts: list[int] = []
    idx = text.find("[", text.find('"records"') if isinstance(data, dict) else 0) + 1
    for _item in items:
        while idx < len(text) and text[idx] in " \t\r\n,":
            idx += 1
        starts.append(idx)
        _value, idx = decoder.raw_decode(text, idx)
    line, counted = 1, 0
    for n, (item, pos) in enumerate(zip(items, starts, strict=True), start=1):
        line += text.count("\n", counted, pos)
        counted = pos
        if not isinstance(item, dict):
            row = _Row(file, line, label=_LINE_RECORD, detail=n)
            row.problem(None, _("a record must be an object, not {type}").format(type=_json_type(item)))
            yield row, None
            continue
        values: dict[str, object] = {}
        where: dict[str, object] = {}
        row = _Row(file, line, where, label=_LINE_RECORD, detail=n, where_as=_KEY)
        for key, value in item.items():
            field = _ALIASES.get(str(key).strip().lower())
            if field is None:
                row.problem(
                    None, _("key {key!r}: unknown key{hint}").format(key=clip(key), hint=_close(str(key), _ALIASES))
                )
                continue
            where[field] = clip(key)
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
        row = _Row(file, 1)
        row.problem(None, _("not valid iCalendar: {error}").format(error=exc))
        yield row, None
        return
    lines = [n for n, ln in enumerate(text.splitlines(), start=1) if ln.strip().upper() == "BEGIN:VEVENT"]
    events = [e for cal in calendars for e in cal.walk("VEVENT")]
    if len(events) > limit.rows:
        row = _Row(file, 1, label="")
        row.problem(
            None,
            _("{n} events: more than {limit}; set {variable} to read more").format(
                n=len(events), limit=limit.rows, variable=env_name("rows")
            ),
        )
        yield row, None
        return
    if not calendars or not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        row = _Row(file, 1)
        row.problem(None, _("not an iCalendar file (it must begin with BEGIN:VCALENDAR)"))
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
        row = _Row(file, line, where, label=_LINE_EVENT if uid else _LINE, detail=clip(uid) if uid else None)
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
            row.problem(None, _("the event carries neither X-LIANXUE-OBLIGATION nor a UID lianxue gave it"))
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
            row.problem("date", _("{value!r} is not a date or date-time").format(value=clip(shown)))
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


# -- the records read, kept compactly ---------------------------------------------------------------

#: A stored record: ``(seq, obligation, date, time, topic, lecturer, comment, attendees, attendance, members,
#: notes, period, households, file, line)``; ``seq`` is its place in reading order, ``file`` an index into
#: :attr:`RecordStore.files` and ``line`` its line there (``None``: the file entry is the whole origin).
_Stored = tuple[Any, ...]


#: How many records a :class:`RecordStore` holds in memory before it moves them to its temporary file.
SPILL_ROWS = 100_000


class RecordStore:
    """The records read, grouped by organization and kept as tuples: a :class:`Record` is made only when asked
    for (:meth:`of`, :meth:`records`), so a year of records takes little memory and a check can take one shard
    of organizations at a time.

    Past ``spill_rows`` records (:data:`SPILL_ROWS`) in memory, the store moves them to a temporary file of its
    own, pickled organization by organization, and reads an organization's back when asked for: a county's
    year of records (millions) is checked shard by shard in the memory of one shard's. The file is deleted when
    the store is closed or collected.

    Records keep their reading order (files in the order given, rows in file order) in every answer.
    """

    def __init__(self, spill_rows: int | None = None) -> None:
        self.files: list[str] = []
        self._file_index: dict[str, int] = {}
        #: The rows held in memory by organization (those not moved to the file yet).
        self.by_org: dict[str, list[_Stored]] = {}
        self._seq = 0
        self.spill_rows = SPILL_ROWS if spill_rows is None else max(1, spill_rows)
        #: The reading order (``seq``) at which the rows in memory are next moved to the file.
        self.spill_at = self.spill_rows
        self._file: IO[bytes] | None = None
        self._size = 0
        # each organization's rows in the file: (offset, length) of its pickles, and how many rows they hold
        self._chunks: dict[str, list[tuple[int, int]]] = {}
        self._spilled: dict[str, int] = {}
        #: Organizations whose repeats :meth:`dedupe` must still look for: rows stored by :meth:`add`, or an
        #: organization whose rows the CSV reader met in more than one run (its runs were looked at one by one).
        self.unchecked: set[str] = set()
        #: Organizations the CSV reader has begun a run of rows of (see :func:`_read_csv`).
        self.runs: set[str] = set()
        #: Repeats the CSV reader found and left out as it read: ``(seq, warning)``.
        self.repeats: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return sum(self._spilled.values()) + sum(len(rows) for rows in self.by_org.values())

    def file(self, name: str) -> int:
        """The index of a file name (or of a whole origin), added when new."""
        found = self._file_index.get(name)
        if found is None:
            found = self._file_index[name] = len(self.files)
            self.files.append(name)
        return found

    def add(self, org: str, fields: tuple[Any, ...], file: int, line: int | None) -> None:
        """Store one record: ``fields`` are ``(obligation, date, time, topic, lecturer, comment, attendees,
        attendance, members, notes, period, households)``."""
        rows = self.by_org.get(org)
        if rows is None:
            rows = self.by_org[org] = []
        rows.append((self._seq, *fields, file, line))
        self.unchecked.add(org)
        self._seq += 1
        if self._seq >= self.spill_at:
            self.spill()

    def add_record(self, record: Record, file: int | None = None, line: int | None = None) -> None:
        """Store a :class:`Record` (its origin kept as it is unless ``file`` and ``line`` say it)."""
        if file is None:
            file, line = self.file(record.origin), None
        self.add(
            record.org,
            (
                record.obligation,
                record.date,
                record.time,
                record.topic,
                record.lecturer,
                record.comment,
                record.attendees,
                record.attendance,
                record.members,
                record.notes,
                record.period,
                record.households,
            ),
            file,
            line,
        )

    @classmethod
    def of_records(cls, records: Iterable[Record], spill_rows: int | None = None) -> RecordStore:
        """A store holding ``records`` (made in Python), in their order."""
        store = cls(spill_rows)
        for r in records:
            store.add_record(r)
        return store

    # -- the temporary file ----------------------------------------------------------------------------------

    @property
    def spilled(self) -> bool:
        """Whether some records are kept in the temporary file."""
        return bool(self._chunks)

    def spill(self) -> None:
        """Move the rows held in memory to the temporary file (made when first needed)."""
        self.spill_at = self._seq + self.spill_rows
        if not self.by_org:
            return
        for org, rows in self.by_org.items():
            self._chunks.setdefault(org, []).append(self._write(rows))
            self._spilled[org] = self._spilled.get(org, 0) + len(rows)
        self.by_org.clear()  # the same dictionary: a reader may hold it

    def _write(self, rows: list[_Stored]) -> tuple[int, int]:
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close() or when collected
        blob = pickle.dumps(rows, pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._size)
        self._file.write(blob)
        at, self._size = self._size, self._size + len(blob)
        return at, len(blob)

    def close(self) -> None:
        """Delete the temporary file (the store is empty afterwards)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._chunks.clear()
        self._spilled.clear()
        self.by_org.clear()

    def _rows(self, org: str) -> list[_Stored]:
        """The rows of ``org``, in reading order: those in the file, then those in memory."""
        chunks = self._chunks.get(org)
        held = self.by_org.get(org, [])
        if not chunks:
            return held
        assert self._file is not None
        out: list[_Stored] = []
        for at, size in chunks:
            self._file.seek(at)
            out += pickle.loads(self._file.read(size))  # written by this store, in its own unnamed file
        return out + held

    def _orgs(self) -> list[str]:
        """Every organization with records: those in the file first, in the order they came."""
        return [*self._spilled, *(o for o in self.by_org if o not in self._spilled)]

    # -- answers ---------------------------------------------------------------------------------------------

    def origin(self, row: _Stored) -> str:
        """Where a stored record was read, as :attr:`Record.origin` says it (``records.csv:12``)."""
        name = self.files[row[13]]
        return name if row[14] is None else f"{name}:{row[14]}"

    def _record(self, org: str, r: _Stored) -> Record:
        name = self.files[r[13]]
        origin = name if r[14] is None else f"{name}:{r[14]}"
        return Record(org, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], origin, r[11], r[12])

    def count(self, orgs: Collection[str]) -> int:
        """How many records belong to ``orgs``."""
        return sum(n for org, n in self._spilled.items() if org in orgs) + sum(
            len(rows) for org, rows in self.by_org.items() if org in orgs
        )

    def iter(self, orgs: Iterable[str] | None = None) -> Iterator[Record]:
        """The records of ``orgs`` (all when ``None``) in reading order, made one at a time (those of every
        organization asked for are read from the temporary file at once: see :meth:`stream`)."""
        chosen = {o: self._rows(o) for o in (self._orgs() if orgs is None else orgs)}
        chosen = {o: rows for o, rows in chosen.items() if rows}
        if len(chosen) == 1:
            ((org, rows),) = chosen.items()
            return (self._record(org, r) for r in rows)
        streams = [_tagged(org, rows) for org, rows in chosen.items()]
        return (self._record(org, r) for _seq, org, r in heapq.merge(*streams, key=_first))

    def stream(self, orgs: Iterable[str]) -> Iterator[Record]:
        """The records of ``orgs``, organization after organization (each one's in reading order), one
        organization's held at a time."""
        make = self._record
        for org in orgs:
            for r in self._rows(org):
                yield make(org, r)

    def by_organization(self, orgs: Iterable[str]) -> list[Record]:
        """The records of ``orgs``, organization after organization (each one's in reading order): for work
        that takes each organization's records apart, such as the check."""
        out: list[Record] = []
        make = self._record
        for org in orgs:
            out += [make(org, r) for r in self._rows(org)]
        return out

    def of(self, orgs: Iterable[str] | None = None) -> list[Record]:
        """The records of ``orgs`` (all when ``None``), in reading order."""
        return list(self.iter(orgs))

    def records(self) -> tuple[Record, ...]:
        """Every record, in reading order."""
        return tuple(self.iter())

    def dedupe(self, orgs: Collection[str] | None = None) -> list[tuple[int, str]]:
        """Keep the first of records that repeat another exactly (same organization, obligation, date, time,
        period, people, lecturer, topic and households); returns a warning for each other one, with its
        ``seq`` (reading order). Only the organizations in ``orgs`` when given (:attr:`unchecked`: the CSV reader
        left out the others' repeats as it read them, see :attr:`repeats`)."""
        out: list[tuple[int, str]] = []
        # the people of a record as a set, made once per tuple (the reader shares the tuples of equal texts);
        # by id: the tuples stay alive in the rows while they are looked at (an organization's rows read back
        # from the file are new objects: their own table, dropped with them)
        shared: dict[int, frozenset[str]] = {}
        for org in self._orgs():
            if orgs is not None and org not in orgs:
                continue
            rows = self._rows(org)
            people = shared if org not in self._chunks else {}
            seen: dict[tuple[object, ...], _Stored] = {}
            kept: list[_Stored] = []
            for r in rows:
                members = people.get(id(r[9]))
                if members is None:
                    members = people[id(r[9])] = frozenset(r[9])
                attendees = people.get(id(r[7]))
                if attendees is None:
                    attendees = people[id(r[7])] = frozenset(r[7])
                key = (r[1], r[2], r[3], r[11], members, attendees, r[5], r[4], r[12])
                first = seen.get(key)
                if first is None:
                    seen[key] = r
                    kept.append(r)
                else:
                    out.append((r[0], self.repeat_warning(r, first)))
            if len(kept) != len(rows):
                if org in self._chunks:  # the kept rows replace the organization's in the file
                    self._chunks[org] = [self._write(kept)]
                    self._spilled[org] = len(kept)
                    self.by_org.pop(org, None)
                else:
                    self.by_org[org] = kept
            if len(shared) > _CACHE_SIZE:
                shared = {}
        return out

    def repeat_warning(self, row: _Stored, first: _Stored) -> str:
        """The warning that ``row`` repeats ``first`` and is counted once."""
        return _(
            "{record}: repeats {first} (the same organization, obligation, date, time, people and content); "
            "counted once"
        ).format(record=self.origin(row), first=self.origin(first))


def _tagged(org: str, rows: list[_Stored]) -> Iterator[tuple[int, str, _Stored]]:
    return ((r[0], org, r) for r in rows)


def _first(item: tuple[int, str, _Stored]) -> int:
    return item[0]


def _read_csv_file(path: Path, ctx: _Context, limit: Limits, store: RecordStore) -> list[Problem]:
    """Read the CSV file at ``path`` into ``store``; return its problems. The file is read twice, never held whole
    (a pipe excepted): once to check it is UTF-8 (a file that is not is one problem, with the line), then row by
    row."""
    name = _name(path)
    try:
        with open_limited(path, limit.records_bytes, what="the record file", field="records_bytes", display=name) as f:
            problem, longest = _utf8_problem(path, f)
            if problem is not None:
                return [problem]
            f.seek(0)
            problems: list[Problem] = []
            stream = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
            for row, record in _read_csv(path, stream, ctx, limit, store, longest):
                problems.extend(row.problems)
                if record is not None:
                    store.add_record(record, store.file(name), row.line)
        return problems
    except InputError as exc:
        return list(exc.problems)
    except UnicodeDecodeError:  # changed between the two readings
        return [Problem(name, _("is not UTF-8 text (in a spreadsheet program, save as “CSV UTF-8”)"))]


@pausing  # a county's records: hundreds of thousands of tuples the collector would walk again and again
def read_store(
    paths: Sequence[Path],
    tree: OrganizationTree,
    obligations: Mapping[str, Obligation],
    applies: Mapping[str, Collection[str]],
) -> tuple[RecordStore, tuple[Problem, ...], tuple[str, ...]]:
    """:func:`read_records`, the records kept in a :class:`RecordStore`: the same records, problems and
    warnings, in little memory."""
    ctx = _Context(tree, obligations, applies)
    limit = current_limits()
    store = RecordStore()
    problems: list[Problem] = []
    # warnings with their place: duplicates at their record's, a file's cancelled events after its records
    warnings: list[tuple[int, int, str]] = []
    for path in paths:
        if path.suffix.lower() == ".csv":  # read from the file as it is decoded: never held whole
            problems.extend(_read_csv_file(path, ctx, limit, store))
            continue
        try:
            data = read_limited(
                path, limit.records_bytes, what="the record file", field="records_bytes", display=_name(path)
            )
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        text, problem = _decode(path, data)
        size = len(data)
        del data
        if text is None:
            assert problem is not None
            problems.append(problem)
            continue
        cancelled: list[str] = []
        kind = _format(path, text)
        if kind == "ics" and size > limit.records_ics_bytes:
            problems.append(
                too_big(_name(path), N_("the iCalendar record file"), "records_ics_bytes", limit.records_ics_bytes)
            )
            continue
        file = store.file(_name(path))
        rows = (
            _read_ics(path, text, ctx, cancelled, limit)
            if kind == "ics"
            else _read_json(path, text, ctx, limit)
            if kind == "json"
            else _read_csv(path, text, ctx, limit, store)
        )
        for row, record in rows:
            problems.extend(row.problems)
            if record is not None:
                store.add_record(record, file, row.line)
        if cancelled:
            warnings.append(
                (
                    store._seq,
                    -1,
                    ngettext(
                        "{file}: {n} cancelled (CANCELLED) event not counted as held ({events})",
                        "{file}: {n} cancelled (CANCELLED) events not counted as held ({events})",
                        len(cancelled),
                    ).format(
                        file=_name(path),
                        n=len(cancelled),
                        events=_(", ").join(cancelled[:5]) + (_(", ...") if len(cancelled) > 5 else ""),
                    ),
                )
            )
    warnings += [(seq, 0, text) for seq, text in [*store.repeats, *store.dedupe(store.unchecked)]]
    warnings.sort(key=lambda w: (w[0], w[1]))
    if store.spilled:  # the last rows read join the others in the file: a check then holds one shard's at a time
        store.spill()
    return store, tuple(problems), tuple(w[2] for w in warnings)


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
    store, problems, warnings = read_store(paths, tree, obligations, applies)
    return RecordSet(store.records(), problems, warnings)
