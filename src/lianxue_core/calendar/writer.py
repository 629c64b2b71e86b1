"""Writing a plan's feeds to a directory: atomically, updating the feeds already there.

:func:`write_feeds` writes ``<org-id>.ics`` for every organization with occurrences, and optionally
``people/<member-id>.ics``, ``supervisors/<org-id>.ics`` and ``todo/<org-id>.ics``. Each file is written
to a temporary file in the same directory and renamed over the old one, so an interrupted run leaves
every feed whole, old or new.

A feed lianxue wrote earlier that this run no longer produces (an organization removed from the file,
or left without occurrences) is written once more with every event CANCELLED, then left alone.

**Runs that are interrupted.** A removed event is published once as CANCELLED and dropped by the next
run — but only once a *completed* run has written the cancellation. :func:`write_feeds` leaves a marker
file (:data:`RUN_MARKER`) in the output directory while it works and removes it when every feed is
written; a run that finds the marker (the previous one was killed) writes every cancellation still in
the feeds again, so that none is lost, and the run after it drops them.

**Durability.** By default the feeds are durable when :func:`write_feeds` returns, at the cost of one
sync per run rather than one per file: the temporary files are written, flushed to disk together (one
``syncfs`` of the filesystem where Linux has it, else one ``fsync`` per file), the output directory is
fsynced, the files are renamed into place, and each folder is fsynced once. ``no_fsync=True`` skips
the syncs (scratch runs, tmpfs): a power cut can then lose the run's files, but a killed process still
leaves every feed whole.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import attrs
import icalendar

from ..files import atomic_write
from ..i18n import _
from ..model import OrganizationTree
from ..obligations import Obligation
from ..scheduling.occurrence import Occurrence
from ..scheduling.planner import Plan
from .feeds import (
    AdjustEvent,
    FeedOptions,
    PreviousFeed,
    build_events,
    org_prefix,
    people_line,
    render_feed,
)

__all__ = [
    "RUN_MARKER",
    "FeedSet",
    "ShardFeeds",
    "WrittenFeed",
    "atomic_write",
    "build_feeds",
    "build_feeds_by_shard",
    "interrupted_run",
    "shard_feeds",
    "write_feeds",
]

RUN_MARKER = ".lianxue-run-incomplete"
"""The file :func:`write_feeds` keeps in the output directory while it writes (see the module's docs)."""


@attrs.frozen
class WrittenFeed:
    """One feed: where it goes (relative path), its name, its text, and how its events changed."""

    path: str
    name: str
    text: str
    events: int
    changed: int
    cancelled: int
    new_cancellations: int = 0  # events this feed cancels for the first time (not already cancelled in the file)


@attrs.frozen
class FeedSet:
    """What :func:`build_feeds` asks for.

    Args:
        organizations: ``<org-id>.ics``: each organization's events.
        people: ``people/<member-id>.ics``: each listed member's events, across organizations.
        supervisors: ``supervisors/<org-id>.ics`` for these organizations: the events of every
            organization each one oversees.
        todo: ``todo/<org-id>.ics``: a VTODO for each all-day item (deadline, duty) of each organization.
    """

    organizations: bool = True
    people: bool = False
    supervisors: tuple[str, ...] = ()
    todo: bool = False


@attrs.frozen
class ShardFeeds:
    """A shard's plan with its organization, people and to-do feeds already built (:func:`shard_feeds`: by a
    worker process, see :func:`lianxue_core.app.feeds_stream`): :func:`build_feeds_by_shard` takes it in
    place of the plan and yields these feeds instead of building them.

    Args:
        plan: The shard's plan.
        feeds: Its feeds, as :func:`build_feeds_by_shard` would build them from ``plan``.
        produced: The paths of those feeds by folder (``""``, ``"people"``, ``"todo"``).
    """

    plan: Plan
    feeds: tuple[WrittenFeed, ...]
    produced: Mapping[str, frozenset[str]]


def shard_feeds(
    plan: Plan,
    tree: OrganizationTree,
    obligations: Mapping[str, Obligation],
    *,
    options: FeedOptions,
    which: FeedSet = FeedSet(),
    out: Path | None = None,
    adjust: Callable[[icalendar.Event, Occurrence], None] | None = None,
    resend_cancelled: bool = False,
) -> ShardFeeds:
    """The organization, people and to-do feeds of one shard's plan (``plan``: a shard of the tree, see
    :func:`lianxue_core.scheduling.shards`), for :func:`build_feeds_by_shard`: work a worker process can do
    next to the planning. ``resend_cancelled``: whether the previous run in ``out`` was interrupted (as
    :func:`build_feeds_by_shard` finds it, before the run begins)."""
    ctx = _Context(out, plan, options, obligations, tree, adjust, resend_cancelled=resend_cancelled)
    produced: dict[str, set[str]] = {"": set(), "people": set(), "todo": set()}
    shown = plan.shown()
    feeds = tuple(_shard_feeds(ctx, shown, which, produced))
    return ShardFeeds(plan, feeds, {k: frozenset(v) for k, v in produced.items()})


def interrupted_run(out: Path | None) -> bool:
    """Whether the run that last wrote ``out`` was interrupted (its marker is still there): its cancellations
    go out again. Ask before the run begins: :func:`write_feeds` puts its own marker there."""
    return out is not None and (out / RUN_MARKER).exists()


@attrs.frozen
class _Context:
    out: Path | None
    plan: Plan
    options: FeedOptions
    obligations: Mapping[str, Obligation]
    tree: OrganizationTree
    adjust: AdjustEvent | None
    resend_cancelled: bool = False  # the previous run was interrupted: write its cancellations again


def _feed(
    ctx: _Context,
    rel: str,
    name: str,
    occurrences: Sequence[Occurrence],
    *,
    prefix: Callable[[Occurrence], str] | None = None,
    uid_prefix: str = "",
    description: str = "",
    component: str = "VEVENT",
    previous: PreviousFeed | None = None,
) -> WrittenFeed:
    if previous is None:
        previous = PreviousFeed.read(ctx.out / rel) if ctx.out is not None else PreviousFeed.empty()
    events = build_events(
        occurrences,
        options=ctx.options,
        obligations=ctx.obligations,
        previous=previous,
        summary_prefix=prefix,
        people_text=lambda occ: people_line(occ, ctx.tree),
        uid_prefix=uid_prefix,
        adjust=ctx.adjust,
        component=component,
    )
    if ctx.resend_cancelled:
        # A cancellation is dropped only once a completed run has written it: the run that wrote these was
        # interrupted, so they go out again, byte for byte (the run after this one drops them).
        kept = {e.uid for e in events}
        again = [b for uid, b in previous.blocks.items() if b.cancelled and uid not in kept]
        if again:
            events = sorted([*events, *again], key=lambda b: b.sort_key)
    unchanged = sum(1 for e in events if e.uid in previous.blocks and e.text == previous.blocks[e.uid].text)
    cancelled = sum(1 for e in events if e.cancelled)
    fresh = sum(
        1 for e in events if e.cancelled and not (e.uid in previous.blocks and previous.blocks[e.uid].cancelled)
    )
    text = render_feed(name, events, options=ctx.options, year=ctx.plan.year, description=description)
    return WrittenFeed(rel, name, text, len(events), len(events) - unchanged, cancelled, fresh)


def _orphans(ctx: _Context, folder: str, produced: set[str]) -> Iterator[WrittenFeed]:
    """Feeds lianxue wrote under ``folder`` that this run does not produce: their events, cancelled once."""
    if ctx.out is None:
        return
    where = ctx.out / folder if folder else ctx.out
    if not where.is_dir():
        return
    for path in sorted(where.glob("*.ics")):
        rel = f"{folder}/{path.name}" if folder else path.name
        if rel in produced or not path.is_file():
            continue
        try:
            with open(path, encoding="utf-8", newline="") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue
        if not text.startswith("BEGIN:VCALENDAR\r\n") or f"\r\nPRODID:{ctx.options.prodid}\r\n" not in text:
            continue  # not ours: leave it alone
        previous = PreviousFeed.parse(text)
        if all(b.cancelled for b in previous.blocks.values()):
            continue  # already published as cancelled (or empty): left as it is, on disk for subscribers
        yield _feed(ctx, rel, previous.name or path.stem, (), previous=previous)


class _OrgIndex:
    """Each organization's occurrences: slices of the plan when they are contiguous (as the planner
    returns them), so the index holds two integers per organization, not a reference per occurrence."""

    def __init__(self, occurrences: Sequence[Occurrence]) -> None:
        self._occurrences = occurrences
        self._slices: dict[str, tuple[int, int]] = {}
        self._lists: dict[str, list[Occurrence]] | None = None
        start = 0
        for n in range(1, len(occurrences) + 1):
            if n == len(occurrences) or occurrences[n].org != occurrences[start].org:
                org = occurrences[start].org
                if org in self._slices:  # not contiguous: index by reference after all
                    self._slices = {}
                    self._lists = {}
                    for occ in occurrences:
                        self._lists.setdefault(occ.org, []).append(occ)
                    return
                self._slices[org] = (start, n)
                start = n

    def get(self, org: str) -> Sequence[Occurrence]:
        if self._lists is not None:
            return self._lists.get(org, ())
        a, b = self._slices.get(org, (0, 0))
        return self._occurrences[a:b]


def _by_org(occurrences: Sequence[Occurrence]) -> _OrgIndex:
    return _OrgIndex(occurrences)


def build_feeds(
    plan: Plan,
    tree: OrganizationTree,
    obligations: Mapping[str, Obligation],
    *,
    options: FeedOptions,
    which: FeedSet = FeedSet(),
    out: Path | None = None,
    adjust: Callable[[icalendar.Event, Occurrence], None] | None = None,
) -> Iterator[WrittenFeed]:
    """Yield each feed of ``plan`` in turn: organizations in file order, people, supervisors, to-dos.

    Feeds are produced one at a time, so memory stays flat in the number of organizations. When
    ``out`` holds feeds from an earlier run, each feed is updated against its previous version, and a
    feed of an earlier run that this one no longer produces (in the folders asked for) comes back once
    with its events cancelled.

    Args:
        plan: The year's plan.
        tree: The organization tree it was made from.
        obligations: The catalogue by obligation id (descriptions, citations, kinds).
        options: Stamp, alarm and refresh settings.
        which: Which feeds to produce.
        out: The directory holding the previous feeds, if any (nothing is written here).
        adjust: Called with each event before it is written (the plugins' ``lianxue_adjust_event``).
    """
    interrupted = interrupted_run(out)
    ctx = _Context(out, plan, options, obligations, tree, adjust, resend_cancelled=interrupted)
    # An item held during another activity (each member speaking at the monthly study) is part of that
    # activity's event, not an event of its own.
    shown = plan.shown()
    by_org = _by_org(shown)
    produced: dict[str, set[str]] = {"": set(), "people": set(), "todo": set()}
    if which.organizations:
        yield from _org_feeds(ctx, by_org, produced)
        yield from _orphans(ctx, "", produced[""])
    if which.people:
        yield from _people_feeds(ctx, shown, produced)
        yield from _orphans(ctx, "people", produced["people"])
    for sup in which.supervisors:
        overseen = {o.id for o in tree.overseen_by(sup)}
        yield _supervisor_feed(ctx, sup, [o for o in shown if o.org in overseen and not o.slot])
    if which.todo:
        yield from _todo_feeds(ctx, by_org, produced)
        yield from _orphans(ctx, "todo", produced["todo"])


def build_feeds_by_shard(
    plans: Iterable[Plan | ShardFeeds],
    tree: OrganizationTree,
    obligations: Mapping[str, Obligation],
    *,
    options: FeedOptions,
    which: FeedSet = FeedSet(),
    out: Path | None = None,
    adjust: Callable[[icalendar.Event, Occurrence], None] | None = None,
    resend_cancelled: bool | None = None,
) -> Iterator[WrittenFeed]:
    """:func:`build_feeds` over a plan that comes shard by shard (:func:`lianxue_core.scheduling.shards`):
    the same feeds, byte for byte, while only one shard's plan is held at a time. A shard may come with its
    feeds already built (:class:`ShardFeeds`, with the same ``options``, ``which``, ``out`` and
    ``resend_cancelled``): they are yielded as they are.

    Each shard's organization, people and to-do feeds are yielded as the shard comes (a person's items all
    lie in one shard: the shards are cut where nobody is shared); the supervisors' feeds, which look across
    shards, and the cancellations of feeds no longer produced come after the last shard. The order of the
    feeds is the shards' order, not the file's: sort what :func:`write_feeds` returns if it matters.
    """
    interrupted = interrupted_run(out) if resend_cancelled is None else resend_cancelled
    produced: dict[str, set[str]] = {"": set(), "people": set(), "todo": set()}
    watched: dict[str, list[Occurrence]] = {sup: [] for sup in which.supervisors}
    overseen = {sup: {o.id for o in tree.overseen_by(sup)} for sup in which.supervisors}
    last: Plan | None = None
    for item in plans:
        if isinstance(item, ShardFeeds):
            plan = item.plan
            shown = plan.shown()
            for folder, paths in item.produced.items():
                for path in sorted(paths):
                    _once(produced[folder], path)
            yield from item.feeds
        else:
            plan = item
            ctx = _Context(out, plan, options, obligations, tree, adjust, resend_cancelled=interrupted)
            shown = plan.shown()
            yield from _shard_feeds(ctx, shown, which, produced)
        last = plan
        for sup, items in watched.items():
            items.extend(o for o in shown if o.org in overseen[sup] and not o.slot)
    if last is None:
        return
    ctx = _Context(out, last, options, obligations, tree, adjust, resend_cancelled=interrupted)
    if which.organizations:
        yield from _orphans(ctx, "", produced[""])
    if which.people:
        yield from _orphans(ctx, "people", produced["people"])
    order = {org.id: n for n, org in enumerate(tree)}
    for sup in which.supervisors:
        # in the order of the whole plan (organizations in file order, then start), as one plan gives it
        yield _supervisor_feed(ctx, sup, sorted(watched[sup], key=lambda o: (order[o.org], *_plan_key(o))))
    if which.todo:
        yield from _orphans(ctx, "todo", produced["todo"])


def _plan_key(occ: Occurrence) -> tuple[object, ...]:
    """The planner's order within one organization (see :func:`lianxue_core.scheduling.merge_plans`)."""
    start = occ.start
    time = start.time() if isinstance(start, dt.datetime) else dt.time.min
    return (occ.first_day, not occ.all_day, time, occ.obligation, occ.slot)


def _shard_feeds(
    ctx: _Context, shown: Sequence[Occurrence], which: FeedSet, produced: dict[str, set[str]]
) -> Iterator[WrittenFeed]:
    """One shard's organization, people and to-do feeds; their paths added to ``produced``."""
    by_org = _by_org(shown)
    if which.organizations:
        yield from _org_feeds(ctx, by_org, produced)
    if which.people:
        yield from _people_feeds(ctx, shown, produced)
    if which.todo:
        yield from _todo_feeds(ctx, by_org, produced)


def _org_feeds(ctx: _Context, by_org: _OrgIndex, produced: dict[str, set[str]]) -> Iterator[WrittenFeed]:
    for org in ctx.tree:
        items = by_org.get(org.id)
        if items:
            path = f"{org.id}.ics"
            _once(produced[""], path)
            yield _feed(ctx, path, f"{org.name} {ctx.plan.year}", items)


def _people_feeds(ctx: _Context, shown: Sequence[Occurrence], produced: dict[str, set[str]]) -> Iterator[WrittenFeed]:
    by_person: dict[str, list[Occurrence]] = {}
    for occ in shown:
        for person in occ.people:
            by_person.setdefault(person, []).append(occ)
    prefix = org_prefix(ctx.tree)
    for member in ctx.tree.members:
        mine = by_person.get(member.id)
        if mine:
            path = f"people/{member.id}.ics"
            _once(produced["people"], path)
            yield _feed(ctx, path, f"{member.name} {ctx.plan.year}", mine, prefix=prefix)


def _todo_feeds(ctx: _Context, by_org: _OrgIndex, produced: dict[str, set[str]]) -> Iterator[WrittenFeed]:
    for org in ctx.tree:
        items = [o for o in by_org.get(org.id) or () if o.all_day]
        if items:
            path = f"todo/{org.id}.ics"
            _once(produced["todo"], path)
            yield _feed(ctx, path, f"{org.name} {ctx.plan.year} 待办", items, uid_prefix="todo.", component="VTODO")


def _supervisor_feed(ctx: _Context, sup: str, items: Sequence[Occurrence]) -> WrittenFeed:
    tree, year = ctx.tree, ctx.plan.year
    return _feed(
        ctx,
        f"supervisors/{sup}.ics",
        f"{tree[sup].name} 督查 {year}",
        items,
        prefix=org_prefix(tree),
        uid_prefix=f"watch.{sup}.",
        description=f"{tree[sup].name}所督查党组织的{year}年学习教育安排",
    )


def _once(produced: set[str], path: str) -> None:
    if path in produced:  # two shards share a person or an organization: the cut is wrong, not the input
        raise RuntimeError(f"{path} would be written by two shards of the plan")
    produced.add(path)


# -- writing: temporary files, one sync, renames, one fsync per folder -------------------------------------

_TEMPORARY = re.compile(r"\..+\.ics\.[A-Za-z0-9_]+\.tmp")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _syncfs(folder: Path) -> bool:
    """One ``syncfs(2)`` of the filesystem holding ``folder`` (Linux); ``False`` where there is none."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError, TypeError):
        return False
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        if syncfs(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(folder))
    finally:
        os.close(fd)
    return True


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Batch:
    """Feeds written to temporary files, then made durable together and renamed into place."""

    def __init__(self, out: Path, no_fsync: bool) -> None:
        self.out = out
        self.no_fsync = no_fsync
        self.pending: list[tuple[Path, Path, bool]] = []  # (temporary, final, cancels events for the first time)
        self.new_mode = 0o666 & ~_umask()
        self.renamed_cancellations = False  # a feed with new cancellations was put in place

    def add(self, path: Path, text: str, cancels: bool) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            st = path.stat()
        except FileNotFoundError:
            mode = self.new_mode
        else:
            if not stat.S_ISREG(st.st_mode):  # never rename over a directory, a device or a pipe
                raise OSError(17, _("exists and is not a regular file; give a file path"), str(path))
            mode = stat.S_IMODE(st.st_mode)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.pending.append((Path(tmp), path, cancels))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            os.fchmod(f.fileno(), mode)

    def commit(self) -> None:
        """Make the temporary files durable (one sync), then rename each over its feed."""
        folders = sorted({final.parent for _, final, _ in self.pending} | {self.out})
        if not self.no_fsync and self.pending:
            if not _syncfs(self.out):
                for tmp, _, _ in self.pending:
                    fd = os.open(tmp, os.O_RDONLY)
                    try:
                        os.fsync(fd)
                    finally:
                        os.close(fd)
            _fsync_folder(self.out)  # the run marker and the folders are on disk before any feed changes
        while self.pending:
            tmp, final, cancels = self.pending[0]
            os.replace(tmp, final)
            self.renamed_cancellations |= cancels
            self.pending.pop(0)
        if not self.no_fsync:
            for folder in folders:
                _fsync_folder(folder)  # one fsync per folder per run: the renames are on disk

    def discard(self, which: Callable[[bool], bool] = lambda cancels: True) -> None:
        """Remove the temporary files (those whose new-cancellation flag ``which`` accepts)."""
        keep = []
        for tmp, final, cancels in self.pending:
            if which(cancels):
                with contextlib.suppress(OSError):
                    tmp.unlink()
            else:
                keep.append((tmp, final, cancels))
        self.pending = keep


def _remove_stale_temporaries(out: Path) -> None:
    """Temporary files a killed run left behind (``.<name>.ics.<random>.tmp``): never read, removed."""
    for folder in (out, out / "people", out / "supervisors", out / "todo"):
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if _TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def write_feeds(feeds: Iterable[WrittenFeed], out: Path, *, no_fsync: bool = False) -> list[WrittenFeed]:
    """Write every feed under ``out`` atomically; return what was written (without the text).

    Each feed goes to a temporary file; when all are written they are flushed to disk together (one
    sync per run), then renamed into place, and each folder is fsynced once. If writing fails (a full
    disk), no feed is changed. If building the feeds fails or is interrupted (an exception, Ctrl-C),
    the feeds finished so far are put in place, whole, except those that cancel events: a cancellation
    must come from a run that completes. A marker file (:data:`RUN_MARKER`) stays in ``out`` while the
    feeds are renamed into place: if the process is killed then, the next run writes this run's
    cancellations again.

    Args:
        feeds: The feeds, as :func:`build_feeds` yields them (with ``out`` as their previous directory).
        out: The output directory (created when missing).
        no_fsync: Do not sync to disk (scratch runs): faster; a power cut may lose the run's files, a
            killed process still leaves every feed whole.
    """
    out.mkdir(parents=True, exist_ok=True)
    marker = out / RUN_MARKER
    marker_was_there = marker.exists()  # the previous run was killed: its cancellations are not delivered yet
    written: list[WrittenFeed] = []
    batch = _Batch(out, no_fsync)
    started = False

    def settle() -> None:
        """After a failure: the marker goes unless a killed run left it or this one delivered cancellations."""
        if not marker_was_there and not batch.renamed_cancellations:
            with contextlib.suppress(FileNotFoundError):
                marker.unlink()

    try:
        for feed in feeds:
            if not started:  # after the first feed is built: build_feeds has looked for the marker
                _remove_stale_temporaries(out)
                marker.touch()
                started = True
            batch.add(out / feed.path, feed.text, feed.new_cancellations > 0)
            written.append(attrs.evolve(feed, text=""))
    except OSError:
        batch.discard()
        settle()
        raise
    except BaseException:
        batch.discard(lambda cancels: cancels)  # cancellations wait for a run that completes
        try:
            batch.commit()  # the rest was built whole before the failure: put it in place
        except BaseException:
            batch.discard()
        settle()
        raise
    try:
        batch.commit()
    except BaseException:
        batch.discard()
        settle()
        raise
    with contextlib.suppress(FileNotFoundError):
        marker.unlink()
    return written
