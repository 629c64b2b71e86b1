"""A plan rendered for people: a table, JSON, or Markdown (the 年度组织生活计划 with a theme slot per month)."""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TextIO

import attrs

from .. import jsontext
from ..i18n import _
from ..model import OrganizationTree
from ..textable import render_table
from ..textsafe import for_terminal
from .occurrence import HeldAt, Occurrence, Occurrences
from .planner import Plan, Unplaced

__all__ = [
    "RenderedShard",
    "render_plan_json",
    "render_plan_markdown",
    "render_plan_table",
    "render_shard",
    "write_plan_by_shard",
    "write_plan_json",
]

_WEEKDAYS = "一二三四五六日"


def _when(occ: Occurrence) -> str:
    if isinstance(occ.start, dt.datetime) and isinstance(occ.end, dt.datetime):
        day = occ.start.date()
        return f"{day.isoformat()} 周{_WEEKDAYS[day.weekday()]} {occ.start:%H:%M}-{occ.end:%H:%M}"
    assert isinstance(occ.start, dt.date)
    assert isinstance(occ.end, dt.date)
    if occ.end != occ.start:
        return f"{occ.start.isoformat()} 至 {occ.end.isoformat()}（全天）"
    return f"{occ.start.isoformat()} 周{_WEEKDAYS[occ.start.weekday()]}（全天）"


def _md(text: str) -> str:
    return for_terminal(text.replace("|", "\\|").replace("\n", " "))


def _headcount(occ: Occurrence) -> int:
    """The people an item concerns, as a table counts them: a leader's 党课 held at another organization's
    activity counts the leader (its ``people`` are empty: the leader is among the people of that activity)."""
    return len(occ.people) or (1 if occ.at_org else 0)


def _notes(occ: Occurrence, titles: Mapping[str, str]) -> str:
    notes = []
    if occ.agenda:
        notes.append("议程：" + "、".join(occ.agenda))
    if occ.also_fulfils:
        notes.append("同时落实：" + "、".join(titles.get(i, i) for i in occ.also_fulfils))
    if occ.provisional:
        notes.append("暂定")
    if occ.note:
        notes.append(occ.note)
    return "；".join(notes)


def render_plan_json(plan: Plan) -> str:
    """The plan as one JSON object (see :meth:`Plan.to_json`)."""
    out = io.StringIO()
    write_plan_json(plan, out)
    return out.getvalue()


def write_plan_json(plan: Plan, out: TextIO, extra: Mapping[str, object] | None = None) -> None:
    """Write the plan as :func:`render_plan_json` gives it, item by item: the text of the whole plan (a
    gigabyte for ten thousand organizations) is never held at once. The same bytes as ``json.dumps(
    plan.to_json(), ensure_ascii=False, indent=2)`` and a final newline; ``extra`` keys (a re-plan's report)
    after the others."""
    _write_json(plan, [_json_lists(plan)], out, extra)


_S = json.encoder.encode_basestring  # a str as json.dumps(..., ensure_ascii=False) writes it (C)
_I4, _I6, _I8 = "\n    ", "\n      ", "\n        "


def _json_list(items: Sequence[str]) -> str:
    """A list of strings as :func:`jsontext.dumps` writes it three levels deep."""
    if not items:
        return "[]"
    return "[" + _I8 + ("," + _I8).join(map(_S, items)) + _I6 + "]"


def occurrence_json(o: Occurrence, _cache: dict[object, str] | None = None) -> str:
    """``jsontext.dumps(o.to_json(), 2)``, the same text, written from the occurrence's fields at once (a county's
    plan has millions): the texts of its times and of its people are remembered in ``_cache`` when given (the
    planner shares them between occurrences; lists of more than 16 people are not remembered)."""
    cache = _cache if _cache is not None else {}
    people = o.people
    s, e = _time_text(o.start, cache), _time_text(o.end, cache)
    if len(people) > 16:  # a meeting's list of everyone: long, and written once or twice
        p = _json_list(people)
    elif (p := cache.get(people)) is None:  # type: ignore[assignment]
        p = cache[people] = _json_list(people)
    if len(cache) > 20_000:  # bounded: times and short lists of people repeat, but not without end
        cache.clear()
    fields = (
        '"org": ' + _S(o.org),
        '"obligation": ' + _S(o.obligation),
        '"period": ' + _S(o.period),
        '"slot": ' + _S(o.slot),
        '"title": ' + _S(o.title),
        '"start": ' + s,
        '"end": ' + e,
        '"all_day": ' + ("true" if o.all_day else "false"),
        '"people": ' + p,
        '"location": ' + _S(o.location),
        '"provisional": ' + ("true" if o.provisional else "false"),
        '"also_fulfils": ' + _json_list(o.also_fulfils),
        '"note": ' + _S(o.note),
        '"at": ' + _S(o.at),
        '"at_org": ' + _S(o.at_org),
        '"agenda": ' + _json_list(o.agenda),
        '"theme": ' + _S(o.theme),
    )
    return "{" + _I6 + ("," + _I6).join(fields) + _I4 + "}"


