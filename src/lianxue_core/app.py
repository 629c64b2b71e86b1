"""The application layer: the one module that puts the plugin host together with the stages.

Organization file → tree (:func:`load_county`) → each organization's obligations (:func:`obligations_of`) →
the year's working days (:func:`workday_calendar`) → the plan (:func:`plan_year`) → calendar feeds with
every plugin's adjustments (:func:`feeds`, :func:`feed`) → a records check with the plugins' findings
and the working-day calendar (:func:`check_records`). The command line is a thin adapter over these
functions, and the public API exports them, so a program and ``lianxue`` give the same answers by
construction. The stages below (``orgfile``, ``scheduling``, ``calendar``, ``supervision``) never see the
plugin host: they receive resolved obligations, calendars and callbacks.

Example, the three things a party-building platform needs::

    >>> from lianxue_core import PluginHost, check_records, example_path, feed, load_county, plan_year
    >>> host = PluginHost()
    >>> tree = load_county(example_path(), host)
    >>> plan = plan_year(tree, host, 2026)
    >>> feed(tree, plan, host, "shangbai")[:15]
    b'BEGIN:VCALENDAR'
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import multiprocessing
import os
import pickle
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from . import orgfile
from .calendar import FeedOptions, FeedSet, WrittenFeed, build_feeds
from .calendar.writer import ShardFeeds, build_feeds_by_shard, interrupted_run, shard_feeds
from .collector import paused, pausing
from .errors import InputError, Problem
from .i18n import _, ngettext
from .model import Organization, OrganizationTree
from .obligations import Obligation
from .orgoptions import ActivityDay
from .plugins import PluginHost
from .scheduling import Combined, Occurrence, Plan, Unplaced, fixed_days, make_plan, merge_plans, shards
from .scheduling.render import RenderedShard, render_shard
from .supervision import Record
from .workdays import WorkdayCalendar, load_overrides

if TYPE_CHECKING:  # imported when used: the report modules are not needed to plan
    import icalendar

    from .scheduling import Occurrence
    from .supervision.replan import Replan
    from .supervision.report import Report

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "CheckOutcome",
    "check_records",
    "check_year",
    "cores",
    "feed",
    "feeds",
    "feeds_by_shard",
    "feeds_stream",
    "left_out",
    "load_county",
    "obligations_of",
    "plan_stream",
    "plan_year",
    "rendered_stream",
    "workday_calendar",
]

#: The years lianxue plans and checks: the holiday sources cover them.
MIN_YEAR, MAX_YEAR = 1901, 2099


def check_year(year: int, option: str = "year") -> None:
    """Refuse a year lianxue cannot plan, naming the option it came from.

    Raises:
        InputError: ``year`` is outside :data:`MIN_YEAR`..:data:`MAX_YEAR`.
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(
            [
                Problem(
                    option,
                    _("{year} is not a year between {low} and {high}").format(year=year, low=MIN_YEAR, high=MAX_YEAR),
                )
            ]
        )


def load_county(path: str | Path, host: PluginHost) -> OrganizationTree:
    """Read an organization file with the tracks and options of ``host``'s plugins.

    When a plugin was blocked (``--block``) or autoloading is off, an organization on a track no loaded plugin
    provides is not an error: it is left out of the plan (:func:`left_out`) and the plan says so.

    Raises:
        InputError: Every problem in the file, one per line.
    """
    tracks = host.tracks() if host.complete else None
    return orgfile.load(path, tracks=tracks, options=host.option_schema())


def unknown_org(source: str, tree: OrganizationTree, org_id: str, subject: str) -> Problem:
    """The problem of ``subject`` (``--org``, ``--supervisor``) naming no organization of ``tree`` (read from
    ``source``), with the nearest id when one is close: ``没有 id 为 'shangbia' 的组织（是否为 'shangbai'？）``."""
    close = difflib.get_close_matches(org_id, [o.id for o in tree], n=1, cutoff=0.6)
    hint = _(" (did you mean {value!r}?)").format(value=close[0]) if close else ""
    return Problem(source, _("no organization with id {id!r}").format(id=org_id) + hint, subject=subject)


def left_out(tree: OrganizationTree, host: PluginHost) -> tuple[Organization, ...]:
    """The organizations on a track that no loaded plugin provides (its plugin was blocked): not planned."""
    known = host.tracks()
    return tuple(org for org in tree if org.track is not None and org.track not in known)


def obligations_of(tree: OrganizationTree, host: PluginHost, year: int) -> dict[str, tuple[Obligation, ...]]:
    """Each organization's obligations in ``year`` (guidance included), by organization id, in file order;
    none for an organization :func:`left_out` of the plan."""
    skipped = {org.id for org in left_out(tree, host)}
    return {org.id: () if org.id in skipped else host.obligations_for(org, tree, year) for org in tree}


def workday_calendar(
    host: PluginHost,
    year: int,
    *,
    holidays: str | Path | Mapping[int, WorkdayCalendar] | None = None,
) -> WorkdayCalendar:
    """The working days of ``year``: from an override file or mapping (``--holidays``) when it has the
    year, else from the plugins (the built-in provider answers from ``chinese_calendar``)."""
    overrides = load_overrides(holidays) if isinstance(holidays, str | Path) else holidays
    if overrides and year in overrides:
        return overrides[year]
    return host.workdays(year)


