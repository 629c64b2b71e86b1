"""What the Word documents share: an A4 page in the layout party offices file (仿宋/宋体/黑体 with fallbacks,
page numbers in the footer), deterministic bytes, and writing a file whole or not at all.

python-docx writes every zip entry with the current time and the template's core properties; :func:`to_bytes`
fixes both from one timestamp (``SOURCE_DATE_EPOCH`` when set, see :func:`stamp`), so the same input gives
byte-identical files.

Speed: python-docx's object API looks every element up again on every call (a table's ``row.cells`` walks the
whole table, ``cell.merge`` is quadratic in the table, each property set searches its parent's children), which
made a county's record books take minutes. The helpers here build the elements with lxml directly, in the order
the schema wants them, and append before the body's ``w:sectPr`` without a search; :func:`add_filled_table` builds
a whole table, merged cells included, from one string. The documents are the same XML as python-docx writes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple, cast
from xml.sax.saxutils import escape

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..files import atomic_write
from ..textsafe import for_terminal

__all__ = [
    "BODY_FONT",
    "HEADING_FONT",
    "TITLE_FONT",
    "CellText",
    "add_cell_text",
    "add_filled_table",
    "add_heading",
    "add_paragraph",
    "add_table",
    "add_title",
    "add_xml",
    "cant_split",
    "cell_margins",
    "compact",
    "filled_table_xml",
    "merge_across",
    "new_document",
    "page_break",
    "paragraph_xml",
    "row_cells",
    "shade",
    "stamp",
    "to_bytes",
    "write_bytes",
]

#: Body text: 仿宋 (FangSong), as 公文 and record books use; Latin text in Times New Roman.
BODY_FONT = "仿宋"
#: Titles: 宋体 (SimSun), bold.
TITLE_FONT = "宋体"
#: Headings: 黑体 (SimHei).
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"

#: Each east-asian font with the names other systems know it by (Word's font table ``w:altName``), its
#: character set (86: GB2312) and family, so Word, WPS and LibreOffice substitute a like font where it is missing.
_FONT_TABLE: Mapping[str, tuple[str, str]] = {
    BODY_FONT: ("FangSong,仿宋_GB2312,STFangsong", "modern"),
    TITLE_FONT: ("SimSun,Songti SC,Noto Serif CJK SC", "auto"),
    HEADING_FONT: ("SimHei,Heiti SC,Noto Sans CJK SC", "modern"),
}

#: The footer's page number: "第 N 页 共 M 页".
_PAGE_TEXT = ("第 ", " 页 共 ", " 页")

#: The fixed date of the documents' core properties and zip entries when ``SOURCE_DATE_EPOCH`` is not set and
#: the caller gives none.
_ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def stamp(default: dt.datetime, environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The documents' timestamp: ``SOURCE_DATE_EPOCH`` when set, else ``default`` (a date the content gives,
    such as 1 January of the plan's year), in UTC. Never the clock: the same input gives the same bytes."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return default if default.tzinfo else default.replace(tzinfo=dt.UTC)


def _set_fonts(rpr: BaseOxmlElement, east_asia: str) -> None:
    """Set ``w:rFonts`` of a run's or style's properties: Latin in Times New Roman, east-asian in ``east_asia``."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _style(document: Document, name: str, east_asia: str, size: float, *, bold: bool = False) -> None:
    style = document.styles[name]
    font = style.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    font.name = LATIN_FONT
    _set_fonts(style.element.get_or_add_rPr(), east_asia)


