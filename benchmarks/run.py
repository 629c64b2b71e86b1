"""Planner benchmarks: a synthetic county (1,000 organizations, 30,000 members) and a province.

Run from the repository root::

    .venv/bin/python benchmarks/run.py                 # county, 10,000 and the province (100,000)
    .venv/bin/python benchmarks/run.py --sizes 1000    # only the county
    .venv/bin/python benchmarks/run.py --province 100  # 100 counties of 1,000 organizations, county by county

Each size runs in a fresh process so its peak memory (``ru_maxrss``) is its own. For every size the
report gives the seconds to plan the year, peak memory, occurrences per second, and the same
obligations expanded with :func:`~lianxue_core.scheduling.periods` without placement (the baseline),
so the planner's cost is also stated as a ratio against work that is linear by construction. Times are
CPU seconds of the process (``time.process_time``), so other load on the machine does not inflate them. The
growth ratio between two sizes is (time ratio) / (size ratio): about 1 means linear.

Obligations come from the built-in plugins for every track a plugin registers (``PluginHost().tracks()``)
and from ``benchmarks/obligations.py`` for the others. Not run by the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

YEAR = 2026
MEMBERS_PER_ORG = 30


def one(size: int, year: int) -> dict[str, object]:
    from obligations import OWN
    from synthetic import synthetic_tree

    from lianxue_core.obligations import CadenceKind
    from lianxue_core.plugins import PluginHost
    from lianxue_core.scheduling import make_plan, periods

    t0 = time.perf_counter()
    tree = synthetic_tree(size, size * MEMBERS_PER_ORG)
    t_tree = time.perf_counter() - t0
    host = PluginHost()
    builtin = set(host.tracks())
    t0 = time.perf_counter()
    obligations = {}
    sources = {"plugins": 0, "own": 0}
    for org in tree:
        if org.track in builtin:
            obligations[org.id] = host.obligations_for(org, tree, year)
            sources["plugins"] += 1
        elif org.track in OWN:
            obligations[org.id] = tuple(OWN[org.track])
            sources["own"] += 1
    t_obligations = time.perf_counter() - t0
    calendar = host.workdays(year)

    # Baseline: the same obligations expanded into their periods (per member, per household round),
    # with no placement: what any planner has to enumerate at least.
    gc.collect()
    t0 = time.process_time()
    items = 0
    for org in tree:
        count = tree.member_count(org.id)
        for ob in obligations.get(org.id, ()):
            n = len(periods(ob.cadence, year))
            if ob.cadence.kind is CadenceKind.PER_MEMBER:
                n *= count
            items += n
    t_baseline = time.process_time() - t0

    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    plan = make_plan(tree, obligations, year, calendar)
    t_plan, c_plan = time.perf_counter() - t0, time.process_time() - c0
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    # The feed stage on the same plan: every organization's feed built as text (not written), CPU seconds.
    from lianxue_core.app import feeds, plan_year
    from lianxue_core.calendar import FeedOptions

    gc.collect()
    c0 = time.process_time()
    feed_bytes = sum(len(f.text) for f in feeds(tree, plan, host, options=FeedOptions(stamp=dt.datetime(2026, 1, 1))))
    c_feeds = time.process_time() - c0

    # Sharded planning (--jobs): wall seconds with one process and with two, the same plan.
    walls = {}
    for jobs in (1, 2):
        gc.collect()
        t0 = time.perf_counter()
        sharded = plan_year(tree, host, year, obligations=obligations, jobs=jobs)
        walls[jobs] = time.perf_counter() - t0
        assert sharded.occurrences == plan.occurrences
        del sharded
    return {
        "organizations": len(tree),
        "members": sum(tree.member_count(o.id) for o in tree),
        "listed": len(tree.members),
        "obligations_from": sources,
        "build_s": round(t_tree, 2),
        "obligations_s": round(t_obligations, 2),
        "baseline_s": round(t_baseline, 3),
        "baseline_items": items,
        "plan_wall_s": round(t_plan, 2),
        "plan_s": round(c_plan, 2),
        "occurrences": len(plan.occurrences),
        "unplaced": len(plan.unplaced),
        "combined": len(plan.combined),
        "occurrences_per_s": round(len(plan.occurrences) / c_plan),
        "peak_rss_mib": round(rss_kib / 1024),
        "feeds_s": round(c_feeds, 2),
        "feed_mib": round(feed_bytes / 2**20),
        "plan_per_feeds": round(c_plan / max(c_feeds, 1e-9), 2),
        "jobs1_wall_s": round(walls[1], 2),
        "jobs2_wall_s": round(walls[2], 2),
        "jobs2_speedup": round(walls[1] / walls[2], 2),
    }


def province(counties: int, per_county: int, year: int) -> dict[str, object]:
    """A province planned county by county: ``counties`` synthetic counties of ``per_county`` organizations.

    Counties share no person, so each is an independent plan; holding one county's plan at a time keeps
    memory at one county's while the time covers every organization of the province. This is how a
    province plans with lianxue (one organization file, and one ``lianxue plan``, per county).
    """
    from obligations import OWN
    from synthetic import synthetic_tree

    from lianxue_core.plugins import PluginHost
    from lianxue_core.scheduling import make_plan

    host = PluginHost()
    builtin = set(host.tracks())
    calendar = host.workdays(year)
    totals = {"organizations": 0, "members": 0, "occurrences": 0, "unplaced": 0}
    cpu = 0.0
    for n in range(counties):
        tree = synthetic_tree(per_county, per_county * MEMBERS_PER_ORG, seed=2026 + n)
        obligations = {}
        for org in tree:
            if org.track in builtin:
                obligations[org.id] = host.obligations_for(org, tree, year)
            elif org.track in OWN:
                obligations[org.id] = tuple(OWN[org.track])
        gc.collect()
        c0 = time.process_time()
        plan = make_plan(tree, obligations, year, calendar)
        cpu += time.process_time() - c0
        totals["organizations"] += len(tree)
        totals["members"] += sum(tree.member_count(o.id) for o in tree)
        totals["occurrences"] += len(plan.occurrences)
        totals["unplaced"] += len(plan.unplaced)
        del plan, tree, obligations
        print(f"  county {n + 1}/{counties}: {cpu:.0f} CPU s so far", file=sys.stderr)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        **totals,
        "counties": counties,
        "plan_s": round(cpu, 2),
        "occurrences_per_s": round(totals["occurrences"] / cpu),
        "peak_rss_mib": round(rss_kib / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--year", type=int, default=YEAR)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--province",
        type=int,
        metavar="COUNTIES",
        help="plan a province of COUNTIES counties of 1,000 organizations each, county by county",
    )
    args = parser.parse_args()
    if args.province:
        print(json.dumps(province(args.province, 1000, args.year)))
        return
    if args.one:
        print(json.dumps(one(args.one, args.year)))
        return
    results = []
    for size in args.sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--year", str(args.year)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(f"size {size} failed with exit code {proc.returncode}")
        results.append(json.loads(proc.stdout))
        print(f"size {size}: {results[-1]}", file=sys.stderr)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, {dt.date.today()}")
    print()
    print(
        "| orgs | members | occurrences | unplaced | plan s | occ/s | peak MiB | baseline s | plan/baseline "
        "| feeds s | plan/feeds | -j1 wall s | -j2 wall s | -j2 speed-up |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        ratio = r["plan_s"] / max(r["baseline_s"], 1e-9)  # type: ignore[operator]
        print(
            f"| {r['organizations']:,} | {r['members']:,} | {r['occurrences']:,} | {r['unplaced']:,} | "
            f"{r['plan_s']} | {r['occurrences_per_s']:,} | {r['peak_rss_mib']:,} | {r['baseline_s']} | {ratio:.0f} "
            f"| {r['feeds_s']} | {r['plan_per_feeds']} | {r['jobs1_wall_s']} | {r['jobs2_wall_s']} "
            f"| {r['jobs2_speedup']} |"
        )
    print()
    for a, b in itertools.pairwise(results):
        size_ratio = b["organizations"] / a["organizations"]  # type: ignore[operator]
        time_ratio = b["plan_s"] / a["plan_s"]  # type: ignore[operator]
        base_ratio = b["baseline_s"] / a["baseline_s"]  # type: ignore[operator]
        print(
            f"{a['organizations']:,} -> {b['organizations']:,}: size x{size_ratio:.1f}, plan time x{time_ratio:.1f}, "
            f"growth ratio {time_ratio / size_ratio:.2f} (baseline {base_ratio / size_ratio:.2f})"
        )


if __name__ == "__main__":
    main()