def plan_year(
    tree: OrganizationTree,
    host: PluginHost,
    year: int,
    *,
    orgs: Collection[str] | None = None,
    overrides: Mapping[int, WorkdayCalendar] | None = None,
    holidays: str | Path | None = None,
    obligations: Mapping[str, tuple[Obligation, ...]] | None = None,
    jobs: int | None = 1,
    executor: Executor | None = None,
    progress: Callable[[int], object] | None = None,
) -> Plan:
    """Plan ``year`` for ``tree`` with the obligations and working days ``host``'s plugins provide.

    Args:
        tree: The organization tree (from :func:`load_county`).
        host: The plugin host.
        year: The year to plan.
        orgs: Keep only these organization ids (all when ``None``); the whole tree is planned, so the
            result for them matches the full plan.
        overrides: Official working-day calendars by year (from
            :func:`lianxue_core.workdays.load_overrides`), which take precedence over the plugins.
        holidays: The same, as the path of an override file.
        obligations: The obligations already asked of the plugins (:func:`obligations_of`), to ask once.
        jobs: How many processes plan at once (``None``: one per core). The tree is cut into the groups of
            organizations that share nobody (:func:`lianxue_core.scheduling.shards`), dealt out to the
            processes; the plan is the same whatever ``jobs`` is.
        executor: Plan the shards on this :class:`concurrent.futures.Executor` instead (a process pool of
            your own, or a Dask cluster's ``distributed.Client(...).get_executor()``), ``jobs`` shards of it.
        progress: Called with a number of organizations each time they are planned (a progress display).

    Raises:
        InputError: A year out of range, an unknown organization id, a bad override file.

    Example::

        >>> from lianxue_core import PluginHost, example_path, load_county, plan_year
        >>> host = PluginHost()
        >>> plan = plan_year(load_county(example_path(), host), host, 2026)
        >>> plan.provisional
        False
    """
    check_year(year)
    if orgs is not None:
        unknown = [o for o in orgs if o not in tree]
        if unknown:
            raise InputError(Problem("orgs", _("no organization with id {id!r}").format(id=o)) for o in unknown)
    calendar = workday_calendar(host, year, holidays=overrides if overrides is not None else holidays)
    resolved = dict(obligations) if obligations is not None else obligations_of(tree, host, year)
    plan = _plan_shards(tree, resolved, year, calendar, orgs, jobs, executor, progress)
    notes = _notes(tree, host, resolved, orgs)
    return attrs.evolve(plan, warnings=(*plan.warnings, *notes)) if notes else plan


def replan_year(
    tree: OrganizationTree,
    host: PluginHost,
    year: int,
    records: Sequence[Record],
    as_of: dt.date,
    *,
    previous_tree: OrganizationTree | None = None,
    holidays: str | Path | None = None,
) -> Replan:
    """Re-plan the rest of ``year`` from ``as_of`` around what ``records`` show was held: the same as
    ``lianxue plan|calendar|run|publish ORGFILE --records FILE… --as-of DATE [--previous OLD]``.

    Held items move to the day they were held (same UID), open ones are placed again in the rest of their
    window, missed ones are listed and left out (their events are cancelled), the rest stays where it was
    (see :mod:`lianxue_core.supervision.replan` and docs/planning.md, "During the year").

    Args:
        tree: The organization file as it is now.
        host: The plugin host.
        year: The year (``as_of`` must be in it).
        records: What was held (:func:`lianxue_core.supervision.read_records`, or ``Record`` values).
        as_of: The first day of the rest of the year.
        previous_tree: The organization file the year was first planned from, when it changed since.
        holidays: An override file with the year's official holiday arrangement.

    Raises:
        InputError: ``as_of`` outside ``year``, a year out of range, a bad override file.
    """
    from .supervision.replan import replan

    check_year(year)
    if as_of.year != year:
        raise InputError(
            [Problem("as_of", _("{date} is not in {year}, the year planned").format(date=as_of.isoformat(), year=year))]
        )
    calendar = workday_calendar(host, year, holidays=holidays)
    obligations = obligations_of(tree, host, year)
    previous_obligations = obligations_of(previous_tree, host, year) if previous_tree is not None else None
    replanned = replan(
        tree,
        obligations,
        year,
        calendar,
        records,
        as_of,
        previous_tree=previous_tree,
        previous_obligations=previous_obligations,
    )
    notes = _notes(tree, host, obligations, None)
    if notes:
        replanned = attrs.evolve(
            replanned, plan=attrs.evolve(replanned.plan, warnings=(*replanned.plan.warnings, *notes))
        )
    return replanned


def _notes(
    tree: OrganizationTree,
    host: PluginHost,
    obligations: Mapping[str, tuple[Obligation, ...]],
    orgs: Collection[str] | None,
) -> list[str]:
    """The plan's warnings that come from the plugins and the file, not from the planner."""
    notes = same_clause_twice(obligations, host, orgs)
    skipped = left_out(tree, host)
    if skipped:
        tracks = sorted({str(o.track) for o in skipped})
        sep = _(", ")
        names = sep.join(o.id for o in skipped[:10]) + (_(" and others") if len(skipped) > 10 else "")
        notes.append(
            ngettext(
                "{n} organization not planned ({names}): "
                "the plugin for track {tracks} is not loaded (blocked: {blocked})",
                "{n} organizations not planned ({names}): "
                "the plugin for track {tracks} is not loaded (blocked: {blocked})",
                len(skipped),
            ).format(
                n=len(skipped),
                names=names,
                tracks=sep.join(tracks),
                blocked=sep.join(sorted(host.blocked)) or _("none"),
            )
        )
    return notes


#: The largest shard whose feeds (:func:`feeds_stream`) or table (:func:`rendered_stream`) a worker makes: they come
#: back together, with the plan. A larger shard (one group of people shared across 1,500 organizations) comes back
#: as its plan alone, and the caller makes its texts one at a time.
FEEDS_IN_WORKER_ORGS = 300

#: How many organizations a streamed plan holds at a time (:func:`plan_stream`). A shard's planner works out only
#: its own organizations, so smaller shards cost no more time: 150 keeps ``lianxue plan`` of a 10,000-organization
#: county at about 270 MiB (300: 311 MiB), 1,000 organizations at 100 MiB (300: 135), in the same time
#: (benchmarks/README.md).
SHARD_ORGS = 150


