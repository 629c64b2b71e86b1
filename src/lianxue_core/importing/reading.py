"""Files to rows: .xlsx, .xls and .ods through python-calamine, CSV through :mod:`csv`.

A :class:`Sheet` holds the cells of one worksheet exactly as the reader returns them, row 0 being
the spreadsheet's row 1, so that every problem can name the row and column a person sees. Which
reader to use is decided from the file's first bytes, not its name: a workbook saved as ``.csv``
or a CSV file named ``.xls`` is still read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import attrs
import python_calamine

from .. import limits
from ..errors import InputError, Problem
from ..i18n import N_, _
from ..limits import read_limited
from ..textsafe import for_terminal
from .legacy import measure as _measure_xls

__all__ = ["Sheet", "Value", "column_letter", "decode_text", "read_sheets"]

#: What a cell holds: calamine's types, or strings for CSV. An empty cell is ``""``.
Value = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta

_ZIP = b"PK\x03\x04"  # .xlsx, .ods
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other old Office files)
_TEXT_ENCODINGS = ("utf-8", "gb18030")

MergedRange = tuple[tuple[int, int], tuple[int, int]]


@attrs.frozen
class Sheet:
    """One worksheet (or a CSV file) as rows of cells.

    Args:
        file: The file as the user named it.
        name: The worksheet's name, or ``None`` for a CSV file.
        rows: The cells; ``rows[i][j]`` is row ``i + 1``, column ``column_letter(j)``.
        merged: Merged cell ranges as ``((first_row, first_col), (last_row, last_col))``, 0-based.
    """

    file: str
    name: str | None
    rows: tuple[tuple[Value, ...], ...]
    merged: tuple[MergedRange, ...] = ()

    def where(self, row: int | Sequence[int], column: int | None = None, heading: str | None = None) -> str:
        """``sheet "党组织", row 5, column C (组织类别)``: a place a person can find; rows are 1-based."""
        where = "" if self.name is None else _('sheet "{name}"').format(name=self.name)
        rows = [row] if isinstance(row, int) else row
        part = (_("row {row}") if len(rows) == 1 else _("rows {rows}")).format(row=_ranges(rows), rows=_ranges(rows))
        where = _("{place}, {part}").format(place=where, part=part) if where else part
        if column is not None:
            part = (_("column {column} ({heading})") if heading else _("column {column}")).format(
                column=column_letter(column), heading=heading
            )
            where = _("{place}, {part}").format(place=where, part=part)
        return where

    def cell(self, row: int, column: int) -> Value:
        """The value at 0-based ``row`` and ``column``, ``""`` outside the data."""
        if row < len(self.rows) and column < len(self.rows[row]):
            return self.rows[row][column]
        return ""


def column_letter(index: int) -> str:
    """The spreadsheet name of 0-based column ``index``: 0 → ``A``, 27 → ``AB``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _ranges(numbers: Sequence[int]) -> str:
    """``2-4, 7``: sorted numbers with runs folded."""
    out: list[str] = []
    values = sorted(set(numbers))
    start = prev = values[0]
    for n in [*values[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)


def read_sheets(path: Path, display: str | None = None) -> list[Sheet]:
    """Read every visible worksheet of a workbook, or the one table of a CSV file.

    Args:
        path: The file.
        display: The name to use in problems (default: ``str(path)``).

    Raises:
        InputError: The file cannot be read, is not a spreadsheet, or is text in an unknown encoding.
    """
    name = for_terminal(display or str(path))
    limit = limits.current()
    data = read_limited(path, limit.roster_bytes, what=N_("the spreadsheet"), field="roster_bytes", display=name)
    if data.startswith(_ZIP):
        check_workbook(data, name, limit)
        return _checked(_read_workbook(data, name), limit)
    if data.startswith(_OLE):
        check_legacy(data, name, limit)
        return _checked(_read_workbook(data, name), limit)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError([Problem(name, _(_NOT_A_SPREADSHEET))])
    text = decode_text(data, name)
    del data
    return _checked([_read_csv(text, name, limit)], limit)


_NOT_A_SPREADSHEET = N_("not a spreadsheet: save it as .xlsx, .xls, .ods or .csv")


def _read_workbook(data: bytes, name: str) -> list[Sheet]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise InputError(
            [Problem(name, _("the workbook is protected by a password; save a copy without one"))]
        ) from None
    except Exception:  # calamine raises several unrelated types for files it cannot parse
        raise InputError([Problem(name, _(_NOT_A_SPREADSHEET))]) from None
    sheets: list[Sheet] = []
    with book:
        for meta in book.sheets_metadata:
            if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                continue  # hidden sheets hold code lists for drop-downs, not data
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                rows = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except Exception:
                raise InputError(
                    [Problem(name, _("cannot read this sheet"), _('sheet "{name}"').format(name=meta.name))]
                ) from None
            sheets.append(Sheet(name, meta.name, tuple(tuple(r) for r in rows), tuple(merged)))
    return sheets


def decode_text(data: bytes, name: str) -> str:
    """Decode CSV bytes: UTF-8 or UTF-16 with a byte-order mark, else UTF-8, else GB18030 (GBK).

    Raises:
        InputError: None of these encodings fits.
    """
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = _TEXT_ENCODINGS
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(name, _("the text is neither UTF-8 nor GB18030 (GBK); save it as UTF-8 CSV"))])


