"""A plan rendered for people: a table, JSON, or Markdown (the 年度组织生活计划 with a theme slot per month)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping
from typing import TextIO

from .. import jsontext
from ..i18n import _
from ..model import OrganizationTree
from ..textable import render_table
from ..textsafe import for_terminal
from .occurrence import Occurrence
from .planner import Plan

__all__ = ["render_plan_json", "render_plan_markdown", "render_plan_table", "write_plan_json"]

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
    lists = {
        "occurrences": (o.to_json() for o in plan.occurrences),
        "unplaced": (u.to_json() for u in plan.unplaced),
        "combined": (c.to_json() for c in plan.combined),
        "warnings": iter(plan.warnings),
    }
    scalars = {"year": plan.year, "provisional": plan.provisional, "workdays_source": plan.workdays_source}
    out.write("{\n")
    out.write(",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in scalars.items()))
    for key, items in lists.items():
        out.write(f",\n  {json.dumps(key)}: [")
        first = True
        for item in items:
            text = jsontext.dumps(item, 2)  # json.dumps(item, indent=2) two levels deep, fast
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
    out: list[str] = []
    if plan.provisional:
        # the notice is the terminal's (its words follow --lang); the source it quotes is plan content, Chinese
        out.append(_("The {year} plan is provisional: {source}").format(year=plan.year, source=plan.workdays_source))
        out.append("")
    by_org: dict[str, list[Occurrence]] = {}
    for occ in plan.occurrences:
        if occ.shown:  # items held during another activity are part of it (listed in the JSON)
            by_org.setdefault(occ.org, []).append(occ)
    for org_id, items in by_org.items():
        org = tree[org_id]
        out.append(for_terminal(f"{org.name} ({org.id})"))
        rows = [[_when(o), o.period, o.title, str(len(o.people)), _notes(o, titles)] for o in items]
        headers = [_("when"), _("period"), _("item"), _("people"), _("notes")]
        out.append(render_table(headers, rows, max_width))
    if plan.unplaced:
        out.append(_("Not placed"))
        rows = [[u.org, u.obligation, u.period, u.slot, u.reason] for u in plan.unplaced]
        headers = [_("org"), _("obligation"), _("period"), _("slot"), _("reason")]
        out.append(render_table(headers, rows, max_width))
    return "\n".join(out)


def render_plan_markdown(plan: Plan, tree: OrganizationTree, titles: Mapping[str, str]) -> str:
    """The plan as Markdown: per organization, month by month, with a theme slot for each month."""
    out = [f"# {plan.year}年度组织生活计划", ""]
    if plan.provisional:
        out += [f"> 暂定：{plan.workdays_source}", ""]
    by_org: dict[str, list[Occurrence]] = {}
    for occ in plan.occurrences:
        if occ.shown:  # items held during another activity are part of it (listed in the JSON)
            by_org.setdefault(occ.org, []).append(occ)
    with_unplaced = {u.org for u in plan.unplaced}
    for org in tree:
        if org.id not in by_org and org.id not in with_unplaced:
            continue
        org_id, items = org.id, by_org.get(org.id, [])
        out += [f"## {_md(org.name)}（{org.id}）", ""]
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
                out.append(f"| {_when(o)} | {title} | {o.period} | {len(o.people)} | {_notes(o, titles)} |")
            out.append("")
        unplaced = [u for u in plan.unplaced if u.org == org_id]
        if unplaced:
            out += ["### 未能排期", ""]
            out += [f"- {titles.get(u.obligation, u.obligation)}（{u.period}）：{u.reason}" for u in unplaced]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
