"""Options as a schema: what the core and each plugin let an organization set, and the check of a file's options.

An :class:`OptionSpec` declares one option: its name, its type (an :class:`OptionKind` with its bounds or
choices), its default, what it means, and who declares it. The core declares its own
(:data:`CORE_OPTIONS`); plugins declare theirs with the ``lianxue_options`` hook, and
:meth:`lianxue_core.PluginHost.option_schema` puts them together in an :class:`OptionSchema`, which
checks a table of options and lists every problem, with a suggestion for a misspelt name.

An option named ``*.SUFFIX`` is a per-obligation option: ``monthly-study.minutes`` sets the length of
the obligation whose id ends in ``.monthly-study``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import re
import zoneinfo
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

import attrs

from .i18n import N_, _
from .orgoptions import (
    DEFAULT_MINUTES,
    DEFAULT_TALK_MINUTES,
    DEFAULT_TALKS_PER_DAY,
    DEFAULT_TIMEZONE,
    TIME_RE,
    meeting_options,
    parse_activity_day,
)

__all__ = ["CORE", "CORE_OPTIONS", "OptionKind", "OptionSchema", "OptionSpec", "type_name"]

#: Who declares the core's options (the name the plugin host registers the core under).
CORE = "lianxue-core"


class OptionKind(enum.StrEnum):
    """The kinds of value an option takes."""

    BOOL = "bool"
    INT = "int"
    STR = "str"
    CHOICE = "choice"
    STR_LIST = "str-list"
    INT_LIST = "int-list"
    TIME = "time"
    ACTIVITY_DAY = "activity-day"
    MAPPING = "mapping"


def type_name(value: object) -> str:
    """How a problem names the TOML type of ``value``: ``a string``, ``a whole number``, ``true/false``..."""
    names = {
        str: N_("a string"),
        int: N_("a whole number"),
        float: N_("a decimal number"),
        bool: N_("true/false"),
        list: N_("a list"),
        dict: N_("a table"),
        dt.datetime: N_("a date and time"),
        dt.date: N_("a date"),
        dt.time: N_("a time of day"),
    }
    name = names.get(type(value))
    return type(value).__name__ if name is None else _(name)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _check_name(instance: OptionSpec, attribute: attrs.Attribute[str], value: str) -> None:
    rest = value.removeprefix("*.")
    if not rest or "*" in rest or (value.startswith("*") and not value.startswith("*.")):
        raise ValueError(
            _("option name {name!r}: write a name, or '*.SUFFIX' for a per-obligation option").format(name=value)
        )


@attrs.frozen
class OptionSpec:
    """One option an organization may set in its ``options`` table (or ``[defaults]``).

    Args:
        name: The key, e.g. ``"allow_weekends"``; ``"*.minutes"`` declares ``<obligation>.minutes``
            for every obligation (the part before the dot is the obligation id without its track).
        kind: The kind of value.
        default: The value used when the option is not set (``None``: not set, or decided otherwise;
            say how in ``meaning``).
        meaning: What the option does, for ``lianxue obligations --options``: the table shows it through
            lianxue's catalogue (an English msgid marked with ``N_`` is shown in Chinese by default; any other
            text as it is); the JSON gives it as written.
        low: For ``INT`` and ``INT_LIST``, the smallest value allowed.
        high: For ``INT`` and ``INT_LIST``, the largest value allowed.
        unit: For ``INT``, what is counted (``"days"``, ``"minutes"``): it goes into the type's description.
        choices: For ``CHOICE``, the strings allowed.
        min_items: For the list kinds, the fewest items allowed.
        expected: The type as a person reads it, e.g. ``"a list of at least two grade names"``; the
            default is built from the fields above.
        check: A check of a value that replaces the one built from ``kind``: it returns the problem
            (e.g. ``"must be ..., not 5"``) or ``None`` for a good value. It must not raise.
        declared_by: Who declares the option: the plugin host fills this in with the plugin names (and
            ``"lianxue-core"``); a plugin leaves it empty.

    .. versionadded:: 0.2.0
    """

    name: str = attrs.field(validator=_check_name)
    kind: OptionKind = attrs.field(converter=OptionKind)
    default: Any = None
    meaning: str = ""
    low: int | None = None
    high: int | None = None
    unit: str = ""
    choices: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    min_items: int = 0
    expected: str = ""
    check: Callable[[Any], str | None] | None = attrs.field(default=None, eq=False, repr=False)
    declared_by: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    @property
    def per_obligation(self) -> bool:
        """Whether the option is set per obligation (``*.minutes``)."""
        return self.name.startswith("*.")

    def describe(self) -> str:
        """The type as a person reads it, in the language chosen (:mod:`lianxue_core.i18n`): ``true or false``,
        ``a whole number of days from 0 to 366``..."""
        return self._describe(_)

    def _describe(self, tr: Callable[[str], str]) -> str:
        """The type as a person reads it, each message through ``tr`` (``_``; the identity for the JSON, which
        is English whatever the language)."""
        if self.expected:
            return tr(self.expected)
        kind = self.kind
        if kind is OptionKind.BOOL:
            return tr(N_("true or false"))
        if kind is OptionKind.INT:
            unit = {"minutes": N_("minutes"), "days": N_("days")}.get(self.unit or "", self.unit or "")
            number = tr(N_("a whole number of {unit}")).format(unit=tr(unit)) if unit else tr(N_("a whole number"))
            if self.low is not None and self.high is not None:
                return tr(N_("{number} from {low} to {high}")).format(number=number, low=self.low, high=self.high)
            if self.low is not None:
                return tr(N_("{number} of at least {low}")).format(number=number, low=self.low)
            if self.high is not None:
                return tr(N_("{number} of at most {high}")).format(number=number, high=self.high)
            return number
        if kind is OptionKind.STR:
            return tr(N_("a string"))
        if kind is OptionKind.CHOICE:
            return tr(N_("one of {choices}")).format(choices=tr(N_(", ")).join(repr(c) for c in self.choices))
        if kind in (OptionKind.STR_LIST, OptionKind.INT_LIST):
            if kind is OptionKind.STR_LIST:
                what = tr(N_("strings"))
            elif self.low is not None and self.high is not None:
                what = tr(N_("whole numbers from {low} to {high}")).format(low=self.low, high=self.high)
            else:
                what = tr(N_("whole numbers"))
            if self.min_items == 1:
                return tr(N_("a non-empty list of {what}")).format(what=what)
            if self.min_items:
                return tr(N_("a list of at least {n} of {what}")).format(n=self.min_items, what=what)
            return tr(N_("a list of {what}")).format(what=what)
        if kind is OptionKind.TIME:
            return tr(N_("a time of day as 'HH:MM'"))
        if kind is OptionKind.ACTIVITY_DAY:
            return tr(N_("a monthly day such as '每月第一个星期五' or '每月15日'"))
        return tr(N_("a table"))

    def problem(self, value: object) -> str | None:
        """What is wrong with ``value`` for this option, or ``None`` when it is good."""
        if self.check is not None:
            return self.check(value)
        return (
            None if self._fits(value) else _("must be {what}, not {value!r}").format(what=self.describe(), value=value)
        )

    def _in_range(self, value: object) -> bool:
        return (
            _whole(value)
            and (self.low is None or self.low <= value)  # type: ignore[operator]
            and (self.high is None or value <= self.high)  # type: ignore[operator]
        )

    def _fits(self, value: object) -> bool:
        kind = self.kind
        if kind is OptionKind.BOOL:
            return isinstance(value, bool)
        if kind is OptionKind.INT:
            return self._in_range(value)
        if kind is OptionKind.STR:
            return isinstance(value, str)
        if kind is OptionKind.CHOICE:
            return isinstance(value, str) and value in self.choices
        if kind is OptionKind.STR_LIST:
            return (
                isinstance(value, list | tuple)
                and len(value) >= self.min_items
                and all(isinstance(v, str) and v.strip() for v in value)
            )
        if kind is OptionKind.INT_LIST:
            return (
                isinstance(value, list | tuple)
                and len(value) >= self.min_items
                and all(self._in_range(v) for v in value)
            )
        if kind is OptionKind.TIME:
            return isinstance(value, dt.time) or (isinstance(value, str) and TIME_RE.fullmatch(value) is not None)
        if kind is OptionKind.ACTIVITY_DAY:
            if not isinstance(value, str):
                return False
            try:
                parse_activity_day(value)
            except ValueError:
                return False
            return True
        return isinstance(value, Mapping)

    def to_json(self) -> dict[str, Any]:
        """The option as a JSON-ready object (the default as TOML would write it)."""
        default = self.default
        if isinstance(default, tuple | frozenset):
            default = sorted(default) if isinstance(default, frozenset) else list(default)
        elif isinstance(default, dt.time):
            default = default.strftime("%H:%M")
        return {
            "name": self.name,
            "type": self._describe(lambda message: message),
            "kind": str(self.kind),
            "default": default,
            "meaning": self.meaning,
            "declared_by": list(self.declared_by),
        }


def _suggest(value: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)``: a name that has ``value`` as a whole word (``weekends`` for
    ``allow_weekends``), else the closest spelling, else nothing."""
    names = sorted(choices)
    words = [n for n in names if value in re.split(r"[_.]", n)]
    close = words[:1] or difflib.get_close_matches(value, names, n=1, cutoff=0.6)
    return _(" (did you mean {value!r}?)").format(value=close[0]) if close else ""