def _read_csv(text: str, name: str, limit: limits.Limits) -> Sheet:
    head = text[: 1 << 20].splitlines()[
        :20
    ]  # the first 20 lines of the first MiB: a file of one huge line is not split
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in head))
    rows: list[tuple[str, ...]] = []
    previous = csv.field_size_limit(limit.cell_chars + 1)  # a longer field is an error, not a huge string
    try:
        for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= limit.rows:
                raise InputError([_too_many_rows(name, None, limit)])
            if len(r) > limit.columns:
                raise InputError([_too_many_columns(name, None, len(r), limit)])
            rows.append(tuple(r))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError([_too_long_cell(name, None, limit)]) from None
        raise InputError([Problem(name, _("not a readable CSV file ({error})").format(error=exc))]) from None
    finally:
        csv.field_size_limit(previous)
    return Sheet(name, None, tuple(rows))


# -- limits ---------------------------------------------------------------------------------------------

# A tag that ends right after its name: <c r="A1">, <x:c>, <row r="2"/>; not <c:chart> (a chart) or <col>.
_SHEET_PART = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|dimension)(?=[\s/>])([^>]*)>")
_REF_ATTR = re.compile(rb'\br\s*=\s*["\']([A-Za-z]*)([0-9]*)["\']')
_DIMENSION = re.compile(rb'\bref\s*=\s*["\']\$?([A-Za-z]*)\$?([0-9]*)(?::\$?([A-Za-z]*)\$?([0-9]*))?["\']')
_CHUNK = 1 << 20
_MAX_PARTS = 10_000  # parts of one workbook; a real one has a few dozen


def _where(sheet: str | None) -> str | None:
    return None if sheet is None else _('sheet "{name}"').format(name=for_terminal(sheet))


def _too_many_rows(name: str, sheet: str | None, limit: limits.Limits) -> Problem:
    return Problem(
        name,
        _("more than {limit} rows; set {variable} to read more").format(
            limit=limit.rows, variable=limits.env_name("rows")
        ),
        _where(sheet),
    )


def _too_many_columns(name: str, sheet: str | None, n: int, limit: limits.Limits) -> Problem:
    return Problem(
        name,
        _("{n} columns: more than {limit}; set {variable} to read more").format(
            n=n, limit=limit.columns, variable=limits.env_name("columns")
        ),
        _where(sheet),
    )


def _too_long_cell(name: str, sheet: str | None, limit: limits.Limits) -> Problem:
    return Problem(
        name,
        _("a cell holds more than {limit} characters; set {variable} to read longer ones").format(
            limit=limit.cell_chars, variable=limits.env_name("cell_chars")
        ),
        _where(sheet),
    )


