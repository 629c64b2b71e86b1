"""An organization's 年度组织生活计划 as a Word document: month by month, with the month's theme, every item's
date, time, place, who leads and attends, and the clause behind it; then what the planner could not place and
the guidance that has no date, so nothing in the source is dropped.

The dates and notes are those of the Markdown plan (:func:`lianxue_core.scheduling.render.render_plan_markdown`):
this module reuses its helpers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from ..model import OrganizationTree
from ..obligations import Audience, Obligation
from ..scheduling import Occurrence, Plan
from ..scheduling.render import _notes, _when
from ._docx import add_cell_text, add_heading, add_paragraph, add_table, add_title, new_document, page_break, to_bytes

__all__ = ["plan_items", "render_plan_docx"]

# -- the document's words (one place, for the message catalogue to come) -----------------------------------
T_TITLE = "{org}{year}年度组织生活计划"
T_SUBJECT = "年度组织生活计划"
T_PROVISIONAL = "本计划为暂定：{source}"
T_INTRO = "依据德组通〔2016〕18号及《中国共产党支部工作条例（试行）》编制。每项安排后列出所依据的条款原文。"
T_MONTH = "{month}月"
T_THEME = "本月主题：{theme}"
T_THEME_BLANK = "本月主题：＿＿＿＿＿＿＿＿"
T_NOTHING = "（本月无安排）"
T_HEAD = ("时间", "事项", "地点", "负责与参加", "依据")
T_LEADS = "负责：{who}"
T_ATTENDS = "参加：{who}"
T_PEOPLE = "人员：{names}"
T_MORE = "等{n}人"
T_NOTES = "备注：{notes}"
T_UNPLACED = "未能排期的事项"
T_UNPLACED_ITEM = "{title}（{period}）：{reason}"
T_GUIDANCE = "附：不能排期的指导事项"
T_GUIDANCE_INTRO = "以下要求没有固定日期，不在上表中排期，请在日常工作中落实。"
T_GUIDANCE_ITEM = "{n}．{title}"
T_SOURCE = "依据：{citation}"
T_QUOTE = "原文：“{quote}”"

#: Column widths (mm) of a month's table, on landscape A4.
_WIDTHS = (38.0, 52.0, 30.0, 50.0, 77.0)
#: Names listed in a cell before "等N人".
_MAX_NAMES = 12


def plan_items(plan: Plan, org_id: str) -> list[Occurrence]:
    """The organization's items as the plan tables show them (items held during another activity are part of
    it), in date order."""
    return [o for o in plan.occurrences if o.org == org_id and o.shown]


def _who(occ: Occurrence, ob: Obligation | None, tree: OrganizationTree) -> str:
    lines = []
    if ob is not None:
        leads = ob.leads.label
        if ob.leads is Audience.SECRETARY:
            secretary = tree.secretary_of(occ.org)
            if secretary is not None:
                leads += f"（{secretary.name}）"
        lines.append(T_LEADS.format(who=leads))
        lines.append(T_ATTENDS.format(who=ob.attends.label))
    if occ.people:
        names = []
        for person in occ.people[:_MAX_NAMES]:
            try:
                names.append(tree.member(person).name)
            except KeyError:
                names.append(person)
        more = T_MORE.format(n=len(occ.people)) if len(occ.people) > _MAX_NAMES else ""
        lines.append(T_PEOPLE.format(names="、".join(names) + more))
    return "\n".join(lines)


def render_plan_docx(
    plan: Plan,
    tree: OrganizationTree,
    org_id: str,
    obligations: Sequence[Obligation],
    catalogue: Mapping[str, Obligation],
    *,
    when: dt.datetime,
) -> bytes:
    """The 年度组织生活计划 of ``org_id`` as the bytes of a ``.docx`` file.

    Args:
        plan: The year's plan (it may hold other organizations too).
        tree: The organization tree.
        org_id: The organization.
        obligations: The organization's obligations in the year, guidance included (``app.obligations_of``).
        catalogue: Every obligation by id (titles of items fulfilled together, items of another organization).
        when: The documents' timestamp (:func:`lianxue_core.documents.stamp`): the same input, the same bytes.
    """
    org = tree[org_id]
    by_id = {**catalogue, **{o.id: o for o in obligations}}
    titles = {k: v.title for k, v in by_id.items()}
    title = T_TITLE.format(org=org.name, year=plan.year)
    document = new_document(title, subject=T_SUBJECT, when=when, landscape=True)
    add_title(document, title)
    if plan.provisional:
        add_paragraph(document, T_PROVISIONAL.format(source=plan.workdays_source))
    add_paragraph(document, T_INTRO, size=10.5)
    items = plan_items(plan, org_id)
    for month in range(1, 13):
        in_month = [o for o in items if o.first_day.month == month and o.first_day.year == plan.year]
        add_heading(document, T_MONTH.format(month=month), 1)
        theme = next((o.theme for o in in_month if o.theme), "")
        add_paragraph(document, T_THEME.format(theme=theme) if theme else T_THEME_BLANK)
        if not in_month:
            add_paragraph(document, T_NOTHING)
            continue
        table = add_table(document, 1 + len(in_month), len(T_HEAD), _WIDTHS)
        table.rows[0].repeat_header = True  # type: ignore[attr-defined]
        for cell, head in zip(table.rows[0].cells, T_HEAD, strict=True):
            add_cell_text(cell, head, bold=True)
        for row, occ in zip(table.rows[1:], in_month, strict=True):
            ob = by_id.get(occ.obligation)
            notes = _notes(occ, titles)
            cells = row.cells
            add_cell_text(cells[0], _when(occ).replace(" ", "\n", 1))
            add_cell_text(cells[1], occ.title + ("\n" + T_NOTES.format(notes=notes) if notes else ""))
            add_cell_text(cells[2], occ.location)
            add_cell_text(cells[3], _who(occ, ob, tree), size=10.5)
            if ob is not None:
                add_cell_text(
                    cells[4],
                    T_SOURCE.format(citation=ob.source.citation()) + "\n" + T_QUOTE.format(quote=ob.source.quote),
                    size=9,
                )
    unplaced = [u for u in plan.unplaced if u.org == org_id]
    if unplaced:
        add_heading(document, T_UNPLACED, 1)
        for u in unplaced:
            add_paragraph(
                document,
                T_UNPLACED_ITEM.format(title=titles.get(u.obligation, u.obligation), period=u.period, reason=u.reason),
            )
    guidance = [o for o in obligations if not o.schedulable]
    if guidance:
        page_break(document)
        add_heading(document, T_GUIDANCE, 1)
        add_paragraph(document, T_GUIDANCE_INTRO)
        for n, ob in enumerate(guidance, start=1):
            add_heading(document, T_GUIDANCE_ITEM.format(n=n, title=ob.title), 2)
            if ob.description:
                add_paragraph(document, ob.description)
            add_paragraph(document, T_SOURCE.format(citation=ob.source.citation()), size=10.5)
            add_paragraph(document, T_QUOTE.format(quote=ob.source.quote), size=10.5)
    return to_bytes(document, when)
