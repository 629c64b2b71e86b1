"""Benchmark ``lianxue check``: a year of records for a synthetic county of 250, 500 and 1,000 organizations.

Run with ``.venv/bin/python benchmarks/supervision.py [SIZES...] [--jobs N]`` (not run by the tests). For each
size the county (``synthetic.py``, deterministic) is planned in a child process and every planned occurrence
becomes a record (every 17th is left out, every 29th held a month late), written as CSV. A second, fresh
process then measures, one after the other in the same run:

- the floor: the same CSV read with the ``csv`` module alone (rows counted, nothing kept);
- reading: the records read and checked row by row as ``lianxue check`` reads them (``read_store``);
- the check: ``check_records`` end to end — reading again, planning the year shard by shard and checking each
  shard (what the issue calls "reading a year of records and checking");
- the reports: JSON and HTML rendered from the check.

Printed: wall and CPU seconds (``time.process_time``: the machine is shared) per stage, reading against the
floor, and the peak resident memory of the measuring process (``ru_maxrss``: the generating process's plan is
not in it).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import synthetic_tree

from lianxue_core import PluginHost
from lianxue_core.app import check_records, obligations_of, plan_year
from lianxue_core.scheduling import Plan
from lianxue_core.supervision.records import read_store

YEAR = 2026
AS_OF = dt.date(2027, 1, 10)
MEMBERS_PER_ORG = 30
COLUMNS = ["org", "obligation", "date", "time", "period", "topic", "lecturer", "comment", "attendees", "members"]


def make(size: int, path: Path) -> dict[str, float]:
    """Plan the synthetic county and write a year of records of it to ``path``."""
    host = PluginHost()
    tree = synthetic_tree(size, size * MEMBERS_PER_ORG)
    t0, c0 = time.perf_counter(), time.process_time()
    plan = plan_year(tree, host, YEAR)
    plan_s, plan_cpu = time.perf_counter() - t0, time.process_time() - c0
    write_records(plan, path)
    return {"plan_whole_s": plan_s, "plan_whole_cpu": plan_cpu, "csv_mb": path.stat().st_size / 2**20}


def write_records(plan: Plan, path: Path) -> None:
    """A year of records of ``plan`` as CSV: every planned occurrence held, but every 17th left out and every
    29th held a month late."""
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


def csv_floor(path: Path) -> int:
    """The floor of reading records: the rows of the CSV at ``path`` read with the ``csv`` module alone."""
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f))


def _timed(fn):  # type: ignore[no-untyped-def]
    t0, c0 = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - t0, time.process_time() - c0


def measure(size: int, path: Path, jobs: int) -> dict[str, float]:
    """Measure the floor, reading, the check and the reports on the records at ``path``."""
    host = PluginHost()
    tree = synthetic_tree(size, size * MEMBERS_PER_ORG)
    obligations = obligations_of(tree, host, YEAR)
    catalogue = {o.id: o for o in host.catalogue()}
    applies = {org: {o.id for o in obs} for org, obs in obligations.items()}
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows, floor_s, floor_cpu = _timed(lambda: csv_floor(path))
    (store, problems, _), read_s, read_cpu = _timed(lambda: read_store([path], tree, catalogue, applies))
    assert not problems, problems[:3]
    records = len(store)
    del store
    gc.collect()
    outcome, check_s, check_cpu = _timed(
        lambda: check_records(tree, host, [path], as_of=AS_OF, year=YEAR, obligations=obligations, jobs=jobs)
    )
    peak_check = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (json_text, html_text), report_s, report_cpu = _timed(lambda: (outcome.json(), outcome.html()))
    report = outcome.report
    return {
        "orgs": len(tree),
        "rows": rows - 1,
        "records": records,
        "units": len(report.units),
        "findings": len(report.findings),
        "floor_s": floor_s,
        "floor_cpu": floor_cpu,
        "read_s": read_s,
        "read_cpu": read_cpu,
        "check_s": check_s,
        "check_cpu": check_cpu,
        "report_s": report_s,
        "report_cpu": report_cpu,
        "rss_before_mb": rss_before,
        "peak_check_mb": peak_check,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "json_mb": len(json_text.encode()) / 2**20,
        "html_mb": len(html_text.encode()) / 2**20,
    }


def _child(*args: str) -> dict[str, float]:
    child = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(child.stdout)
    return result


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["--make"]:  # a child process: plan and write the records
        print(json.dumps(make(int(argv[1]), Path(argv[2]))))
        return
    if argv[:1] == ["--measure"]:  # a child process: measure, JSON out
        print(json.dumps(measure(int(argv[1]), Path(argv[2]), int(argv[3]))))
        return
    jobs = 1
    if "--jobs" in argv:
        at = argv.index("--jobs")
        jobs = int(argv[at + 1])
        del argv[at : at + 2]
    sizes = [int(a) for a in argv] or [250, 500, 1000]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:  # each in fresh processes, so peak memory is that size's own
            path = Path(tmp) / f"records-{size}.csv"
            made = _child("--make", str(size), str(path))
            r = {**made, **_child("--measure", str(size), str(path), str(jobs))}
            rows.append(r)
            print(
                f"{r['orgs']:>5} orgs  {r['records']:>7} records ({r['csv_mb']:.1f} MiB CSV)  {r['units']:>6} units  "
                f"{r['findings']:>5} findings  [--jobs {jobs}]\n"
                f"  csv module alone (floor)  {r['floor_s']:5.2f} s wall  {r['floor_cpu']:5.2f} s CPU\n"
                f"  reading records           {r['read_s']:5.2f} s wall  {r['read_cpu']:5.2f} s CPU  "
                f"= x{r['read_s'] / r['floor_s']:.1f} the floor (CPU x{r['read_cpu'] / r['floor_cpu']:.1f})\n"
                f"  check_records (read+plan+check, by shard) {r['check_s']:5.2f} s wall  {r['check_cpu']:5.2f} s CPU"
                f"   peak RSS {r['peak_check_mb']:4.0f} MiB (before reading {r['rss_before_mb']:.0f} MiB)\n"
                f"  reports (JSON + HTML)     {r['report_s']:5.2f} s wall  {r['report_cpu']:5.2f} s CPU  "
                f"json {r['json_mb']:.1f} MiB  html {r['html_mb']:.1f} MiB  peak RSS {r['peak_mb']:4.0f} MiB\n"
                f"  (planning the whole county at once, for comparison: {r['plan_whole_s']:.2f} s wall, "
                f"{r['plan_whole_cpu']:.2f} s CPU)",
                flush=True,
            )
    base = rows[0]
    for r in rows[1:]:
        print(
            f"{base['orgs']} -> {r['orgs']} orgs (x{r['orgs'] / base['orgs']:.2f}): "
            f"check x{r['check_cpu'] / base['check_cpu']:.2f} CPU, "
            f"peak RSS x{r['peak_check_mb'] / base['peak_check_mb']:.2f}, "
            f"records x{r['records'] / base['records']:.2f}"
        )


if __name__ == "__main__":
    main()