def _area_problem(
    name: str, part: str, rows: int, columns: int, limit: limits.Limits, sheet: int | None = None
) -> Problem | None:
    """Why a sheet of ``rows`` × ``columns`` (the area a reader fills in) is refused, or ``None``; the sheet is
    named by its ``part`` in the workbook, or by its number ``sheet`` (a legacy .xls workbook)."""
    if rows > limit.rows:
        return Problem(
            name,
            _("has cells down to row {rows}: more than {limit} rows; set {variable} to read more").format(
                rows=rows, limit=limit.rows, variable=limits.env_name("rows")
            ),
            _part(part, sheet),
        )
    if columns > limit.columns:
        return Problem(
            name,
            _("has cells out to column {column} ({n} columns): more than {limit}; set {variable} to read more").format(
                column=column_letter(columns - 1), n=columns, limit=limit.columns, variable=limits.env_name("columns")
            ),
            _part(part, sheet),
        )
    if rows * columns > limit.cells:
        return Problem(
            name,
            _("spans {rows} rows × {columns} columns: more than {limit} cells; set {variable} to read more").format(
                rows=rows, columns=columns, limit=limit.cells, variable=limits.env_name("cells")
            ),
            _part(part, sheet),
        )
    return None


def _part(part: str, sheet: int | None = None) -> str:
    """How a problem names a part of a workbook (``part xl/worksheets/sheet1.xml``), or a legacy sheet by number."""
    if sheet is not None:
        return _("sheet #{n}").format(n=sheet)
    return _("part {part}").format(part=for_terminal(part))


def _column_number(letters: bytes) -> int:
    """``A`` → 1, ``XFD`` → 16384 (0 for no letters)."""
    n = 0
    for ch in letters.upper()[:8]:
        n = n * 26 + ch - 64
    return n


def check_workbook(data: bytes, name: str, limit: limits.Limits) -> None:
    """Refuse an .xlsx or .ods workbook that would expand past the limits, before any reader opens it.

    From the zip's directory: how many parts it has and how large they are uncompressed. Then each XML part is
    decompressed in pieces (never whole) and its cells are measured: the ``<dimension ref>`` a sheet declares and
    the row and column of every cell with content (``<c r="XFD1048576">``, also where positions are implied), and an
    OpenDocument sheet's repeated rows and columns. A sheet whose area (rows × columns, what a spreadsheet reader
    allocates) is past a limit is refused.

    Raises:
        InputError: One problem naming the file and the limit.
    """
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        parts = book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InputError([Problem(name, _(_NOT_A_SPREADSHEET))]) from None
    if len(parts) > _MAX_PARTS:
        raise InputError(
            [
                Problem(
                    name,
                    _("the workbook has {n} parts; a spreadsheet has at most {most}").format(
                        n=len(parts), most=_MAX_PARTS
                    ),
                )
            ]
        )
    declared = sum(p.file_size for p in parts)
    if declared > limit.roster_expanded_bytes:
        raise InputError(
            [
                Problem(
                    name,
                    _(
                        "the workbook expands to {size}, more than the limit of {limit}; "
                        "set {variable} to read a larger one"
                    ).format(
                        size=limits.size_text(declared),
                        limit=limits.size_text(limit.roster_expanded_bytes),
                        variable=limits.env_name("roster_expanded_bytes"),
                    ),
                )
            ]
        )
    xml = [p for p in parts if p.filename.lower().endswith(".xml")]
    text = _Text(limit)
    for part in sorted(xml, key=lambda p: "sharedstrings" not in p.filename.lower()):  # shared strings first
        lower = part.filename.lower()
        try:
            with book.open(part) as stream:
                if lower.endswith("content.xml"):
                    problem = _measure_ods(stream, name, part.filename, limit, text)
                elif "sharedstrings" in lower:
                    problem = _measure_shared(stream, name, part.filename, limit, text)
                else:
                    problem = _measure_sheet(stream, name, part.filename, limit, text)
            if problem is _IMPLIED:
                with book.open(part) as stream:
                    problem = _measure_implied(stream, name, part.filename, limit)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError):
            # a part whose sizes or checksum do not match its directory entry, or an unknown compression
            raise InputError([Problem(name, _(_NOT_A_SPREADSHEET))]) from None
        if problem is not None:
            raise InputError([problem])


