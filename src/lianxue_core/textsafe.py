"""Text that came from a file, shown safely: in a terminal, a log line or a comment of a file lianxue writes.

A name in an organization file, a sheet name in a roster or a file name can hold any character, including ESC
(which starts a terminal escape sequence), BEL, line breaks (U+2028, U+2029 and the C0/C1 controls) and the
bidirectional overrides that reorder what a reader sees. :func:`for_terminal` shows each of them as an escape
(``\\x1b``, ``\\u2028``) so that one problem stays one honest line; :func:`clip` also shortens a long value.
"""

from __future__ import annotations

import unicodedata

__all__ = ["clip", "for_terminal", "is_unsafe"]

# The bidirectional formatting characters: embeddings, overrides, isolates and marks.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_unsafe(ch: str) -> bool:
    """Whether the character ``ch`` must not reach a terminal or a one-line record as it is: a C0 or C1
    control, DEL, a line or paragraph separator, or a bidirectional formatting character."""
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _BIDI


def for_terminal(text: str) -> str:
    """``text`` with every control character shown escaped (ESC as ``\\x1b``, BEL as ``\\x07``, a line
    break as ``\\n``, U+2028 as ``\\u2028``, a right-to-left override as ``\\u202e``); every other character,
    Chinese included, is kept as it is. The result is one line and changes nothing on the terminal but the
    text it shows."""
    if text.isprintable() and _BIDI.isdisjoint(text):
        return text  # the common case: nothing to escape (isprintable is false for every control and separator)
    out = []
    for ch in text:
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif is_unsafe(ch):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def clip(text: str, limit: int = 80) -> str:
    """``text`` for a message: :func:`for_terminal`, and when longer than ``limit`` characters, its start and
    its length (``'aaaa…' (1000000 characters)``), so that a huge value cannot make a huge line."""
    if len(text) <= limit:
        return for_terminal(text)
    return f"{for_terminal(text[:limit])}… ({len(text)} characters)"
