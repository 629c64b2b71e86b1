"""Calendars per second, end to end, against plain icalendar; and memory as the county grows.

Run with ``.venv/bin/python benchmarks/calendars.py`` (not part of the test suite). For the bundled
example county and a synthetic county of 1,000 organizations (tracks organs and town, built by a
deterministic generator below) it measures, in the same run:

- **lianxue**: plan the year, then :func:`build_feeds` + :func:`write_feeds` into a temporary
  directory (every organization's feed on disk);
- **icalendar**: the same plan, then the same events built as plain :class:`icalendar.Event` objects
  (with their VALARM, in a Calendar with a VTIMEZONE built once), ``to_ical()`` and written to disk;

and checks that icalendar parses both outputs to the same components (every event's UID, times,
texts, categories, status, X-LIANXUE-* and alarm trigger). Peak memory comes from a separate
``tracemalloc`` run of the feed stage (after planning), for 250 and 1,000 synthetic organizations:
it must stay flat — feeds are built and written one at a time, so all that grows with the county is
a few hundred bytes of bookkeeping per feed (the list :func:`write_feeds` returns).

Options: ``--orgs N`` (synthetic size, default 1000), ``--markdown`` (print the table as Markdown).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import icalendar

from lianxue_core import PluginHost, example_path, load
from lianxue_core.app import plan_year
from lianxue_core.calendar import FeedOptions, build_feeds, uid_for, write_feeds
from lianxue_core.calendar.feeds import CATEGORY, PROVISIONAL_NOTE, _description, people_line
from lianxue_core.model import OrganizationTree
from lianxue_core.obligations import Obligation
from lianxue_core.scheduling import Occurrence, Plan
from lianxue_core.testing import TreeBuilder

YEAR = 2026
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ALARM_MINUTES = 24 * 60
_ = PROVISIONAL_NOTE  # the baseline writes the same descriptions (provisional ones included)


# -- inputs -------------------------------------------------------------------------------------------


def synthetic_county(n: int) -> OrganizationTree:
    """``n`` organizations: organs branches under a working committee, and towns with their branches.

    Deterministic: the same ``n`` gives the same tree. Every tenth organization is a town committee;
    the others alternate between an organs branch and a branch of the latest town. Each has a named
    secretary and a size between 8 and 57 members.
    """
    b = TreeBuilder().org("xian", "合成县委", kind="committee").org("jiguan", "县直机关工委", kind="working-committee")
    town = ""
    made = 0
    for i in range(n):
        size = 8 + (i * 37) % 50
        if i % 10 == 0:
            town = f"town-{i:04d}"
            b.org(town, f"第{i}镇党委", kind="committee", track="town", parent="xian")
            org = town
        elif i % 2:
            org = f"organ-{i:04d}"
            b.org(org, f"第{i}局机关党支部", track="organs", parent="jiguan", members=size, location=f"第{i}局会议室")
        else:
            org = f"{town}-b{i:04d}"
            b.org(org, f"第{i}镇机关党支部", track="town", parent=town, members=size)
        b.member(f"s-{i:04d}", f"书记{i}", org, roles=["secretary"])
        made += 1
    assert made == n
    return b.build()


# -- the baseline: plain icalendar ----------------------------------------------------------------------


_TZ_CACHE: dict[str, icalendar.Timezone] = {}


def _timezone(tzid: str) -> icalendar.Timezone:
    if tzid not in _TZ_CACHE:
        tz = icalendar.Timezone.from_tzid(tzid, first_date=dt.date(YEAR, 1, 1), last_date=dt.date(YEAR, 12, 31))
        del tz["COMMENT"]
        _TZ_CACHE[tzid] = tz
    return _TZ_CACHE[tzid]


def icalendar_feed(
    name: str, occurrences: list[Occurrence], catalogue: dict[str, Obligation], tree: OrganizationTree
) -> bytes:
    """The feed built the ordinary way: icalendar objects, then ``to_ical()``."""
    cal = icalendar.Calendar()
    cal.add("VERSION", "2.0")
    cal.add("PRODID", "-//lianxue//lianxue 0.1.0//ZH")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("NAME", name)
    cal.add("X-WR-CALNAME", name)
    cal.add("X-WR-TIMEZONE", "Asia/Shanghai")
    cal.add("REFRESH-INTERVAL", dt.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", "PT12H")
    titles = {k: v.title for k, v in catalogue.items()}
    zones = sorted({o.start.tzinfo.key for o in occurrences if isinstance(o.start, dt.datetime)})  # type: ignore[union-attr]
    for tzid in zones:
        cal.add_component(_timezone(tzid))
    for occ in occurrences:
        ob = catalogue.get(occ.obligation)
        summary = occ.title + ("（暂定）" if occ.provisional else "")
        event = icalendar.Event()
        event.add("UID", uid_for(occ))
        event.add("DTSTAMP", STAMP)
        event.add("SEQUENCE", 0)
        if isinstance(occ.start, dt.datetime):
            event.add("DTSTART", occ.start)
            event.add("DTEND", occ.end)
            transp = "OPAQUE"
        else:
            event.add("DTSTART", occ.start)
            assert isinstance(occ.end, dt.date)
            event.add("DTEND", occ.end + dt.timedelta(days=1))
            transp = "TRANSPARENT"
        event.add("SUMMARY", summary)
        event.add("DESCRIPTION", _description(occ, ob, titles, people_line(occ, tree)))
        if occ.location:
            event.add("LOCATION", occ.location)
        event.add("CATEGORIES", [CATEGORY, ob.kind.label] if ob else [CATEGORY])
        event.add("STATUS", "TENTATIVE" if occ.provisional else "CONFIRMED")
        event.add("TRANSP", transp)
        event.add("X-LIANXUE-ORG", occ.org)
        event.add("X-LIANXUE-OBLIGATION", occ.obligation)
        event.add("X-LIANXUE-PERIOD", occ.period)
        alarm = icalendar.Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("TRIGGER", dt.timedelta(minutes=-ALARM_MINUTES))
        alarm.add("DESCRIPTION", f"提醒：{summary}")
        event.add_component(alarm)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def icalendar_feeds(
    plan: Plan, tree: OrganizationTree, catalogue: dict[str, Obligation]
) -> Iterator[tuple[str, bytes]]:
    by_org: dict[str, list[Occurrence]] = {}
    for occ in plan.occurrences:
        if not occ.at:  # held during another activity: part of that activity's event, as in lianxue's feeds
            by_org.setdefault(occ.org, []).append(occ)
    for org in tree:
        items = by_org.get(org.id)
        if items:
            yield f"{org.id}.ics", icalendar_feed(f"{org.name} {plan.year}", items, catalogue, tree)


# -- runs ---------------------------------------------------------------------------------------------


def run_lianxue(plan: Plan, tree: OrganizationTree, catalogue: dict[str, Obligation], out: Path) -> int:
    options = FeedOptions(stamp=STAMP, alarm_minutes=ALARM_MINUTES)
    return len(write_feeds(build_feeds(plan, tree, catalogue, options=options), out))


def run_icalendar(plan: Plan, tree: OrganizationTree, catalogue: dict[str, Obligation], out: Path) -> int:
    n = 0
    for rel, data in icalendar_feeds(plan, tree, catalogue):
        (out / rel).write_bytes(data)
        n += 1
    return n


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _summary(component: icalendar.cal.component.Component) -> tuple[Any, ...]:
    alarms = [a.decoded("TRIGGER") for a in component.walk("VALARM")]
    return (
        component.decoded("DTSTART"),
        component.decoded("DTEND"),
        str(component["SUMMARY"]),
        str(component["DESCRIPTION"]),
        str(component.get("LOCATION", "")),
        [str(c) for c in component["CATEGORIES"].cats],
        str(component["STATUS"]),
        str(component["TRANSP"]),
        int(component["SEQUENCE"]),
        component.decoded("DTSTAMP"),
        str(component["X-LIANXUE-ORG"]),
        str(component["X-LIANXUE-OBLIGATION"]),
        str(component["X-LIANXUE-PERIOD"]),
        alarms,
    )


def same_components(ours: Path, theirs: Path) -> tuple[int, list[str]]:
    """Parse both directories' feeds with icalendar and compare every event; return (events, differences)."""
    differences: list[str] = []
    events = 0
    for path in sorted(theirs.glob("*.ics")):
        a = icalendar.Calendar.from_ical((ours / path.name).read_bytes())
        b = icalendar.Calendar.from_ical(path.read_bytes())
        ea = {str(e["UID"]): _summary(e) for e in a.walk("VEVENT")}
        eb = {str(e["UID"]): _summary(e) for e in b.walk("VEVENT")}
        events += len(ea)
        if ea != eb:
            bad = sorted(u for u in set(ea) | set(eb) if ea.get(u) != eb.get(u))
            differences.append(f"{path.name}: {len(bad)} events differ, e.g. {bad[0]}")
        if [t["TZID"] for t in a.walk("VTIMEZONE")] != [t["TZID"] for t in b.walk("VTIMEZONE")]:
            differences.append(f"{path.name}: VTIMEZONEs differ")
    return events, differences


