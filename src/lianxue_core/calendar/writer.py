"""Writing a plan's feeds to a directory: atomically, updating the feeds already there.

:func:`write_feeds` writes ``<org-id>.ics`` for every organization with occurrences, and optionally
``people/<member-id>.ics``, ``supervisors/<org-id>.ics`` and ``todo/<org-id>.ics``. Each file is written
to a temporary file in the same directory and renamed over the old one, so an interrupted run leaves
every old feed whole.

A feed lianxue wrote earlier that this run no longer produces (an organization removed from the file,
or left without occurrences) is written once more with every event CANCELLED, then left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import attrs
import icalendar

from ..files import atomic_write
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

__all__ = ["FeedSet", "WrittenFeed", "atomic_write", "build_feeds", "write_feeds"]


@attrs.frozen
class WrittenFeed:
    """One feed: where it goes (relative path), its name, its text, and how its events changed."""

    path: str
    name: str
    text: str
    events: int
    changed: int
    cancelled: int


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
class _Context:
    out: Path | None
    plan: Plan
    options: FeedOptions
    obligations: Mapping[str, Obligation]
    tree: OrganizationTree
    adjust: AdjustEvent | None


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
    unchanged = sum(1 for e in events if e.uid in previous.blocks and e.text == previous.blocks[e.uid].text)
    cancelled = sum(1 for e in events if e.cancelled)
    text = render_feed(name, events, options=ctx.options, year=ctx.plan.year, description=description)
    return WrittenFeed(rel, name, text, len(events), len(events) - unchanged, cancelled)


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
            continue  # already published as cancelled (or empty): left as it is
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
) -> Iterable[WrittenFeed]:
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
    # An item held during another activity (each member speaking at the monthly study) is part of that
    # activity's event, not an event of its own.
    shown = [o for o in plan.occurrences if o.shown]
    by_org = _by_org(shown)
    ctx = _Context(out, plan, options, obligations, tree, adjust)
    if which.organizations:
        produced: set[str] = set()
        for org in tree:
            items = by_org.get(org.id)
            if items:
                produced.add(f"{org.id}.ics")
                yield _feed(ctx, f"{org.id}.ics", f"{org.name} {plan.year}", items)
        yield from _orphans(ctx, "", produced)
    if which.people:
        by_person: dict[str, list[Occurrence]] = {}
        for occ in shown:
            for person in occ.people:
                by_person.setdefault(person, []).append(occ)
        prefix = org_prefix(tree)
        produced = set()
        for member in tree.members:
            mine = by_person.get(member.id)
            if mine:
                produced.add(f"people/{member.id}.ics")
                yield _feed(ctx, f"people/{member.id}.ics", f"{member.name} {plan.year}", mine, prefix=prefix)
        yield from _orphans(ctx, "people", produced)
    for sup in which.supervisors:
        overseen = {o.id for o in tree.overseen_by(sup)}
        items = [o for o in shown if o.org in overseen and not o.slot]
        yield _feed(
            ctx,
            f"supervisors/{sup}.ics",
            f"{tree[sup].name} 督查 {plan.year}",
            items,
            prefix=org_prefix(tree),
            uid_prefix=f"watch.{sup}.",
            description=f"{tree[sup].name}所督查党组织的{plan.year}年学习教育安排",
        )
    if which.todo:
        produced = set()
        for org in tree:
            items = [o for o in by_org.get(org.id) if o.all_day]
            if items:
                produced.add(f"todo/{org.id}.ics")
                yield _feed(
                    ctx,
                    f"todo/{org.id}.ics",
                    f"{org.name} {plan.year} 待办",
                    items,
                    uid_prefix="todo.",
                    component="VTODO",
                )
        yield from _orphans(ctx, "todo", produced)


def write_feeds(feeds: Iterable[WrittenFeed], out: Path) -> list[WrittenFeed]:
    """Write every feed under ``out`` atomically; return what was written."""
    written = []
    for feed in feeds:
        atomic_write(out / feed.path, feed.text)
        written.append(attrs.evolve(feed, text=""))
    return written
