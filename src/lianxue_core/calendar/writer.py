"""Writing a plan's feeds to a directory: atomically, updating the feeds already there.

:func:`write_feeds` writes ``<org-id>.ics`` for every organization with occurrences, and optionally
``people/<member-id>.ics`` and ``supervisors/<org-id>.ics``. Each file is written to a temporary file in
the same directory and renamed over the old one, so an interrupted run leaves every old feed whole.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import attrs
import icalendar

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
    """What :func:`build_feeds` asks for."""

    organizations: bool = True
    people: bool = False
    supervisors: tuple[str, ...] = ()


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename; never leave a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
) -> WrittenFeed:
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
    )
    unchanged = sum(1 for e in events if e.uid in previous.blocks and e.text == previous.blocks[e.uid].text)
    cancelled = sum(1 for e in events if e.cancelled)
    text = render_feed(name, events, options=ctx.options, year=ctx.plan.year, description=description)
    return WrittenFeed(rel, name, text, len(events), len(events) - unchanged, cancelled)


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
    """Yield each feed of ``plan`` in turn (organizations in file order, then people, then supervisors).

    Feeds are produced one at a time, so memory stays flat in the number of organizations. When
    ``out`` holds feeds from an earlier run, each feed is updated against its previous version.
    """
    by_org: dict[str, list[Occurrence]] = {}
    for occ in plan.occurrences:
        by_org.setdefault(occ.org, []).append(occ)
    ctx = _Context(out, plan, options, obligations, tree, adjust)
    if which.organizations:
        for org in tree:
            items = by_org.get(org.id)
            if items:
                yield _feed(ctx, f"{org.id}.ics", f"{org.name} {plan.year}", items)
    if which.people:
        by_person: dict[str, list[Occurrence]] = {}
        for occ in plan.occurrences:
            for person in occ.people:
                by_person.setdefault(person, []).append(occ)
        prefix = org_prefix(tree)
        for member in tree.members:
            items = by_person.get(member.id)
            if items:
                yield _feed(ctx, f"people/{member.id}.ics", f"{member.name} {plan.year}", items, prefix=prefix)
    for sup in which.supervisors:
        overseen = {o.id for o in tree.overseen_by(sup)}
        items = [o for o in plan.occurrences if o.org in overseen and not o.slot]
        yield _feed(
            ctx,
            f"supervisors/{sup}.ics",
            f"{tree[sup].name} 督查 {plan.year}",
            items,
            prefix=org_prefix(tree),
            uid_prefix=f"watch.{sup}.",
            description=f"{tree[sup].name}所督查党组织的{plan.year}年学习教育安排",
        )


def write_feeds(feeds: Iterable[WrittenFeed], out: Path) -> list[WrittenFeed]:
    """Write every feed under ``out`` atomically; return what was written."""
    written = []
    for feed in feeds:
        atomic_write(out / feed.path, feed.text)
        written.append(attrs.evolve(feed, text=""))
    return written
