"""An organization's 年度组织生活计划 as a Word document, the few pages a branch files: a short header (the
documents it follows, the organization, its secretary and usual place), then month by month a compact table of
every dated item (日期, 时间, 活动, 主题/内容, 主持/参加, 备注), what the planner could not place, the guidance that
has no date, and at the end 依据: each source clause once, numbered, with its citation and verbatim text. Every
item names the number of its clause (``〔3〕``), so each traces to its source without repeating it.

The dates, notes and agendas are those of the Markdown plan
(:func:`lianxue_core.scheduling.render.render_plan_markdown`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from docx.table import _Cell

from ..model import OrganizationTree
from ..obligations import ActivityKind, Audience, Obligation, Source
from ..scheduling import Occurrence, Plan
from ._docx import (
    add_cell_text,
    add_heading,
    add_paragraph,
    add_table,
    add_title,
    cant_split,
    cell_margins,
    compact,
    merge_across,
    new_document,
    row_cells,
    shade,
    to_bytes,
)

__all__ = ["plan_items", "plan_rows", "plan_sources", "render_plan_docx", "source_document"]

# -- the document's words (one place; the document is Chinese by design) ------------------------------------
T_TITLE = "{org}{year}年度组织生活计划"
T_SUBJECT = "年度组织生活计划"
T_PROVISIONAL = "本计划为暂定：{source}"
T_BASIS = "根据{documents}，制定本计划。"
T_AND = "和"
T_INFO = "党组织：{org}　　书记：{secretary}　　党员：{members}"
T_MEMBERS = "{n}人"
T_UNKNOWN = "＿＿＿＿"
T_PLACE = "活动地点：{place}（表中另有注明的除外）。"
T_COUNT = "全年安排活动{n}项，按月列表如下。活动名称后的〔序号〕为文末“{basis}”所列条款的序号。"
T_SECTIONS = "一二三四五六"
T_SECTION = "{n}、{title}"
T_SCHEDULE = "全年活动安排"
T_MONTH = "{month}月"
T_THEME = "本月主题：{theme}"
T_THEME_BLANK = "本月主题：＿＿＿＿＿＿＿＿"
T_NOTHING = "（本月无安排）"
T_HEAD = ("日期", "时间", "活动", "主题/内容", "主持/参加", "备注")
T_WEEKDAYS = "一二三四五六日"
T_DAY = "{month}月{day}日"
T_DAY_OF_YEAR = "{year}年{month}月{day}日"
T_WEEKDAY = "周{weekday}"
T_DAYS = "{first}至\n{last}"
T_ALL_DAY = "全天"
T_REF = "〔{n}〕"
T_AGENDA = "议程：{steps}"
T_ALSO = "同时落实：{items}"
T_GROUP = "{title}{ref}（共{n}项）"
T_GROUP_LINE = "{time}　{items}"
T_HOLDERS = "（{names}）"
T_AT = "地点：{place}"
T_ITEM_PROVISIONAL = "暂定"
T_LEADS = "{verb}：{who}"
T_SECRETARY = "书记{name}"
T_ATTENDS = "参加：{who}"
T_UNPLACED = "未能排期的事项"
T_UNPLACED_ITEM = "{title}{ref}（{period}）：{reason}"
T_GUIDANCE = "不能排期的指导事项"
T_GUIDANCE_INTRO = "以下要求没有固定日期，不在上表中排期，请在日常工作中落实。"
T_GUIDANCE_ITEM = "{n}．{title}{ref}"
T_GUIDANCE_TEXT = "：{description}"
T_SOURCES = "依据"
T_SOURCES_INTRO = "上文各项所依据的条款，每条列出一次，按所在文件（方案）分列：章节、条目和原文。"
T_SOURCE = "〔{n}〕{where}"
T_SOURCE_FOR = "（{titles}）"
T_QUOTE = "原文：“{quote}”"

#: Who does what, by kind of activity: 主持 a meeting, 主讲 a 党课, 谈话 a talk, else 负责.
_VERBS = {
    ActivityKind.MEETING: "主持",
    ActivityKind.STUDY: "主持",
    ActivityKind.REVIEW: "主持",
    ActivityKind.LECTURE: "主讲",
    ActivityKind.TALK: "谈话",
}
_VERB = "负责"

#: Column widths (mm) of a month's table: portrait A4, 160 mm between the margins.
_WIDTHS = (20.5, 14.0, 40.5, 20.0, 32.0, 33.0)
#: Text sizes (pt) of the columns: 五号 for the date, time and activity, 小五 beside them.
_SIZES = (10.5, 10.5, 10.5, 9.0, 9.0, 9.0)
#: The cells' left and right inner margins (mm).
_CELL_MARGIN = 1.0
#: People named in the 主持 line of a per-member item before the audience's name is given instead.
_MAX_NAMES = 3


def plan_items(plan: Plan, org_id: str) -> list[Occurrence]:
    """The organization's items as the plan tables show them (items held during another activity are part of
    it), in date order."""
    return [o for o in plan.occurrences if o.org == org_id and o.shown]


def plan_sources(
    plan: Plan, org_id: str, obligations: Sequence[Obligation], catalogue: Mapping[str, Obligation]
) -> list[tuple[Source, list[Obligation]]]:
    """The clauses the document cites, in the order of the 依据 section (number 1 first), each with the
    obligations that rest on it: those of the organization's items in date order (each item's own, then those it
    fulfils too), of the items the planner could not place, then of the guidance that has no date."""
    by_id = {**catalogue, **{o.id: o for o in obligations}}
    cited: dict[Source, list[Obligation]] = {}

    def cite(ob: Obligation | None) -> None:
        if ob is not None and ob not in cited.setdefault(ob.source, []):
            cited[ob.source].append(ob)

    for occ in plan_items(plan, org_id):
        for ob_id in (occ.obligation, *occ.also_fulfils):
            cite(by_id.get(ob_id))
    for u in plan.unplaced:
        if u.org == org_id:
            cite(by_id.get(u.obligation))
    for ob in obligations:
        if not ob.schedulable:
            cite(ob)
    order: dict[str, int] = {}
    for source in cited:
        order.setdefault(source_document(source), len(order))
    return sorted(((s, obs) for s, obs in cited.items() if obs), key=lambda c: order[source_document(c[0])])


def source_document(source: Source) -> str:
    """The document a clause is in, as its citation names it: ``德组通〔2016〕18号 附件3《…指导方案》``."""
    parts = [source.document]
    if source.plan is not None:
        parts.append(f"附件{source.plan}" + (f"《{source.title}》" if source.title else ""))
    elif source.title:
        parts.append(f"《{source.title}》")
    return " ".join(parts)


def _day(day: dt.date, year: int) -> str:
    if day.year == year:
        return T_DAY.format(month=day.month, day=day.day)
    return T_DAY_OF_YEAR.format(year=day.year, month=day.month, day=day.day)


def _date_cell(occ: Occurrence, year: int) -> str:
    """``1月4日`` and the weekday under it; ``1月5日至`` and the last day for an item of several days."""
    first, last = occ.first_day, occ.last_day
    if last != first:
        return T_DAYS.format(first=_day(first, year), last=_day(last, year))
    return _day(first, year) + "\n" + T_WEEKDAY.format(weekday=T_WEEKDAYS[first.weekday()])


def _time_cell(group: Sequence[Occurrence], year: int) -> str:
    """``19:00-20:30`` (from the first item's start to the last one's end), or 全天 for all-day items."""
    start, end = group[0].start, max(o.end for o in group)
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        if end.date() != start.date():
            return f"{start:%H:%M}-\n{_day(end.date(), year)} {end:%H:%M}"
        return f"{start:%H:%M}-{end:%H:%M}"
    return T_ALL_DAY


def _same_row(a: Occurrence, b: Occurrence) -> bool:
    """Whether two items of one member each (a talk, a visit) share a row: same obligation and day, the rest
    alike."""
    keep = ("obligation", "also_fulfils", "note", "agenda", "theme", "location", "provisional", "at_org")
    return a.first_day == b.first_day and all(getattr(a, k) == getattr(b, k) for k in keep)


def plan_rows(items: Sequence[Occurrence], by_id: Mapping[str, Obligation]) -> list[list[Occurrence]]:
    """The rows of a month's table: one item each, except that the items for one member each (a slot, a title
    ``<obligation title>：<member>``) of one obligation on one day share a row, in date order."""
    rows: list[list[Occurrence]] = []
    for occ in items:
        ob = by_id.get(occ.obligation)
        single = ob is None or not occ.slot or not occ.title.startswith(ob.title + "：")
        if not single and rows and rows[-1][0].slot and _same_row(rows[-1][0], occ):
            rows[-1].append(occ)
        else:
            rows.append([occ])
    return rows


def _group_text(group: Sequence[Occurrence], ob: Obligation, tree: OrganizationTree) -> str:
    """The items of a shared row by start time: ``19:00 第31名党员（倪红英）、第32名党员（潘涛）``."""
    lines: list[str] = []
    by_time: dict[str, list[str]] = {}
    for occ in group:
        when = f"{occ.start:%H:%M}" if isinstance(occ.start, dt.datetime) else T_ALL_DAY
        who = occ.title.removeprefix(ob.title + "：")
        holders = _names((p for p in occ.people if p != occ.slot), tree)
        by_time.setdefault(when, []).append(who + (T_HOLDERS.format(names="、".join(holders)) if holders else ""))
    for when, entries in by_time.items():
        lines.append(T_GROUP_LINE.format(time=when, items="、".join(entries)))
    return "\n".join(lines)


def _names(people: Iterable[str], tree: OrganizationTree) -> list[str]:
    out = []
    for person in people:
        try:
            out.append(tree.member(person).name)
        except KeyError:
            out.append(person)
    return out


def _who(occ: Occurrence, ob: Obligation | None, tree: OrganizationTree) -> str:
    """Who leads (the secretary by name) and who attends, in one or two short lines. An item for one member
    (a talk, a visit) names the people who hold it: the member is in its title."""
    if ob is None:
        names = _names(occ.people, tree)
        return T_ATTENDS.format(who="、".join(names)) if 0 < len(names) <= _MAX_NAMES else ""
    verb = _VERBS.get(ob.kind, _VERB)
    lead = ob.leads.label
    if ob.leads is Audience.SECRETARY:
        secretary = tree.secretary_of(occ.org)
        if secretary is not None:
            lead = T_SECRETARY.format(name=secretary.name)
    if occ.slot and ob.kind in (ActivityKind.TALK, ActivityKind.VISIT):
        holders = [p for p in occ.people if p != occ.slot]
        if 0 < len(holders) <= _MAX_NAMES:
            lead = "、".join(_names(holders, tree))
        return T_LEADS.format(verb=verb, who=lead)
    lines = [T_LEADS.format(verb=verb, who=lead)]
    if ob.attends is not Audience.ORGANIZATION:
        lines.append(T_ATTENDS.format(who="、".join(a.label for a in (ob.attends, *ob.also_attends))))
    return "\n".join(lines)


def _content(occ: Occurrence) -> str:
    """The month's theme and the agenda, when any."""
    lines = [occ.theme] if occ.theme else []
    if occ.agenda:
        lines.append(T_AGENDA.format(steps="、".join(occ.agenda)))
    return "\n".join(lines)


