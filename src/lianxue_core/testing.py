"""Helpers for testing lianxue plugins: a pytest plugin, tree builders and a contract check.

Opt in from a plugin's tests with ``pytest_plugins = ["lianxue_core.testing"]`` (in ``conftest.py``)
or ``pytest -p lianxue_core.testing``. It provides:

``lianxue_host``
    A fresh :class:`~lianxue_core.PluginHost` with every installed plugin, new for each test.
``lianxue_host_factory``
    A function ``(*plugins, autoload=False, blocked=()) -> PluginHost`` that builds a host with the
    given ``(name, plugin)`` pairs, for tests that want only their own plugin.

and, for any test: :class:`TreeBuilder` to build organization trees in a line or two, and
:func:`check_plugin_contract`, which says everything a plugin does wrong.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import icalendar
import pluggy
import pytest

from .errors import LianxueError
from .model import Member, MemberFlag, MemberRole, Organization, OrganizationTree, OrgKind
from .obligations import CadenceKind, Obligation
from .plugins import ENTRY_POINT_GROUP, PluginHost, implementation_problems
from .scheduling.occurrence import Occurrence

__all__ = ["TreeBuilder", "check_plugin_contract", "contract_problems"]


class TreeBuilder:
    """Build an :class:`~lianxue_core.OrganizationTree` step by step.

    Example::

        tree = (
            TreeBuilder()
            .org("xinshi", "新市镇党委", kind="committee", track="town")
            .org("zhuangcun", "庄村党支部", track="village", parent="xinshi", members=30)
            .member("m1", "张三", "zhuangcun", roles=["secretary"])
            .build()
        )
    """

    def __init__(self) -> None:
        self._orgs: list[Organization] = []
        self._members: list[Member] = []

    def org(
        self,
        id: str,
        name: str | None = None,
        *,
        kind: OrgKind | str = OrgKind.BRANCH,
        track: str | None = None,
        parent: str | None = None,
        supervisor: str | None = None,
        links: Iterable[str] = (),
        members: int | None = None,
        households: int | None = None,
        **options: Any,
    ) -> TreeBuilder:
        """Add an organization; keyword arguments beyond the fields become its options."""
        self._orgs.append(
            Organization(
                id=id,
                name=name or f"{id}党组织",
                kind=OrgKind(kind),
                track=track,
                parent=parent,
                supervisor=supervisor,
                links=tuple(links),
                members=members,
                households=households,
                options=options,
            )
        )
        return self

    def member(
        self,
        id: str,
        name: str,
        org: str,
        *,
        roles: Iterable[MemberRole | str] = (),
        flags: Iterable[MemberFlag | str] = (),
        links: Iterable[str] = (),
    ) -> TreeBuilder:
        """Add a member."""
        self._members.append(
            Member(
                id=id,
                name=name,
                org=org,
                roles=frozenset(MemberRole(r) for r in roles),
                flags=frozenset(MemberFlag(f) for f in flags),
                links=tuple(links),
            )
        )
        return self

    def build(self) -> OrganizationTree:
        """The tree built so far."""
        return OrganizationTree(self._orgs, self._members)


def _unmarked_functions(plugin: object) -> list[str]:
    probe = pluggy.PluginManager(ENTRY_POINT_GROUP)
    return [
        f"{attr} looks like a hook implementation but is not marked @hookimpl, so lianxue never calls it"
        for attr in dir(plugin)
        if attr.startswith(f"{ENTRY_POINT_GROUP}_")
        and inspect.isroutine(getattr(plugin, attr, None))
        and probe.parse_hookimpl_opts(plugin, attr) is None
    ]


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def contract_problems(
    plugin: object,
    name: str,
    *,
    year: int = 2026,
    autoload: bool = True,
    plugins: Iterable[tuple[str, object]] = (),
) -> list[str]:
    """Everything ``plugin`` does wrong, as sentences; an empty list when it keeps the contract.

    The plugin is registered under ``name`` in a fresh host beside every installed plugin (an
    installed plugin of the same name is left out) and checked:

    - every function marked ``@hookimpl`` implements a known hook with arguments from its
      specification, and no ``lianxue_*`` function is left unmarked;
    - it implements at least one hook, and its tracks and obligations do not conflict with others';
    - every obligation's id starts with its track, it has a title, it cites a source with a document,
      a section and the verbatim clause, and the ids it names in ``after`` and ``combines_with`` exist;
    - every hook it implements answers, without raising, for an organization of every kind on each of
      its tracks (``lianxue_obligations`` only with obligations from its catalogue).

    Args:
        plugin: The plugin module or object.
        name: The name to register it under (usually its entry-point name).
        year: The year to probe the hooks with.
        autoload: Check it beside the installed plugins (``False``: beside ``plugins`` only).
        plugins: Other ``(name, plugin)`` pairs to register too, e.g. the plugin whose tracks it uses.
    """
    problems = implementation_problems(plugin)
    unmarked = _unmarked_functions(plugin)
    if problems:
        return [*problems, *unmarked]
    problems += unmarked
    try:
        host = PluginHost(autoload=autoload, blocked=[name], plugins=plugins, environ=None if autoload else {})
        host.register(plugin, name)
        host.check()
    except LianxueError as exc:
        return [*problems, str(exc)]
    info = next(i for i in host.plugins() if i.name == name)
    if not info.hooks:
        problems.append(f"plugin {name!r} implements no lianxue hook")
    catalogue = host.catalogue()
    own = [o for o in catalogue if host.provider_of(o.id) == name]
    ids = {o.id for o in catalogue}
    for ob in own:
        where = f"obligation {ob.id!r}"
        if ob.track != "*" and not ob.id.startswith(ob.track + "."):
            problems.append(f"{where}: the id must start with its track {ob.track + '.'!r}")
        if not ob.title.strip():
            problems.append(f"{where}: empty title")
        if not (ob.source.document.strip() and ob.source.section.strip() and ob.source.quote.strip()):
            problems.append(f"{where}: the source needs a document, a section and the verbatim quote")
        for field, named in (("after", ob.after), ("combines_with", ob.combines_with)):
            problems += [
                f"{where}: {field!r} names {other!r}, which no plugin defines" for other in named if other not in ids
            ]
        if ob.cadence.kind is CadenceKind.PER_HOUSEHOLD and ob.cadence.within is None:
            problems.append(f"{where}: a per-household cadence needs 'within'")
    problems += _probe(host, info.hooks, info.tracks or tuple(sorted({o.track for o in own})), own, year)
    return _dedupe(problems)


def _probe(
    host: PluginHost, hooks: Sequence[str], tracks: Sequence[str], own: Sequence[Obligation], year: int
) -> list[str]:
    """Call every hook the plugin implements for a probe organization of every kind on each track."""
    problems: list[str] = []
    if "lianxue_workdays" in hooks:
        try:
            host.workdays(year)
        except LianxueError as exc:
            problems.append(str(exc))
    for track in tracks or ("*",):
        for kind in OrgKind:
            tree = TreeBuilder().org("probe", kind=kind, track=None if track == "*" else track, members=3).build()
            org = tree["probe"]
            occurrence = Occurrence(
                org=org.id,
                obligation=own[0].id if own else f"{track}.probe",
                period=str(year),
                start=dt.date(year, 3, 2),
                end=dt.date(year, 3, 2),
                title="探测",
            )
            event = icalendar.Event()
            event.add("uid", f"{occurrence.key}@lianxue.invalid")
            event.add("summary", occurrence.title)
            event.add("dtstart", occurrence.start)
            for hook in ("lianxue_obligations", "lianxue_adjust_event", "lianxue_findings"):
                if hook not in hooks:
                    continue
                try:
                    if hook == "lianxue_obligations":
                        host.obligations_for(org, tree, year)
                    elif hook == "lianxue_adjust_event":
                        host.adjust_event(event, occurrence, org)
                    else:
                        host.findings(org, tree, year, dt.date(year, 12, 31), [occurrence], [])
                except LianxueError as exc:
                    problems.append(str(exc))
    return problems


def check_plugin_contract(
    plugin: object,
    name: str,
    *,
    year: int = 2026,
    autoload: bool = True,
    plugins: Iterable[tuple[str, object]] = (),
) -> None:
    """Fail with every problem :func:`contract_problems` finds in ``plugin``.

    Example, in a plugin's own tests::

        from lianxue_core.testing import check_plugin_contract
        import lianxue_devzone

        def test_contract():
            check_plugin_contract(lianxue_devzone, "devzone")

    Raises:
        AssertionError: The plugin breaks the contract; the message lists every problem, one a line.
    """
    problems = contract_problems(plugin, name, year=year, autoload=autoload, plugins=plugins)
    if problems:
        raise AssertionError(f"plugin {name!r} breaks the lianxue contract:\n- " + "\n- ".join(problems))


@pytest.fixture
def lianxue_host() -> PluginHost:
    """A fresh host with every installed plugin."""
    return PluginHost(autoload=True)


@pytest.fixture
def lianxue_host_factory() -> Callable[..., PluginHost]:
    """Build a fresh host from ``(name, plugin)`` pairs; ``autoload=True`` adds the installed plugins."""

    def factory(*plugins: tuple[str, object], autoload: bool = False, blocked: Iterable[str] = ()) -> PluginHost:
        return PluginHost(autoload=autoload, blocked=blocked, plugins=plugins, environ={})

    return factory