def _font_table(document: Document) -> None:
    """Declare the east-asian fonts in ``word/fontTable.xml`` with their alternative names."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, (alt, family) in _FONT_TABLE.items():
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                root.remove(old)
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                f'<w:family w:val="{family}"/><w:pitch w:val="fixed"/></w:font>'
            )
        )
    part._blob = serialize_part_xml(root)  # a plain Part: its bytes are the part


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A complex field (``PAGE``, ``NUMPAGES``) that Word and LibreOffice update when they lay out the page."""
    run = paragraph.add_run()
    for xml in (
        f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>',
        f'<w:instrText {nsdecls("w")} xml:space="preserve"> {instruction} </w:instrText>',
        f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>',
        f"<w:t {nsdecls('w')}>1</w:t>",
        f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>',
    ):
        run._r.append(parse_xml(xml))


def new_document(title: str, *, subject: str, when: dt.datetime, landscape: bool = False) -> Document:
    """An empty A4 document with the fonts, margins, footer page numbers and core properties set."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    section.left_margin, section.right_margin = Mm(26), Mm(24)
    section.footer_distance = Mm(12)
    _style(document, "Normal", BODY_FONT, 12)
    _style(document, "Title", TITLE_FONT, 22, bold=True)
    _style(document, "Heading 1", HEADING_FONT, 16)
    _style(document, "Heading 2", HEADING_FONT, 14)
    _style(document, "Footer", BODY_FONT, 10.5)
    title_style = document.styles["Title"]
    title_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # the template's Title has a blue bottom border: a plain centred title, as a 公文 has
    ppr = title_style.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)
    _font_table(document)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(_PAGE_TEXT[0])
    _field(footer, "PAGE")
    footer.add_run(_PAGE_TEXT[1])
    _field(footer, "NUMPAGES")
    footer.add_run(_PAGE_TEXT[2])
    props = document.core_properties
    props.title = for_terminal(title)
    props.subject = for_terminal(subject)
    props.author = "lianxue"
    props.last_modified_by = "lianxue"
    props.language = "zh-CN"
    props.revision = 1
    naive = when.astimezone(dt.UTC).replace(tzinfo=None)
    props.created = naive
    props.modified = naive
    props.last_printed = naive
    return document


# -- building elements directly (see the module's note on speed) ---------------------------------------------

_P, _PPR, _PSTYLE, _R, _RPR, _B, _SZ, _T, _BR = (
    qn(t) for t in ("w:p", "w:pPr", "w:pStyle", "w:r", "w:rPr", "w:b", "w:sz", "w:t", "w:br")
)
_SPACING, _SECTPR, _VAL, _TC, _TCPR, _TCW, _GRIDSPAN = (
    qn(t) for t in ("w:spacing", "w:sectPr", "w:val", "w:tc", "w:tcPr", "w:tcW", "w:gridSpan")
)
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: What follows ``w:spacing`` in a paragraph's properties (ECMA-376 CT_PPrBase order, then CT_PPr's own).
_AFTER_SPACING = frozenset(
    qn(f"w:{t}")
    for t in (
        *("ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment"),
        *("textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    )
)


@cache
def _style_id(name: str) -> str:
    """The style id of a style of python-docx's default template (every document here is made from it)."""
    return str(docx.Document().styles[name].style_id)


def _half_points(size: float) -> str:
    return str(int(Pt(size).pt * 2))  # as python-docx writes w:sz


def _sub(parent: BaseOxmlElement, tag: str, attrib: Mapping[str, str] | None = None) -> BaseOxmlElement:
    """lxml's ``SubElement`` (python-docx's element classes kept): a new last child of ``parent``."""
    child: BaseOxmlElement = parent.makeelement(tag, attrib)
    parent.append(child)
    return child


def _add_runs(paragraph: BaseOxmlElement, text: str, *, bold: bool = False, size: float | None = None) -> None:
    """Append ``text`` to a ``w:p`` as runs, one per line (a ``w:br`` ending every line but the last)."""
    lines = text.split("\n")
    last = len(lines) - 1
    for n, line in enumerate(lines):
        run = _sub(paragraph, _R)
        if bold or size is not None:
            rpr = _sub(run, _RPR)
            if bold:
                _sub(rpr, _B)
            if size is not None:
                _sub(rpr, _SZ, {_VAL: _half_points(size)})
        safe = for_terminal(line)
        if safe:
            t = _sub(run, _T)
            t.text = safe
            if safe != safe.strip():
                t.set(_SPACE, "preserve")
        if n < last:
            _sub(run, _BR)


