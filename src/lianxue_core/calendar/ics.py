"""RFC 5545 content lines, written by hand: escaping, folding, dates.

lianxue writes its feeds directly as text (many times faster than building icalendar objects);
:mod:`lianxue_core.calendar.feeds` uses these helpers, and the test suite checks the output with
icalendar, ical and vobject. Every line ends with CRLF and is folded at 75 octets without splitting a
UTF-8 character.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

__all__ = [
    "escape_text",
    "fold",
    "format_date",
    "format_local",
    "format_utc",
    "line",
    "text_line",
    "text_list",
    "unescape_text",
    "unfold",
]

#: Control characters RFC 5545 does not allow in a TEXT value (every C0 control but HTAB, and DEL);
#: line breaks are turned into ``\n`` before this applies.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_SPECIAL = re.compile(r"[\\;,\n\r\x00-\x08\x0b-\x1f\x7f]")
_FOLD = re.compile("\r\n[ \t]")


def escape_text(value: str) -> str:
    r"""Escape a TEXT value (RFC 5545 §3.3.11).

    Backslash, semicolon and comma get a backslash; a line break (``\n``, ``\r\n`` or a lone ``\r``)
    becomes ``\n``; the other control characters but TAB, which a TEXT value must not hold, are left
    out. A literal backslash followed by ``N`` is written ``\\N`` and reads back as written (icalendar's
    own writer turns it into a line break).
    """
    if _SPECIAL.search(value) is None:
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROLS.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(content: str) -> str:
    """Fold one content line into physical lines of at most 75 octets, each ended by CRLF.

    A fold never splits a UTF-8 sequence; each continuation line starts with one space.
    """
    if len(content) <= 25 or (len(content) <= 75 and content.isascii()):
        return content + "\r\n"  # 25 characters are at most 75 octets
    data = content.encode("utf-8")
    if len(data) <= 75:
        return content + "\r\n"
    out: list[str] = []
    limit = 75
    start = 0
    size = len(data)
    while start < size:
        end = start + limit
        if end >= size:
            end = size
        else:
            while (data[end] & 0xC0) == 0x80:  # never split a UTF-8 sequence
                end -= 1
        out.append(data[start:end].decode("utf-8"))
        start = end
        limit = 74  # continuation lines start with a space
    return "\r\n ".join(out) + "\r\n"


def unfold(text: str) -> str:
    """Undo :func:`fold` (and any other folding: CRLF followed by a space or a tab)."""
    return _FOLD.sub("", text)


def text_line(name: str, value: str) -> str:
    """One folded content line of a TEXT property, ``value`` escaped."""
    return fold(f"{name}:{escape_text(value)}")


def line(name: str, value: str, params: Sequence[tuple[str, str]] = ()) -> str:
    """One folded content line ``NAME;P=V:value``; ``value`` must already be escaped where it is TEXT."""
    if params:
        name += "".join(f";{k}={v}" for k, v in params)
    return fold(f"{name}:{value}")


def text_list(values: Iterable[str]) -> str:
    """A comma-separated list of TEXT values (CATEGORIES)."""
    return ",".join(escape_text(v) for v in values)


@lru_cache(maxsize=1024)
def format_date(day: dt.date) -> str:
    """A DATE value: ``20260701``."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def format_local(moment: dt.datetime) -> str:
    """A local DATE-TIME value without zone (used with a TZID parameter): ``20260701T143000``."""
    m = moment
    return "%04d%02d%02dT%02d%02d%02d" % (m.year, m.month, m.day, m.hour, m.minute, m.second)  # noqa: UP031 (fastest)


def format_utc(moment: dt.datetime) -> str:
    """A UTC DATE-TIME value: ``20260701T063000Z`` (a naive ``moment`` is taken as UTC)."""
    utc = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return format_local(utc) + "Z"


_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


def unescape_text(value: str) -> str:
    r"""Undo :func:`escape_text`: ``\n`` and ``\N`` become a line break, ``\x`` becomes ``x``."""
    if "\\" not in value:
        return value
    return _UNESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