def occurrence_texts(
    occurrences: Sequence[Occurrence], _cache: dict[object, str] | None = None
) -> Iterator[tuple[str, str]]:
    """``(org, occurrence_json(o))`` of each occurrence in order; the items of an
    :class:`~lianxue_core.scheduling.occurrence.Occurrences` held at an activity written from their record,
    without making them (the text is the same)."""
    cache = _cache if _cache is not None else {}
    if not isinstance(occurrences, Occurrences) or not occurrences.held:
        for o in occurrences:
            yield o.org, occurrence_json(o, cache)
        return
    last: HeldAt | None = None
    head = middle = tail = ""
    for piece in occurrences.pieces():
        if isinstance(piece, Occurrence):
            yield piece.org, occurrence_json(piece, cache)
            continue
        held, (slot, title, people) = piece
        if held is not last:  # what the items of one record share, written once
            last = held
            head, middle, tail = _held_json(held, cache)
        if len(people) > 16:
            p = _json_list(people)
        elif (p := cache.get(people)) is None:  # type: ignore[assignment]
            p = cache[people] = _json_list(people)
        if len(cache) > 20_000:
            cache.clear()
        yield held.org, head + _S(slot) + "," + _I6 + '"title": ' + _S(title) + middle + p + tail


def _held_json(held: HeldAt, cache: dict[object, str]) -> tuple[str, str, str]:
    """The text of a held item (see :func:`occurrence_json`) around its slot and title, and around its people."""
    start = held.start
    s, e = _time_text(start, cache), _time_text(held.end, cache)
    sep = "," + _I6
    all_day = "false" if isinstance(start, dt.datetime) else "true"
    head = (
        "{"
        + _I6
        + sep.join(
            (
                '"org": ' + _S(held.org),
                '"obligation": ' + _S(held.obligation),
                '"period": ' + _S(held.period),
                '"slot": ',
            )
        )
    )
    middle = sep + sep.join(('"start": ' + s, '"end": ' + e, '"all_day": ' + all_day, '"people": '))
    tail = sep + sep.join(
        (
            '"location": ' + _S(held.location),
            '"provisional": ' + ("true" if held.provisional else "false"),
            '"also_fulfils": []',
            '"note": ' + _S(held.note),
            '"at": ' + _S(held.at),
            '"at_org": ""',
            '"agenda": []',
            '"theme": ""',
        )
    )
    return head, middle, tail + _I4 + "}"


def _time_text(when: dt.datetime | dt.date, cache: dict[object, str]) -> str:
    """A start or end as JSON text, remembered in ``cache`` by its value and offset (equal aware times of two
    offsets are the same instant, written differently)."""
    at = (when, when.utcoffset()) if isinstance(when, dt.datetime) else when
    text = cache.get(at)
    if text is None:
        text = cache[at] = _S(when.isoformat())
    return text


def _json_lists(plan: Plan) -> dict[str, list[str]]:
    """The items of the plan's lists as JSON text, two levels deep: ``occurrences``, ``unplaced``, ``combined``."""
    cache: dict[object, str] = {}
    return {
        "occurrences": [text for _org, text in occurrence_texts(plan.occurrences, cache)],
        "unplaced": [jsontext.dumps(u.to_json(), 2) for u in plan.unplaced],
        "combined": [jsontext.dumps(c.to_json(), 2) for c in plan.combined],
    }


