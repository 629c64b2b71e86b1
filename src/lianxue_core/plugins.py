"""The plugin host: loading plugins, attributing their failures, and the typed facade over the hooks.

The core never calls ``pm.hook.*`` directly; it calls the methods of :class:`PluginHost`, which are
typed, call one plugin at a time in a fixed order (so output does not depend on install order), and
turn every failure into a :class:`~lianxue_core.errors.PluginError` that names the plugin and its
distribution. Build a fresh host where you need one; there is no global plugin manager.

Environment:

``LIANXUE_DISABLE_PLUGIN_AUTOLOAD``
    Any non-empty value: load no plugin from the ``lianxue`` entry-point group, except those named in
    ``LIANXUE_PLUGINS``.
``LIANXUE_PLUGINS``
    Comma-separated entry-point names to load even when autoloading is off (a name no installed
    distribution provides is an error).
``LIANXUE_BLOCK_PLUGINS``
    Comma-separated entry-point names never to load (not even imported); wins over ``LIANXUE_PLUGINS``.

Entry points are loaded in name order, whatever the install order. See ``docs/plugins.md``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib.metadata
import inspect
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import pluggy

from . import hookspecs
from .errors import PluginConflictError, PluginError
from .i18n import _
from .model import Organization, OrganizationTree
from .obligations import Obligation, Track, has_branches
from .optionspec import CORE, CORE_OPTIONS, OptionSchema, OptionSpec
from .scheduling.occurrence import Occurrence
from .supervision.findings import Finding, Record
from .workdays import WorkdayCalendar, official_calendar, provisional_calendar

if TYPE_CHECKING:  # for annotations only: loaded when used
    import icalendar

    from .supervision.points import PointsRules

__all__ = ["ENTRY_POINT_GROUP", "HOOKS", "PluginHost", "PluginInfo", "hookimpl", "implementation_problems"]

#: The entry-point group built-in and third-party plugins are registered in.
ENTRY_POINT_GROUP = hookspecs.PROJECT

#: Mark a function as a hook implementation: ``@hookimpl def lianxue_tracks(): ...``.
hookimpl = pluggy.HookimplMarker(hookspecs.PROJECT)

#: Name under which the core registers its own default implementations (and declares its options).
CORE_PLUGIN = CORE

#: The hook names and their specification functions, in the order of :mod:`lianxue_core.hookspecs`.
HOOKS: Mapping[str, Any] = {
    name: fn
    for name, fn in vars(hookspecs).items()
    if name.startswith(f"{hookspecs.PROJECT}_") and inspect.isfunction(fn)
}

T = TypeVar("T")


def _spec_signature(hook: str) -> str:
    params = ", ".join(inspect.signature(HOOKS[hook]).parameters)
    return f"{hook}({params})"


def implementation_problems(plugin: object) -> list[str]:
    """Every way the hook implementations of ``plugin`` do not fit lianxue's specifications.

    Checks each function marked ``@hookimpl``: its hook exists, it takes no argument the
    specification does not have, and it is not a wrapper (lianxue calls each plugin on its own, so
    wrappers would never run). The host refuses a plugin with any of these problems.

    Returns:
        One sentence per problem, in attribute order; an empty list when every implementation fits.
    """
    problems: list[str] = []
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    for attr in dir(plugin):
        opts = pm.parse_hookimpl_opts(plugin, attr)
        if opts is None:
            continue
        hook = opts.get("specname") or attr
        impl = pluggy.HookImpl(plugin, "", getattr(plugin, attr), opts)
        if hook not in HOOKS:
            close = difflib.get_close_matches(hook, HOOKS, n=1)
            hint = _("did you mean {hook}? ").format(hook=close[0]) if close else ""
            problems.append(
                _("{function} implements unknown hook {hook!r} ({hint}known hooks: {hooks})").format(
                    function=attr, hook=hook, hint=hint, hooks=", ".join(sorted(HOOKS))
                )
            )
            continue
        extra = [a for a in impl.argnames if a not in inspect.signature(HOOKS[hook]).parameters]
        if extra:
            problems.append(
                _("{function}({arguments}) has argument(s) {extra} that the specification {spec} does not have").format(
                    function=attr,
                    arguments=", ".join(impl.argnames),
                    extra=", ".join(map(repr, extra)),
                    spec=_spec_signature(hook),
                )
            )
        if impl.wrapper or impl.hookwrapper:
            problems.append(
                _("{function} is a hook wrapper; lianxue calls each plugin on its own and runs no wrappers").format(
                    function=attr
                )
            )
    return problems


class _CoreDefaults:
    """The core's own hook implementations: the fallback working-day provider."""

    @hookimpl(trylast=True)
    def lianxue_workdays(self, year: int) -> WorkdayCalendar:
        return official_calendar(year) or provisional_calendar(year)


