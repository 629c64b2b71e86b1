"""The extent of a legacy .xls workbook, measured before a reader expands it.

A .xls file is an OLE compound file whose ``Workbook`` stream is a sequence of BIFF records. Each cell record
starts with its row and column; each sheet may declare its extent in a ``DIMENSIONS`` record. A reader fills in the
whole area from the first cell to the last, so two cells far apart in a tiny file make an enormous sheet: this module
reads the records (never the cells' values) and reports the area of each sheet.
"""

from __future__ import annotations

import io
import struct

import olefile  # type: ignore[import-untyped]  # no stubs; used for two calls

__all__ = ["measure"]

_BOF = 0x0809
_DIMENSIONS = 0x0200
# Cell records that hold a value (BIFF8): FORMULA, LABELSST, NUMBER, RK, BOOLERR, LABEL, RSTRING.
_CELLS = frozenset({0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x00D6})
_MULRK = 0x00BD


def measure(data: bytes) -> list[tuple[int, int]] | None:
    """The area (rows, columns) of each sheet of the .xls workbook ``data``: the larger of its declared
    ``DIMENSIONS`` and its last cell with a value. ``None`` when ``data`` is not an OLE file with a workbook
    stream (the reader then says it is not a spreadsheet)."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))  # a file object: olefile reads short bytes as a file name
    except Exception:  # olefile raises several types for files it cannot parse
        return None
    try:
        stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
        if stream is None:
            return None
        book = ole.openstream(stream).read()
    except Exception:
        return None
    finally:
        ole.close()
    return _areas(book)


def _areas(book: bytes) -> list[tuple[int, int]]:
    areas: list[tuple[int, int]] = []
    rows = columns = 0
    pos, end = 0, len(book)
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", book, pos)
        body = book[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if kind == _BOF:
            if rows or columns:
                areas.append((rows, columns))
            rows = columns = 0
        elif kind == _DIMENSIONS and len(body) >= 12:
            last_row, first_col, last_col = struct.unpack_from("<I", body, 4)[0], *struct.unpack_from("<HH", body, 8)
            rows, columns = max(rows, last_row), max(columns, last_col if last_col > first_col else 0)
        elif kind in _CELLS and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body, 0)
            rows, columns = max(rows, row + 1), max(columns, col + 1)
        elif kind == _MULRK and len(body) >= 6:
            row = struct.unpack_from("<H", body, 0)[0]
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, last + 1)
    if rows or columns:
        areas.append((rows, columns))
    return areas
