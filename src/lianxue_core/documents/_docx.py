"""What the Word documents share: an A4 page in the layout party offices file (仿宋/宋体/黑体 with fallbacks,
page numbers in the footer), deterministic bytes, and writing a file whole or not at all.

python-docx writes every zip entry with the current time and the template's core properties; :func:`to_bytes`
fixes both from one timestamp (``SOURCE_DATE_EPOCH`` when set, see :func:`stamp`), so the same input gives
byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..files import atomic_write
from ..textsafe import for_terminal

__all__ = [
    "BODY_FONT",
    "HEADING_FONT",
    "TITLE_FONT",
    "add_cell_text",
    "add_heading",
    "add_paragraph",
    "add_table",
    "add_title",
    "cant_split",
    "cell_margins",
    "compact",
    "new_document",
    "page_break",
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


def add_title(document: Document, text: str) -> Paragraph:
    """The document's title (style Title)."""
    title: Paragraph = document.add_paragraph(for_terminal(text), style="Title")
    return title


def add_paragraph(
    parent: Document | _Cell, text: str = "", *, style: str | None = None, size: float | None = None
) -> Paragraph:
    """A paragraph of ``text`` (line breaks kept), optionally in a smaller size."""
    paragraph = parent.add_paragraph(style=style)
    lines = text.split("\n")
    for n, line in enumerate(lines):
        run = paragraph.add_run(for_terminal(line))
        if size is not None:
            run.font.size = Pt(size)
        if n < len(lines) - 1:
            run.add_break()
    return paragraph


def add_heading(document: Document, text: str, level: int) -> Paragraph:
    """A heading in 黑体 (the style's fonts; the template's colours replaced by black)."""
    heading: Paragraph = document.add_heading(for_terminal(text), level=level)
    return heading


def add_cell_text(cell: _Cell, text: str, *, bold: bool = False, size: float | None = None) -> None:
    """Replace a table cell's text (line breaks kept)."""
    paragraph = cell.paragraphs[0]
    lines = text.split("\n")
    for n, line in enumerate(lines):
        run = paragraph.add_run(for_terminal(line))
        run.bold = bold or None
        if size is not None:
            run.font.size = Pt(size)
        if n < len(lines) - 1:
            run.add_break()


def page_break(document: Document) -> None:
    """Start a new page."""
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def add_table(document: Document, rows: int, cols: int, widths: tuple[float, ...]) -> Table:
    """A bordered table (``Table Grid``) of fixed column widths in millimetres, centred on the page."""
    table: Table = document.add_table(rows=rows, cols=cols)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for n, width in enumerate(widths):
        table.columns[n].width = Mm(width)  # the grid: LibreOffice lays a fixed table out by it, not the cells
        for cell in table.columns[n].cells:
            cell.width = Mm(width)
    return table


def compact(paragraph: Paragraph, before: float = 0, after: float = 0, *, line: float | None = None) -> Paragraph:
    """Set a paragraph's spacing before and after (points) and, when given, its line spacing (a multiple)."""
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line is not None:
        fmt.line_spacing = line
    return paragraph


def shade(cell: _Cell, fill: str = "E7E6E6") -> None:
    """Give a table cell a background colour (a header row's light grey)."""
    tcpr = cell._tc.get_or_add_tcPr()
    shd = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    tcpr.insert_element_before(shd, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")


def cant_split(table: Table, header: bool = True) -> None:
    """Keep each row of ``table`` on one page; with ``header``, repeat the first row on every page."""
    for n, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
        if header and n == 0:
            trpr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


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
