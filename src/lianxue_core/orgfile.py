"""The organization file: TOML in, :class:`~lianxue_core.model.OrganizationTree` out.

:func:`load` reads a file, checks everything, and either returns the tree or raises one
:class:`~lianxue_core.errors.InputError` listing every problem found, each naming the file, the
organization or member and the key. :func:`dumps` writes a tree back as an organization file
(``loads(dumps(tree))`` gives the same tree). The format and every message are documented in
``docs/orgfile.md``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from . import limits
from .errors import InputError, Problem
from .i18n import _, ngettext
from .limits import read_limited
from .model import Member, MemberFlag, MemberRole, Organization, OrganizationTree, OrgKind
from .optionspec import OptionSchema
from .optionspec import type_name as _type
from .textsafe import clip, for_terminal

__all__ = ["dumps", "load", "loads"]

#: Organization and member ids: lower-case ASCII letters, digits and ``-``, starting with a letter or digit.
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # at most 64 characters: ids become file names
#: Names Windows reserves for devices: a file ``con.ics`` cannot be created there, so no id may be one of them.
RESERVED_IDS = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))]
)
MAX_COUNT = 100_000  # members or households of one organization
SUGGEST_BUDGET = 500_000  # "did you mean" compares at most this many ids per file, then stops suggesting
TOP_KEYS = ("defaults", "org", "member")
ORG_KEYS = (
    "id",
    "name",
    "kind",
    "track",
    "parent",
    "supervisor",
    "links",
    "members",
    "households",
    "options",
)
MEMBER_KEYS = ("id", "name", "org", "roles", "flags", "links")
_ORG_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*org[ \t]*\]\]", re.MULTILINE)
_MEMBER_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*member[ \t]*\]\]", re.MULTILINE)


def load(
    path: str | Path, *, tracks: Collection[str] | None = None, options: OptionSchema | None = None
) -> OrganizationTree:
    """Read and check the organization file at ``path``.

    Args:
        path: The file to read (UTF-8; a byte-order mark is allowed).
        tracks: The known track keys (from :meth:`PluginHost.tracks`); ``None`` skips the track check.
        options: The options that may be set (from :meth:`PluginHost.option_schema`); ``None`` checks
            the core's options only and lets any other key through unchecked.

    Returns:
        The organization tree, with ``[defaults]`` merged into every organization's options (an
        organization's own ``evening = true`` drops a ``meeting_time`` that only ``[defaults]`` sets).

    Raises:
        InputError: The file cannot be read or has problems; ``problems`` lists every one.
    """
    name = for_terminal(str(path))
    data = read_limited(
        path, limits.current().orgfile_bytes, what="the organization file", field="orgfile_bytes", display=name
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = _("not UTF-8 text (byte {byte}); save the file as UTF-8").format(byte=exc.start)
        raise InputError([Problem(name, message, _("line {line}").format(line=line))]) from None
    return loads(text, filename=name, tracks=tracks, options=options)


def loads(
    text: str,
    *,
    filename: str = "<string>",
    tracks: Collection[str] | None = None,
    options: OptionSchema | None = None,
) -> OrganizationTree:
    """Parse and check organization-file ``text``; see :func:`load`.

    Args:
        text: The file's text.
        filename: The name to use in problems.
        tracks: The known track keys; ``None`` skips the track check.
        options: The options that may be set; ``None`` checks the core's options only.

    Raises:
        InputError: The text has problems; ``problems`` lists every one.
    """
    text = text.removeprefix("\ufeff")
    limit = limits.current()
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([limits.toml_syntax_problem(filename, str(exc))]) from None
    except RecursionError:
        raise InputError([limits.too_deep(filename, limit.depth)]) from None
    except ValueError:  # an integer past Python's own limit on digits
        raise InputError([limits.long_number(filename, limit.number_digits)]) from None
    if limits.depth_of(doc, limit.depth) > limit.depth:
        raise InputError([limits.too_deep(filename, limit.depth)])
    if limits.number_too_long(doc, limit.number_digits):
        raise InputError([limits.long_number(filename, limit.number_digits)])
    return _Reader(filename, text, tracks, options or OptionSchema.core()).read(doc)


@attrs.define
class _Draft:
    """What could be read of one [[org]] table, for the checks that span tables."""

    subject: str
    id: str | None = None
    parent: str | None = None
    supervisor: str | None = None
    links: tuple[str, ...] = ()
    members: int | None = None
    org: Organization | None = None


class _Reader:
    """Collects every problem in one document before failing."""

    def __init__(self, filename: str, text: str, tracks: Collection[str] | None, schema: OptionSchema) -> None:
        self.filename = filename
        self.text = text
        self.schema = schema
        self.tracks = None if tracks is None else sorted(tracks)
        self.problems: list[Problem] = []
        self.unreadable: set[str] = set()  # top-level keys that are not arrays of tables
        self.listed: dict[str, set[str]] = {}  # org id -> ids of the [[member]] tables that name it
        self.suggest_budget = SUGGEST_BUDGET  # ids compared for "did you mean", over the whole file

    def problem(self, message: str, subject: str | None = None, key: str | None = None) -> None:
        self.problems.append(Problem(self.filename, message, subject, key))

    def unknown_org(self, ref: str, known: Mapping[str, object]) -> str:
        """The problem of an unknown organization id, with a near miss when the suggestion budget allows:
        a file of 200,000 organizations that all name unknown parents must not take 200,000² comparisons."""
        hint = ""
        if len(known) <= self.suggest_budget:
            self.suggest_budget -= len(known)
            hint = _suggest(ref, known)
        return _("unknown organization {id}{hint}; no [[org]] has this id").format(id=_shown(ref), hint=hint)

    def read(self, doc: dict[str, Any]) -> OrganizationTree:
        for key in doc:
            if key not in TOP_KEYS:
                self.problem(
                    _("unknown top-level key{hint}; expected one of {keys}").format(
                        hint=_suggest(key, TOP_KEYS), keys=_list(TOP_KEYS)
                    ),
                    key=key,
                )
        defaults = doc.get("defaults", {})
        if not isinstance(defaults, dict):
            self.problem(_("must be a table ([defaults]), not {type}").format(type=_type(defaults)), key="defaults")
            defaults = {}
        defaults = self.schema.normalise(defaults)
        self.check_options(defaults, "[defaults]")
        raw_orgs = self.table_array(doc, "org")
        raw_members = self.table_array(doc, "member")
        if not doc:
            self.problem(_("the file is empty; add at least one [[org]] table"))
        elif "org" not in doc:
            self.problem(_("the file defines no organizations; add at least one [[org]] table"))

        org_lines = self.header_lines(_ORG_HEADER, len(raw_orgs))
        drafts: list[_Draft] = []
        first: dict[str, _Draft] = {}
        for n, raw in enumerate(raw_orgs):
            draft = self.read_org(self.where("org", n, raw, org_lines), raw, defaults, first)
            drafts.append(draft)
        for draft in drafts:
            self.check_refs(draft, first)
        self.check_cycles(first)

        member_lines = self.header_lines(_MEMBER_HEADER, len(raw_members))
        members: list[Member] = []
        seen_members: dict[str, str] = {}
        for n, raw in enumerate(raw_members):
            member = self.read_member(self.where("member", n, raw, member_lines), raw, first, seen_members)
            if member is not None:
                members.append(member)
        self.check_counts(drafts)
        if self.problems:
            raise InputError(self.problems)
        return OrganizationTree([d.org for d in drafts if d.org is not None], members)

    # -- helpers -------------------------------------------------------------------------------------

    def table_array(self, doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = doc.get(key, [])
        if isinstance(value, dict):
            self.problem(
                _("must be an array of tables: write [[{key}]] with two brackets, not [{key}]").format(key=key), key=key
            )
        elif not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(
                _("must be an array of tables ([[{key}]]), not {type}").format(key=key, type=_type(value)), key=key
            )
        else:
            return value
        self.unreadable.add(key)
        return []

    def header_lines(self, header: re.Pattern[str], count: int) -> list[int] | None:
        """The line of each ``[[org]]`` (or ``[[member]]``) header, when they can be told apart."""
        lines: list[int] = []
        line, pos = 1, 0
        for m in header.finditer(self.text):  # count newlines incrementally: linear in the file size
            line += self.text.count("\n", pos, m.start())
            pos = m.start()
            lines.append(line)
        return lines if len(lines) == count else None

    def where(self, kind: str, n: int, raw: Mapping[str, Any], lines: list[int] | None) -> str:
        ident = raw.get("id")
        # one line, whatever the id holds
        shown = f'"{clip(ident, 64)}"' if isinstance(ident, str) and ident.strip() else f"#{n + 1}"
        if lines is None:
            return _("{table} {id}").format(table=kind, id=shown)
        return _("{table} {id} (line {line})").format(table=kind, id=shown, line=lines[n])

    def string(self, raw: Mapping[str, Any], key: str, subject: str, *, required: bool = False) -> str | None:
        if key not in raw:
            if required:
                self.problem(_("is required"), subject, key)
            return None
        value = raw[key]
        if not isinstance(value, str):
            self.problem(_("must be a string, not {type}").format(type=_type(value)), subject, key)
            return None
        if not value.strip():
            self.problem(
                _("must not be empty") if required else _("must not be empty; leave the key out instead"), subject, key
            )
            return None
        return value

    def ident(self, raw: Mapping[str, Any], key: str, subject: str, *, required: bool = False) -> str | None:
        value = self.string(raw, key, subject, required=required)
        if value is not None and not ID_RE.fullmatch(value):
            self.problem(_bad_id(value), subject, key)
            return None
        if value is not None and key == "id" and value in RESERVED_IDS:
            self.problem(_reserved_id(value), subject, key)
            return None
        return value

    def id_list(self, raw: Mapping[str, Any], key: str, subject: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not self.string_list(value, subject, key, _("a list of organization ids (strings)")):
            return ()
        ok = True
        for v in value:
            if not ID_RE.fullmatch(v):
                self.problem(_bad_id(v), subject, key)
                ok = False
        return tuple(dict.fromkeys(value)) if ok else ()

    def count(self, raw: Mapping[str, Any], key: str, subject: str) -> int | None:
        if key not in raw:
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(_("must be a whole number, not {type}").format(type=_type(value)), subject, key)
            return None
        if value < 0:
            self.problem(_("must not be negative (got {value})").format(value=value), subject, key)
            return None
        if value > MAX_COUNT:
            self.problem(
                _("{value} is more than one organization can have (at most {most})").format(
                    value=value, most=MAX_COUNT
                ),
                subject,
                key,
            )
            return None
        return value

    def enum_set(
        self, raw: Mapping[str, Any], key: str, subject: str, enum: type[MemberRole | MemberFlag]
    ) -> frozenset[Any]:
        value = raw.get(key, [])
        if not self.string_list(value, subject, key, _("a list of strings")):
            return frozenset()
        known = [str(e) for e in enum]
        labels = {e.label: str(e) for e in enum}
        out = set()
        for v in value:
            if v in known:
                out.add(enum(v))
            else:
                hint = _suggest(v, known, labels)
                unknown = (
                    _("unknown role {value!r}{hint}; known: {known}")
                    if key == "roles"
                    else _("unknown flag {value!r}{hint}; known: {known}")
                )
                self.problem(unknown.format(value=v, hint=hint, known=_list(known)), subject, key)
        return frozenset(out)

    def string_list(self, value: object, subject: str, key: str, what: str) -> bool:
        if not isinstance(value, list):
            self.problem(_("must be {what}, not {type}").format(what=what, type=_type(value)), subject, key)
            return False
        wrong = [v for v in value if not isinstance(v, str)]
        if wrong:
            self.problem(
                _("must be {what}; {value!r} is {type}").format(what=what, value=wrong[0], type=_type(wrong[0])),
                subject,
                key,
            )
            return False
        return True

    def check_options(self, options: Mapping[str, Any], subject: str, prefix: str = "") -> None:
        for key, message in self.schema.check(options):
            self.problem(message, subject, prefix + key)

    # -- organizations -------------------------------------------------------------------------------

    def read_org(
        self, subject: str, raw: dict[str, Any], defaults: Mapping[str, Any], first: dict[str, _Draft]
    ) -> _Draft:
        before = len(self.problems)
        for key in raw:
            if key not in ORG_KEYS:
                self.problem(
                    _("unknown key{hint}; expected one of {keys}").format(
                        hint=_suggest(key, ORG_KEYS), keys=_list(ORG_KEYS)
                    ),
                    subject,
                    key,
                )
        org_id = self.ident(raw, "id", subject, required=True)
        name = self.string(raw, "name", subject, required=True)
        kind = OrgKind.BRANCH
        kind_raw = self.string(raw, "kind", subject)
        if kind_raw is not None:
            try:
                kind = OrgKind(kind_raw)
            except ValueError:
                known = [str(k) for k in OrgKind]
                hint = _suggest(kind_raw, known, {k.label: str(k) for k in OrgKind})
                self.problem(
                    _("unknown kind {kind!r}{hint}; known: {known}").format(
                        kind=kind_raw, hint=hint, known=_list(known)
                    ),
                    subject,
                    "kind",
                )
        track = self.string(raw, "track", subject)
        if track is not None and self.tracks is not None and track not in self.tracks:
            known_tracks = _list(self.tracks) if self.tracks else _("(none: are the plugins installed?)")
            hint = _suggest(track, self.tracks)
            self.problem(
                _("unknown track {track!r}{hint}; known tracks: {known}").format(
                    track=track, hint=hint, known=known_tracks
                ),
                subject,
                "track",
            )
        draft = _Draft(
            subject,
            id=org_id,
            parent=self.ident(raw, "parent", subject),
            supervisor=self.ident(raw, "supervisor", subject),
            links=self.id_list(raw, "links", subject),
            members=self.count(raw, "members", subject),
        )
        households = self.count(raw, "households", subject)
        options = raw.get("options", {})
        if not isinstance(options, dict):
            self.problem(_("must be a table, not {type}").format(type=_type(options)), subject, "options")
            options = {}
        if options:  # most organizations set none: the check has nothing to do
            options = self.schema.normalise(options)
            self.check_options(options, subject, "options.")
        if org_id is not None:
            if org_id in first:
                self.problem(
                    _("duplicate organization id; first defined as {first}").format(first=first[org_id].subject),
                    subject,
                    "id",
                )
                return draft
            first[org_id] = draft
        if len(self.problems) > before or org_id is None or name is None:
            return draft
        draft.org = Organization(
            id=org_id,
            name=name.strip(),
            kind=kind,
            track=track,
            parent=draft.parent,
            supervisor=draft.supervisor,
            links=draft.links,
            members=draft.members,
            households=households,
            options=merge_options(defaults, options),
        )
        return draft

    def check_refs(self, draft: _Draft, known: Mapping[str, _Draft]) -> None:
        for key, ref in (("parent", draft.parent), ("supervisor", draft.supervisor)):
            if ref is None:
                continue
            if ref == draft.id:
                self.problem(_("an organization cannot be its own {key}").format(key=key), draft.subject, key)
            elif ref not in known:
                self.problem(self.unknown_org(ref, known), draft.subject, key)
        for link in draft.links:
            if link == draft.id:
                self.problem(_("an organization cannot link to itself"), draft.subject, "links")
            elif link not in known:
                self.problem(self.unknown_org(link, known), draft.subject, "links")

    def check_cycles(self, known: Mapping[str, _Draft]) -> None:
        """Report parents that form a cycle, then supervisors (or parents, where no supervisor is
        given) that do; each cycle once, in one pass over the organizations."""
        parents = {
            i: d.parent for i, d in known.items() if d.parent is not None and d.parent in known and d.parent != i
        }
        reported = self.report_cycles(parents, known, "parent", _("the parents form a cycle"), set())
        supervisors = {i: d.supervisor or d.parent for i, d in known.items()}
        overseers = {i: s for i, s in supervisors.items() if s is not None and s in known and s != i}
        self.report_cycles(overseers, known, "supervisor", _("the supervisors form a cycle"), reported)

    def report_cycles(
        self, edges: Mapping[str, str], known: Mapping[str, _Draft], key: str, message: str, reported: set[str]
    ) -> set[str]:
        for cycle in find_cycles(edges, order=known):
            if reported.isdisjoint(cycle):
                reported.update(cycle)
                self.problem(f"{message}: {_cycle_text(cycle)}", known[cycle[0]].subject, key)
        return reported

    def check_counts(self, drafts: Iterable[_Draft]) -> None:
        for draft in drafts:
            n = len(self.listed.get(draft.id or "", ()))
            if draft.members is not None and draft.members < n:
                self.problem(
                    ngettext(
                        "is {members}, but {n} [[member]] table names this organization; give the total, or leave "
                        "the key out",
                        "is {members}, but {n} [[member]] tables name this organization; give the total, or leave "
                        "the key out",
                        n,
                    ).format(members=draft.members, n=n),
                    draft.subject,
                    "members",
                )

    # -- members -------------------------------------------------------------------------------------

    def read_member(
        self, subject: str, raw: dict[str, Any], orgs: Mapping[str, _Draft], seen: dict[str, str]
    ) -> Member | None:
        before = len(self.problems)
        for key in raw:
            if key not in MEMBER_KEYS:
                self.problem(
                    _("unknown key{hint}; expected one of {keys}").format(
                        hint=_suggest(key, MEMBER_KEYS), keys=_list(MEMBER_KEYS)
                    ),
                    subject,
                    key,
                )
        member_id = self.ident(raw, "id", subject, required=True)
        name = self.string(raw, "name", subject, required=True)
        org = self.ident(raw, "org", subject, required=True)
        if org is not None and org not in orgs and "org" not in self.unreadable:
            self.problem(self.unknown_org(org, orgs), subject, "org")
        roles = self.enum_set(raw, "roles", subject, MemberRole)
        flags = self.enum_set(raw, "flags", subject, MemberFlag)
        links = self.id_list(raw, "links", subject)
        for link in links:
            if link not in orgs and "org" not in self.unreadable:
                self.problem(self.unknown_org(link, orgs), subject, "links")
        if member_id is not None and org is not None:
            self.listed.setdefault(org, set()).add(member_id)
        if member_id is not None:
            if member_id in seen:
                self.problem(
                    _("duplicate member id; first defined as {first}").format(first=seen[member_id]), subject, "id"
                )
                return None
            seen[member_id] = subject
        if len(self.problems) > before or member_id is None or name is None or org is None:
            return None
        # An organization that had problems of its own is not in the tree; its problems are reported.
        if any(ref not in orgs or orgs[ref].org is None for ref in (org, *links)):
            return None
        return Member(id=member_id, name=name.strip(), org=org, roles=roles, flags=flags, links=links)


def find_cycles(edges: Mapping[str, str], order: Iterable[str] | None = None) -> list[list[str]]:
    """The cycles of ``edges`` (each organization to the one above it), each once, in linear time.

    Each organization has at most one edge out, so every walk either ends at a top or runs into a cycle;
    every organization is walked once. A cycle starts at its member that comes first in ``order`` (file
    order; default: the order of ``edges``), and the cycles come in that order too.
    """
    rank = {ident: n for n, ident in enumerate(edges if order is None else order)}
    done: set[str] = set()
    found: list[list[str]] = []
    for start in edges:
        if start in done:
            continue
        path: list[str] = []
        on_path: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in done:
            if current in on_path:
                cycle = path[on_path[current] :]
                first = min(range(len(cycle)), key=lambda n: rank.get(cycle[n], len(rank)))
                found.append(cycle[first:] + cycle[:first])
                break
            on_path[current] = len(path)
            path.append(current)
            current = edges.get(current)
        done.update(path)
    found.sort(key=lambda c: rank.get(c[0], len(rank)))
    return found


#: A longer cycle is shown by its first and last members and a count, so that its problem stays one readable line.
CYCLE_SHOWN = 20


def _cycle_text(cycle: list[str]) -> str:
    """``a -> c -> b -> a``; a long cycle as ``o0 -> o1 -> ... -> o1999 -> o0 (2000 organizations)``."""
    if len(cycle) <= CYCLE_SHOWN:
        return " -> ".join([*cycle, cycle[0]])
    head = cycle[: CYCLE_SHOWN // 2]
    tail = cycle[-(CYCLE_SHOWN // 2) :]
    return " -> ".join([*head, "...", *tail, cycle[0]]) + _(" ({n} organizations)").format(n=len(cycle))


def merge_options(defaults: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """An organization's options over ``[defaults]``, key by key, except that an organization's own
    ``evening = true`` beats a ``meeting_time`` that comes only from ``[defaults]`` (the county's usual
    afternoon time is not the village's evening)."""
    merged = {**defaults, **options}
    if options.get("evening") is True and "meeting_time" not in options and "meeting_time" in defaults:
        del merged["meeting_time"]
    return merged


def _list(items: Iterable[str]) -> str:
    return _(", ").join(items)


def _suggest(value: str, choices: Iterable[str], labels: Mapping[str, str] | None = None) -> str:
    """`` (did you mean 'x'?)`` for a near miss, or for a Chinese label (``党委``) of a known value."""
    if labels and value.strip() in labels:
        return _(" (did you mean {value!r}?)").format(value=labels[value.strip()])
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.75)
    return _(" (did you mean {value!r}?)").format(value=close[0]) if close else ""