def _write_json(
    plan: Plan, parts: Iterable[Mapping[str, Iterable[str]]], out: TextIO, extra: Mapping[str, object] | None
) -> None:
    """The plan's JSON: its scalars and warnings from ``plan``, its lists from ``parts`` (each a mapping of list
    name to items already rendered, in order; a list's items may come in several parts). ``parts`` is read
    once per list."""
    scalars = {"year": plan.year, "provisional": plan.provisional, "workdays_source": plan.workdays_source}
    out.write("{\n")
    out.write(",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in scalars.items()))
    lists: list[tuple[str, Iterable[Iterable[str]]]] = [
        (key, [part[key] for part in parts]) for key in ("occurrences", "unplaced", "combined")
    ]
    lists.append(("warnings", [[jsontext.dumps(w, 2) for w in plan.warnings]]))
    for key, pieces in lists:
        out.write(f",\n  {json.dumps(key)}: [")
        first = True
        for items in pieces:
            for text in items:
                out.write(("\n    " if first else ",\n    ") + text)
                first = False
        out.write("]" if first else "\n  ]")
    for key, value in (extra or {}).items():
        out.write(f",\n  {json.dumps(key)}: {jsontext.dumps(value, 1)}")
    out.write("\n}\n")


def render_plan_table(
    plan: Plan, tree: OrganizationTree, titles: Mapping[str, str], max_width: int | None = None
) -> str:
    """The plan as one aligned table per organization (narrowed to ``max_width`` columns when given)."""
    out = io.StringIO()
    _write_table(plan, [_table_blocks(plan, tree, titles, max_width)], [plan.unplaced], out, max_width)
    return out.getvalue()


def _table_blocks(
    plan: Plan, tree: OrganizationTree, titles: Mapping[str, str], max_width: int | None
) -> dict[str, str]:
    """Each organization's table, by organization id in the plan's order (items held during another activity
    are part of it: listed in the JSON, not here)."""
    by_org: dict[str, list[Occurrence]] = {}
    for occ in plan.shown():
        by_org.setdefault(occ.org, []).append(occ)
    headers = [_("when"), _("period"), _("item"), _("people"), _("notes")]
    blocks = {}
    for org_id, items in by_org.items():
        org = tree[org_id]
        rows = [[_when(o), o.period, o.title, str(_headcount(o)), _notes(o, titles)] for o in items]
        blocks[org_id] = for_terminal(f"{org.name} ({org.id})") + "\n" + render_table(headers, rows, max_width)
    return blocks


def _write_table(
    plan: Plan,
    blocks: Iterable[str | Mapping[str, str]],
    unplaced: Iterable[Sequence[Unplaced]],
    out: TextIO,
    max_width: int | None,
) -> None:
    """The table text: the provisional notice, the organizations' ``blocks`` in order (strings, or mappings whose
    values are taken in order), then one table of everything ``unplaced``."""
    parts: list[str] = []  # what "\n".join would join: written as they come
    if plan.provisional:
        # the notice is the terminal's (its words follow --lang); the source it quotes is plan content, Chinese
        parts += [_("The {year} plan is provisional: {source}").format(year=plan.year, source=plan.workdays_source), ""]
    first = True

    def put(text: str) -> None:
        nonlocal first
        out.write(text if first else "\n" + text)
        first = False

    for part in parts:
        put(part)
    for block in blocks:
        for text in [block] if isinstance(block, str) else block.values():
            put(text)
    rows = [[u.org, u.obligation, u.period, u.slot, u.reason] for items in unplaced for u in items]
    if rows:
        put(_("Not placed"))
        headers = [_("org"), _("obligation"), _("period"), _("slot"), _("reason")]
        put(render_table(headers, rows, max_width))


def render_plan_markdown(plan: Plan, tree: OrganizationTree, titles: Mapping[str, str]) -> str:
    """The plan as Markdown: per organization, month by month, with a theme slot for each month."""
    out = io.StringIO()
    _write_markdown(plan, _markdown_sections(plan, tree, titles).values(), out)
    return out.getvalue()


def _markdown_head(plan: Plan) -> list[str]:
    out = [f"# {plan.year}年度组织生活计划", ""]
    if plan.provisional:
        out += [f"> 暂定：{plan.workdays_source}", ""]
    return out


def _markdown_sections(plan: Plan, tree: OrganizationTree, titles: Mapping[str, str]) -> dict[str, str]:
    """Each organization's section (its lines joined), for the organizations with something planned or unplaced,
    in file order."""
    by_org: dict[str, list[Occurrence]] = {}
    for occ in plan.shown():  # items held during another activity are part of it (listed in the JSON)
        by_org.setdefault(occ.org, []).append(occ)
    unplaced_of: dict[str, list[Unplaced]] = {}
    for u in plan.unplaced:
        unplaced_of.setdefault(u.org, []).append(u)
    sections = {}
    for org in tree:
        if org.id not in by_org and org.id not in unplaced_of:
            continue
        org_id, items = org.id, by_org.get(org.id, [])
        out = [f"## {_md(org.name)}（{org.id}）", ""]
        for month in range(1, 13):
            in_month = [o for o in items if o.first_day.month == month and o.first_day.year == plan.year]
            theme = next((o.theme for o in in_month if o.theme), "")
            out += [f"### {month}月", "", f"本月主题：{_md(theme) if theme else '＿＿＿＿＿＿＿＿'}", ""]
            if not in_month:
                out += ["（本月无安排）", ""]
                continue
            out += ["| 时间 | 事项 | 周期 | 人数 | 备注 |", "|---|---|---|---|---|"]
            for o in in_month:
                title = o.title.replace("|", "\\|")
                out.append(f"| {_when(o)} | {title} | {o.period} | {_headcount(o)} | {_notes(o, titles)} |")
            out.append("")
        unplaced = unplaced_of.get(org_id, [])
        if unplaced:
            out += ["### 未能排期", ""]
            out += [f"- {titles.get(u.obligation, u.obligation)}（{u.period}）：{u.reason}" for u in unplaced]
            out.append("")
        sections[org_id] = "\n".join(out)
    return sections


def _write_markdown(plan: Plan, sections: Iterable[str], out: TextIO) -> None:
    """The Markdown text: the heading, then the organizations' ``sections`` in order, ending in one newline."""
    held = ""  # the newlines at the end of what was written last: written only if more text follows

    def put(text: str, sep: str = "\n") -> None:
        nonlocal held
        text = held + sep + text if held or sep else text
        body = text.rstrip("\n")
        held = text[len(body) :]
        out.write(body)

    put("\n".join(_markdown_head(plan)), sep="")
    for text in sections:
        put(text)
    out.write("\n")


class _Spool:
    """Rendered text kept on disk by key, read back in another order: a streamed plan's organizations come shard
    by shard, their text is wanted in file order. A key's text may come in several pieces, joined with ``sep``."""

    def __init__(self, sep: str = "") -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._sep = sep.encode("utf-8")
        self._at: dict[tuple[str, str], list[list[int]]] = {}  # (section, key) -> runs of [offset, size]
        self._last: tuple[str, str] | None = None

    def put(self, section: str, key: str, text: str) -> None:
        """Add ``text`` to ``key``'s text in ``section`` (after ``sep`` when it has some already)."""
        data = text.encode("utf-8")
        runs = self._at.setdefault((section, key), [])
        if runs and self._last == (section, key):  # the same key again: its run goes on
            self._file.write(self._sep + data)
            runs[-1][1] += len(self._sep) + len(data)
        else:
            runs.append([self._file.tell(), len(data)])
            self._file.write(data)
        self._last = (section, key)

    def get(self, section: str, key: str) -> str | None:
        runs = self._at.get((section, key))
        if runs is None:
            return None
        end = self._file.tell()
        parts = []
        for offset, size in runs:
            self._file.seek(offset)
            parts.append(self._file.read(size))
        self._file.seek(end)
        self._last = None
        return self._sep.join(parts).decode("utf-8")

    def in_order(self, section: str, keys: Iterable[str]) -> Iterator[str]:
        for key in keys:
            text = self.get(section, key)
            if text is not None:
                yield text

    def close(self) -> None:
        self._file.close()


@attrs.frozen
class RenderedShard:
    """A shard's plan rendered for :func:`write_plan_by_shard` (:func:`render_shard`: by a worker process, see
    :func:`lianxue_core.app.rendered_stream`), which takes it in place of the plan.

    Args:
        plan: The shard's plan without its occurrences (its warnings, unplaced and combined items are there).
        fmt: The format rendered: ``table``, ``markdown`` or ``json``.
        width: The table's width it was rendered for.
        pieces: ``(section, organization id, text)`` in the order the shard gives them.
    """

    plan: Plan
    fmt: str
    width: int | None
    pieces: tuple[tuple[str, str, str], ...]


def render_shard(
    plan: Plan,
    tree: OrganizationTree,
    titles: Mapping[str, str],
    fmt: str,
    max_width: int | None = None,
    cache: dict[object, str] | None = None,
) -> RenderedShard:
    """The texts of one shard's plan that :func:`write_plan_by_shard` puts in file order: each occurrence's and
    unplaced or combined item's JSON, or each organization's table block or Markdown section."""
    cache = {} if cache is None else cache
    pieces: list[tuple[str, str, str]] = []
    if fmt == "json":
        pieces += [("occurrences", org, text) for org, text in occurrence_texts(plan.occurrences, cache)]
        for key in ("unplaced", "combined"):
            pieces += [(key, item.org, jsontext.dumps(item.to_json(), 2)) for item in getattr(plan, key)]
    elif fmt == "markdown":
        pieces += [("markdown", org_id, text) for org_id, text in _markdown_sections(plan, tree, titles).items()]
    else:
        pieces += [("table", org_id, text) for org_id, text in _table_blocks(plan, tree, titles, max_width).items()]
    return RenderedShard(attrs.evolve(plan, occurrences=()), fmt, max_width, tuple(pieces))


def write_plan_by_shard(
    plans: Iterable[Plan | RenderedShard],
    tree: OrganizationTree,
    titles: Mapping[str, str],
    fmt: str,
    out: TextIO,
    max_width: int | None = None,
) -> Plan | None:
    """Write a plan that comes shard by shard (:func:`lianxue_core.app.plan_stream`) as the table, ``markdown`` or
    ``json`` of the whole plan, byte for byte, holding one shard's plan at a time: each organization's text is
    rendered as its shard comes and kept in a temporary file until it is written in file order. A shard may come
    rendered already (:class:`RenderedShard`, in the same format and width). Returns the first shard's plan (it
    carries the whole plan's warnings; without its occurrences when it came rendered), or ``None`` when there was
    none."""
    spool = _Spool(sep=",\n    " if fmt == "json" else "")
    cache: dict[object, str] = {}  # occurrences' times and people, as JSON text
    head: Plan | None = None
    unplaced: dict[str, list[Unplaced]] = {}  # the table of unplaced items is one table: its rows are kept
    try:
        for item in plans:
            if isinstance(item, RenderedShard):
                if (item.fmt, item.width) != (fmt, max_width):
                    raise ValueError(f"a shard rendered as {item.fmt} ({item.width}), not as {fmt} ({max_width})")
                plan = item.plan
                for key, org_id, text in item.pieces:
                    spool.put(key, org_id, text)
            else:
                plan = item
                if fmt == "json":
                    for org, text in occurrence_texts(plan.occurrences, cache):  # one item's text at a time
                        spool.put("occurrences", org, text)
                    for key in ("unplaced", "combined"):
                        for thing in getattr(plan, key):
                            spool.put(key, thing.org, jsontext.dumps(thing.to_json(), 2))
                elif fmt == "markdown":
                    for org_id, text in _markdown_sections(plan, tree, titles).items():
                        spool.put("markdown", org_id, text)
                else:
                    for org_id, text in _table_blocks(plan, tree, titles, max_width).items():
                        spool.put("table", org_id, text)
            head = head or plan
            if fmt == "table":
                for u in plan.unplaced:
                    unplaced.setdefault(u.org, []).append(u)
        if head is None:
            return None
        ids = [org.id for org in tree]
        if fmt == "json":
            # read back from the spool as they are written: the text of the whole plan is never held
            lists = {key: spool.in_order(key, ids) for key in ("occurrences", "unplaced", "combined")}
            _write_json(head, [lists], out, None)
        elif fmt == "markdown":
            _write_markdown(head, spool.in_order("markdown", ids), out)
        else:
            blocks = spool.in_order("table", ids)
            _write_table(head, blocks, (unplaced[i] for i in ids if i in unplaced), out, max_width)
        return head
    finally:
        spool.close()