def feed_stage_memory(plan: Plan, tree: OrganizationTree, catalogue: dict[str, Obligation]) -> tuple[int, int, int]:
    """Peak memory of building and writing the feeds (above what the plan holds); largest and total feed size."""
    with tempfile.TemporaryDirectory() as tmp:
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        run_lianxue(plan, tree, catalogue, Path(tmp))
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        sizes = [p.stat().st_size for p in Path(tmp).rglob("*.ics")]
    return peak, max(sizes), sum(sizes)


def measure(label: str, tree: OrganizationTree, host: PluginHost, catalogue: dict[str, Obligation]) -> dict[str, Any]:
    plan_s, plan = timed(lambda: plan_year(tree, host, YEAR))
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        ours_s, n = timed(lambda: run_lianxue(plan, tree, catalogue, Path(a)))
        base_s, m = timed(lambda: run_icalendar(plan, tree, catalogue, Path(b)))
        assert n == m, (n, m)
        events, differences = same_components(Path(a), Path(b))
    peak, largest, total = feed_stage_memory(plan, tree, catalogue)
    return {
        "county": label,
        "organizations": len(tree),
        "calendars": n,
        "events": events,
        "plan_s": plan_s,
        "ours_s": ours_s,
        "base_s": base_s,
        "compared_events": events,
        "differences": differences,
        "peak": peak,
        "largest": largest,
        "total": total,
    }


