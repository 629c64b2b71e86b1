"""The language lianxue speaks: Chinese by default, English when asked (``--lang en`` or an English locale).

Messages are marked in the source with :func:`_` (and :func:`ngettext` where English has plurals); their msgids
are the English strings, and the ``zh_CN`` catalogue (``locale/zh_CN/LC_MESSAGES/lianxue.mo``, compiled by
``tools/i18n.sh``) gives the Chinese. English needs no catalogue: it is the msgids themselves. Module-level
constants are marked with :func:`N_` (extracted, not translated) and translated where they are used, after
:func:`setup` has chosen the language.

The standard library's :mod:`gettext` reads the compiled catalogue: importing this module is cheap and needs no
Babel (Babel only extracts and compiles, ``tools/i18n.sh``).
"""

from __future__ import annotations

import errno
import gettext
import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["DOMAIN", "LANGUAGES", "N_", "_", "current", "language_of", "ngettext", "os_reason", "setup", "speaks"]

#: The gettext domain: ``locale/<lang>/LC_MESSAGES/lianxue.mo``.
DOMAIN = "lianxue"
#: The languages lianxue speaks, the default first.
LANGUAGES = ("zh_CN", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
#: The locale variables, in the order gettext reads them.
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_cache: dict[str, gettext.NullTranslations] = {}
_language: str | None = None
_translations: gettext.NullTranslations = gettext.NullTranslations()


def _code(lang: str) -> str:
    """The language code of a locale name: ``"en"`` for ``en_US.UTF-8``, ``"zh"`` for ``zh-CN``."""
    return lang.replace("-", "_").split(".")[0].split("@")[0].split("_")[0].strip().lower()


def speaks(lang: str) -> bool:
    """Whether ``lang`` (``"en"``, ``"en_US"``, ``"zh"``, ``"zh_CN.UTF-8"``...) is a language lianxue speaks:
    Chinese or English. ``--lang`` must be one (the command line refuses any other); a locale need not be."""
    return _code(lang) in ("zh", "en")


def language_of(lang: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``"en"`` or ``"zh_CN"``: ``lang`` when given (``"en"``, ``"en_US"``, ``"zh"``...), else the first locale
    variable set (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``). English only when the language asked
    for is English; ``C``, ``POSIX``, unset or any other language gives Chinese."""
    if lang is None:
        env = os.environ if environ is None else environ
        lang = next((env[v] for v in _LOCALE_VARIABLES if env.get(v)), "")
        lang = lang.split(":")[0]  # LANGUAGE is a list: its first entry
    return "en" if _code(lang) == "en" else "zh_CN"


def _load(language: str) -> gettext.NullTranslations:
    if language not in _cache:
        _cache[language] = (
            gettext.NullTranslations()
            if language == "en"
            else gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
        )
    return _cache[language]


def setup(lang: str | None = None) -> str:
    """Choose the language for what follows (``lang`` as for :func:`language_of`); return it. The command line
    calls it once per run with ``--lang``; the catalogue is read once per process."""
    global _language, _translations
    _language = language_of(lang)
    _translations = _load(_language)
    return _language


def current() -> str:
    """The language chosen (by :func:`setup`, or from the environment at the first message)."""
    return _language or setup()


def _(message: str) -> str:
    """``message`` (an English msgid) in the chosen language."""
    if _language is None:
        setup()
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` (English msgids) for ``n``, in the chosen language."""
    if _language is None:
        setup()
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (a module-level constant, translated with
    :func:`_` where it is used)."""
    return message


#: The operating system's reasons a file cannot be read or written, as the C library says them in English.
_OS_REASONS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.EEXIST: N_("File exists"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
    errno.EADDRINUSE: N_("Address already in use"),
    errno.EADDRNOTAVAIL: N_("Cannot assign requested address"),
}


def os_reason(exc: OSError) -> str:
    """Why an operating-system call failed (``exc.strerror``), in the chosen language: the C library's own
    message for the common errors (a missing file, no permission...), translated; any other as it is."""
    reason = exc.strerror or str(exc)
    if exc.errno in _OS_REASONS and reason == os.strerror(exc.errno):
        return _(_OS_REASONS[exc.errno])
    return reason
