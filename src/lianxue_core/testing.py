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

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from .errors import LianxueError
from .model import Member, MemberFlag, MemberRole, Organization, OrganizationTree, OrgKind
from .obligations import CadenceKind
from .plugins import PluginHost

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


def contract_problems(plugin: object, name: str, *, year: int = 2026) -> list[str]:
    """Everything ``plugin`` does wrong, as sentences; an empty list when it keeps the contract.

    The plugin is registered under ``name`` in a fresh host beside every other installed plugin (an
    installed plugin of the same name is replaced), and checked: its hooks fit the specifications;
    its tracks and obligations do not conflict with others; every obligation's id starts with its
    track, cites a source with a verbatim clause, and orders itself only after obligations that
    exist; and ``lianxue_obligations`` answers for an organization of every kind on each of its
    tracks with obligations from its catalogue.
    """
    problems: list[str] = []
    try:
        host = PluginHost(blocked=[name])
        host.register(plugin, name)
        host.check()
    except LianxueError as exc:
        return [str(exc)]
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
        for before in ob.after:
            if before not in ids:
                problems.append(f"{where}: 'after' names {before!r}, which no plugin defines")
        if ob.cadence.kind is CadenceKind.PER_HOUSEHOLD and ob.cadence.within is None:
            problems.append(f"{where}: a per-household cadence needs 'within'")
    for track in info.tracks or sorted({o.track for o in own}):
        for kind in OrgKind:
            tree = TreeBuilder().org("probe", kind=kind, track=None if track == "*" else track, members=3).build()
            try:
                host.obligations_for(tree["probe"], tree, year)
            except LianxueError as exc:
                problems.append(str(exc))
    return problems


def check_plugin_contract(plugin: object, name: str, *, year: int = 2026) -> None:
    """Fail with every problem :func:`contract_problems` finds in ``plugin``.

    Raises:
        AssertionError: The plugin breaks the contract; the message lists every problem.
    """
    problems = contract_problems(plugin, name, year=year)
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
