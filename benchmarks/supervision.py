"""Benchmark ``lianxue check``: a year of records for a synthetic county of 250, 500 and 1,000 organizations.

Run with ``.venv/bin/python benchmarks/supervision.py [SIZES...]`` (not run by the tests). For each size the
county (``synthetic.py``, deterministic) is planned, every planned occurrence becomes a record (every 17th
is left out, every 29th held a month late), the records are written as CSV, then read, checked and
reported (JSON and HTML) as the command does. Printed: seconds per stage, the peak resident memory of the
process (each size runs in a fresh one) and how time and memory grow with the size, as ratios.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import synthetic_tree

from lianxue_core import PluginHost
from lianxue_core.app import plan_year
from lianxue_core.supervision.checks import check
from lianxue_core.supervision.points import DefaultPointsRules, has_points_system, score
from lianxue_core.supervision.records import read_records
from lianxue_core.supervision.report import build_report
from lianxue_core.supervision.report_html import render_html
from lianxue_core.supervision.report_json import render_json

YEAR = 2026
AS_OF = dt.date(2027, 1, 10)
MEMBERS_PER_ORG = 30
COLUMNS = ["org", "obligation", "date", "time", "period", "topic", "lecturer", "comment", "attendees", "members"]


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def one(size: int, directory: Path) -> dict[str, float]:
    host = PluginHost()
    tree = synthetic_tree(size, size * MEMBERS_PER_ORG)
    t0 = time.perf_counter()
    plan = plan_year(tree, host, YEAR)
    t_plan = time.perf_counter() - t0
    path = directory / f"records-{size}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for n, occ in enumerate(plan.occurrences):
            if n % 17 == 0:
                continue
            day = occ.first_day + (dt.timedelta(days=31) if n % 29 == 0 else dt.timedelta())
            member = occ.slot if occ.slot and "/" not in occ.slot else ""
            writer.writerow(
                [
                    occ.org,
                    occ.obligation,
                    day.isoformat(),
                    "",
                    occ.period,
                    "主题",
                    "",
                    "点评",
                    ";".join(occ.people),
                    member,
                ]
            )
    obligations = {o.id: host.obligations_for(o, tree, YEAR) for o in tree}
    catalogue = {o.id: o for o in host.catalogue()}
    applies = {k: {o.id for o in v} for k, v in obligations.items()}
    workdays = host.workdays(YEAR)

    rss_before = _rss_mb()
    t0 = time.perf_counter()
    read = read_records([path], tree, catalogue, applies)
    t_read = time.perf_counter() - t0
    assert not read.problems, read.problems[:3]
    t0 = time.perf_counter()
    result = check(tree, plan, obligations, read.records, AS_OF, workdays=workdays)
    t_check = time.perf_counter() - t0
    t0 = time.perf_counter()
    rules = {o.id: DefaultPointsRules() for o in tree if has_points_system(obligations[o.id])}
    points = score(read.records, tree, catalogue, rules.get)
    report = build_report(
        result,
        tree,
        catalogue,
        scope=tree.organizations,
        points=points,
        points_rules={k: v.name for k, v in rules.items()},
    )
    json_text = render_json(report)
    html_text = render_html(report)
    t_report = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "orgs": len(tree),
        "records": len(read.records),
        "units": len(result.units),
        "findings": len(result.findings),
        "plan_s": t_plan,
        "read_s": t_read,
        "check_s": t_check,
        "report_s": t_report,
        "total_s": t_read + t_check + t_report,
        "peak_mb": peak,
        "rss_before_mb": rss_before,
        "json_mb": len(json_text.encode()) / 2**20,
        "html_mb": len(html_text.encode()) / 2**20,
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":  # a child process: one size, JSON out
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(one(int(sys.argv[2]), Path(tmp))))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [250, 500, 1000]
    rows = []
    for size in sizes:  # each size in a fresh process, so peak memory is that size's own
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, check=True
        )
        r = json.loads(child.stdout)
        rows.append(r)
        print(
            f"{r['orgs']:>5} orgs  {r['records']:>7} records  {r['units']:>6} units  {r['findings']:>5} findings  "
            f"plan {r['plan_s']:6.1f}s  read {r['read_s']:5.1f}s  check {r['check_s']:5.1f}s  "
            f"report {r['report_s']:5.1f}s  (read+check+report {r['total_s']:5.1f}s)  "
            f"peak RSS {r['peak_mb']:6.0f} MB (before reading {r['rss_before_mb']:5.0f} MB)  "
            f"json {r['json_mb']:5.1f} MB  html {r['html_mb']:5.1f} MB",
            flush=True,
        )
    base = rows[0]
    for r in rows[1:]:
        print(
            f"{base['orgs']} -> {r['orgs']} orgs (x{r['orgs'] / base['orgs']:.2f}): "
            f"read+check+report x{r['total_s'] / base['total_s']:.2f}, "
            f"peak RSS x{r['peak_mb'] / base['peak_mb']:.2f}, "
            f"records x{r['records'] / base['records']:.2f}"
        )


if __name__ == "__main__":
    main()
