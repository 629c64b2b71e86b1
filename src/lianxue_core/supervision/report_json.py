"""The JSON report: one object with a stable, documented schema (``docs/supervision.md``).

Top-level keys: ``schema``, ``year``, ``as_of``, ``supervisor``, ``findings``, ``summary``,
``organizations``, ``points``, ``heatmap`` and ``warnings``. Keys are only ever added, never renamed or
removed, within one ``schema`` version.
"""

from __future__ import annotations

import json
from typing import Any

from .report import Report

__all__ = ["SCHEMA", "render_json", "report_to_json"]

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
    heat = report.heatmap()
    return {
        "schema": SCHEMA,
        "year": report.year,
        "as_of": report.as_of.isoformat(),
        "supervisor": None
        if report.supervisor is None
        else {"id": report.supervisor.id, "name": report.supervisor.name},
        "findings": [_finding(report, f) for f in report.findings],
        "summary": report.summary(),
        "organizations": [
            {
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
            for r in report.orgs
        ],
        "points": [p.to_json() for p in report.points],
        "heatmap": [
            {
                "org": org,
                "obligation": ob,
                "months": [
                    {"expected": c.expected, "complete": c.complete, "due": c.due, "problems": c.problems}
                    for c in cells
                ],
            }
            for org, obs in heat.items()
            for ob, cells in obs.items()
        ],
        "warnings": list(report.warnings),
    }


def render_json(report: Report) -> str:
    """The report as JSON text (UTF-8, Chinese kept as is), ending with a newline."""
    return json.dumps(report_to_json(report), ensure_ascii=False, indent=2) + "\n"