def _to_body(document: Document, element: BaseOxmlElement) -> None:
    """Append a block to the document's body, before its closing ``w:sectPr`` (found at the end, not searched)."""
    body = document.element.body
    if len(body) and body[-1].tag == _SECTPR:
        body[-1].addprevious(element)
    else:
        body.append(element)


def _new_p(style: str | None = None) -> BaseOxmlElement:
    p = OxmlElement("w:p")
    if style is not None:
        _sub(_sub(p, _PPR), _PSTYLE, {_VAL: _style_id(style)})
    return p


def add_title(document: Document, text: str) -> Paragraph:
    """The document's title (style Title)."""
    return add_paragraph(document, text, style="Title")


def add_paragraph(
    parent: Document | _Cell, text: str = "", *, style: str | None = None, size: float | None = None
) -> Paragraph:
    """A paragraph of ``text`` (line breaks kept), optionally in a smaller size."""
    p = _new_p(style)
    if text:
        _add_runs(p, text, size=size)
    else:
        _sub(p, _R)  # as python-docx's add_run(""): the paragraph has its (empty) run
    if isinstance(parent, _Cell):
        parent._tc.append(p)
        return Paragraph(p, parent)
    _to_body(parent, p)
    return Paragraph(p, parent._body)


def add_heading(document: Document, text: str, level: int) -> Paragraph:
    """A heading in 黑体 (the style's fonts; the template's colours replaced by black)."""
    return add_paragraph(document, text, style="Title" if level == 0 else f"Heading {level}")


def add_cell_text(cell: _Cell, text: str, *, bold: bool = False, size: float | None = None) -> None:
    """Replace a table cell's text (line breaks kept)."""
    _add_runs(cell._tc.find(_P), text, bold=bold, size=size)


def page_break(document: Document) -> None:
    """Start a new page."""
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _twips(mm: float) -> int:
    return int(Mm(mm).twips)


def _table_xml(widths: Sequence[float], body: str, *, ns: bool = True) -> str:
    return _table_head(tuple(widths), ns) + body + "</w:tbl>"


@cache
def _table_head(widths: tuple[float, ...], ns: bool) -> str:
    grid = "".join(f'<w:gridCol w:w="{_twips(w)}"/>' for w in widths)
    return (
        f"<w:tbl{' ' + nsdecls('w') if ns else ''}>"
        f'<w:tblPr><w:tblStyle w:val="{_style_id("Table Grid")}"/>'
        '<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" '
        f'w:val="04A0"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    )


def _insert_table(document: Document, xml: str) -> Table:
    tbl = parse_xml(xml)
    _to_body(document, tbl)
    return Table(tbl, document._body)


def add_table(document: Document, rows: int, cols: int, widths: tuple[float, ...]) -> Table:
    """A bordered table (``Table Grid``) of fixed column widths in millimetres, centred on the page: empty cells,
    each of its column's width (the grid too: LibreOffice lays a fixed table out by it, not the cells)."""
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{_twips(widths[k])}"/></w:tcPr><w:p/></w:tc>' for k in range(cols)
    )
    return _insert_table(document, _table_xml(widths[:cols], f"<w:tr>{cells}</w:tr>" * rows))


class CellText(NamedTuple):
    """One cell of :func:`add_filled_table`: its text (line breaks kept), bold or not, how many grid columns it
    spans, and its text size in points (``None``: the body's)."""

    text: str
    bold: bool = False
    span: int = 1
    size: float | None = None