def _pieces(stream: IO[bytes]) -> Iterator[bytes]:
    """The stream in pieces that end at a ``>``, so that no tag is cut in two."""
    rest = b""
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            if rest:
                yield rest
            return
        chunk = rest + chunk
        cut = chunk.rfind(b">") + 1
        if cut == 0 and len(chunk) > 16 * _CHUNK:  # no tag end in 16 MiB: text, not tags; measure it anyway
            cut = len(chunk)
        rest = chunk[cut:]
        yield chunk[:cut]


class _Text:
    """The text a reader will build for a workbook's cells, counted before it is read: a shared string is stored
    once but becomes a string of its own in every cell that shows it, and an OpenDocument cell repeated a thousand
    times is a thousand strings."""

    def __init__(self, limit: limits.Limits) -> None:
        self.limit = limit
        self.total = 0
        self.shared: list[int] = []  # the size in the file of each shared string

    def add(self, size: int, name: str, part: str) -> Problem | None:
        self.total += size
        if self.total <= self.limit.roster_text_bytes:
            return None
        return Problem(
            name,
            _(
                "its cells hold more than {limit} of text once expanded "
                "(a shared or repeated text counts in every cell that shows it); "
                "set {variable} to read more"
            ).format(
                limit=limits.size_text(self.limit.roster_text_bytes), variable=limits.env_name("roster_text_bytes")
            ),
            _part(part),
        )

    def too_long(self, size: int, name: str, part: str) -> Problem | None:
        """A cell whose text takes ``size`` bytes in the file cannot hold at most ``cell_chars`` characters
        (8 bytes a character leave room for markup and rich-text runs)."""
        if size <= 8 * self.limit.cell_chars:
            return None
        problem = _too_long_cell(name, None, self.limit)
        return Problem(problem.file, problem.message, _part(part))


_SHARED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si(?=[\s>])|</(?:[A-Za-z_][\w.-]*:)?si>")
_SHARED_CELL = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\bt\s*=\s*["\']s["\'][^>]*>\s*<(?:[A-Za-z_][\w.-]*:)?v>\s*([0-9]{1,12})'
)


def _measure_shared(stream: IO[bytes], name: str, part: str, limit: limits.Limits, text: _Text) -> Problem | None:
    """The size of each shared string (``<si>...</si>``), and no string longer than a cell may be."""
    base = 0
    start: int | None = None
    for piece in _pieces(stream):
        for m in _SHARED.finditer(piece):
            if m.group(0).startswith(b"</"):
                if start is not None:
                    size = base + m.end() - start
                    text.shared.append(size)
                    problem = text.too_long(size, name, part)
                    if problem is not None:
                        return problem
                start = None
            else:
                start = base + m.start()
        base += len(piece)
        if start is not None:
            problem = text.too_long(base - start, name, part)  # an unfinished string already too long
            if problem is not None:
                return problem
    return None


# Patterns for the usual, unprefixed markup, each starting with a literal so that the regular expression engine
# scans quickly; a part whose elements carry a namespace prefix (<x:c>) is measured by the slow pass.
_CELL_WITH_REF = re.compile(rb"<c [^>]*?\br=[\"']")
# Every r="XFD1048576" in a tag that is not self-closing (an empty formatted cell is not read): its letters, its
# digits. A lookahead, so that an r= hidden in another attribute's value cannot hide the real one after it.
_REF_COLUMN = re.compile(rb' r=["\']([A-Za-z]{1,8})[0-9]{1,10}["\'](?=[^>]*(?<!/)>)')
_REF_ROW = re.compile(rb' r=["\'][A-Za-z]{1,8}([0-9]{1,10})["\'](?=[^>]*(?<!/)>)')
_SHARED_REF = re.compile(rb'<c [^>]*?\bt=["\']s["\'][^>]*><v>([0-9]{1,12})</v>')
_DIMENSION_TAG = re.compile(rb"<dimension ([^>]*)>")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:worksheet|sheetData|row|c)[\s/>]")


