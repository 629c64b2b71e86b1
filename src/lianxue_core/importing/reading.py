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
from collections.abc import Sequence
from pathlib import Path

import attrs
import python_calamine

from ..errors import InputError, Problem

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
        parts = [] if self.name is None else [f'sheet "{self.name}"']
        if isinstance(row, int):
            parts.append(f"row {row}")
        else:
            parts.append(f"row {_ranges(row)}" if len(row) == 1 else f"rows {_ranges(row)}")
        if column is not None:
            parts.append(f"column {column_letter(column)}" + (f" ({heading})" if heading else ""))
        return ", ".join(parts)

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
    name = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read the file: {exc.strerror or exc}")]) from None
    if data.startswith((_ZIP, _OLE)):
        return _read_workbook(data, name)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError([Problem(name, _NOT_A_SPREADSHEET)])
    return [_read_csv(decode_text(data, name), name)]


_NOT_A_SPREADSHEET = "not a spreadsheet: save it as .xlsx, .xls, .ods or .csv"


def _read_workbook(data: bytes, name: str) -> list[Sheet]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise InputError([Problem(name, "the workbook is protected by a password; save a copy without one")]) from None
    except Exception:  # calamine raises several unrelated types for files it cannot parse
        raise InputError([Problem(name, _NOT_A_SPREADSHEET)]) from None
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
                raise InputError([Problem(name, "cannot read this sheet", f'sheet "{meta.name}"')]) from None
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
    raise InputError([Problem(name, "the text is neither UTF-8 nor GB18030 (GBK); save it as UTF-8 CSV")])


def _read_csv(text: str, name: str) -> Sheet:
    lines = text.splitlines()[:20]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in lines))
    try:
        rows = tuple(tuple(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError([Problem(name, f"not a readable CSV file ({exc})")]) from None
    return Sheet(name, None, rows)
