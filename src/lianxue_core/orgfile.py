"""The organization file: TOML in, :class:`~lianxue_core.model.OrganizationTree` out.

:func:`load` reads a file, checks everything, and either returns the tree or raises one
:class:`~lianxue_core.errors.InputError` listing every problem found, each naming the file, the
organization or member and the key. :func:`dumps` writes a tree back as an organization file
(``loads(dumps(tree))`` gives the same tree). The format is documented in ``docs/orgfile.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
import zoneinfo
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from .errors import InputError, Problem
from .model import Member, MemberFlag, MemberRole, Organization, OrganizationTree, OrgKind

__all__ = ["dumps", "load", "loads"]

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
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
_ORG_HEADER = re.compile(r"^\s*\[\[\s*org\s*\]\]", re.MULTILINE)
_MEMBER_HEADER = re.compile(r"^\s*\[\[\s*member\s*\]\]", re.MULTILINE)


def load(path: str | Path, *, tracks: Collection[str] | None = None) -> OrganizationTree:
    """Read and check the organization file at ``path``.

    Args:
        path: The file to read.
        tracks: The known track keys (from :meth:`PluginHost.tracks`); ``None`` skips the track check.

    Raises:
        InputError: The file cannot be read or has problems; ``problems`` lists every one.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read the file: {exc.strerror or exc}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]) from None
    return loads(text, filename=name, tracks=tracks)