def _long_run(piece: bytes, at_least: int) -> int:
    """The length of a run of text (no ``<``) of ``at_least`` bytes or more in ``piece``, else 0: windows of half
    that length are probed for a ``<`` (a run that long fills at least one of them), so the cost is a few memchr
    calls a piece, whatever the piece holds."""
    half = max(at_least // 2, 1)
    for k in range(0, len(piece), half):
        if piece.find(b"<", k, k + half) < 0:
            begin = piece.rfind(b"<", 0, k) + 1
            end = piece.find(b"<", k)
            end = len(piece) if end < 0 else end
            if end - begin >= at_least:
                return end - begin
    return 0


def _measure_sheet(
    stream: IO[bytes], name: str, part: str, limit: limits.Limits, text: _Text | None = None
) -> Problem | None:
    """The rows and columns a worksheet part reaches, from its cells' positions and its declared dimension; the
    text its shared-string cells will hold; no run of text longer than a cell may be. Cells whose position is
    implied (no ``r``) or markup with namespace prefixes are measured in a second, slower pass
    (:func:`_measure_implied`); the files spreadsheet programs write need only this one."""
    text = text or _Text(limit)
    rows = columns = 0
    slow = False
    shared = text.shared
    first = True
    for piece in _pieces(stream):
        if first:
            slow = _PREFIXED.search(piece) is not None
            first = False
        if shared:
            found = [int(i) for i in _SHARED_REF.findall(piece)]
            problem = text.add(sum(shared[i] for i in found if i < len(shared)), name, part)
            if problem is not None:
                return problem
        longest = _long_run(piece, 8 * limit.cell_chars + 1)
        if longest and (problem := text.too_long(longest, name, part)) is not None:
            return problem
        for attrs_ in _DIMENSION_TAG.findall(piece):
            d = _DIMENSION.search(attrs_)
            if d is not None:
                last_col, last_row = (d.group(3), d.group(4)) if d.group(3) is not None else d.group(1, 2)
                problem = _area_problem(name, part, int(last_row or 0), _column_number(last_col or b""), limit)
                if problem is not None:
                    return problem
        cells = piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/>")
        if not slow and cells != piece.count(b"<c r=") and cells != len(_CELL_WITH_REF.findall(piece)):
            slow = True  # a cell without its position
        letters = set(_REF_COLUMN.findall(piece))
        numbers = set(_REF_ROW.findall(piece))
        if letters:
            columns = max(columns, max(_column_number(c) for c in letters))
        if numbers:
            rows = max(rows, max(int(n) for n in numbers))
        if letters or numbers:
            problem = _area_problem(name, part, rows, columns, limit)
            if problem is not None:
                return problem
    return _IMPLIED if slow else None


#: What :func:`_measure_sheet` returns for a part with cells whose position is implied: measure it again, slowly.
_IMPLIED = Problem("", "")


def _measure_implied(stream: IO[bytes], name: str, part: str, limit: limits.Limits) -> Problem | None:
    """The rows and columns a worksheet part reaches, following every row and cell in order (positions implied
    by the one before)."""
    rows = columns = 0
    row = column = 0
    for piece in _pieces(stream):
        for m in _SHEET_PART.finditer(piece):
            tag, attrs_ = m.group(1), m.group(2)
            if tag == b"dimension":
                continue
            ref = _REF_ATTR.search(attrs_)
            if tag == b"row":
                row = int(ref.group(2)) if ref is not None and ref.group(2) else row + 1
                column = 0
                continue
            if ref is not None and ref.group(1):
                column = _column_number(ref.group(1))
                if ref.group(2):
                    row = int(ref.group(2))
            else:
                column += 1
            if attrs_.endswith(b"/"):
                continue  # an empty cell (formatting only) is not read
            if row > rows or column > columns:
                rows, columns = max(rows, row), max(columns, column)
                problem = _area_problem(name, part, rows, columns, limit)
                if problem is not None:
                    return problem
    return None


_ODS_PART = re.compile(
    rb"<table:table-row\b([^>]*)>|</table:table-row>|<table:(?:covered-)?table-cell\b([^>]*)>"
    rb"|</table:(?:covered-)?table-cell>|<table:table\b"
)
_ROWS_REPEATED = re.compile(rb'number-rows-repeated\s*=\s*["\']([0-9]+)')
_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated\s*=\s*["\']([0-9]+)')


def _measure_ods(
    stream: IO[bytes], name: str, part: str, limit: limits.Limits, text: _Text | None = None
) -> Problem | None:
    """The rows and columns an OpenDocument sheet reaches, repeated rows and cells included, and the text its cells
    will hold (a repeated cell's text once per repetition). Cells that hold nothing (the filler a spreadsheet
    program writes out to the sheet's end) do not extend the area."""
    text = text or _Text(limit)
    rows = columns = 0  # the area reached in the current sheet
    at = 0  # rows passed in the current sheet
    repeat = width = filled = 0
    in_row = False
    base = 0
    cell_start: int | None = None
    cell_times = 1

    def end_row() -> Problem | None:
        nonlocal rows, columns, at, in_row
        at += repeat
        in_row = False
        if filled:
            rows, columns = at, max(columns, filled)
            return _area_problem(name, part, rows, columns, limit)
        return None

    for piece in _pieces(stream):
        for m in _ODS_PART.finditer(piece):
            tag = m.group(0)
            if tag == b"</table:table-cell>":
                if cell_start is not None:
                    size = base + m.end() - cell_start
                    problem = text.too_long(size, name, part) or text.add(size * cell_times * repeat, name, part)
                    if problem is not None:
                        return problem
                cell_start = None
            elif tag.startswith(b"<table:table-row"):
                found = _ROWS_REPEATED.search(m.group(1))
                repeat, width, filled, in_row = int(found.group(1)) if found else 1, 0, 0, True
                if m.group(1).endswith(b"/"):
                    problem = end_row()
                    if problem is not None:
                        return problem
            elif tag == b"</table:table-row>":
                problem = end_row() if in_row else None
                if problem is not None:
                    return problem
            elif tag.startswith((b"<table:table-cell", b"<table:covered-table-cell")):
                cell = m.group(2)
                found = _COLUMNS_REPEATED.search(cell)
                times = int(found.group(1)) if found else 1
                width += times
                if not cell.endswith(b"/") or b"value-type" in cell:
                    filled = width
                if not cell.endswith(b"/"):
                    cell_start, cell_times = base + m.start(), times
            else:  # a new sheet
                rows = columns = at = 0
        base += len(piece)
    return None


def check_legacy(data: bytes, name: str, limit: limits.Limits) -> None:
    """Refuse a legacy .xls workbook whose cells reach past the limits, before the reader expands it (its
    records are read for the rows and columns they reach: :mod:`.legacy`)."""
    areas = _measure_xls(data)
    if areas is None:
        raise InputError([Problem(name, _(_NOT_A_SPREADSHEET))])
    for n, (rows, columns) in enumerate(areas, start=1):
        problem = _area_problem(name, "", rows, columns, limit, sheet=n)
        if problem is not None:
            raise InputError([problem])


def _checked(sheets: list[Sheet], limit: limits.Limits) -> list[Sheet]:
    """The sheets, after the limits that only the read cells can show: rows and cell length."""
    for sheet in sheets:
        if len(sheet.rows) > limit.rows:
            raise InputError([_too_many_rows(sheet.file, sheet.name, limit)])
        for row in sheet.rows:
            for value in row:
                if isinstance(value, str) and len(value) > limit.cell_chars:
                    raise InputError([_too_long_cell(sheet.file, sheet.name, limit)])
    return sheets