def _bad_id(value: str) -> str:
    if len(value) > 64 and re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
        return _("{value!r}... is {n} characters long; an id has at most 64 (ids become file names)").format(
            value=value[:20], n=len(value)
        )
    if value.lower() in RESERVED_IDS:
        return _reserved_id(value)
    return _(
        "{value} is not a valid id: use lower-case letters, digits and '-', starting with a letter or digit"
    ).format(value=_shown(value))


def _reserved_id(value: str) -> str:
    return _(
        "{value!r} is a name Windows reserves for a device (con, prn, aux, nul, com1-com9, lpt1-lpt9) "
        "and cannot be a file name there; ids become file names: choose another id"
    ).format(value=value)


def _shown(value: str) -> str:
    """A value quoted for a message: control characters escaped, a long value shortened."""
    return (
        repr(value) if len(value) <= 80 else _("{value!r}... ({n} characters)").format(value=value[:60], n=len(value))
    )


# -- writing ------------------------------------------------------------------------------------------


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest as is."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch < " " or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def dumps(tree: OrganizationTree) -> str:
    """Write ``tree`` as organization-file text; :func:`loads` reads it back to an equal tree."""
    lines: list[str] = []
    for org in tree:
        lines.append("[[org]]")
        lines.append(f"id = {_toml_value(org.id)}")
        lines.append(f"name = {_toml_value(org.name)}")
        lines.append(f"kind = {_toml_value(str(org.kind))}")
        for key in ("track", "parent", "supervisor"):
            value = getattr(org, key)
            if value is not None:
                lines.append(f"{key} = {_toml_value(value)}")
        if org.links:
            lines.append(f"links = {_toml_value(list(org.links))}")
        for key in ("members", "households"):
            value = getattr(org, key)
            if value is not None:
                lines.append(f"{key} = {value}")
        if org.options:
            lines.append(f"options = {_toml_value(dict(org.options))}")
        lines.append("")
    for m in tree.members:
        lines.append("[[member]]")
        lines.append(f"id = {_toml_value(m.id)}")
        lines.append(f"name = {_toml_value(m.name)}")
        lines.append(f"org = {_toml_value(m.org)}")
        if m.roles:
            lines.append(f"roles = {_toml_value(sorted(str(r) for r in m.roles))}")
        if m.flags:
            lines.append(f"flags = {_toml_value(sorted(str(f) for f in m.flags))}")
        if m.links:
            lines.append(f"links = {_toml_value(list(m.links))}")
        lines.append("")
    return "\n".join(lines)
