"""Cell values as the exports write them: code-and-label cells, dates in four guises, yes/no.

Each parser takes one cell and returns a clean value, ``None`` for an empty cell, or raises
:class:`ValueError` with a message that does not repeat the cell's content (it may be personal).
"""

from __future__ import annotations

import datetime as dt
import math
import re

from ..i18n import _
from .reading import Value

__all__ = ["is_empty", "parse_bool", "parse_count", "parse_date", "split_code", "text"]

_SPACES = re.compile(r"\s+")
_CODE_LABEL = re.compile(
    r"^[\[【(（]?(?P<code>[0-9A-Za-z]{1,6})[\]】)）]?(?:\s*[-_:：.、|/]\s*|\s+|(?=[^\x00-\x7f]))(?P<label>.+)$"
)
_CODE_ONLY = re.compile(r"^[0-9]{1,6}$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", "不是"}


def is_empty(value: Value) -> bool:
    """Whether the cell holds nothing but spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Value) -> str:
    """The cell as one line of text: spaces at the ends dropped, inner runs of spaces and line
    breaks folded to one space, whole floats written without ``.0``."""
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _SPACES.sub(" ", str(value)).strip()


def split_code(value: Value) -> tuple[str | None, str]:
    """Split a code-and-label cell: ``"631 党支部"`` → ``("631", "党支部")``, ``"[01]汉族"`` →
    ``("01", "汉族")``, ``"党支部"`` → ``(None, "党支部")``, ``631`` → ``("631", "")``."""
    s = text(value)
    if _CODE_ONLY.match(s):
        return s, ""
    m = _CODE_LABEL.match(s)
    if m and any(ch.isdigit() for ch in m["code"]) and not m["label"][0].isdigit():
        return m["code"], m["label"].strip()
    return None, s


def parse_date(value: Value) -> dt.date | None:
    """A date from a date cell, an Excel serial number, or text such as ``1950-03-12``,
    ``1950/3/12``, ``1950.03.12``, ``1950年3月12日``, ``19500312`` or ``1950-03`` (the 1st).

    Raises:
        ValueError: Anything else.
    """
    if isinstance(value, bool):
        raise ValueError(_("is not a date"))
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        if math.isfinite(value) and 19000101 <= value <= 21001231 and float(value).is_integer():
            return _compact(str(int(value)))  # 19500312 typed as a number
        if not math.isfinite(value) or not 1 <= value < 2958466:  # 1900-01-01 .. 9999-12-31
            raise ValueError(_("is a number that is not a date"))
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    s = text(value)
    if not s:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", s):  # a serial number that became text in a CSV file
        return parse_date(float(s))
    m = _DATE_PARTS.match(s) or _COMPACT_DATE.match(s)
    if m is None:
        # A date and a time ("1950-03-12 00:00:00"): keep the date.
        head = s.split(" ")[0].split("T")[0]
        if head != s:
            return parse_date(head)
        raise ValueError(_("is not a date such as 1950-03-12"))
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        raise ValueError(_("is not a real date")) from None


def _compact(s: str) -> dt.date:
    try:
        return dt.date(int(s[:4]), int(s[4:6]), int(s[6:8]))
    except ValueError:
        raise ValueError(_("is not a real date")) from None


def parse_bool(value: Value) -> bool | None:
    """Yes or no: ``是``/``否``, ``Y``/``N``, ``1``/``0``, ``√``, true/false; ``None`` when empty.

    Raises:
        ValueError: Anything else.
    """
    if isinstance(value, bool):
        return value
    s = text(value).lower()
    if not s:
        return None
    code, label = split_code(s)
    for candidate in (s, label, code or ""):
        if candidate in _TRUE:
            return True
        if candidate in _FALSE:
            return False
    raise ValueError(_("is not 是 or 否"))


def parse_count(value: Value) -> int | None:
    """A whole number ≥ 0 (``12``, ``12.0``, ``"12"``, ``"12人"``, ``"12户"``); ``None`` when empty.

    Raises:
        ValueError: Anything else.
    """
    if isinstance(value, bool):
        raise ValueError(_("is not a whole number"))
    if isinstance(value, int | float):
        if not math.isfinite(value) or not float(value).is_integer() or value < 0:
            raise ValueError(_("is not a whole number of 0 or more"))
        return int(value)
    s = text(value).removesuffix("人").removesuffix("户").removesuffix("名").strip()
    if not s:
        return None
    if not re.fullmatch(r"\d+(\.0+)?", s):
        raise ValueError(_("is not a whole number of 0 or more"))
    return int(float(s))