@lru_cache(maxsize=4096)  # a table's labels, and names and dates that recur
def _runs_xml(text: str, bold: bool, size: float | None) -> str:
    props = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{_half_points(size)}"/>' if size is not None else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    lines = text.split("\n") if text else []
    out = []
    for n, line in enumerate(lines):
        safe = for_terminal(line)
        space = ' xml:space="preserve"' if safe != safe.strip() else ""
        t = f"<w:t{space}>{escape(safe)}</w:t>" if safe else ""
        out.append(f"<w:r>{rpr}{t}{'<w:br/>' if n < len(lines) - 1 else ''}</w:r>")
    return "".join(out)


def filled_table_xml(
    widths: Sequence[float], rows: Sequence[Sequence[CellText]], *, heights: Mapping[int, Length] | None = None
) -> str:
    """The XML of :func:`add_filled_table`'s table, for :func:`add_xml`."""
    twips = _grid_twips(tuple(widths))
    body = []
    for n, row in enumerate(rows):
        if sum(c.span for c in row) != len(widths):
            raise ValueError(f"row {n} spans {sum(c.span for c in row)} of {len(widths)} columns")
        height = (heights or {}).get(n)
        body.append(f'<w:tr><w:trPr><w:trHeight w:val="{height.twips}"/></w:trPr>' if height is not None else "<w:tr>")
        column = 0
        for cell in row:
            body.append(_tc_head(sum(twips[column : column + cell.span]), cell.span))
            body.append(_runs_xml(cell.text, cell.bold, cell.size))
            body.append("</w:p></w:tc>")
            column += cell.span
        body.append("</w:tr>")
    return _table_xml(widths, "".join(body), ns=False)


@cache
def _grid_twips(widths: tuple[float, ...]) -> list[int]:
    return [_twips(w) for w in widths]


@cache
def _tc_head(width: int, span: int) -> str:
    gridspan = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{gridspan}</w:tcPr><w:p>'


def paragraph_xml(text: str = "", *, style: str | None = None, size: float | None = None) -> str:
    """The XML of :func:`add_paragraph`'s paragraph (in the body), for :func:`add_xml`."""
    ppr = f'<w:pPr><w:pStyle w:val="{_style_id(style)}"/></w:pPr>' if style is not None else ""
    return f"<w:p>{ppr}{_runs_xml(text, False, size) if text else '<w:r/>'}</w:p>"


def add_xml(document: Document, blocks: Sequence[str]) -> None:
    """Append blocks (:func:`paragraph_xml`, :func:`filled_table_xml`) to the body, parsed at once: a
    document of thousands of tables is built in one parse."""
    body = parse_xml(f"<w:body {nsdecls('w')}>{''.join(blocks)}</w:body>")
    for block in list(body):
        _to_body(document, block)


def add_filled_table(
    document: Document,
    widths: Sequence[float],
    rows: Sequence[Sequence[CellText]],
    *,
    heights: Mapping[int, Length] | None = None,
) -> Table:
    """A bordered table like :func:`add_table`, its cells filled and merged across as ``rows`` say, built from one
    string (python-docx's ``cell.merge`` is quadratic in the table). ``heights``: the least height of rows by
    index. Each row's spans must add up to the number of columns."""
    xml = filled_table_xml(widths, rows, heights=heights)
    return _insert_table(document, xml.replace("<w:tbl>", f"<w:tbl {nsdecls('w')}>", 1))


def row_cells(table: Table) -> list[list[_Cell]]:
    """The cells of each row of a table with no merged cells yet, one per ``w:tc`` (python-docx's ``row.cells``
    walks the whole table at every call)."""
    return [[_Cell(tc, table) for tc in tr.iterchildren(_TC)] for tr in table._tbl.tr_lst]