def loads(text: str, *, filename: str = "<string>", tracks: Collection[str] | None = None) -> OrganizationTree:
    """Parse and check organization-file ``text``; see :func:`load`."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(filename, f"TOML syntax error: {exc}")]) from None
    return _Reader(filename, text, tracks).read(doc)


class _Reader:
    """Collects every problem in one document before failing."""

    def __init__(self, filename: str, text: str, tracks: Collection[str] | None) -> None:
        self.filename = filename
        self.tracks = None if tracks is None else sorted(tracks)
        self.problems: list[Problem] = []
        self.org_lines = [text.count("\n", 0, m.start()) + 1 for m in _ORG_HEADER.finditer(text)]
        self.member_lines = [text.count("\n", 0, m.start()) + 1 for m in _MEMBER_HEADER.finditer(text)]

    def problem(self, message: str, subject: str | None = None, key: str | None = None) -> None:
        self.problems.append(Problem(self.filename, message, subject, key))

    def read(self, doc: dict[str, Any]) -> OrganizationTree:
        for key in doc:
            if key not in TOP_KEYS:
                self.problem(f"unknown top-level key; expected one of {', '.join(TOP_KEYS)}", key=key)
        defaults = doc.get("defaults", {})
        if not isinstance(defaults, dict):
            self.problem(f"must be a table, not {_type(defaults)}", key="defaults")
            defaults = {}
        self.check_options(defaults, "[defaults]")
        raw_orgs = self.table_array(doc, "org")
        raw_members = self.table_array(doc, "member")
        if not raw_orgs and not self.problems:
            self.problem("the file defines no organizations; add at least one [[org]] table")

        orgs: list[Organization] = []
        seen: dict[str, str] = {}
        for n, raw in enumerate(raw_orgs):
            org = self.read_org(n, raw, defaults, seen)
            if org is not None:
                orgs.append(org)
        by_id = {o.id: o for o in orgs}
        for org in orgs:
            self.check_refs(org, by_id)
        self.check_cycles(orgs, by_id)

        members: list[Member] = []
        seen_members: dict[str, str] = {}
        for n, raw in enumerate(raw_members):
            member = self.read_member(n, raw, by_id, seen_members)
            if member is not None:
                members.append(member)
        if self.problems:
            raise InputError(self.problems)
        return OrganizationTree(orgs, members)

    # -- helpers -------------------------------------------------------------------------------------

    def table_array(self, doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = doc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(f"must be an array of tables ([[{key}]]), not {_type(value)}", key=key)
            return []
        return value

    def where(self, kind: str, n: int, raw: Mapping[str, Any]) -> str:
        lines = self.org_lines if kind == "org" else self.member_lines
        line = f" (line {lines[n]})" if n < len(lines) else ""
        ident = raw.get("id")
        if isinstance(ident, str) and ident:
            return f'{kind} "{ident}"{line}'
        return f"{kind} #{n + 1}{line}"

    def string(self, raw: Mapping[str, Any], key: str, subject: str, *, required: bool = False) -> str | None:
        if key not in raw:
            if required:
                self.problem("is required", subject, key)
            return None
        value = raw[key]
        if not isinstance(value, str):
            self.problem(f"must be a string, not {_type(value)}", subject, key)
            return None
        if required and not value.strip():
            self.problem("must not be empty", subject, key)
            return None
        return value

    def ident(self, raw: Mapping[str, Any], key: str, subject: str, *, required: bool = False) -> str | None:
        value = self.string(raw, key, subject, required=required)
        if value is not None and not ID_RE.match(value):
            self.problem(
                f"{value!r} is not a valid id: use lower-case letters, digits and '-', starting with a letter or digit",
                subject,
                key,
            )
            return None
        return value

    def id_list(self, raw: Mapping[str, Any], key: str, subject: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(f"must be a list of ids (strings), not {_type(value)}", subject, key)
            return ()
        return tuple(dict.fromkeys(value))

    def count(self, raw: Mapping[str, Any], key: str, subject: str) -> int | None:
        if key not in raw:
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"must be a whole number, not {_type(value)}", subject, key)
            return None
        if value < 0:
            self.problem(f"must not be negative (got {value})", subject, key)
            return None
        return value

    def enum_set(
        self, raw: Mapping[str, Any], key: str, subject: str, enum: type[MemberRole | MemberFlag]
    ) -> frozenset[Any]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(f"must be a list of strings, not {_type(value)}", subject, key)
            return frozenset()
        known = [str(e) for e in enum]
        out = set()
        for v in value:
            if v in known:
                out.add(enum(v))
            else:
                self.problem(f"unknown {key[:-1]} {v!r}; known: {', '.join(known)}", subject, key)
        return frozenset(out)

    def check_options(self, options: Mapping[str, Any], subject: str, prefix: str = "") -> None:
        if "timezone" in options:
            tz = options["timezone"]
            if not isinstance(tz, str) or not _valid_zone(tz):
                self.problem(f"{tz!r} is not a known time zone (e.g. 'Asia/Shanghai')", subject, prefix + "timezone")
        if "meeting_time" in options:
            t = options["meeting_time"]
            if isinstance(t, dt.time):
                pass
            elif not isinstance(t, str) or not TIME_RE.match(t):
                self.problem(f"{t!r} is not a time of day as 'HH:MM' (e.g. '14:30')", subject, prefix + "meeting_time")
        if "meeting_minutes" in options:
            m = options["meeting_minutes"]
            if isinstance(m, bool) or not isinstance(m, int) or not 0 < m <= 24 * 60:
                self.problem(
                    f"{m!r} is not a number of minutes between 1 and 1440",
                    subject,
                    prefix + "meeting_minutes",
                )

    # -- organizations -------------------------------------------------------------------------------

    def read_org(
        self, n: int, raw: dict[str, Any], defaults: Mapping[str, Any], seen: dict[str, str]
    ) -> Organization | None:
        subject = self.where("org", n, raw)
        before = len(self.problems)
        for key in raw:
            if key not in ORG_KEYS:
                self.problem(f"unknown key; expected one of {', '.join(ORG_KEYS)}", subject, key)
        org_id = self.ident(raw, "id", subject, required=True)
        name = self.string(raw, "name", subject, required=True)
        kind = OrgKind.BRANCH
        kind_raw = self.string(raw, "kind", subject)
        if kind_raw is not None:
            try:
                kind = OrgKind(kind_raw)
            except ValueError:
                self.problem(f"unknown kind {kind_raw!r}; known: {', '.join(str(k) for k in OrgKind)}", subject, "kind")
        track = self.string(raw, "track", subject)
        if track is not None and self.tracks is not None and track not in self.tracks:
            self.problem(
                f"unknown track {track!r}; known tracks: "
                + (", ".join(self.tracks) or "(none: are the plugins installed?)"),
                subject,
                "track",
            )
        parent = self.ident(raw, "parent", subject)
        supervisor = self.ident(raw, "supervisor", subject)
        links = self.id_list(raw, "links", subject)
        members = self.count(raw, "members", subject)
        households = self.count(raw, "households", subject)
        options = raw.get("options", {})
        if not isinstance(options, dict):
            self.problem(f"must be a table, not {_type(options)}", subject, "options")
            options = {}
        self.check_options(options, subject, "options.")
        if org_id is not None:
            if org_id in seen:
                self.problem(f"duplicate organization id; first defined as {seen[org_id]}", subject, "id")
                return None
            seen[org_id] = subject
        if len(self.problems) > before or org_id is None or name is None:
            return None
        return Organization(
            id=org_id,
            name=name.strip(),
            kind=kind,
            track=track,
            parent=parent,
            supervisor=supervisor,
            links=links,
            members=members,
            households=households,
            options={**defaults, **options},
        )

    def check_refs(self, org: Organization, by_id: Mapping[str, Organization]) -> None:
        subject = f'org "{org.id}"'
        for key, ref in (("parent", org.parent), ("supervisor", org.supervisor)):
            if ref is None:
                continue
            if ref == org.id:
                self.problem(f"an organization cannot be its own {key}", subject, key)
            elif ref not in by_id:
                self.problem(f"unknown organization {ref!r}", subject, key)
        for link in org.links:
            if link == org.id:
                self.problem("an organization cannot link to itself", subject, "links")
            elif link not in by_id:
                self.problem(f"unknown organization {link!r}", subject, "links")

    def check_cycles(self, orgs: list[Organization], by_id: Mapping[str, Organization]) -> None:
        reported: set[str] = set()
        for org in orgs:
            path = [org.id]
            current = org
            while current.parent is not None and current.parent in by_id and current.parent != current.id:
                if current.parent in path:
                    cycle = path[path.index(current.parent) :]
                    if not reported.intersection(cycle):
                        reported.update(cycle)
                        chain = " -> ".join([*cycle, current.parent])
                        self.problem(f"the parents form a cycle: {chain}", f'org "{cycle[0]}"', "parent")
                    break
                path.append(current.parent)
                current = by_id[current.parent]

    # -- members -------------------------------------------------------------------------------------

    def read_member(
        self, n: int, raw: dict[str, Any], orgs: Mapping[str, Organization], seen: dict[str, str]
    ) -> Member | None:
        subject = self.where("member", n, raw)
        before = len(self.problems)
        for key in raw:
            if key not in MEMBER_KEYS:
                self.problem(f"unknown key; expected one of {', '.join(MEMBER_KEYS)}", subject, key)
        member_id = self.string(raw, "id", subject, required=True)
        name = self.string(raw, "name", subject, required=True)
        org = self.ident(raw, "org", subject, required=True)
        if org is not None and org not in orgs:
            self.problem(f"unknown organization {org!r}", subject, "org")
        roles = self.enum_set(raw, "roles", subject, MemberRole)
        flags = self.enum_set(raw, "flags", subject, MemberFlag)
        links = self.id_list(raw, "links", subject)
        for link in links:
            if link not in orgs:
                self.problem(f"unknown organization {link!r}", subject, "links")
        if member_id is not None:
            if member_id in seen:
                self.problem(f"duplicate member id; first defined as {seen[member_id]}", subject, "id")
                return None
            seen[member_id] = subject
        if len(self.problems) > before or member_id is None or name is None or org is None:
            return None
        return Member(id=member_id, name=name.strip(), org=org, roles=roles, flags=flags, links=links)


def _type(value: object) -> str:
    names = {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def _valid_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


# -- writing ------------------------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_key(key: str) -> str:
    return key if re.match(r"^[A-Za-z0-9_-]+$", key) else json.dumps(key, ensure_ascii=False)


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