def _section(document: Document, n: int, title: str) -> None:
    compact(add_heading(document, T_SECTION.format(n=T_SECTIONS[n], title=title), 1), 12, 6)


def _header_row(cells: Sequence[_Cell], heads: Sequence[str]) -> None:
    for cell, head in zip(cells, heads, strict=True):
        add_cell_text(cell, head, bold=True, size=10.5)
        compact(cell.paragraphs[0], 1, 1, line=1.0)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        shade(cell)


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
    sources = plan_sources(plan, org_id, obligations, catalogue)
    number = {source: n for n, (source, _obs) in enumerate(sources, start=1)}

    def ref(ob: Obligation | None) -> str:
        return T_REF.format(n=number[ob.source]) if ob is not None and ob.source in number else ""

    def title_of(ob_id: str) -> str:
        ob = by_id.get(ob_id)
        return ob.title + ref(ob) if ob is not None else ob_id

    items = plan_items(plan, org_id)
    unplaced = [u for u in plan.unplaced if u.org == org_id]
    guidance = [o for o in obligations if not o.schedulable]

    title = T_TITLE.format(org=org.name, year=plan.year)
    document = new_document(title, subject=T_SUBJECT, when=when)
    compact(add_title(document, title), 0, 12)
    # the header: what it follows, whose it is, where it meets
    documents = list(dict.fromkeys(source_document(source) for source, _obs in sources))
    if documents:
        joined = "、".join(documents[:-1]) + T_AND + documents[-1] if len(documents) > 1 else documents[0]
        compact(add_paragraph(document, T_BASIS.format(documents=joined)), 0, 3)
    if plan.provisional:
        compact(add_paragraph(document, T_PROVISIONAL.format(source=plan.workdays_source)), 0, 3)
    secretary = tree.secretary_of(org_id)
    members = T_MEMBERS.format(n=org.members) if org.members else T_UNKNOWN
    info = T_INFO.format(org=org.name, secretary=secretary.name if secretary else T_UNKNOWN, members=members)
    compact(add_paragraph(document, info), 0, 3)
    places = Counter(o.location for o in items if o.location)
    place = places.most_common(1)[0][0] if places else ""
    if place:
        compact(add_paragraph(document, T_PLACE.format(place=place)), 0, 3)
    sections = [T_SCHEDULE]
    sections += [T_UNPLACED] if unplaced else []
    sections += [T_GUIDANCE] if guidance else []
    sections += [T_SOURCES] if sources else []
    basis = T_SECTION.format(n=T_SECTIONS[len(sections) - 1], title=T_SOURCES)
    compact(add_paragraph(document, T_COUNT.format(n=len(items), basis=basis)), 0, 3)

    # month by month
    _section(document, 0, T_SCHEDULE)
    for month in range(1, 13):
        in_month = [o for o in items if o.first_day.month == month and o.first_day.year == plan.year]
        compact(add_heading(document, T_MONTH.format(month=month), 2), 8, 2)
        theme = next((o.theme for o in in_month if o.theme), "")
        compact(add_paragraph(document, T_THEME.format(theme=theme) if theme else T_THEME_BLANK, size=10.5), 0, 3)
        if not in_month:
            compact(add_paragraph(document, T_NOTHING, size=10.5), 0, 3)
            continue
        rows = plan_rows(in_month, by_id)
        table = add_table(document, 1 + len(rows), len(T_HEAD), _WIDTHS)
        cell_margins(table, _CELL_MARGIN)
        grid = row_cells(table)  # python-docx's row.cells walks the whole table each time
        _header_row(grid[0], T_HEAD)
        for cells, group in zip(grid[1:], rows, strict=True):
            occ = group[0]
            ob = by_id.get(occ.obligation)
            notes = []
            if occ.location and occ.location != place:
                notes.append(T_AT.format(place=occ.location))
            if occ.also_fulfils:
                notes.append(T_ALSO.format(items="、".join(title_of(i) for i in occ.also_fulfils)))
            if occ.provisional and not plan.provisional:
                notes.append(T_ITEM_PROVISIONAL)
            if occ.note:
                notes.append(occ.note)
            for cell in cells:
                compact(cell.paragraphs[0], 1, 1, line=1.0)
            add_cell_text(cells[0], _date_cell(occ, plan.year), size=_SIZES[0])
            add_cell_text(cells[1], _time_cell(group, plan.year), size=_SIZES[1])
            if len(group) > 1 and ob is not None:
                # one member's items of a day in one row: 活动 to 主持/参加 list each with its time and holders
                merged = merge_across(cells, 2, 4)
                add_cell_text(merged, T_GROUP.format(title=ob.title, ref=ref(ob), n=len(group)), size=_SIZES[2])
                add_paragraph(merged, _group_text(group, ob, tree), size=_SIZES[3])
                for paragraph in merged.paragraphs:
                    compact(paragraph, 1, 1, line=1.0)
            else:
                add_cell_text(cells[2], occ.title + ref(ob), size=_SIZES[2])
                add_cell_text(cells[3], _content(occ), size=_SIZES[3])
                add_cell_text(cells[4], _who(occ, ob, tree), size=_SIZES[4])
            add_cell_text(cells[5], "；".join(notes), size=_SIZES[5])
        cant_split(table)
    if unplaced:
        _section(document, sections.index(T_UNPLACED), T_UNPLACED)
        for u in unplaced:
            ob = by_id.get(u.obligation)
            text = T_UNPLACED_ITEM.format(
                title=ob.title if ob else u.obligation, ref=ref(ob), period=u.period, reason=u.reason
            )
            compact(add_paragraph(document, text, size=10.5), 0, 3)
    if guidance:
        _section(document, sections.index(T_GUIDANCE), T_GUIDANCE)
        compact(add_paragraph(document, T_GUIDANCE_INTRO, size=10.5), 0, 3)
        for n, ob in enumerate(guidance, start=1):
            text = T_GUIDANCE_ITEM.format(n=n, title=ob.title, ref=ref(ob))
            if ob.description:
                text += T_GUIDANCE_TEXT.format(description=ob.description)
            compact(add_paragraph(document, text, size=10.5), 0, 3)
    if sources:
        _section(document, sections.index(T_SOURCES), T_SOURCES)
        compact(add_paragraph(document, T_SOURCES_INTRO, size=10.5), 0, 3)
        last = ""
        for n, (source, obs) in enumerate(sources, start=1):
            if source_document(source) != last:  # the document once, then its clauses
                last = source_document(source)
                named = compact(add_paragraph(document, last, size=10.5), 6, 0)
                named.runs[0].bold = True
                named.paragraph_format.keep_with_next = True
            where = " ".join(p for p in (source.section, source.item) if p)
            head = T_SOURCE.format(n=n, where=where) + T_SOURCE_FOR.format(titles="、".join(ob.title for ob in obs))
            cited = compact(add_paragraph(document, head, size=10.5), 3, 0)
            cited.runs[0].bold = True
            cited.paragraph_format.keep_with_next = True
            quote = compact(add_paragraph(document, T_QUOTE.format(quote=source.quote), size=10.5), 0, 3)
            quote.paragraph_format.left_indent = Mm(7)
    return to_bytes(document, when)