def plan_stream(
    tree: OrganizationTree,
    host: PluginHost,
    year: int,
    *,
    holidays: str | Path | None = None,
    obligations: Mapping[str, tuple[Obligation, ...]] | None = None,
    jobs: int | None = 1,
    executor: Executor | None = None,
    progress: Callable[[int], object] | None = None,
    size: int = SHARD_ORGS,
) -> Iterator[Plan]:
    """The plan of ``year`` shard by shard, for work that need not hold the whole plan (the feeds: see
    :func:`feeds_by_shard`): memory stays at a few shards' plans however large the tree.

    The tree is cut where nobody is shared (:func:`lianxue_core.scheduling.shards`) into shards of about
    ``size`` organizations (at least one per worker); each yielded plan holds one shard's organizations, the
    first also the warnings of the whole plan. ``merge_plans(list(plan_stream(...)), tree)`` is
    :func:`plan_year`'s plan. With several workers the shards come as they are done.
    """
    setup = _Stream.of(tree, host, year, holidays, obligations, jobs, executor, size)
    for plan in _shard_plans(
        tree, setup.obligations, year, setup.calendar, setup.parts, setup.workers, executor, progress
    ):
        yield setup.told(plan)


class _Stream:
    """What planning shard by shard starts from (:func:`plan_stream`, :func:`feeds_stream`): the working days,
    the obligations, the notes of the whole plan, the workers and the shards."""

    def __init__(
        self,
        calendar: WorkdayCalendar,
        obligations: dict[str, tuple[Obligation, ...]],
        notes: tuple[str, ...],
        workers: int,
        parts: list[tuple[str, ...]],
    ) -> None:
        self.calendar, self.obligations, self.notes = calendar, obligations, notes
        self.workers, self.parts = workers, parts
        self.first = True

    @classmethod
    def of(
        cls,
        tree: OrganizationTree,
        host: PluginHost,
        year: int,
        holidays: str | Path | None,
        obligations: Mapping[str, tuple[Obligation, ...]] | None,
        jobs: int | None,
        executor: Executor | None,
        size: int,
    ) -> _Stream:
        check_year(year)
        calendar = workday_calendar(host, year, holidays=holidays)
        resolved = dict(obligations) if obligations is not None else obligations_of(tree, host, year)
        notes = tuple(_notes(tree, host, resolved, None))
        workers = _workers(tree, jobs, executor)
        parts = deal(shards(tree, resolved, year, calendar), max(workers, -(-len(tree) // max(size, 1)))) or [()]
        return cls(calendar, resolved, notes, workers, parts)

    def told(self, plan: Plan) -> Plan:
        """``plan`` with the warnings of the whole plan if it is the first shard's, else with none."""
        if self.first:
            self.first = False
            return attrs.evolve(plan, warnings=(*plan.warnings, *self.notes))
        return attrs.evolve(plan, warnings=())

    def pooled(self, executor: Executor | None) -> bool:
        """Whether the shards are planned on other processes (or an executor)."""
        return executor is not None or (self.workers > 1 and len(self.parts) > 1)


def feeds_stream(
    tree: OrganizationTree,
    host: PluginHost,
    year: int,
    *,
    options: FeedOptions | None = None,
    which: FeedSet | None = None,
    previous: Path | None = None,
    holidays: str | Path | None = None,
    obligations: Mapping[str, tuple[Obligation, ...]] | None = None,
    jobs: int | None = 1,
    executor: Executor | None = None,
    progress: Callable[[int], object] | None = None,
    on_plan: Callable[[Plan], object] | None = None,
    with_occurrences: bool = True,
    size: int = SHARD_ORGS,
) -> Iterator[WrittenFeed]:
    """``feeds_by_shard(tree, plan_stream(tree, host, year, ...), host, ...)``, the same feeds byte for byte,
    with the work shared out: when the shards are planned on worker processes (``jobs`` above one, or
    ``executor``), each worker also builds its shard's organization, people and to-do feeds
    (:func:`lianxue_core.calendar.writer.shard_feeds`), and this process only puts them in order with the
    supervisors' feeds. Where a plugin adjusts events (``lianxue_adjust_event``: the plugins are loaded here,
    not in the workers), or where an ``executor``'s workers would have to read the ``previous`` feeds (they may
    be on other machines), the feeds are built here. ``on_plan`` sees each shard's plan as it comes (warnings
    of the whole plan in the first); with ``with_occurrences=False`` a shard whose feeds a worker built comes
    without its occurrences (its unplaced and combined items are there), which this process then need not
    receive: for a caller that only counts or summarizes (unless ``which`` asks for supervisors' feeds, made
    here from the shards' occurrences)."""
    which, catalogue, adjust = _feed_setup(tree, host, which)
    options = options or FeedOptions()
    setup = _Stream.of(tree, host, year, holidays, obligations, jobs, executor, size)
    resend = interrupted_run(previous)  # before the run puts its own marker there
    bare = not with_occurrences and not which.supervisors
    # a worker reads the previous feeds it updates: lianxue's own workers see this machine's folder; the workers of
    # an executor given may be on other machines, so they build feeds only when there is no previous folder
    seen_by_workers = executor is None or previous is None or not previous.exists()
    job = (
        _FeedJob(options, which, previous and previous.absolute(), resend, catalogue, bare)
        if setup.pooled(executor) and not adjust and seen_by_workers
        else None
    )

    def shards_in_turn() -> Iterator[Plan | ShardFeeds]:
        for _part, item in _part_plans(
            tree, setup.obligations, year, setup.calendar, setup.parts, setup.workers, executor, progress, job=job
        ):
            if isinstance(item, ShardFeeds):
                item = attrs.evolve(item, plan=setup.told(item.plan))
                if on_plan is not None:
                    on_plan(item.plan)
            else:
                item = setup.told(_plan_of(item))
                if on_plan is not None:
                    on_plan(item)
            yield item

    yield from build_feeds_by_shard(
        shards_in_turn(),
        tree,
        catalogue,
        options=options,
        which=which,
        out=previous,
        adjust=adjust,
        resend_cancelled=resend,
    )


def _plan_of(item: Plan | ShardFeeds | RenderedShard) -> Plan:
    """The plan of a shard as a worker sent it back."""
    return item if isinstance(item, Plan) else item.plan


@attrs.frozen
class _FeedJob:
    """What a worker needs to build its shard's feeds next to its plan (:func:`feeds_stream`)."""

    options: FeedOptions
    which: FeedSet
    out: Path | None
    resend_cancelled: bool
    catalogue: dict[str, Obligation]
    bare: bool = False  # the plan sent back without its occurrences

    def run(self, plan: Plan, tree: OrganizationTree) -> ShardFeeds:
        built = shard_feeds(
            plan,
            tree,
            self.catalogue,
            options=self.options,
            which=self.which,
            out=self.out,
            resend_cancelled=self.resend_cancelled,
        )
        return attrs.evolve(built, plan=attrs.evolve(plan, occurrences=())) if self.bare else built


@attrs.frozen
class _RenderJob:
    """What a worker needs to render its shard's plan next to planning it (:func:`rendered_stream`)."""

    titles: dict[str, str]
    fmt: str
    width: int | None

    def run(self, plan: Plan, tree: OrganizationTree) -> RenderedShard:
        return render_shard(plan, tree, self.titles, self.fmt, self.width)


def rendered_stream(
    tree: OrganizationTree,
    host: PluginHost,
    year: int,
    fmt: str,
    *,
    width: int | None = None,
    holidays: str | Path | None = None,
    jobs: int | None = 1,
    executor: Executor | None = None,
    progress: Callable[[int], object] | None = None,
    size: int = SHARD_ORGS,
) -> Iterator[Plan | RenderedShard]:
    """:func:`plan_stream` for :func:`lianxue_core.scheduling.render.write_plan_by_shard` (what ``lianxue plan``
    writes, ``fmt`` ``table``, ``markdown`` or ``json``): when the shards are planned on worker processes, each
    worker also renders its shard as a table or Markdown (:class:`~lianxue_core.scheduling.render.RenderedShard`,
    its plan without the occurrences), and a shard planned here comes as its plan. The same text, byte for byte.

    JSON is rendered here: its text is several times the size of the plan it comes from (9,978 organizations,
    ``--jobs 2``: 438 MiB for the process that received it, 1.2 times as fast; the plan: 238 MiB)."""
    setup = _Stream.of(tree, host, year, holidays, None, jobs, executor, size)
    titles = {o.id: o.title for o in host.catalogue()}
    job = _RenderJob(titles, fmt, width) if setup.pooled(executor) and fmt in ("table", "markdown") else None
    for _part, item in _part_plans(
        tree, setup.obligations, year, setup.calendar, setup.parts, setup.workers, executor, progress, job=job
    ):
        if isinstance(item, RenderedShard):
            yield attrs.evolve(item, plan=setup.told(item.plan))
        else:
            yield setup.told(_plan_of(item))


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one, as a container or
    ``taskset`` sets it; else every core): what ``jobs=None`` and ``--jobs``'s default mean."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _workers(tree: OrganizationTree, jobs: int | None, executor: Executor | None) -> int:
    """How many processes plan: ``jobs`` (``None``: one per core), one for a small tree with no executor
    (starting processes would cost more than it saves; the plan is the same). lianxue's own processes are at
    most one per core: more would only share the cores, each holding the tree (``--jobs 100000`` would start a
    process per shard). An executor's workers are its own: ``jobs`` is then how many shards at least."""
    available = cores()
    workers = available if jobs is None else max(1, jobs)
    if executor is not None:
        return workers
    return 1 if len(tree) < MIN_SHARDED_ORGS else min(workers, available)


def _shard_plans(
    tree: OrganizationTree,
    obligations: dict[str, tuple[Obligation, ...]],
    year: int,
    calendar: WorkdayCalendar,
    parts: Sequence[tuple[str, ...]],
    workers: int,
    executor: Executor | None,
    progress: Callable[[int], object] | None,
    orgs: Collection[str] | None = None,
) -> Iterator[Plan]:
    """The plans of ``parts`` (shards of the tree), in this process or on ``workers`` processes (or
    ``executor``), in the order of ``parts`` as far as they are done: at most two shards per worker in flight,
    so finished plans do not pile up."""
    for _part, plan in _part_plans(tree, obligations, year, calendar, parts, workers, executor, progress, orgs):
        yield _plan_of(plan)  # no job asked for: a plan


def _part_plans(
    tree: OrganizationTree,
    obligations: dict[str, tuple[Obligation, ...]],
    year: int,
    calendar: WorkdayCalendar,
    parts: Sequence[tuple[str, ...]],
    workers: int,
    executor: Executor | None,
    progress: Callable[[int], object] | None,
    orgs: Collection[str] | None = None,
    *,
    job: _FeedJob | _RenderJob | None = None,
) -> Iterator[tuple[tuple[str, ...], Plan | ShardFeeds | RenderedShard]]:
    """:func:`_shard_plans`, each plan with its part; with ``job``, the workers' shards come with what the job
    made of them (their feeds, :class:`ShardFeeds`; their table, :class:`RenderedShard`), a shard planned in
    this process or larger than :data:`FEEDS_IN_WORKER_ORGS` as its plan alone."""
    # the fixed-day rules are worked out from groups of organizations under one supervisor, which shards share (a
    # county's organs): once for the whole tree, not once per shard (a 10,000-organization county: 0.9 s of 17)
    fixed = fixed_days(tree, obligations) if len(parts) > 1 else None
    if executor is None and (workers == 1 or len(parts) == 1):
        for part in parts:
            yield (
                part,
                make_plan(
                    tree, obligations, year, calendar, orgs=orgs, shard=part, progress=progress, fixed_days=fixed
                ),
            )
        return
    # the tree, the obligations and the fixed days pickled once, not once per shard; each worker unpickles them
    # once: lianxue's own workers receive them as they start (a 10,000-organization county's are 9 MiB: not sent
    # with each of its 67 shards), an executor given with each shard (its workers may be anywhere)
    context = pickle.dumps((tree, obligations, fixed), protocol=pickle.HIGHEST_PROTOCOL)
    token = hashlib.blake2b(context, digest_size=16).hexdigest()
    if executor is None:
        pool: Executor = _processes(min(workers, len(parts)), initargs=(token, context))
        sent: bytes | None = None
    else:
        pool, sent = executor, context
    try:
        # the shards' plans come back pickled: hundreds of thousands of objects, made again on the executor's
        # thread, that form no cycles; with the collector running, its collections cost more than the
        # unpickling itself (a 1,000-organization plan: 1.4-2.0 s, 0.6 s paused). Paused until the last is taken.
        with paused():
            waiting = iter(parts)
            # finished shards wait here until they are taken: two per worker, one when they come with their
            # feeds (a shard's plan and feed texts: this process would hold several while it writes another)
            limit = workers if job is not None else 2 * workers
            running: dict[Future[Plan | ShardFeeds | RenderedShard], tuple[str, ...]] = {}

            def submit() -> None:
                for part in waiting:
                    # a shard too large to come back with its feeds at once (a county's organs all tied to one
                    # body) comes back as its plan, and its feeds are built here one at a time
                    asked = job if job is not None and len(part) <= FEEDS_IN_WORKER_ORGS else None
                    running[pool.submit(_plan_part, token, sent, year, calendar, part, orgs, asked)] = part
                    if len(running) >= limit:
                        return

            submit()
            while running:
                done, _pending = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: parts.index(running[f])):  # a deterministic order
                    part = running.pop(future)
                    if progress is not None:
                        progress(len(part))
                    yield part, future.result()
                submit()
    finally:
        if executor is None:
            pool.shutdown(cancel_futures=True)
        _RECEIVED.pop(token, None)  # an executor of threads unpickled it here: not kept past the run


#: What a worker process last received to plan shards of (:func:`_plan_part`), by the digest of its pickle.
_RECEIVED: dict[
    str, tuple[OrganizationTree, dict[str, tuple[Obligation, ...]], Mapping[str, tuple[ActivityDay, bool]] | None]
] = {}


def _receive(token: str, context: bytes) -> None:
    """What a worker is given as it starts (:func:`_processes`): the tree and obligations it will plan shards
    of, and the tree's fixed days, unpickled once."""
    _RECEIVED.clear()  # one run's at a time
    with paused():  # a county's tree: as many objects as its members, made at once, in no cycle
        _RECEIVED[token] = pickle.loads(context)  # pickled by this run's caller


def _plan_part(
    token: str,
    context: bytes | None,
    year: int,
    calendar: WorkdayCalendar,
    part: tuple[str, ...],
    orgs: Collection[str] | None,
    job: _FeedJob | _RenderJob | None = None,
) -> Plan | ShardFeeds | RenderedShard:
    """:func:`make_plan` of one shard, in a worker: ``context`` is the pickled tree and obligations, unpickled
    once per worker and run (``token``, its digest) however many shards the worker plans (a 10,000-organization
    county: about a second each time saved)."""
    if token not in _RECEIVED:
        if context is None:  # a worker of lianxue's own is given the tree as it starts
            raise RuntimeError("a shard to plan, but no tree received: the worker did not start with one")
        _receive(token, context)
    tree, obligations, fixed = _RECEIVED[token]
    plan = make_plan(tree, obligations, year, calendar, orgs=orgs, shard=part, fixed_days=fixed)
    return plan if job is None else job.run(plan, tree)


def feeds_by_shard(
    tree: OrganizationTree,
    plans: Iterable[Plan],
    host: PluginHost,
    *,
    options: FeedOptions | None = None,
    which: FeedSet | None = None,
    previous: Path | None = None,
) -> Iterator[WrittenFeed]:
    """:func:`feeds` of a plan that comes shard by shard (:func:`plan_stream`): the same feeds, byte for byte,
    holding one shard's plan at a time. The feeds come in the shards' order."""
    which, catalogue, adjust = _feed_setup(tree, host, which)
    yield from build_feeds_by_shard(
        plans, tree, catalogue, options=options or FeedOptions(), which=which, out=previous, adjust=adjust
    )


#: Below this many organizations a plan is made in one process whatever ``jobs`` says (same result, less time).
MIN_SHARDED_ORGS = 200


def _processes(n: int, initargs: tuple[str, bytes] | None = None) -> ProcessPoolExecutor:
    """``n`` worker processes, each a fresh interpreter (forkserver where there is one): forking a process
    that runs threads (a server, a test runner) is not safe. With ``initargs`` (a digest and the pickled
    tree and obligations), each worker receives them as it starts (:func:`_receive`)."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if initargs is None:
        return ProcessPoolExecutor(n, mp_context=context)
    return ProcessPoolExecutor(n, mp_context=context, initializer=_receive, initargs=initargs)


def deal(groups: Sequence[Sequence[str]], n: int) -> list[tuple[str, ...]]:
    """``groups`` of organizations dealt into at most ``n`` shards of about the same size (the largest group
    first, each to the smallest shard so far); deterministic, each shard in the groups' order."""
    bins: list[list[int]] = [[] for _bin in range(max(1, min(n, len(groups))))]
    loads = [0] * len(bins)
    for index in sorted(range(len(groups)), key=lambda i: (-len(groups[i]), i)):
        k = min(range(len(bins)), key=lambda b: (loads[b], b))
        bins[k].append(index)
        loads[k] += len(groups[index])
    return [tuple(org for i in sorted(b) for org in groups[i]) for b in bins if b]


def _plan_shards(
    tree: OrganizationTree,
    obligations: dict[str, tuple[Obligation, ...]],
    year: int,
    calendar: WorkdayCalendar,
    orgs: Collection[str] | None,
    jobs: int | None,
    executor: Executor | None,
    progress: Callable[[int], object] | None = None,
) -> Plan:
    """The plan of ``tree`` (kept to ``orgs``), sharded when more than one process plans it or when only some
    organizations are wanted (then only the groups holding them are planned)."""
    workers = _workers(tree, jobs, executor)
    if orgs is None and workers == 1 and executor is None:
        return make_plan(tree, obligations, year, calendar, progress=progress)
    groups = shards(tree, obligations, year, calendar)
    if orgs is not None:
        wanted = set(orgs)
        groups = [g for g in groups if wanted.intersection(g)]
    parts = deal(groups, workers)
    return merge_plans(
        list(_shard_plans(tree, obligations, year, calendar, parts, workers, executor, progress, orgs)), tree
    )


def same_clause_twice(
    obligations: Mapping[str, tuple[Obligation, ...]], host: PluginHost, orgs: Collection[str] | None = None
) -> list[str]:
    """Warnings for two plugins that schedule the same clause for one organization (duplicate events), unless
    one says it is held with the other (``combines_with``, ``part_of``): one line per pair of obligations,
    naming both plugins, the clause and how many organizations."""
    pairs: dict[tuple[str, str], list[str]] = {}
    # the pairs of one set of obligations, found once: the organizations of a track share the objects
    known: dict[tuple[int, ...], list[tuple[str, str]]] = {}
    for org, obs in obligations.items():
        if orgs is not None and org not in orgs:
            continue
        key = tuple(map(id, obs))  # ``obligations`` holds the objects meanwhile: their ids name them
        found = known.get(key)
        if found is None:
            found = known[key] = []
            by_clause: dict[tuple[str, str], list[Obligation]] = {}
            for ob in obs:
                if ob.schedulable:
                    by_clause.setdefault((ob.source.document, ob.source.quote), []).append(ob)
            for same in by_clause.values():
                for i, a in enumerate(same):
                    for b in same[i + 1 :]:
                        linked = (
                            b.id in a.combines_with or a.id in b.combines_with or b.part_of == a.id or a.part_of == b.id
                        )
                        if not linked and host.provider_of(a.id) != host.provider_of(b.id):
                            found.append((a.id, b.id))
        for pair in found:
            pairs.setdefault(pair, []).append(org)
    out = []
    for (a_id, b_id), where in pairs.items():
        quote = next(o.source.quote for obs in obligations.values() for o in obs if o.id == a_id)
        out.append(
            ngettext(
                "plugin {a_plugin}'s {a} and plugin {b_plugin}'s {b} schedule the same clause (“{quote}”): "
                "{n} organization will have duplicate items (e.g. {example}); "
                "block one or join them with combines_with",
                "plugin {a_plugin}'s {a} and plugin {b_plugin}'s {b} schedule the same clause (“{quote}”): "
                "{n} organizations will have duplicate items (e.g. {example}); "
                "block one or join them with combines_with",
                len(where),
            ).format(
                a_plugin=host.provider_of(a_id),
                a=a_id,
                b_plugin=host.provider_of(b_id),
                b=b_id,
                quote=quote[:40],
                n=len(where),
                example=where[0],
            )
        )
    return out


def _feed_setup(
    tree: OrganizationTree, host: PluginHost, which: FeedSet | None
) -> tuple[FeedSet, dict[str, Obligation], Any]:
    """What :func:`feeds` and :func:`feeds_by_shard` build feeds with: the feed set (its supervisors checked),
    the catalogue by id and the plugins' event adjustment."""
    which = which or FeedSet()
    for sup in which.supervisors:
        if sup not in tree:
            raise InputError([Problem("supervisors", _("no organization with id {id!r}").format(id=sup))])
    return which, {o.id: o for o in host.catalogue()}, _adjuster(tree, host)


def _adjuster(tree: OrganizationTree, host: PluginHost) -> Any:
    """The plugins' ``lianxue_adjust_event`` for :func:`build_feeds`, or ``None`` when no plugin has one."""
    if not any("lianxue_adjust_event" in p.hooks for p in host.plugins()):
        return None

    def adjust(event: icalendar.Event, occurrence: Occurrence) -> None:
        host.adjust_event(event, occurrence, tree[occurrence.org])

    return adjust


def feeds(
    tree: OrganizationTree,
    plan: Plan,
    host: PluginHost,
    *,
    options: FeedOptions | None = None,
    which: FeedSet | None = None,
    previous: Path | None = None,
) -> Iterator[WrittenFeed]:
    """The plan's calendar feeds, one at a time, with every plugin's event adjustments.

    ``previous`` is a directory of earlier feeds: events keep their UIDs and their SEQUENCE rises where
    they changed. Write them with :func:`lianxue_core.calendar.write_feeds`.

    Raises:
        InputError: A supervisor feed asked for an organization the tree does not have.
    """
    which, catalogue, adjust = _feed_setup(tree, host, which)
    yield from build_feeds(
        plan, tree, catalogue, options=options or FeedOptions(), which=which, out=previous, adjust=adjust
    )


def feed(
    tree: OrganizationTree,
    plan: Plan,
    host: PluginHost,
    org_id: str,
    *,
    person: bool = False,
    supervisor: bool = False,
    options: FeedOptions | None = None,
) -> bytes:
    """One feed as the bytes of an ``.ics`` file: an organization's (``<org>.ics``), a listed member's
    (``person=True``: ``people/<member>.ics``) or what an organization supervises (``supervisor=True``).

    The bytes are those ``lianxue calendar`` writes for the same input (set ``SOURCE_DATE_EPOCH`` or
    ``options.stamp`` for byte-identical stamps).

    Raises:
        InputError: No such organization or member.
    """
    if person:
        if org_id not in {m.id for m in tree.members}:
            raise InputError([Problem("person", _("no listed member with id {id!r}").format(id=org_id))])
        which, path = FeedSet(organizations=False, people=True), f"people/{org_id}.ics"
    else:
        if org_id not in tree:
            raise InputError([Problem("org", _("no organization with id {id!r}").format(id=org_id))])
        if supervisor:
            which, path = FeedSet(organizations=False, supervisors=(org_id,)), f"supervisors/{org_id}.ics"
        else:
            which, path = FeedSet(), f"{org_id}.ics"
            plan = attrs.evolve(plan, occurrences=plan.for_org(org_id))
    for written in feeds(tree, plan, host, options=options, which=which):
        if written.path == path:
            return written.text.encode("utf-8")
    # nothing planned for it (``lianxue calendar`` writes no file then): an empty calendar to subscribe to
    from .calendar import render_feed

    name = tree[org_id].name if org_id in tree else tree.member(org_id).name
    text = render_feed(f"{name} {plan.year}", (), options=options or FeedOptions(), year=plan.year)
    return text.encode("utf-8")


# -- the records check -------------------------------------------------------------------------------------


@attrs.frozen
class CheckOutcome:
    """A records check: the report, and the warnings about the input (also in the report).

    Render the report with :meth:`table`, :meth:`json` or :meth:`html`; :attr:`exit_code` is ``lianxue
    check``'s (0 nothing wanting, 1 findings).
    """

    report: Report
    warnings: tuple[str, ...] = ()
    plan_warnings: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        return self.report.exit_code

    def table(self, max_width: int | None = None) -> str:
        """The report as text tables (narrowed to ``max_width`` columns: a terminal's width)."""
        from .supervision.report import render_table

        return render_table(self.report, max_width)

    def json(self) -> str:
        from .supervision.report_json import render_json

        return render_json(self.report)

    def json_pieces(self) -> Iterator[str]:
        """:meth:`json` in pieces, each finding rendered as it is written (a county's report is tens of megabytes)."""
        from .supervision.report_json import iter_json

        return iter_json(self.report)

    def html(self) -> str:
        from .supervision.report_html import render_html

        return render_html(self.report)


#: About how many organizations :func:`check_records` plans and checks at a time.
CHECK_SHARD_ORGS = 100


def _check_plans(
    tree: OrganizationTree,
    obligations: dict[str, tuple[Obligation, ...]],
    year: int,
    calendar: WorkdayCalendar,
    orgs: Collection[str] | None,
    jobs: int | None,
    executor: Executor | None,
    size: int | None,
) -> Iterator[tuple[tuple[str, ...], Plan]]:
    """The plan of the year for a check, shard by shard with the organizations of each (only the shards holding
    ``orgs`` when given): the shards of :func:`lianxue_core.scheduling.shards` dealt into parts of about
    ``size`` organizations (at least one per worker), planned here or on the workers as :func:`plan_stream`
    does. With ``size=None``, one process and all organizations: the whole tree's plan at once."""
    workers = _workers(tree, jobs, executor)
    everybody = tuple(org.id for org in tree)
    if size is None and orgs is None and workers == 1 and executor is None:
        yield everybody, make_plan(tree, obligations, year, calendar)
        return
    groups = shards(tree, obligations, year, calendar)
    if orgs is not None:
        wanted = set(orgs)
        groups = [g for g in groups if wanted.intersection(g)]
    count = sum(len(g) for g in groups)
    parts = deal(groups, max(workers, -(-count // size) if size else 1))
    for part, plan in _part_plans(tree, obligations, year, calendar, parts, workers, executor, None, orgs):
        yield part, _plan_of(plan)  # no job asked for: a plan


@pausing  # a county's records and the check's units: the collector would walk them again and again
def check_records(
    tree: OrganizationTree,
    host: PluginHost,
    records: Sequence[str | Path] | Iterable[Record],
    *,
    as_of: dt.date | None = None,
    year: int | None = None,
    supervisor: str | None = None,
    holidays: str | Path | None = None,
    source: str = "check_records",
    key: str = "supervisor",
    jobs: int | None = 1,
    executor: Executor | None = None,
    obligations: Mapping[str, tuple[Obligation, ...]] | None = None,
    plan: Plan | None = None,
    shard: int | None = CHECK_SHARD_ORGS,
) -> CheckOutcome:
    """Check what was held against the year's plan: the same check as ``lianxue check``.

    Args:
        tree: The organization tree.
        host: The plugin host: obligations, working days, plugin findings and study-points rules.
        records: Record files (``.csv``, ``.json``, ``.ics``), or :class:`Record` objects.
        as_of: The day of the check (default today); periods not ended by then are "due".
        year: The year checked (default: the year of ``as_of``).
        supervisor: Only what this organization supervises, rolled up through the tree.
        holidays: An override file with the official holiday arrangement of a year not yet known.
        source: The file or option a problem with ``supervisor`` is reported against (the CLI passes the
            organization file), with ``key``.
        jobs, executor: How the plan is made (see :func:`plan_year`).
        obligations, plan: The year's obligations (:func:`obligations_of`) and plan (:func:`plan_year`, of the
            whole tree) when already made: a report per supervisor checks against one plan.
        shard: About how many organizations are planned and checked at a time (the tree cut where nobody is
            shared: :func:`lianxue_core.scheduling.shards`), so that memory does not grow with the tree; ``None``:
            the whole tree at once. The report is the same whatever it is.

    Raises:
        InputError: A bad record file (every bad row), an unknown supervisor, a year out of range.
    """
    from .supervision.checks import ShardCheck, check_shard, merge_checks
    from .supervision.points import DefaultPointsRules, PointsRules, has_points_system, score
    from .supervision.records import RecordStore, read_store
    from .supervision.report import build_report

    as_of = as_of or dt.date.today()
    year = as_of.year if year is None else year
    check_year(as_of.year, "as_of")
    check_year(year, "year")
    sup: Organization | None = None
    scope: tuple[Organization, ...] = tree.organizations
    if supervisor is not None:
        sup = tree.get(supervisor)
        if sup is None:
            raise InputError([unknown_org(source, tree, supervisor, key)])
        scope = tree.overseen_by(sup.id)
        if not scope:
            raise InputError(
                [Problem(source, _("organization {id!r} supervises no organization").format(id=sup.id), key=key)]
            )
    obligations = dict(obligations) if obligations is not None else obligations_of(tree, host, year)
    catalogue = {o.id: o for o in host.catalogue()}
    items = list(records)
    warnings: list[str] = []
    if all(isinstance(r, Record) for r in items):
        store = RecordStore.of_records(r for r in items if isinstance(r, Record))
    else:
        applies = {org: {o.id for o in obs} for org, obs in obligations.items()}
        store, problems, read_warnings = read_store(
            [Path(r) for r in items if not isinstance(r, Record)], tree, catalogue, applies
        )
        if problems:
            raise InputError(problems)
        warnings += read_warnings
    del items
    in_scope = {o.id for o in scope}
    outside = len(store) - store.count(in_scope)
    if outside:
        warnings.append(
            ngettext(
                "{n} record belongs to an organization outside {supervisor}'s supervision: not counted in this report",
                "{n} records belong to organizations outside {supervisor}'s supervision: not counted in this report",
                outside,
            ).format(n=outside, supervisor=sup.name if sup else "")
        )
    calendar = workday_calendar(host, year, holidays=holidays)
    if plan is not None and plan.year != year:
        raise InputError(
            [
                Problem(
                    source,
                    _("the plan given is of {given}, not of {year}").format(given=plan.year, year=year),
                    key="plan",
                )
            ]
        )
    plans = (
        [(tuple(o.id for o in tree), plan)]
        if plan is not None
        else _check_plans(tree, obligations, year, calendar, None if sup is None else in_scope, jobs, executor, shard)
    )
    plan_warnings: list[tuple[str, ...]] = []

    def checked() -> Iterator[ShardCheck]:
        """Each shard checked in turn, a part of at most ``shard`` organizations at a time (a shard may be large:
        a county's organs all linked to one supervising body): its plan is dropped once it is checked, a part's
        records once the part is, and the units go into the result's compact table (:func:`merge_checks`)
        before the next part is checked."""
        for part, shard_plan in plans:
            if not plan_warnings:
                plan_warnings.append(shard_plan.warnings)
            items: dict[str, tuple[list[Occurrence], list[Unplaced], list[Combined]]] = {}
            for occ in shard_plan.occurrences:
                items.setdefault(occ.org, ([], [], []))[0].append(occ)
            for u in shard_plan.unplaced:
                items.setdefault(u.org, ([], [], []))[1].append(u)
            for c in shard_plan.combined:
                items.setdefault(c.org, ([], [], []))[2].append(c)
            nothing: tuple[list[Occurrence], list[Unplaced], list[Combined]] = ([], [], [])
            size = shard or len(part)
            for start in range(0, len(part), size):
                batch = [o for o in part[start : start + size] if o in in_scope]
                if not batch:
                    continue
                # the part's organizations and those their members are linked to (always in the same shard),
                # whose plan and records the part's checks read
                linked = {link for o in batch for m in tree.members_of(o) for link in m.links if link in tree}
                near = {o: obligations[o] for o in (*batch, *sorted(linked))}
                reads = [o for o in part if (o in near and o in in_scope)]
                found = [items.get(o, nothing) for o in reads]
                yield check_shard(
                    tree,
                    attrs.evolve(
                        shard_plan,
                        occurrences=tuple(x for f in found for x in f[0]),
                        unplaced=tuple(x for f in found for x in f[1]),
                        combined=tuple(x for f in found for x in f[2]),
                    ),
                    near,
                    store.by_organization(reads),
                    as_of,
                    only=batch,
                    extra=lambda org, occs, recs: host.findings(tree[org], tree, year, as_of, occs, recs),
                    workdays=calendar,
                    keep_records=False,  # the part's records are dropped with it: the report shows no unit's
                )
            del shard_plan, items

    result = merge_checks(checked(), tree)
    rules: dict[str, PointsRules] = {}
    for org in scope:
        found = host.points_rules(org, tree, year)
        if found is None and has_points_system(obligations[org.id]):
            found = DefaultPointsRules()
        if found is not None:
            rules[org.id] = found
    # points count the records of the organizations that keep them (``score`` passes over the others),
    # organization after organization: one organization's records held at a time
    by_year = (r for r in store.stream(rules) if r.date.year == year or r.period.startswith(str(year)))
    points = score(by_year, tree, catalogue, rules.get)
    store.close()
    report = build_report(
        result,
        tree,
        catalogue,
        scope=scope,
        points=points,
        points_rules={k: v.name for k, v in rules.items()},
        supervisor=sup,
        warnings=warnings,
    )
    return CheckOutcome(
        report=report, warnings=tuple(warnings), plan_warnings=plan_warnings[0] if plan_warnings else ()
    )
