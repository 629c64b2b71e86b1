"""Limits on everything lianxue reads, so that no input can hang it or take all memory.

Every read is bounded: the size of each kind of file, the rows, columns and cells of a spreadsheet and how far its
parts expand, the characters in one cell, how deep JSON and TOML values nest and how many digits a number has. A
file past a limit is refused with one problem naming the file, the limit and the environment variable that raises
it (exit code 2). The defaults are far above any county's real files; ``docs/limits.md`` lists them.

Each limit is read from ``LIANXUE_MAX_<NAME>`` when set (``LIANXUE_MAX_ORGFILE_BYTES=200M``); sizes take a
``K``, ``M`` or ``G`` suffix (powers of 1024). :func:`current` returns the limits in force.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import InputError, Problem
from .i18n import N_, _, os_reason

__all__ = ["Limits", "current", "depth_of", "open_limited", "read_limited", "read_toml", "toml_syntax_problem"]

_KIB = 1024
_MIB = 1024 * _KIB
_GIB = 1024 * _MIB
_SIZE = re.compile(r"\s*(\d+)\s*([kmg]?)i?b?\s*", re.IGNORECASE)
_UNITS = {"": 1, "k": _KIB, "m": _MIB, "g": _GIB}


@attrs.frozen
class Limits:
    """The limits in force; each field is set from ``LIANXUE_MAX_<FIELD NAME IN CAPITALS>``.

    Args:
        orgfile_bytes: An organization file (TOML).
        records_bytes: One record file (CSV, JSON or iCalendar) of ``lianxue check``.
        records_ics_bytes: One iCalendar record file (its parser is slow: 4 MiB is about 30,000 events and a
            minute's work on a slow machine).
        holidays_bytes: A holiday override file (``--holidays``).
        mapping_bytes: A track mapping file (``lianxue import --mapping``).
        roster_bytes: One roster spreadsheet or CSV file of ``lianxue import``, as stored.
        roster_expanded_bytes: All parts of one .xlsx or .ods workbook, uncompressed, as its zip directory
            declares them; checked before the workbook is opened.
        roster_text_bytes: The text the cells of one .xlsx or .ods workbook hold once expanded: a shared string
            counts once for every cell that shows it, a repeated OpenDocument cell once for every repetition.
        rows: Rows of one worksheet, roster CSV or record file.
        columns: Columns of one worksheet (checked from its cells before it is expanded).
        cells: Rows × columns of one worksheet: the area a spreadsheet reader fills in.
        cell_chars: Characters in one cell or field (Excel's own maximum is 32,767).
        depth: How deep arrays and tables (JSON objects) may nest in a TOML or JSON file.
        number_digits: Digits of one number in a TOML or JSON file.
    """

    orgfile_bytes: int = 32 * _MIB
    records_bytes: int = 32 * _MIB
    records_ics_bytes: int = 4 * _MIB
    holidays_bytes: int = 1 * _MIB
    mapping_bytes: int = 1 * _MIB
    roster_bytes: int = 64 * _MIB
    roster_expanded_bytes: int = 512 * _MIB
    roster_text_bytes: int = 256 * _MIB
    rows: int = 1_000_000
    columns: int = 1_000
    cells: int = 5_000_000
    cell_chars: int = 32_767
    depth: int = 32
    number_digits: int = 100

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, each replaced by ``LIANXUE_MAX_<NAME>`` where set.

        Raises:
            InputError: A variable is set to something that is not a whole number of 1 or more.
        """
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        problems: list[Problem] = []
        for field in attrs.fields(cls):
            var = env_name(field.name)
            raw = env.get(var)
            if raw is None or not raw.strip():
                continue
            value = _parse(raw, sized=field.name.endswith("_bytes"))
            if value is None or value < 1:
                message = (
                    _("must be a whole number of 1 or more (a K, M or G suffix is allowed), not {raw!r}")
                    if field.name.endswith("_bytes")
                    else _("must be a whole number of 1 or more, not {raw!r}")
                )
                problems.append(Problem(var, message.format(raw=raw)))
            else:
                values[field.name] = value
        if problems:
            raise InputError(problems)
        return cls(**values)


def env_name(field: str) -> str:
    """The environment variable of a limit: ``orgfile_bytes`` → ``LIANXUE_MAX_ORGFILE_BYTES``."""
    return "LIANXUE_MAX_" + field.upper()


def _parse(raw: str, *, sized: bool) -> int | None:
    m = _SIZE.fullmatch(raw)
    if m is None or (m.group(2) and not sized):
        return None
    return int(m.group(1)) * _UNITS[m.group(2).lower()]


def current() -> Limits:
    """The limits in force now: the defaults with the environment's ``LIANXUE_MAX_*`` applied.

    Raises:
        InputError: A ``LIANXUE_MAX_*`` variable is not a whole number.
    """
    return Limits.from_env()


def size_text(n: int) -> str:
    """``64 MiB``, ``1.5 GiB``, ``900 bytes``: a size for a message."""
    for unit, size in (("GiB", _GIB), ("MiB", _MIB), ("KiB", _KIB)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return _("{n} bytes").format(n=n)


#: The kinds of file read within the limits, as the callers of :func:`read_limited` name them (``what``);
#: translated in the message.
KINDS_OF_FILE = (
    N_("the organization file"),
    N_("the record file"),
    N_("the holiday file"),
    N_("the mapping file"),
    N_("the spreadsheet"),
)


def too_big(file: str, what: str, field: str, limit: int) -> Problem:
    """The problem of a file past a size limit: names the file, the limit and how to raise it."""
    return Problem(
        file,
        _("{what} is larger than the limit of {limit}; set {variable} to read a larger one").format(
            what=_(what), limit=size_text(limit), variable=env_name(field)
        ),
    )


def read_limited(path: str | Path, limit: int, *, what: str, field: str, display: str | None = None) -> bytes:
    """The bytes of the file at ``path``, reading at most ``limit + 1`` of them: a larger file, a device such as
    ``/dev/zero`` or a pipe that never ends is refused without being read whole.

    Args:
        path: The file.
        limit: The most bytes the file may hold.
        what: The kind of file, for the message (``"the organization file"``).
        field: The :class:`Limits` field (names the environment variable in the message).
        display: The file's name in problems (default: ``str(path)``).

    Raises:
        InputError: The file cannot be read or is larger than ``limit``.
    """
    name = display or str(path)
    try:
        with open(path, "rb") as f:
            data = _read_bounded(f, os.fstat(f.fileno()), limit)
    except OSError as exc:
        reason = os_reason(exc)
        raise InputError([Problem(name, _("cannot read the file: {reason}").format(reason=reason))]) from None
    except MemoryError:  # a limit raised past the machine's memory
        raise InputError([too_big(name, what, field, limit)]) from None
    if data is None:
        raise InputError([too_big(name, what, field, limit)])
    return data


def _read_bounded(f: io.BufferedIOBase, info: os.stat_result, limit: int) -> bytes | None:
    """At most ``limit`` bytes of the open file ``f`` (``info``: its status), or ``None`` when it holds more."""
    regular = stat.S_ISREG(info.st_mode)
    if regular and info.st_size > limit:
        return None
    # a regular file: its size (and one byte more, should it grow); a device or a pipe: the limit and one
    data = f.read((min(info.st_size, limit) if regular else limit) + 1)
    if len(data) <= limit and regular and len(data) > info.st_size:
        data += f.read(limit + 1 - len(data))  # it grew while being read
    return None if len(data) > limit else data


class _Prefix(io.RawIOBase):
    """The first ``size`` bytes of an open file (what it held when its size was checked), nothing after; it can
    be read again from the start (``seek(0)``)."""

    def __init__(self, raw: io.FileIO, size: int) -> None:
        super().__init__()
        self._raw, self._size, self._left = raw, size, size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        at = offset if whence == io.SEEK_SET else self.tell() + offset if whence == io.SEEK_CUR else self._size + offset
        at = max(0, min(at, self._size))
        self._raw.seek(at)
        self._left = self._size - at
        return at

    def tell(self) -> int:
        return self._size - self._left

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        with memoryview(buffer) as view:
            got = self._raw.readinto(view[: self._left]) or 0
        self._left -= got
        return got

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_limited(
    path: str | Path, limit: int, *, what: str, field: str, display: str | None = None
) -> io.BufferedReader | io.BytesIO:
    """The file at ``path`` opened to be read as it is used (a county's record file is never held whole): a regular
    file no larger than ``limit``, read up to the size it had when opened; anything else (a device, a pipe) read
    into memory at once, as :func:`read_limited` reads it. Either can be read again from the start (``seek(0)``).

    Raises:
        InputError: The file cannot be read or is larger than ``limit``.
    """
    name = display or str(path)
    try:
        raw = io.FileIO(path, "r")
    except OSError as exc:
        raise InputError([Problem(name, _("cannot read the file: {reason}").format(reason=os_reason(exc)))]) from None
    try:
        info = os.fstat(raw.fileno())
        if stat.S_ISREG(info.st_mode):
            if info.st_size > limit:
                raise InputError([too_big(name, what, field, limit)])
            return io.BufferedReader(_Prefix(raw, info.st_size), 1 << 16)
        with io.BufferedReader(raw) as f:  # a pipe is read from this opening: it may not be opened twice
            data = _read_bounded(f, info, limit)
    except OSError as exc:
        raw.close()
        raise InputError([Problem(name, _("cannot read the file: {reason}").format(reason=os_reason(exc)))]) from None
    except MemoryError:
        raw.close()
        raise InputError([too_big(name, what, field, limit)]) from None
    except BaseException:
        raw.close()
        raise
    if data is None:
        raise InputError([too_big(name, what, field, limit)])
    return io.BytesIO(data)


def depth_of(value: object, stop: int) -> int:
    """How deep lists and dicts nest in ``value`` (a scalar is 0, ``[1]`` is 1), counted without recursion and
    stopping at ``stop + 1``: enough to tell whether a limit is passed."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list | tuple):
            children = list(item)
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > stop:
            return deepest
        stack.extend((child, level) for child in children)
    return deepest


def too_deep(file: str, limit: int) -> Problem:
    """The problem of values nested past :attr:`Limits.depth`."""
    return Problem(
        file,
        _("values are nested more than {limit} levels deep; set {variable} to read deeper nesting").format(
            limit=limit, variable=env_name("depth")
        ),
    )


def long_number(file: str, limit: int) -> Problem:
    """The problem of a number past :attr:`Limits.number_digits`."""
    return Problem(
        file,
        _("a number has more than {limit} digits; set {variable} to read longer numbers").format(
            limit=limit, variable=env_name("number_digits")
        ),
    )


def number_too_long(value: object, limit: int) -> bool:
    """Whether ``value``, found anywhere in a parsed TOML document, holds an integer of more than ``limit``
    digits (walked without recursion)."""
    bound = 10**limit
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            if abs(item) >= bound:
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def read_toml(path: str | Path, *, what: str, field: str, display: str | None = None) -> dict[str, Any]:
    """A small TOML file (holidays, track mapping) read within the limits: its size (``field``), how deep it nests
    and how long its numbers are.

    Raises:
        InputError: The file cannot be read, is past a limit, is not UTF-8 or not TOML.
    """
    name = display or str(path)
    limit = current()
    data = read_limited(path, getattr(limit, field), what=what, field=field, display=name)
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        message = _("not UTF-8 text (byte {byte}); save the file as UTF-8").format(byte=exc.start)
        raise InputError([Problem(name, message)]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError([toml_syntax_problem(name, str(exc))]) from None
    except RecursionError:
        raise InputError([too_deep(name, limit.depth)]) from None
    except ValueError:  # an integer past Python's own limit on digits
        raise InputError([long_number(name, limit.number_digits)]) from None
    if depth_of(doc, limit.depth) > limit.depth:
        raise InputError([too_deep(name, limit.depth)])
    if number_too_long(doc, limit.number_digits):
        raise InputError([long_number(name, limit.number_digits)])
    return doc


_TOML_WHERE = re.compile(r"^(?P<what>.*?)\s*\((?:at line (?P<line>\d+), column (?P<col>\d+)|at end of document)\)$")


def toml_syntax_problem(filename: str, message: str) -> Problem:
    """A TOML syntax error of ``filename``: tomllib's own words (English), where it is in the user's language
    (``第3行第5列``, ``文件末尾``)."""
    match = _TOML_WHERE.match(message)
    if match is None:
        return Problem(filename, _("TOML syntax error: {message}").format(message=message))
    where = (
        _("line {line}, column {column}").format(line=match["line"], column=match["col"])
        if match["line"]
        else _("end of file")
    )
    return Problem(filename, _("TOML syntax error: {message}").format(message=match["what"]), where)
