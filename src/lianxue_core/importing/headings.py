"""Headings to columns: find the header row wherever it is, and name each column canonically.

Exports put one or more title rows above the header, split a heading over two rows under a merged
group heading (``党组织书记`` over ``姓名`` and ``联系电话``), and write headings with stray spaces,
line breaks, asterisks and notes in brackets (``出生日期\\n（格式：1990-01-01）``). A heading is
normalised (:func:`normalize`) and looked up in :data:`ORG_COLUMNS` or :data:`MEMBER_COLUMNS`;
unknown headings are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import attrs

from .reading import Sheet, Value
from .values import is_empty, text

__all__ = ["MEMBER_COLUMNS", "ORG_COLUMNS", "Column", "Record", "Table", "find_table", "normalize"]

#: Canonical column → its headings, best first. Columns marked with ``_`` are recognised (they help
#: find the header row) but not imported.
ORG_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "name": ("党组织全称", "党组织名称", "组织全称", "组织名称", "党组织"),
    "short_name": ("党组织简称", "组织简称", "简称"),
    "code": ("党组织编码", "党组织代码", "组织编码", "组织代码", "党组织编号"),
    "parent": (
        "上级党组织",
        "上级党组织全称",
        "上级党组织名称",
        "批准成立的上级党组织",
        "批准成立的上级党组织名称",
        "所属上级党组织",
        "上级组织",
    ),
    "parent_code": ("上级党组织编码", "上级党组织代码", "批准成立的上级党组织编码"),
    "kind": ("组织类别", "党组织类别", "组织类型", "党组织类型"),
    "situation": ("党组织所在单位情况", "所在单位情况", "单位情况"),
    "unit_category": ("单位性质类别", "单位类别", "所在单位属性", "单位属性", "单位性质", "单位性质类别代码"),
    "unit_level": ("单位隶属关系", "隶属关系"),
    "members": ("党员人数", "党员数", "党员总数", "党员数量"),
    "households": ("户数", "农户数", "总户数"),
    "_unit_name": ("单位名称", "所在单位名称", "单位全称"),
    "_founded": ("成立日期", "建立日期", "批准成立日期"),
    "_secretary": ("党组织书记", "书记", "党组织书记姓名", "书记姓名"),
    "_contact": ("党组织联系人", "联系人", "党组织联系人姓名"),
    "_phone": ("联系电话", "党组织联系电话", "党组织书记联系电话", "党组织联系人联系电话", "电话", "手机号码"),
    "_number": ("序号", "编号"),
}

MEMBER_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名"),
    "org": (
        "所在党支部",
        "所在党组织",
        "所在支部",
        "所在党支部名称",
        "所在党组织名称",
        "所属党支部",
        "所属党组织",
        "党支部",
        "党支部名称",
    ),
    "org_code": ("所在党组织编码", "所在党支部编码", "党组织编码", "党支部编码"),
    "identity": ("公民身份证号", "公民身份证号码", "身份证号", "身份证号码", "身份证"),
    "birth": ("出生日期", "出生年月", "出生年月日"),
    "status": ("党籍状态",),
    "lost": ("是否为失联党员", "是否失联党员", "失联党员", "是否失联"),
    "mobile": ("是否为流动党员", "是否流动党员", "流动党员", "是否流动"),
    "duty": ("党内职务", "党内职务名称", "党内职务情况"),
    "_gender": ("性别",),
    "_ethnicity": ("民族",),
    "_education": ("学历", "文化程度", "全日制学历"),
    "_category": ("人员类别", "党员类别"),
    "_joined": ("加入党组织日期", "入党日期", "入党时间"),
    "_full": ("转为正式党员日期", "转正日期", "转正时间"),
    "_post": ("工作岗位", "岗位", "职务", "工作单位及职务"),
    "_phone": ("联系电话", "手机号码", "手机号", "电话"),
    "_address": ("家庭住址", "现居住地", "户籍所在地", "通讯地址"),
    "_number": ("序号", "编号"),
}

_DROP = re.compile(r"[\s\u3000*＊★※]+")
_NOTE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_MAX_HEADER_ROW = 30


def normalize(heading: Value) -> str:
    """``" 党组织\\n全称（必填）* "`` → ``"党组织全称"``: spaces, line breaks, asterisks, notes in
    brackets and a trailing colon dropped."""
    s = _DROP.sub("", str(heading))
    s = _NOTE.sub("", s)
    return s.rstrip(":：")


def _index(columns: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for key, aliases in columns.items():
        for rank, alias in enumerate(aliases):
            out.setdefault(normalize(alias), (key, rank))
    return out


@attrs.frozen
class Column:
    """A recognised column: 0-based ``index`` and the heading as the sheet writes it (one line)."""

    key: str
    index: int
    heading: str


@attrs.frozen
class Record:
    """One data row: its 1-based spreadsheet ``row`` and the cells of the recognised columns."""

    row: int
    cells: Mapping[str, Value]

    def get(self, key: str) -> Value:
        """The cell of column ``key``, ``""`` when the sheet has no such column."""
        return self.cells.get(key, "")


@attrs.frozen
class Table:
    """A sheet with its header found: the recognised columns and the rows below the header."""

    sheet: Sheet
    columns: Mapping[str, Column]
    header_rows: tuple[int, ...]  # 1-based

    def where(self, row: int, key: str | None = None) -> str:
        """The place of a cell, e.g. ``sheet "党员", row 7, column D (出生日期)``."""
        if key is None or key not in self.columns:
            return self.sheet.where(row)
        col = self.columns[key]
        return self.sheet.where(row, col.index, col.heading)

    def records(self) -> Iterator[Record]:
        """The data rows, skipping empty rows, footnotes (``注：``...) and repeated header rows."""
        first = self.header_rows[-1]  # 1-based header row == 0-based index of the first data row
        header = tuple(normalize(self.sheet.cell(self.header_rows[-1] - 1, c.index)) for c in self.columns.values())
        for i in range(first, len(self.sheet.rows)):
            cells = {key: self.sheet.cell(i, col.index) for key, col in self.columns.items()}
            values = [v for v in self.sheet.rows[i] if not is_empty(v)]
            if not values or _is_note(values[0]):
                continue
            if tuple(normalize(v) for v in cells.values()) == header:
                continue
            yield Record(i + 1, cells)


def _is_note(value: Value) -> bool:
    s = text(value)
    return bool(re.match(r"^(注|备注|说明|填表说明|附注)\s*[0-9一二三四五六七八九十]*\s*[:：]", s)) or s in {
        "注",
        "说明",
    }


def find_table(
    sheet: Sheet, columns: Mapping[str, tuple[str, ...]], required: tuple[str | tuple[str, ...], ...]
) -> Table | None:
    """Find the header of ``sheet``: the row (or pair of rows) within the first 30 whose headings
    name the most known columns, among those naming every ``required`` column (a tuple of keys:
    one of them); ``None`` if none."""
    index = _index(columns)
    best: tuple[int, int, Table] | None = None
    for r in range(min(len(sheet.rows), _MAX_HEADER_ROW)):
        for rows in ((r,), (r, r + 1)):
            if rows[-1] >= len(sheet.rows):
                continue
            found = _recognise(sheet, rows, index)
            if not all(any(k in found for k in ((r,) if isinstance(r, str) else r)) for r in required):
                continue
            # The most columns wins; on a tie one row beats two (a blank row over the header), then the first.
            rank = (len(found), -len(rows))
            if best is None or rank > best[:2]:
                best = (*rank, Table(sheet, found, tuple(x + 1 for x in rows)))
    return None if best is None else best[2]


def _recognise(sheet: Sheet, rows: tuple[int, ...], index: Mapping[str, tuple[str, int]]) -> dict[str, Column]:
    width = max(len(sheet.rows[r]) for r in rows)
    found: dict[str, tuple[int, Column]] = {}
    for c in range(width):
        candidates = _headings(sheet, rows, c)
        for heading in candidates:
            hit = index.get(normalize(heading))
            if hit is None:
                continue
            key, rank = hit
            if key not in found or rank < found[key][0]:
                found[key] = (rank, Column(key, c, text(heading)))
            break
    return {k: col for k, (_, col) in sorted(found.items(), key=lambda kv: kv[1][1].index)}


def _headings(sheet: Sheet, rows: tuple[int, ...], c: int) -> list[str]:
    """The headings column ``c`` may carry: one row's cell, or for two rows the lower cell under
    its group heading (``党组织书记`` + ``姓名``), the lower cell alone, or the upper one merged down."""
    if len(rows) == 1:
        value = sheet.cell(rows[0], c)
        return [] if is_empty(value) else [str(value)]
    top = _merged_value(sheet, rows[0], c)
    bottom = sheet.cell(rows[1], c)
    if is_empty(bottom):
        return [] if is_empty(top) else [str(top)]
    if is_empty(top):
        return [str(bottom)]
    return [str(top) + str(bottom), str(bottom)]


def _merged_value(sheet: Sheet, row: int, c: int) -> Value:
    value = sheet.cell(row, c)
    if not is_empty(value):
        return value
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 <= row <= r1 and c0 <= c <= c1:
            return sheet.cell(r0, c0)
    return value