def merge_across(cells: Sequence[_Cell], first: int, last: int) -> _Cell:
    """Merge cells ``first`` to ``last`` of one row (of :func:`row_cells`, none merged yet) into the first: its
    width the sum of theirs, a ``w:gridSpan``; the text of the others moved into it, as python-docx's
    ``merge`` does, without its walks over the whole table."""
    head = cells[first]._tc
    width = 0
    for cell in cells[first : last + 1]:
        tcw = cell._tc.tcPr.find(_TCW) if cell._tc.tcPr is not None else None
        width += int(tcw.get(qn("w:w"), "0")) if tcw is not None else 0
    for cell in cells[first + 1 : last + 1]:
        tc = cell._tc
        if any(p.find(_R) is not None for p in tc.iterchildren(_P)) or len(list(tc.iterchildren(_P))) > 1:
            tc._move_content_to(head)
        tc.getparent().remove(tc)
    tcpr = head.get_or_add_tcPr()
    tcw = tcpr.find(_TCW)
    if tcw is None:
        tcw = OxmlElement("w:tcW")
        tcpr.insert(0, tcw)
    tcw.set(qn("w:w"), str(width))
    tcw.set(qn("w:type"), "dxa")
    span = tcpr.find(_GRIDSPAN)
    if span is None:
        span = OxmlElement("w:gridSpan")
        tcw.addnext(span)
    span.set(_VAL, str(last - first + 1))
    return _Cell(head, cast(Table, cells[first]._parent))


def compact(paragraph: Paragraph, before: float = 0, after: float = 0, *, line: float | None = None) -> Paragraph:
    """Set a paragraph's spacing before and after (points) and, when given, its line spacing (a multiple)."""
    p = paragraph._p
    ppr = p[0] if len(p) and p[0].tag == _PPR else None
    if ppr is None:
        ppr = _sub(p, _PPR)
        p.insert(0, ppr)
    spacing = ppr.find(_SPACING)
    if spacing is None:
        spacing = _sub(ppr, _SPACING)
        successor = next((child for child in ppr if child.tag in _AFTER_SPACING), None)
        if successor is not None:
            successor.addprevious(spacing)
    spacing.set(qn("w:before"), str(Pt(before).twips))
    spacing.set(qn("w:after"), str(Pt(after).twips))
    if line is not None:
        spacing.set(qn("w:line"), str(round(line * 240)))
        spacing.set(qn("w:lineRule"), "auto")
    return paragraph


def shade(cell: _Cell, fill: str = "E7E6E6") -> None:
    """Give a table cell a background colour (a header row's light grey)."""
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd", {_VAL: "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    tcpr.insert_element_before(shd, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")


def cant_split(table: Table, header: bool = True) -> None:
    """Keep each row of ``table`` on one page; with ``header``, repeat the first row on every page."""
    for n, tr in enumerate(table._tbl.tr_lst):
        trpr = tr.get_or_add_trPr()
        _sub(trpr, qn("w:cantSplit"))
        if header and n == 0:
            _sub(trpr, qn("w:tblHeader"))


def cell_margins(table: Table, left_right: float) -> None:
    """Set the left and right inner margins (millimetres) of every cell of ``table``."""
    twips = round(left_right / 25.4 * 1440)
    tblpr = table._tbl.tblPr
    for old in tblpr.findall(qn("w:tblCellMar")):
        tblpr.remove(old)
    margins = parse_xml(
        f'<w:tblCellMar {nsdecls("w")}><w:top w:w="0" w:type="dxa"/><w:left w:w="{twips}" w:type="dxa"/>'
        f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{twips}" w:type="dxa"/></w:tblCellMar>'
    )
    tblpr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def to_bytes(document: Document, when: dt.datetime) -> bytes:
    """The document's ``.docx`` bytes, with every zip entry dated ``when`` (not the clock) in a fixed order."""
    raw = io.BytesIO()
    document.save(raw)
    moment = max(when.astimezone(dt.UTC), _ZIP_EPOCH)
    date_time = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second - moment.second % 2)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (:func:`lianxue_core.files.atomic_write`)."""
    atomic_write(path, data)
