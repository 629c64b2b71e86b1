"""An organization's 三会一课 台账 (record book) as a Word document: one table per record, in date order, in the
layout such books use (A4, 仿宋, page numbers).

Every cell comes from the record (:class:`~lianxue_core.supervision.findings.Record`): date and time, the
obligation's title, topic, lecturer, attendees and their number, members covered, households visited, the
secretary's comment and notes. A record file has no place, host, recorder, absentees or minutes: those cells
are left blank for the secretary to fill in by hand, never invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from docx.shared import Mm

from ..model import OrganizationTree
from ..obligations import Obligation
from ..supervision.findings import Record
from ._docx import CellText, add_paragraph, add_title, add_xml, filled_table_xml, new_document, paragraph_xml, to_bytes

__all__ = ["ledger_records", "render_ledger_docx"]

# -- the document's words (one place, for the message catalogue to come) -----------------------------------
T_TITLE = "{org}{year}年“三会一课”台账"
T_SUBJECT = "“三会一课”及组织生活记录"
T_INFO = "党组织：{org}　　书记：{secretary}　　党员：{members}人　　记录：{count}条"
T_NOTE = "本台账由活动记录生成；地点、主持人、记录人、缺席人员和会议内容记录文件中没有，请手工填写。"
T_EMPTY = "本年度尚无活动记录。"
T_RECORD = "{n}．{date} {title}"
T_WEEKDAYS = "一二三四五六日"
T_DATE = "{date} 周{weekday}"
LABELS = {
    "title": "会议名称",
    "when": "时间",
    "place": "地点",
    "host": "主持人",
    "recorder": "记录人",
    "lecturer": "主讲人",
    "period": "所属周期",
    "attendance": "实到人数",
    "absent_count": "缺席人数",
    "attendees": "参加人员",
    "absentees": "缺席人员",
    "members": "覆盖党员",
    "households": "走访户数",
    "topic": "主题",
    "content": "会议内容",
    "comment": "书记点评",
    "notes": "备注",
}

#: Column widths (mm): label, value, label, value (portrait A4, 160 mm between the margins).
_WIDTHS = (24.0, 56.0, 24.0, 56.0)
#: The height of the blank 会议内容 cell, for writing by hand.
_CONTENT_HEIGHT = Mm(45)


def ledger_records(records: Iterable[Record], org_id: str, year: int) -> list[Record]:
    """The organization's records of ``year`` (held in it, or fulfilling one of its periods), in date order."""
    mine = [r for r in records if r.org == org_id and (r.date.year == year or r.period.startswith(f"{year}"))]
    return sorted(mine, key=lambda r: (r.date, r.time or dt.time(0), r.obligation, r.origin))


def _names(people: Sequence[str], tree: OrganizationTree) -> str:
    out = []
    for person in people:
        try:
            out.append(tree.member(person).name)
        except KeyError:
            out.append(person)  # a name as written, not listed in the organization file
    return "、".join(out)


def _when(r: Record) -> str:
    text = T_DATE.format(date=r.date.isoformat(), weekday=T_WEEKDAYS[r.date.weekday()])
    return text + (f" {r.time:%H:%M}" if r.time else "")


def _rows(r: Record, title: str, tree: OrganizationTree) -> list[tuple[str, str] | tuple[str, str, str, str]]:
    attendance = r.attendance if r.attendance is not None else (len(r.attendees) if r.attendees else None)
    lecturer = _names((r.lecturer,), tree) if r.lecturer else ""
    rows: list[tuple[str, str] | tuple[str, str, str, str]] = [
        (LABELS["title"], title),
        (LABELS["when"], _when(r), LABELS["place"], ""),
        (LABELS["host"], "", LABELS["recorder"], ""),
        (LABELS["lecturer"], lecturer, LABELS["period"], r.period),
        (LABELS["attendance"], "" if attendance is None else str(attendance), LABELS["absent_count"], ""),
        (LABELS["attendees"], _names(r.attendees, tree)),
        (LABELS["absentees"], ""),
    ]
    if r.members:
        rows.append((LABELS["members"], _names(r.members, tree)))
    if r.households is not None:
        rows.append((LABELS["households"], str(r.households)))
    rows += [
        (LABELS["topic"], r.topic),
        (LABELS["content"], ""),
        (LABELS["comment"], r.comment),
        (LABELS["notes"], r.notes),
    ]
    return rows


def render_ledger_docx(
    records: Iterable[Record],
    tree: OrganizationTree,
    org_id: str,
    year: int,
    obligations: Mapping[str, Obligation],
    *,
    when: dt.datetime,
) -> bytes:
    """The 台账 of ``org_id`` in ``year`` as the bytes of a ``.docx`` file: one table per record.

    Args:
        records: Records (of any organization: only ``org_id``'s of ``year`` are written).
        tree: The organization tree (member names).
        org_id: The organization.
        year: The year.
        obligations: Obligations by id (the activity's title).
        when: The documents' timestamp (:func:`lianxue_core.documents.stamp`): the same input, the same bytes.
    """
    org = tree[org_id]
    mine = ledger_records(records, org_id, year)
    title = T_TITLE.format(org=org.name, year=year)
    document = new_document(title, subject=T_SUBJECT, when=when)
    add_title(document, title)
    secretary = tree.secretary_of(org_id)
    add_paragraph(
        document,
        T_INFO.format(
            org=org.name,
            secretary=secretary.name if secretary else "",
            members=tree.member_count(org_id),
            count=len(mine),
        ),
    )
    add_paragraph(document, T_NOTE, size=10.5)
    if not mine:
        add_paragraph(document, T_EMPTY)
    blocks = []  # every record's heading, table and blank line, parsed at once
    for n, r in enumerate(mine, start=1):
        ob = obligations.get(r.obligation)
        name = ob.title if ob else r.obligation
        blocks.append(paragraph_xml(T_RECORD.format(n=n, date=r.date.isoformat(), title=name), style="Heading 2"))
        rows = _rows(r, name, tree)
        cells = [
            [CellText(row[0], bold=True), CellText(row[1], span=3)]
            if len(row) == 2
            else [CellText(text, bold=k % 2 == 0) for k, text in enumerate(row)]
            for row in rows
        ]
        # built whole, merged cells included (python-docx's cell.merge is quadratic in the table)
        content = {k: _CONTENT_HEIGHT for k, row in enumerate(rows) if row[0] == LABELS["content"]}
        blocks.append(filled_table_xml(_WIDTHS, cells, heights=content))
        blocks.append(paragraph_xml())
    add_xml(document, blocks)
    return to_bytes(document, when)
