"""The JSON report: one object with a stable, documented schema (``docs/supervision.md``).

Top-level keys: ``schema``, ``year``, ``as_of``, ``supervisor``, ``findings``, ``summary``,
``organizations``, ``points``, ``heatmap`` and ``warnings``. Keys are only ever added, never renamed or
removed, within one ``schema`` version.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .. import jsontext
from .report import Report

__all__ = ["SCHEMA", "iter_json", "render_json", "report_to_json"]

#: The schema version; bumped only when a key changes meaning or goes away.
SCHEMA = "lianxue-check/1"


def _finding(report: Report, f: Any) -> dict[str, Any]:
    ob = report.obligations.get(f.obligation)
    out: dict[str, Any] = f.to_json()
    out.update(
        org_name=report.org_name(f.org),
        title=report.title(f.obligation),
        status_label=f.status.label,
        member_names=[report.member_name(m) for m in f.members],
        source=None if ob is None else {"citation": ob.source.citation(), "quote": ob.source.quote},
    )
    return out


def report_to_json(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready object."""
    return {key: value if not callable(value) else list(value()) for key, value in _parts(report)}


def _parts(report: Report) -> list[tuple[str, Any]]:
    """The report's top-level keys in order, each with its value, or for the long lists a function giving
    their items one by one (so that :func:`iter_json` never holds them all)."""
    return [
        ("schema", SCHEMA),
        ("year", report.year),
        ("as_of", report.as_of.isoformat()),
        (
            "supervisor",
            None if report.supervisor is None else {"id": report.supervisor.id, "name": report.supervisor.name},
        ),
        ("findings", lambda: (_finding(report, f) for f in report.findings)),
        ("summary", report.summary()),
        ("organizations", lambda: (_organization(r) for r in report.orgs)),
        ("points", lambda: (p.to_json() for p in report.points)),
        ("heatmap", lambda: _heatmap(report)),
        ("warnings", list(report.warnings)),
    ]


def _organization(r: Any) -> dict[str, Any]:
    return {
        "id": r.org.id,
        "name": r.org.name,
        "parent": r.org.parent,
        "depth": r.depth,
        "ended": r.ended,
        "complete": r.complete,
        "due": r.due,
        "problems": r.problems,
        "completion_rate": None if r.rate is None else round(r.rate, 4),
        "rollup_completion_rate": None if r.rollup_rate is None else round(r.rollup_rate, 4),
        "rank": r.rank,
        "members": r.members,
        "points": r.points,
        "points_per_member": r.points_per_member,
        "points_rules": r.points_rules or None,
    }


def _heatmap(report: Report) -> Iterator[dict[str, Any]]:
    for org, ob, months in report.heatmap_rows():
        yield {
            "org": org,
            "obligation": ob,
            "months": [{"expected": e, "complete": c, "due": d, "problems": p} for e, c, d, p in months],
        }


#: A month cell as ``_dumps`` writes it four levels deep, its four counts to be filled in.
_CELL = "{{\n          " + ",\n          ".join(f'"{k}": {{}}' for k in ("expected", "complete", "due", "problems"))
_CELL += "\n        }}"
#: The text of the heatmap's month cells seen so far, by their counts (most repeat: a month of one weekly meeting).
_cells: dict[tuple[int, ...], str] = {}


def _heat_text(org: str, ob: str, months: list[list[int]]) -> str:
    """A heatmap row as :func:`_dumps` writes ``_heatmap``'s object for it two levels deep, without the object:
    a county's heatmap has a quarter of a million rows of twelve cells."""
    cells = []
    for counts in months:
        key = tuple(counts)
        text = _cells.get(key)
        if text is None:
            text = _CELL.format(*key)
            if len(_cells) < 4096:  # bounded, whatever the counts
                _cells[key] = text
        cells.append(text)
    return (
        '{\n      "org": ' + jsontext.dumps(org) + ',\n      "obligation": ' + jsontext.dumps(ob)
        + ',\n      "months": [\n        ' + ",\n        ".join(cells) + "\n      ]\n    }"
    )  # fmt: skip


def _dumps(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it ``depth`` levels deep (:mod:`lianxue_core.jsontext`)."""
    return jsontext.dumps(value, depth)


def iter_json(report: Report) -> Iterator[str]:
    """:func:`render_json`'s text in pieces, each list item rendered as it is written: the same text, byte for
    byte, without the whole report as one object and one string (a county's findings: tens of megabytes)."""
    yield "{"
    for n, (key, value) in enumerate(_parts(report)):
        yield ("," if n else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": "
        if not callable(value):
            yield _dumps(value, 1)
            continue
        empty = True
        if key == "heatmap":  # its rows written straight from the counts
            for row in report.heatmap_rows():
                yield ("[" if empty else ",") + "\n    " + _heat_text(*row)
                empty = False
        else:
            for item in value():
                yield ("[" if empty else ",") + "\n    " + _dumps(item, 2)
                empty = False
        yield "[]" if empty else "\n  ]"
    yield "\n}\n"


def render_json(report: Report) -> str:
    """The report as JSON text (UTF-8, Chinese kept as is), ending with a newline."""
    return "".join(iter_json(report))
