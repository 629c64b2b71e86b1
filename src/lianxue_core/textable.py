"""Plain-text tables that line up with Chinese text (wide characters count as two columns), narrowed to fit
a terminal when asked."""

from __future__ import annotations

import functools
import shutil
import unicodedata
from collections.abc import Sequence
from typing import TextIO

from .textsafe import for_terminal

__all__ = ["clip", "render_table", "terminal_width", "width"]

#: The narrowest a column is made to fit a terminal (its header stays whole).
MIN_COLUMN = 6
_ELLIPSIS = "…"


@functools.lru_cache(maxsize=1 << 16)
def width(text: str) -> int:
    """The number of terminal columns ``text`` takes (cached: a plan's table repeats its titles and names)."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")


def clip(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` terminal columns, ending in "…" when cut."""
    if width(text) <= columns:
        return text
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > columns - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + _ELLIPSIS


def terminal_width(out: TextIO) -> int | None:
    """The width of the terminal ``out`` writes to, or ``None`` when it is not a terminal (a pipe, a file:
    tables are then written whole)."""
    try:
        if not out.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size().columns


def _pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], max_width: int | None = None) -> str:
    """Render ``rows`` under ``headers`` as aligned columns separated by two spaces.

    Control characters in cells are shown escaped. With ``max_width`` (a terminal's width), the widest columns
    are narrowed, their cells cut with "…", until a line fits, as far as :data:`MIN_COLUMN` and the headers
    allow.
    """
    # names come from files: a control character (ESC, BEL, a line break) is shown, never obeyed
    headers = [for_terminal(h) for h in headers]
    rows = [[for_terminal(c) for c in row] for row in rows]
    widths = [width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], width(cell))
    if max_width is not None:
        floor = [max(width(h), MIN_COLUMN) for h in headers]
        while sum(widths) + 2 * (len(widths) - 1) > max_width:
            wide = max(range(len(widths)), key=lambda i: (widths[i] - floor[i], -i))
            if widths[wide] <= floor[wide]:
                break
            widths[wide] -= 1
        rows = [[clip(c, w) for c, w in zip(row, widths, strict=True)] for row in rows]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows)
    return "\n".join(lines) + "\n"