def table(rows: list[dict[str, Any]], markdown: bool) -> str:
    head = [
        "county",
        "orgs",
        "calendars",
        "events",
        "plan s",
        "lianxue feeds s",
        "icalendar feeds s",
        "end to end cal/s lianxue",
        "end to end cal/s icalendar",
        "speed-up end to end",
        "speed-up feeds",
        "feed-stage peak MiB",
        "largest feed MiB",
        "all feeds MiB",
        "same components",
    ]
    body = []
    for r in rows:
        ours = r["plan_s"] + r["ours_s"]
        base = r["plan_s"] + r["base_s"]
        body.append(
            [
                r["county"],
                str(r["organizations"]),
                str(r["calendars"]),
                str(r["events"]),
                f"{r['plan_s']:.2f}",
                f"{r['ours_s']:.2f}",
                f"{r['base_s']:.2f}",
                f"{r['calendars'] / ours:.1f}",
                f"{r['calendars'] / base:.1f}",
                f"{base / ours:.2f}x",
                f"{r['base_s'] / r['ours_s']:.1f}x",
                f"{r['peak'] / 2**20:.1f}",
                f"{r['largest'] / 2**20:.2f}",
                f"{r['total'] / 2**20:.1f}",
                "yes" if not r["differences"] else f"NO ({len(r['differences'])} feeds)",
            ]
        )
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(head)]
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in body]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=1000, help="synthetic county size (default 1000)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    host = PluginHost()
    catalogue = {o.id: o for o in host.catalogue()}
    rows = [
        measure("example (Deqing)", load(example_path(), tracks=host.tracks()), host, catalogue),
        measure(f"synthetic {args.orgs // 4}", synthetic_county(args.orgs // 4), host, catalogue),
        measure(f"synthetic {args.orgs}", synthetic_county(args.orgs), host, catalogue),
    ]
    print(table(rows, args.markdown))
    failed = False
    for r in rows:
        for d in r["differences"][:5]:
            print(f"{r['county']}: {d}", file=sys.stderr)
        ours, base = r["plan_s"] + r["ours_s"], r["plan_s"] + r["base_s"]
        if r["differences"] or base / ours < 2:
            failed = True
    small, large = rows[1], rows[2]
    per_org = (large["peak"] - small["peak"]) / (large["organizations"] - small["organizations"])
    # flat: what grows is bookkeeping (the path and counts write_feeds returns per feed), never feed text
    flat = per_org < 2048 and large["peak"] < 0.05 * large["total"]
    print(
        f"\nfeed-stage peak memory: {small['peak'] / 2**20:.1f} MiB for {small['organizations']} organizations, "
        f"{large['peak'] / 2**20:.1f} MiB for {large['organizations']}: {per_org:.0f} bytes per organization more "
        f"({'flat' if flat else 'NOT flat'}; the feeds themselves: {large['total'] / 2**20:.1f} MiB)"
    )
    print(
        f"target (end to end at least 2x, same components, flat memory): {'met' if not failed and flat else 'NOT met'}"
    )
    return 0 if not failed and flat else 1


if __name__ == "__main__":
    sys.exit(main())