@attrs.frozen
class OptionSchema:
    """Every option that may be set, and the check of a table of options against them.

    Args:
        specs: The options by name (per-obligation ones as ``*.SUFFIX``).
        obligations: The obligation slugs (ids without their track) a per-obligation option may name;
            ``None`` accepts any.
        strict: Whether a name no spec declares is a problem. Not strict, unknown names are kept as
            written and handed to plugins unchecked (what :func:`lianxue_core.load` does when it is given
            no schema, and what the host gives when plugins were blocked: their options may be in the file).

    .. versionadded:: 0.2.0
    """

    specs: Mapping[str, OptionSpec]
    obligations: frozenset[str] | None = None
    strict: bool = True

    @classmethod
    def core(cls) -> OptionSchema:
        """The core's options only, unknown names allowed (no plugin is known)."""
        return cls({s.name: s for s in CORE_OPTIONS}, strict=False)

    def spec_for(self, key: str) -> OptionSpec | None:
        """The spec that governs ``key``, per-obligation ones included, or ``None``."""
        if key in self.specs:
            return self.specs[key]
        slug, dot, suffix = key.rpartition(".")
        return self.specs.get(f"*.{suffix}") if dot and slug else None

    def normalise(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """``options`` with per-obligation tables flattened: TOML reads ``monthly-study.minutes = 60``
        (unquoted) as a table ``{"monthly-study": {"minutes": 60}}``; this makes it the key
        ``"monthly-study.minutes"`` that the planner reads."""
        out: dict[str, Any] = {}
        for key, value in options.items():
            if (
                key not in self.specs
                and isinstance(value, dict)
                and value
                and all(f"*.{sub}" in self.specs for sub in value)
            ):
                out.update({f"{key}.{sub}": v for sub, v in value.items()})
            else:
                out[key] = value
        return out

    def check(self, options: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Every problem of ``options`` (already :meth:`normalise`\\ d), as ``(key, message)``: the core's
        options first, in the order of :data:`CORE_OPTIONS`, then the others in the order written."""
        problems: list[tuple[str, str]] = []
        names = [n for n in self.specs if not n.startswith("*.")]
        for key in sorted(options, key=lambda k: _CORE_RANK.get(k, len(_CORE_RANK))):
            value = options[key]
            spec = self.spec_for(key)
            if spec is None:
                if self.strict:
                    problems.append(
                        (key, _("unknown option{hint}; {listed}").format(hint=_suggest(key, names), listed=_(_LISTED)))
                    )
                continue
            if spec.per_obligation and self.obligations is not None:
                slug = key[: -len(spec.name) + 1]
                if slug not in self.obligations:
                    hint = _suggest(slug, self.obligations)
                    problems.append(
                        (
                            key,
                            _("no obligation {slug!r}{hint} has an option {option!r}; {listed}").format(
                                slug=slug, hint=hint, option=spec.name[2:], listed=_(_LISTED)
                            ),
                        )
                    )
                    continue
            message = spec.problem(value)
            if message is not None:
                problems.append((key, message))
        return problems


_LISTED = N_("`lianxue obligations --options` lists every option")


# -- the core's options ----------------------------------------------------------------------------------


def _timezone(value: object) -> str | None:
    if not isinstance(value, str):
        return _("must be a string, not {type}").format(type=type_name(value))
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError: not a relative key or not a TZif file; OSError: a directory such as "Asia".
        return _("{value!r} is not a known time zone (e.g. 'Asia/Shanghai')").format(value=value)
    return None


def _meeting_time(value: object) -> str | None:
    if isinstance(value, dt.time) or (isinstance(value, str) and TIME_RE.fullmatch(value)):
        return None
    return _("{value!r} is not a time of day as 'HH:MM' (e.g. '14:30')").format(value=value)


def _minutes_of_meeting(value: object) -> str | None:
    if _whole(value) and 0 < value <= 24 * 60:  # type: ignore[operator]
        return None
    return _("{value!r} is not a whole number of minutes from 1 to 1440").format(value=value)


def _scheduling(key: str) -> Callable[[Any], str | None]:
    """The check :func:`~lianxue_core.orgoptions.meeting_options` makes of ``key``, with its message."""

    def check(value: object) -> str | None:
        _, problems = meeting_options({key: value})
        return problems[0][1] if problems else None

    return check


def _themes(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        if len(value) > 12:
            return _("has {n} themes: a year has 12 months").format(n=len(value))
        bad = [v for v in value if not isinstance(v, str)]
        return _("themes must be texts, not {value!r}").format(value=bad[0]) if bad else None
    if isinstance(value, Mapping):
        for month, theme in value.items():
            if str(month).lstrip("0") not in {str(m) for m in range(1, 13)}:
                return _("{month!r} is not a month from 1 to 12").format(month=month)
            if not isinstance(theme, str):
                return _("the theme of month {month} must be a text, not {theme!r}").format(month=month, theme=theme)
        return None
    return _("must be a list of up to 12 texts or a table from month to text, not {value!r}").format(value=value)


#: The options the core reads: the meeting options (:func:`~lianxue_core.orgoptions.meeting_options`)
#: and those the planner reads of an organization.
CORE_OPTIONS: tuple[OptionSpec, ...] = tuple(
    attrs.evolve(spec, declared_by=(CORE,))
    for spec in (
        OptionSpec(
            "timezone",
            OptionKind.STR,
            DEFAULT_TIMEZONE,
            N_("时区 the organization's IANA time zone"),
            expected=N_("an IANA time zone such as 'Asia/Shanghai'"),
            check=_timezone,
        ),
        OptionSpec(
            "meeting_time",
            OptionKind.TIME,
            "14:30",
            N_("会议开始时间 the usual start of a meeting (24-hour; `evening` makes the default 19:00)"),
            check=_meeting_time,
        ),
        OptionSpec(
            "meeting_minutes",
            OptionKind.INT,
            DEFAULT_MINUTES,
            N_("会议时长 the usual length of a meeting"),
            low=1,
            high=24 * 60,
            unit="minutes",
            check=_minutes_of_meeting,
        ),
        OptionSpec(
            "evening",
            OptionKind.BOOL,
            False,
            N_(
                "夜学夜议 it meets in the evening: the default time becomes 19:00 (and beats a `meeting_time` "
                "that comes only from [defaults])"
            ),
            check=_scheduling("evening"),
        ),
        OptionSpec(
            "talk_minutes",
            OptionKind.INT,
            DEFAULT_TALK_MINUTES,
            N_("谈心谈话时长 the length of one talk"),
            low=5,
            high=8 * 60,
            unit="minutes",
            check=_scheduling("talk_minutes"),
        ),
        OptionSpec(
            "talks_per_day",
            OptionKind.INT,
            DEFAULT_TALKS_PER_DAY,
            N_("每天谈话上限 at most this many talks one person leads in a day"),
            low=1,
            high=48,
            check=_scheduling("talks_per_day"),
        ),
        OptionSpec(
            "location",
            OptionKind.STR,
            "",
            N_("活动地点 where the organization meets; written into calendar events"),
            check=_scheduling("location"),
        ),
        OptionSpec(
            "allow_weekends",
            OptionKind.BOOL,
            False,
            N_("周末可开会 it may also meet on an ordinary Saturday or Sunday"),
            check=_scheduling("allow_weekends"),
        ),
        OptionSpec(
            "weekdays",
            OptionKind.INT_LIST,
            (1, 2, 3, 4, 5),
            N_("可开会的星期 ISO weekdays it may meet on (1 Monday ... 7 Sunday)"),
            low=1,
            high=7,
            min_items=1,
            check=_scheduling("weekdays"),
        ),
        OptionSpec(
            "activity_day",
            OptionKind.ACTIVITY_DAY,
            None,
            N_(
                "党员固定活动日 its fixed monthly day, a recurrence rule (or `FREQ=MONTHLY;BYDAY=1FR`): "
                "the 主题党日 and the monthly studies are placed on it "
                "(default: one the planner picks, different from its siblings')"
            ),
            check=_scheduling("activity_day"),
        ),
        OptionSpec(
            "lecturer",
            OptionKind.STR,
            None,
            N_("党课主讲人 member id of a lecturer who gives this organization's 党课"),
        ),
        OptionSpec(
            "load_per_week",
            OptionKind.INT,
            None,
            N_(
                "每周走访户数 households one visitor covers in a week (走访农户; default: the obligation's "
                "`load_per_week`, 30)"
            ),
            low=1,
        ),
        OptionSpec(
            "themes",
            OptionKind.MAPPING,
            None,
            N_(
                "每月活动主题 the theme of each month (科学确定每月活动主题): a list of up to 12 texts, January first, "
                'or a table by month (`themes = { 3 = "学党章", 7 = "七一主题党日" }`); shown in the monthly '
                "activities' events and in the Markdown plan"
            ),
            check=_themes,
            expected=N_("a list of up to 12 texts, or a table from month (1 to 12) to text"),
        ),
        OptionSpec(
            "*.minutes",
            OptionKind.INT,
            None,
            N_(
                '单项时长 the length of one obligation\'s occurrences, e.g. `"monthly-study.minutes" = 60` '
                "(default: the obligation's own length, else `meeting_minutes`)"
            ),
            low=1,
            high=24 * 60,
            unit="minutes",
        ),
    )
)


def known_names(specs: Collection[OptionSpec]) -> list[str]:
    """The names of ``specs``, sorted, per-obligation ones (``*.minutes``) last."""
    return sorted((s.name for s in specs), key=lambda n: (n.startswith("*."), n))


_CORE_RANK = {spec.name: n for n, spec in enumerate(CORE_OPTIONS)}