@attrs.frozen
class PluginInfo:
    """A loaded plugin, as ``lianxue plugins`` lists it.

    Args:
        name: The name it was registered under (its entry-point name).
        distribution: The distribution that provides it, or ``None`` when registered directly.
        version: That distribution's version.
        module: The module or object it was loaded from.
        hooks: The hooks it implements, sorted.
        tracks: The track keys it registers.
        obligations: How many obligations its catalogue holds.
    """

    name: str
    distribution: str | None
    version: str | None
    module: str
    hooks: tuple[str, ...]
    tracks: tuple[str, ...] = ()
    obligations: int = 0

    def to_json(self) -> dict[str, Any]:
        """The plugin as a JSON-ready object."""
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "module": self.module,
            "hooks": list(self.hooks),
            "tracks": list(self.tracks),
            "obligations": self.obligations,
        }


def _env_names(value: str | None) -> list[str]:
    return [n.strip() for n in (value or "").replace(" ", ",").split(",") if n.strip()]


class PluginHost:
    """A plugin manager with lianxue's hooks, and the typed facade the core calls them through.

    Args:
        autoload: Load plugins from the ``lianxue`` entry-point group. ``None`` (the default) reads
            ``LIANXUE_DISABLE_PLUGIN_AUTOLOAD``.
        blocked: Entry-point names never to load, added to ``LIANXUE_BLOCK_PLUGINS``.
        plugins: Extra plugins to register, as ``(name, module_or_object)`` pairs; handy in tests.
        environ: The environment to read (defaults to ``os.environ``).

    Raises:
        PluginError: A plugin failed to import or does not fit the hook specifications.
    """

    def __init__(
        self,
        *,
        autoload: bool | None = None,
        blocked: Iterable[str] = (),
        plugins: Iterable[tuple[str, object]] = (),
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._dists: dict[str, tuple[str | None, str | None]] = {}
        self._pm.register(_CoreDefaults(), name=CORE_PLUGIN)
        self._dists[CORE_PLUGIN] = ("lianxue", _own_version())
        self.blocked: frozenset[str] = frozenset(_env_names(env.get("LIANXUE_BLOCK_PLUGINS"))) | frozenset(blocked)
        if autoload is None:
            autoload = not env.get("LIANXUE_DISABLE_PLUGIN_AUTOLOAD")
        only = None if autoload else set(_env_names(env.get("LIANXUE_PLUGINS")))
        #: Whether every installed plugin is loaded: none was blocked or left out by turning autoloading off.
        self.complete = True
        self._load_entrypoints(only)
        for name, plugin in plugins:
            self.register(plugin, name)

    # -- loading -------------------------------------------------------------------------------------

    def _load_entrypoints(self, only: set[str] | None) -> None:
        eps = sorted(
            importlib.metadata.entry_points(group=ENTRY_POINT_GROUP),
            key=lambda e: (e.name, *_dist_of(e), e.value),
        )
        found = {ep.name for ep in eps}
        #: The entry-point names installed, blocked or not (``--block`` warns of a name not among them).
        self.installed: frozenset[str] = frozenset(found)
        for name in sorted((only or set()) - found - self.blocked):
            raise PluginError(
                name,
                _(
                    "LIANXUE_PLUGINS names it, but no installed distribution has an entry point of that name "
                    "in the {group!r} group"
                ).format(group=ENTRY_POINT_GROUP),
            )
        loaded: dict[str, str | None] = {}
        for ep in eps:
            if ep.name in self.blocked or (only is not None and ep.name not in only):
                self.complete = False
                continue
            dist, version = _dist_of(ep)
            label = _dist_label(dist, version) or ep.value
            if ep.name in loaded:
                raise PluginConflictError("entry-point name", ep.name, (ep.name, loaded[ep.name]), (ep.name, label))
            loaded[ep.name] = label
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginError(
                    ep.name,
                    _("error importing {module!r}: {error}").format(
                        module=ep.value, error=f"{type(exc).__name__}: {exc}"
                    ),
                    label,
                ) from exc
            self.register(plugin, ep.name, distribution=dist, version=version)

    def register(
        self, plugin: object, name: str, *, distribution: str | None = None, version: str | None = None
    ) -> None:
        """Register ``plugin`` (a module or an object with hook implementations) under ``name``.

        The block list applies to entry points only: a plugin registered here by name is always
        registered.

        Raises:
            PluginError: The name is taken, or an implementation does not fit its specification
                (unknown hook, arguments the specification does not have, a wrapper); the message
                lists every problem (see :func:`implementation_problems`).
        """
        label = _dist_label(distribution, version)
        if self._pm.has_plugin(name):
            raise PluginError(
                name, _("the name is already taken by plugin {plugin}").format(plugin=self._describe(name)), label
            )
        problems = implementation_problems(plugin)
        if problems:
            raise PluginError(name, "; ".join(problems), label)
        try:
            self._pm.register(plugin, name=name)
            self._pm.check_pending()
        except (pluggy.PluginValidationError, ValueError) as exc:  # pragma: no cover - caught above
            if self._pm.has_plugin(name):
                self._pm.unregister(name=name)
            raise PluginError(name, str(exc), label) from exc
        self._dists[name] = (distribution, version)
        self.__dict__.pop("_index", None)
        self.__dict__.pop("_options", None)

    def _label(self, name: str) -> str | None:
        return _dist_label(*self._dists.get(name, (None, None)))

    def _describe(self, name: str) -> str:
        label = self._label(name)
        return f'"{name}"' + (_(" (from {distribution})").format(distribution=label) if label else "")

    def _who(self, name: str) -> tuple[str, str | None]:
        return name, self._label(name)

    # -- calling -------------------------------------------------------------------------------------

    def _impls(self, hook_name: str) -> list[pluggy.HookImpl]:
        caller: pluggy.HookCaller = getattr(self._pm.hook, hook_name)
        impls = [i for i in caller.get_hookimpls() if not i.wrapper and not i.hookwrapper]
        return sorted(impls, key=lambda i: (not i.tryfirst, i.trylast, i.plugin_name))

    def _call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook_name`` in order; pair each result with its plugin."""
        out: list[tuple[str, Any]] = []
        for impl in self._impls(hook_name):
            out.append((impl.plugin_name, self._call(impl, hook_name, kwargs)))
        return out

    def _call(self, impl: pluggy.HookImpl, hook_name: str, kwargs: Mapping[str, Any]) -> Any:
        try:
            return impl.function(*[kwargs[a] for a in impl.argnames])
        except Exception as exc:
            raise PluginError(
                impl.plugin_name,
                _("hook {hook} raised {error}").format(hook=hook_name, error=f"{type(exc).__name__}: {exc}"),
                self._label(impl.plugin_name),
            ) from exc

    def _expect_sequence(self, plugin: str, hook: str, value: Any, kind: type[T]) -> list[T]:
        if value is None:
            return []
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise PluginError(
                plugin,
                _("hook {hook} returned {type}, expected a sequence").format(hook=hook, type=type(value).__name__),
                self._label(plugin),
            )
        try:
            items = list(value)
        except Exception as exc:
            raise PluginError(
                plugin,
                _("hook {hook} raised {error}").format(hook=hook, error=f"{type(exc).__name__}: {exc}"),
                self._label(plugin),
            ) from exc
        for item in items:
            if not isinstance(item, kind):
                raise PluginError(
                    plugin,
                    _("hook {hook} returned a {type}, expected {expected}").format(
                        hook=hook, type=type(item).__name__, expected=kind.__name__
                    ),
                    self._label(plugin),
                )
        return items

    @cached_property
    def _index(self) -> tuple[dict[str, tuple[Track, str]], dict[str, tuple[Obligation, str]]]:
        tracks: dict[str, tuple[Track, str]] = {}
        for plugin, result in self._call_each("lianxue_tracks"):
            for track in self._expect_sequence(plugin, "lianxue_tracks", result, Track):
                if track.key in tracks:
                    other = tracks[track.key][1]
                    if other == plugin:
                        raise PluginError(
                            plugin,
                            _("hook lianxue_tracks returned track {key!r} twice").format(key=track.key),
                            self._label(plugin),
                        )
                    raise PluginConflictError("track", track.key, self._who(other), self._who(plugin))
                tracks[track.key] = (track, plugin)
        obligations: dict[str, tuple[Obligation, str]] = {}
        for plugin, result in self._call_each("lianxue_catalogue"):
            for ob in self._expect_sequence(plugin, "lianxue_catalogue", result, Obligation):
                if ob.id in obligations:
                    other = obligations[ob.id][1]
                    if other == plugin:
                        raise PluginError(
                            plugin,
                            _("hook lianxue_catalogue returned obligation {id!r} twice").format(id=ob.id),
                            self._label(plugin),
                        )
                    raise PluginConflictError("obligation", ob.id, self._who(other), self._who(plugin))
                if ob.track != "*" and ob.track not in tracks:
                    raise PluginError(
                        plugin,
                        _("obligation {id!r} names track {track!r}, which no plugin registers (known: {known})").format(
                            id=ob.id, track=ob.track, known=", ".join(sorted(tracks)) or _("none")
                        ),
                        self._label(plugin),
                    )
                obligations[ob.id] = (ob, plugin)
        return tracks, obligations

    # -- the facade ----------------------------------------------------------------------------------

    def check(self) -> None:
        """Call the registration hooks once, so conflicts and bad records surface now.

        Raises:
            PluginError: A plugin raised or returned something that is not a track, an obligation or
                an option.
            PluginConflictError: Two plugins provide the same track key or obligation id, or declare
                one option with different types.
        """
        self._index  # noqa: B018 - computing the index is the check
        self._options  # noqa: B018

    def tracks(self) -> dict[str, Track]:
        """Every registered track by key, sorted by key."""
        return {k: v[0] for k, v in sorted(self._index[0].items())}

    def catalogue(self, track: str | None = None) -> tuple[Obligation, ...]:
        """Every obligation of every plugin (or of one ``track``), ordered by plugin then source order."""
        return tuple(ob for ob, _ in self._index[1].values() if track is None or ob.track == track)

    @cached_property
    def _options(self) -> dict[str, OptionSpec]:
        specs: dict[str, OptionSpec] = {s.name: s for s in CORE_OPTIONS}
        for plugin, result in self._call_each("lianxue_options"):
            seen: set[str] = set()
            for spec in self._expect_sequence(plugin, "lianxue_options", result, OptionSpec):
                if spec.name in seen:
                    raise PluginError(
                        plugin,
                        _("hook lianxue_options returned option {name!r} twice").format(name=spec.name),
                        self._label(plugin),
                    )
                seen.add(spec.name)
                known = specs.get(spec.name)
                if known is None:
                    specs[spec.name] = attrs.evolve(spec, declared_by=(plugin,))
                elif known.describe() != spec.describe():
                    raise PluginConflictError(
                        "option",
                        spec.name,
                        self._who(known.declared_by[0]),
                        self._who(plugin),
                        detail=_("as {first!r}; this plugin declares it as {second!r}").format(
                            first=known.describe(), second=spec.describe()
                        ),
                    )
                else:
                    specs[spec.name] = attrs.evolve(known, declared_by=(*known.declared_by, plugin))
        return {name: specs[name] for name in sorted(specs, key=lambda n: (n.startswith("*."), n))}

    def option_specs(self) -> dict[str, OptionSpec]:
        """Every option the core and the plugins declare, by name (sorted, ``*.minutes`` and the like
        last); ``declared_by`` names the core (``lianxue-core``) and every plugin that declares it.

        Raises:
            PluginError: A plugin raised, returned something that is not an ``OptionSpec``, or
                returned one name twice.
            PluginConflictError: Two plugins (or a plugin and the core) declare one name with
                different types.
        """
        return dict(self._options)

    def option_schema(self) -> OptionSchema:
        """The options an organization file may set, for :func:`lianxue_core.load`: every declared
        option, per-obligation ones for the slugs of the catalogue's obligations. Unknown names are
        problems unless a plugin was blocked or autoloading is off (its options may be in the file)."""
        slugs = frozenset(ob.id.split(".", 1)[-1] for ob in self.catalogue())
        return OptionSchema(self._options, obligations=slugs, strict=self.complete)

    def provider_of(self, obligation_id: str) -> str:
        """The name of the plugin whose catalogue holds ``obligation_id``."""
        return self._index[1][obligation_id][1]

    def obligations_for(self, organization: Organization, tree: OrganizationTree, year: int) -> tuple[Obligation, ...]:
        """The obligations every plugin gives ``organization`` in ``year``, in catalogue order.

        A plugin that does not implement ``lianxue_obligations`` contributes its catalogue entries that
        apply to the organization.
        """
        _tracks, index = self._index
        answered: set[str] = set()
        found: dict[str, Obligation] = {}
        for plugin, result in self._call_each("lianxue_obligations", organization=organization, tree=tree, year=year):
            answered.add(plugin)
            for ob in self._expect_sequence(plugin, "lianxue_obligations", result, Obligation):
                owner = index.get(ob.id, (None, None))[1]
                if owner != plugin:
                    raise PluginError(
                        plugin,
                        _("hook lianxue_obligations returned {id!r}, which is not in its catalogue").format(id=ob.id),
                        self._label(plugin),
                    )
                found[ob.id] = ob
        for ob, plugin in index.values():
            if plugin not in answered and ob.id not in found and ob.applies(organization):
                found[ob.id] = ob
        order = {k: n for n, k in enumerate(index)}
        # 以党支部为单位: a 党总支 or 党委 with branches below it leaves per-branch duties to them.
        branches_below = has_branches(organization, tree)
        return tuple(
            sorted((o for o in found.values() if not (o.per_branch and branches_below)), key=lambda o: order[o.id])
        )

    def workdays(self, year: int) -> WorkdayCalendar:
        """The working-day calendar for ``year`` from the first provider that answers."""
        for impl in self._impls("lianxue_workdays"):
            result = self._call(impl, "lianxue_workdays", {"year": year})
            if result is not None:
                if not isinstance(result, WorkdayCalendar) or result.year != year:
                    raise PluginError(
                        impl.plugin_name,
                        _("hook lianxue_workdays returned {result!r}, expected a WorkdayCalendar for {year}").format(
                            result=result, year=year
                        ),
                        self._label(impl.plugin_name),
                    )
                return result
        raise AssertionError("the core's provider always answers")  # pragma: no cover

    def adjust_event(self, event: icalendar.Event, occurrence: Occurrence, organization: Organization) -> None:
        """Let every plugin adjust ``event`` in place, in plugin-name order.

        Raises:
            PluginError: A plugin raised, returned something (it must change ``event`` in place and
                return ``None``), or changed the event's UID.
        """
        kwargs = {"event": event, "occurrence": occurrence, "organization": organization}
        for impl in self._impls("lianxue_adjust_event"):
            uid = event.get("UID")
            result = self._call(impl, "lianxue_adjust_event", kwargs)
            if result is not None:
                raise PluginError(
                    impl.plugin_name,
                    _(
                        "hook lianxue_adjust_event returned a {type}; it must change the event in place and return None"
                    ).format(type=type(result).__name__),
                    self._label(impl.plugin_name),
                )
            if event.get("UID") != uid:
                raise PluginError(
                    impl.plugin_name,
                    _(
                        "hook lianxue_adjust_event changed the event's UID from {old!r} to {new!r}; "
                        "subscribers rely on it staying the same"
                    ).format(old=uid, new=event.get("UID")),
                    self._label(impl.plugin_name),
                )

    def findings(
        self,
        organization: Organization,
        tree: OrganizationTree,
        year: int,
        as_of: dt.date,
        occurrences: Sequence[Occurrence],
        records: Sequence[Record],
    ) -> list[Finding]:
        """The findings every plugin contributes for ``organization``, in plugin-name order."""
        out: list[Finding] = []
        for plugin, result in self._call_each(
            "lianxue_findings",
            organization=organization,
            tree=tree,
            year=year,
            as_of=as_of,
            occurrences=tuple(occurrences),
            records=tuple(records),
        ):
            out.extend(self._expect_sequence(plugin, "lianxue_findings", result, Finding))
        return out

    def points_rules(self, organization: Organization, tree: OrganizationTree, year: int) -> PointsRules | None:
        from .supervision.points import PointsRules  # loaded when asked: the planner does not need it

        """The study-points rules the first answering plugin gives ``organization``, or ``None``.

        Raises:
            PluginError: A plugin raised or returned something without ``name`` and ``awards``.
        """
        kwargs = {"organization": organization, "tree": tree, "year": year}
        for impl in self._impls("lianxue_points_rules"):
            result = self._call(impl, "lianxue_points_rules", kwargs)
            if result is None:
                continue
            if not isinstance(result, PointsRules):
                raise PluginError(
                    impl.plugin_name,
                    _(
                        "hook lianxue_points_rules returned {type}, expected rules with "
                        "'name' and 'awards(record, obligation, tree)'"
                    ).format(type=type(result).__name__),
                    self._label(impl.plugin_name),
                )
            return result
        return None

    def plugins(self) -> list[PluginInfo]:
        """Every registered plugin, sorted by name, with its distribution, hooks and tracks."""
        tracks, obligations = self._index
        out = []
        for name, plugin in sorted(self._pm.list_name_plugin()):
            if plugin is None:
                continue
            hooks = sorted({hc.name for hc in self._pm.get_hookcallers(plugin) or ()})
            dist, version = self._dists.get(name, (None, None))
            module = getattr(plugin, "__name__", type(plugin).__module__ + "." + type(plugin).__qualname__)
            out.append(
                PluginInfo(
                    name=name,
                    distribution=dist,
                    version=version,
                    module=module,
                    hooks=tuple(hooks),
                    tracks=tuple(sorted(k for k, (_, p) in tracks.items() if p == name)),
                    obligations=sum(1 for _, p in obligations.values() if p == name),
                )
            )
        return out

    @property
    def manager(self) -> pluggy.PluginManager:
        """The underlying pluggy manager (for tests and introspection; the core does not call it)."""
        return self._pm


def _dist_label(distribution: str | None, version: str | None) -> str | None:
    if not distribution:
        return None
    return f"{distribution} {version}" if version else distribution


def _dist_of(ep: importlib.metadata.EntryPoint) -> tuple[str | None, str | None]:
    dist = ep.dist
    if dist is None:  # pragma: no cover - entry points always come from a distribution here
        return None, None
    return dist.name, dist.version


def _own_version() -> str | None:
    try:
        return importlib.metadata.version("lianxue")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return None
