"""Every benchmark of issue 13 in one command: lianxue as the user runs it, on 1,000 and 10,000 organizations and a
province planned county by county.

Run from the repository root (not run by the tests)::

    .venv/bin/python benchmarks/all.py                              # 1,000 and 10,000 organizations, 100 counties
    .venv/bin/python benchmarks/all.py --sizes 200 --province 2     # a quick try
    .venv/bin/python benchmarks/all.py --sizes 1000 10000 --province 100 --jobs 2 --json

For each size the synthetic county (``synthetic.py``) is written once as an organization file, then measured:

- the CLI, each command in its own child process (``python -m lianxue_core -q ...``, ``SOURCE_DATE_EPOCH`` set),
  with ``--jobs 1`` and ``--jobs N``: ``plan --format table`` and ``plan --format json`` (output to a file),
  ``calendar --out DIR --no-fsync`` (plan and feeds) and ``check --records CSV --as-of 2026-12-31 --format json
  --out FILE``. Each child runs under a small wrapper (this script with ``--_wrap``) that makes itself the
  subreaper of everything the command starts (its worker processes and their forkserver), so it reports the
  command's own wall seconds, CPU seconds of the command and all its processes, the largest ``ru_maxrss`` among
  them (peak MiB) and the largest sum of their resident memory, sampled every 0.2 s (all MiB, for ``--jobs N``);
- the planner stage alone and the feed stage alone, CPU seconds in one process (as ``run.py``), each three times
  in turn, the medians: the feed-stage ratio; the records CSV for ``check`` is written from the first plan (as
  ``supervision.py``);
- the csv floor (the ``csv`` module alone on the records) against reading them (``read_store``), in a fresh
  process.

Then the growth from one size to the next ((time ratio) / (size ratio), and the ratio of peak memory), and the
province: ``--province N`` synthetic counties of 1,000 organizations, each written as its organization file and
``lianxue calendar --jobs 1`` run on it, one county after the other (counties share no person). Printed: one
table, or ``--json``, with the machine, the load average at the start and the end, the date and the commit.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import gc
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

YEAR = 2026
AS_OF = "2026-12-31"
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
RECORD_LIMITS = {"LIANXUE_MAX_RECORDS_BYTES": "4G", "LIANXUE_MAX_ROWS": "50000000"}  # see ``measured``
PER_COUNTY = 1000
MIB = 2**20
PAGE = os.sysconf("SC_PAGE_SIZE")
PR_SET_CHILD_SUBREAPER = 36

# (name, lianxue arguments after the organization file): {out} is this stage's output in the size's folder
STAGES = {
    "plan": ["plan", "{org}", "--year", str(YEAR), "--format", "table"],
    "json": ["plan", "{org}", "--year", str(YEAR), "--format", "json"],
    "calendar": ["calendar", "{org}", "--year", str(YEAR), "--out", "{out}", "--no-fsync"],
    "check": ["check", "{org}", "--records", "{records}", "--year", str(YEAR), "--as-of", AS_OF, "--format", "json"],
}
STAGES["check"] += ["--out", "{out}"]
EXIT_OK = {"check": (0, 1)}  # lianxue check exits 1 when the report has findings (the records leave some out)
STDOUT_STAGES = {"plan", "json"}  # these print their output: to a file
LABELS = {
    "plan": "lianxue plan (table)",
    "json": "lianxue plan --format json",
    "calendar": "lianxue calendar (plan + feeds)",
    "check": "lianxue check --format json",
}


class ChildFailed(Exception):
    """A measured child process exited non-zero."""


# ---------------------------------------------------------------------------------------------------- the wrapper


def _tree_rss(root: int) -> int:
    """Bytes resident in the processes below ``root`` (not ``root`` itself), read from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE
    total, todo = 0, list(children.get(root, ()))
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


def wrap(stdout_path: str, command: list[str]) -> None:
    """Run ``command`` (its output to ``stdout_path`` or nowhere), print its measures as JSON, exit with its code.

    The wrapper is the subreaper of everything the command starts, so the ``RUSAGE_CHILDREN`` it reads once all
    are reaped covers the command, its workers and their forkserver, and nothing else."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: orphaned workers are then not counted
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    me = os.getpid()
    done = threading.Event()
    sampled = [0]

    def sample() -> None:
        while not done.wait(0.2):
            sampled[0] = max(sampled[0], _tree_rss(me))

    sampler = threading.Thread(target=sample, daemon=True)
    with open(stdout_path or os.devnull, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out)
        sampler.start()
        code = proc.wait()
        wall = time.perf_counter() - started
    done.set()
    sampler.join()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # orphans (a forkserver) exit once the command has: reap them
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.05)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss * 1024
    result = {
        "code": code,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mib": peak / MIB,
        "all_mib": max(sampled[0], peak) / MIB,
    }
    print(json.dumps(result))
    raise SystemExit(code)


def measured(command: list[str], stdout_path: Path | None = None, ok: tuple[int, ...] = (0,)) -> dict[str, float]:
    """``command`` run under the wrapper: its measures; :class:`ChildFailed` with its stderr when its exit code is
    not in ``ok``."""
    # a year of records for 10,000 organizations is one CSV file of ~320 MiB and 3.2 million rows here: above the
    # limits for one record file (32 MiB, 1,000,000 rows), which a county that large raises the documented way
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, **RECORD_LIMITS}
    wrapper = [sys.executable, __file__, "--_wrap", str(stdout_path or ""), "--", *command]
    proc = subprocess.run(wrapper, capture_output=True, text=True, env=env, check=False)
    try:
        result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        result = {"code": proc.returncode or -1}  # the wrapper itself failed
    if result["code"] not in ok:
        raise ChildFailed(f"exit code {result['code']}: {' '.join(command)}\n{proc.stderr.strip()[-4000:]}")
    return result


def lianxue(*args: str) -> list[str]:
    return [sys.executable, "-m", "lianxue_core", "-q", *args]


# ------------------------------------------------------------------------------------- in-process stages (children)


RUN_KEYS = ("planner", "feeds", "streamed_planner", "streamed_feeds")  # the stages measured run by run

#: How many times the planner and the feed stage are each measured in ``stages``, one after the other in turn: the
#: medians are reported (a single run of either moves by 5-10% from one run to the next on a shared machine).
STAGE_RUNS = 3


def stages(org_path: Path, records_path: Path) -> dict[str, Any]:
    """The planner alone and the feed stage alone on the organization file, CPU seconds in this process: the
    whole tree's plan, then its feeds; the plan written as a year of records (``supervision.write_records``);
    then the same again as ``lianxue calendar`` does it, shard by shard (``plan_stream`` into
    ``feeds_by_shard``), the CPU time of making each shard's plan and of building its feeds summed apart. Each
    pair is measured :data:`STAGE_RUNS` times in turn (plan, feeds, plan, feeds...); the medians are reported,
    and every run."""
    from supervision import write_records

    from lianxue_core import PluginHost, load
    from lianxue_core.app import feeds, feeds_by_shard, obligations_of, plan_stream
    from lianxue_core.calendar import FeedOptions
    from lianxue_core.scheduling import make_plan

    host = PluginHost()
    tree = load(org_path, tracks=host.tracks())
    obligations = obligations_of(tree, host, YEAR)
    calendar = host.workdays(YEAR)
    options = FeedOptions(stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    runs: dict[str, list[float]] = {"planner": [], "feeds": [], "streamed_planner": [], "streamed_feeds": []}
    feed_bytes = set()
    for n in range(STAGE_RUNS):
        gc.collect()
        c0 = time.process_time()
        plan = make_plan(tree, obligations, YEAR, calendar)
        runs["planner"].append(time.process_time() - c0)
        gc.collect()
        c0 = time.process_time()
        feed_bytes.add(sum(len(f.text) for f in feeds(tree, plan, host, options=options)))
        runs["feeds"].append(time.process_time() - c0)
        if n == 0:
            write_records(plan, records_path)
            occurrences, unplaced = len(plan.occurrences), len(plan.unplaced)
        del plan
    for _ in range(STAGE_RUNS):
        gc.collect()
        planning = [0.0]

        def timed(plans: Iterator[Any], planning: list[float] = planning) -> Iterator[Any]:
            while True:
                c0 = time.process_time()
                part = next(plans, None)
                planning[0] += time.process_time() - c0
                if part is None:
                    return
                yield part

        c0 = time.process_time()
        streamed = timed(plan_stream(tree, host, YEAR, obligations=obligations, jobs=1))
        feed_bytes.add(sum(len(f.text) for f in feeds_by_shard(tree, streamed, host, options=options)))
        runs["streamed_feeds"].append(time.process_time() - c0 - planning[0])
        runs["streamed_planner"].append(planning[0])
    if len(feed_bytes) != 1:  # the same feeds each time, or the measures are not of the same work
        raise SystemExit(f"the feeds differ from run to run: {sorted(feed_bytes)} bytes")
    return {
        "organizations": len(tree),
        "members": sum(tree.member_count(o.id) for o in tree),
        "occurrences": occurrences,
        "unplaced": unplaced,
        **{f"{k}_cpu_s": statistics.median(v) for k, v in runs.items()},
        **{f"{k}_cpu_runs": v for k, v in runs.items()},
        "feed_mib": feed_bytes.pop() / MIB,
        "records_mib": records_path.stat().st_size / MIB,
    }


def reading(org_path: Path, records_path: Path) -> dict[str, float]:
    """The csv floor and reading the records as ``lianxue check`` does (``read_store``), in this fresh process."""
    from supervision import csv_floor

    from lianxue_core import PluginHost, load
    from lianxue_core.app import obligations_of
    from lianxue_core.supervision.records import read_store

    host = PluginHost()
    tree = load(org_path, tracks=host.tracks())
    obligations = obligations_of(tree, host, YEAR)
    catalogue = {o.id: o for o in host.catalogue()}
    applies = {org: {o.id for o in obs} for org, obs in obligations.items()}
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    rows = csv_floor(records_path)
    floor_s, floor_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    store, problems, _ = read_store([records_path], tree, catalogue, applies)
    read_s, read_cpu = time.perf_counter() - t0, time.process_time() - c0
    if problems:  # a reading that stopped at a problem measures nothing
        raise SystemExit(f"reading {records_path}: {problems[0]}")
    return {
        "rows": rows - 1,
        "records": len(store),
        "read_problems": len(problems),
        "floor_s": floor_s,
        "floor_cpu_s": floor_cpu,
        "read_s": read_s,
        "read_cpu_s": read_cpu,
    }


def in_child(mode: str, org_path: Path, records_path: Path) -> dict[str, Any]:
    """``stages`` or ``reading`` in a fresh child under the wrapper: its result and its measures."""
    out = records_path.with_name(f"{mode}.json")
    measures = measured([sys.executable, __file__, mode, str(org_path), str(records_path)], stdout_path=out)
    return {
        **json.loads(out.read_text(encoding="utf-8")),
        "child_wall_s": measures["wall_s"],
        **{f"child_{k}": v for k, v in measures.items() if k in ("peak_mib", "cpu_s")},
    }


# --------------------------------------------------------------------------------------------------- the measures


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def one_size(size: int, jobs: list[int], folder: Path) -> dict[str, Any]:
    from stream import write_county

    org = folder / f"county-{size}.toml"
    records = folder / f"records-{size}.csv"
    t0 = time.perf_counter()
    write_county(size, org)
    log(f"{size}: organization file written ({org.stat().st_size / MIB:.1f} MiB, {time.perf_counter() - t0:.1f} s)")
    inproc = in_child("--_stages", org, records)
    log(
        f"{size}: {inproc['organizations']} organizations, planner {inproc['planner_cpu_s']:.2f} CPU s, "
        f"feed stage {inproc['feeds_cpu_s']:.2f} CPU s; {inproc['records_mib']:.1f} MiB of records"
    )
    read = in_child("--_reading", org, records)
    log(f"{size}: csv floor {read['floor_s']:.2f} s, reading {read['read_s']:.2f} s")
    cli: dict[str, dict[str, dict[str, float]]] = {}
    for stage, template in STAGES.items():
        cli[stage] = {}
        for j in jobs:
            out = folder / (f"{stage}-{j}" + ("" if stage == "calendar" else ".out"))
            values = {"org": str(org), "records": str(records), "out": str(out)}
            args = [a.format(**values) for a in template] + ["--jobs", str(j)]
            r = measured(
                lianxue(*args), stdout_path=out if stage in STDOUT_STAGES else None, ok=EXIT_OK.get(stage, (0,))
            )
            if stage == "calendar":
                r["feeds"] = sum(1 for _ in out.rglob("*.ics"))
                shutil.rmtree(out, ignore_errors=True)
            else:
                r["output_mib"] = out.stat().st_size / MIB
                out.unlink()
            cli[stage][str(j)] = r
            log(
                f"{size}: {stage:<8} --jobs {j}  {r['wall_s']:7.2f} s wall  {r['cpu_s']:7.2f} s CPU  "
                f"peak {r['peak_mib']:5.0f} MiB  all {r['all_mib']:5.0f} MiB"
            )
    for path in (org, records):
        path.unlink()
    return {"size": size, **inproc, **{f"read_{k}": v for k, v in read.items()}, "cli": cli}


def province(counties: int, folder: Path) -> dict[str, Any]:
    """``counties`` synthetic counties of 1,000 organizations, each an organization file and a ``lianxue
    calendar --jobs 1`` run, one after the other."""
    from stream import write_county

    runs = []
    generating = 0.0
    for n in range(counties):
        org = folder / f"province-county-{n}.toml"
        out = folder / f"province-out-{n}"
        t0 = time.perf_counter()
        write_county(PER_COUNTY, org, seed=2026 + n)
        generating += time.perf_counter() - t0
        args = ["calendar", str(org), "--year", str(YEAR), "--out", str(out), "--no-fsync", "--jobs", "1"]
        r = measured(lianxue(*args))
        r["feeds"] = sum(1 for _ in out.rglob("*.ics"))
        shutil.rmtree(out, ignore_errors=True)
        org.unlink()
        runs.append(r)
        log(f"province: county {n + 1}/{counties}  {r['wall_s']:.2f} s wall  peak {r['peak_mib']:.0f} MiB")
    walls = [r["wall_s"] for r in runs]
    wall = sum(walls)
    organizations = sum(r["feeds"] for r in runs)  # one organization feed each
    return {
        "counties": counties,
        "organizations": organizations,
        "wall_s": wall,
        "cpu_s": sum(r["cpu_s"] for r in runs),
        "peak_mib": max(r["peak_mib"] for r in runs),
        "all_mib": max(r["all_mib"] for r in runs),
        "county_wall_s": {"min": min(walls), "median": statistics.median(walls), "max": max(walls)},
        "organizations_per_s": organizations / wall,
        "generating_s": generating,
    }


def growth(results: list[dict[str, Any]], jobs: int) -> list[dict[str, Any]]:
    """From each size to the next: the size ratio, and per stage the time ratio, the growth ratio (time ratio /
    size ratio) and the ratio of peak memory, with ``--jobs 1``."""
    rows = []
    for a, b in itertools.pairwise(results):
        size = b["organizations"] / a["organizations"]
        row: dict[str, Any] = {"from": a["organizations"], "to": b["organizations"], "size_x": size}
        for stage in STAGES:
            ra, rb = a["cli"][stage][str(jobs)], b["cli"][stage][str(jobs)]
            t = rb["wall_s"] / ra["wall_s"]
            c = rb["cpu_s"] / ra["cpu_s"]
            row[stage] = {
                "time_x": t,
                "growth": t / size,
                "cpu_growth": c / size,
                "memory_x": rb["peak_mib"] / ra["peak_mib"],
            }
        t = b["planner_cpu_s"] / a["planner_cpu_s"]
        row["planner"] = {"time_x": t, "growth": t / size}
        t = b["feeds_cpu_s"] / a["feeds_cpu_s"]
        row["feed stage"] = {"time_x": t, "growth": t / size}
        rows.append(row)
    return rows


def machine() -> dict[str, object]:
    ram = 0
    try:
        with open("/proc/meminfo") as f:
            ram = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemTotal:"))
    except (OSError, StopIteration):
        pass
    return {
        "system": f"{platform.system()} {platform.machine()}",
        "cores": os.cpu_count(),
        "ram_gib": round(ram / 2**30, 1),
        "python": platform.python_version(),
    }


def commit() -> str:
    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return proc.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (" + uncommitted changes in src/" if git("status", "--porcelain", "--", "src") else "")


# ---------------------------------------------------------------------------------------------------- the report


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def load(values: list[float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def report(result: dict[str, Any]) -> str:
    m = result["machine"]
    j = result["jobs"]
    out = [
        f"lianxue benchmarks: {result['date']}, commit {result['commit']}, year {YEAR}",
        f"machine: {m['system']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, Python {m['python']}; "
        f"load average (1/5/15 min) {load(result['load_start'])} at the start, {load(result['load_end'])} at the end; "
        f"{result['elapsed_s']:.0f} s in all",
        "",
        f"The CLI, one child process per command (wall and CPU s; peak = largest process's ru_maxrss, all = largest "
        f"sum over its processes, MiB; speed-up = wall -j1 / wall -j{j}):",
        "",
    ]
    rows = []
    for r in result["sizes"]:
        for stage in STAGES:
            one, n = r["cli"][stage]["1"], r["cli"][stage][str(j)]
            rows.append(
                [
                    f"{r['organizations']:,}",
                    LABELS[stage],
                    f"{one['wall_s']:.2f}",
                    f"{one['cpu_s']:.2f}",
                    f"{one['peak_mib']:.0f}",
                    f"{n['wall_s']:.2f}",
                    f"{n['cpu_s']:.2f}",
                    f"{n['peak_mib']:.0f}",
                    f"{n['all_mib']:.0f}",
                    f"{one['wall_s'] / n['wall_s']:.2f}",
                ]
            )
    head = ["orgs", "command", "-j1 wall s", "-j1 CPU s", "-j1 peak MiB", f"-j{j} wall s", f"-j{j} CPU s"]
    out.append(table([*head, f"-j{j} peak MiB", f"-j{j} all MiB", "speed-up"], rows))
    out += [
        "",
        f"Stages in one process (CPU s, medians of {STAGE_RUNS} runs in turn: the whole tree, then shard by shard as "
        "`lianxue calendar` runs them), and reading the records against the csv floor (wall s):",
        "",
    ]
    rows = [
        [
            f"{r['organizations']:,}",
            f"{r['members']:,}",
            f"{r['occurrences']:,}",
            f"{r['planner_cpu_s']:.2f}",
            f"{r['feeds_cpu_s']:.2f}",
            f"{r['planner_cpu_s'] / r['feeds_cpu_s']:.2f}",
            f"{r['streamed_planner_cpu_s']:.2f}",
            f"{r['streamed_feeds_cpu_s']:.2f}",
            f"{r['streamed_planner_cpu_s'] / r['streamed_feeds_cpu_s']:.2f}",
            f"{r['read_records']:,}",
            f"{r['records_mib']:.1f}",
            f"{r['read_floor_s']:.2f}",
            f"{r['read_read_s']:.2f}",
            f"{r['read_read_s'] / r['read_floor_s']:.1f}",
        ]
        for r in result["sizes"]
    ]
    head = ["orgs", "members", "occurrences", "planner CPU s", "feed stage CPU s", "planner / feeds"]
    head += ["by shard: planner", "feeds", "planner / feeds", "records"]
    out.append(table([*head, "CSV MiB", "csv floor s", "reading s", "reading / floor"], rows))
    for r in result["sizes"]:
        if "planner_cpu_runs" in r:
            runs = [f"{k.replace('_', ' ')} " + ", ".join(f"{x:.2f}" for x in r[f"{k}_cpu_runs"]) for k in RUN_KEYS]
            out.append(f"{r['organizations']:,} organizations, each run (CPU s): " + "; ".join(runs))
    for g in result["growth"]:
        out += ["", f"Growth {g['from']:,} -> {g['to']:,} organizations (size x{g['size_x']:.2f}), --jobs 1:", ""]
        rows = []
        for stage in [*STAGES, "planner", "feed stage"]:
            s = g[stage]
            memory = f"x{s['memory_x']:.2f}" if "memory_x" in s else "—"
            label = LABELS.get(stage, f"{stage} alone (CPU)")
            cpu = f"{s['cpu_growth']:.2f}" if "cpu_growth" in s else f"{s['growth']:.2f}"
            rows.append([label, f"x{s['time_x']:.2f}", f"{s['growth']:.2f}", cpu, memory])
        out.append(table(["stage", "time", "growth ratio (time / size)", "CPU growth ratio", "peak memory"], rows))
    p = result.get("province")
    if p:
        c = p["county_wall_s"]
        out += [
            "",
            f"The province: {p['counties']} counties of {PER_COUNTY:,} organizations, `lianxue calendar --jobs 1` "
            f"county by county ({p['generating_s']:.1f} s writing the organization files, not counted):",
            "",
            table(
                ["counties", "orgs", "wall s", "CPU s", "peak MiB", "all MiB", "orgs/s", "county s (min/median/max)"],
                [
                    [
                        f"{p['counties']}",
                        f"{p['organizations']:,}",
                        f"{p['wall_s']:.1f}",
                        f"{p['cpu_s']:.1f}",
                        f"{p['peak_mib']:.0f}",
                        f"{p['all_mib']:.0f}",
                        f"{p['organizations_per_s']:.0f}",
                        f"{c['min']:.2f} / {c['median']:.2f} / {c['max']:.2f}",
                    ]
                ],
            ),
        ]
        if "growth" in p:
            out += [
                "",
                f"Against {p['counties']} x the {PER_COUNTY:,}-organization county's `lianxue calendar -j1` above: "
                f"growth ratio {p['growth']:.2f}, peak memory x{p['memory_x']:.2f}.",
            ]
    return "\n".join(out)


def main() -> None:
    if sys.argv[1:2] == ["--_wrap"]:  # a wrapper around one measured command
        wrap(sys.argv[2], sys.argv[4:])
        return
    if sys.argv[1:2] in (["--_stages"], ["--_reading"]):  # a measured child: JSON out
        fn = stages if sys.argv[1] == "--_stages" else reading
        print(json.dumps(fn(Path(sys.argv[2]), Path(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="organizations per county")
    parser.add_argument(
        "--province", type=int, default=100, metavar="N", help="counties of 1,000 organizations (0: none)"
    )
    parser.add_argument("--jobs", type=int, default=2, metavar="N", help="compare --jobs N with --jobs 1")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    jobs = sorted({1, args.jobs})
    started = time.perf_counter()
    result: dict[str, Any] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "commit": commit(),
        "machine": machine(),
        "load_start": [round(x, 2) for x in os.getloadavg()],
        "jobs": args.jobs,
    }
    try:
        with tempfile.TemporaryDirectory(prefix="lianxue-bench-") as tmp:
            sizes = [one_size(size, jobs, Path(tmp)) for size in sorted(args.sizes)]
            result["sizes"] = sizes
            result["growth"] = growth(sizes, 1)
            if args.province > 0:
                result["province"] = province(args.province, Path(tmp))
                county = next((r for r in sizes if r["size"] == PER_COUNTY), None)
                if county:  # the same county (seed) is the province's first: the growth from it to the province
                    alone = county["cli"]["calendar"]["1"]
                    result["province"]["growth"] = result["province"]["wall_s"] / (args.province * alone["wall_s"])
                    result["province"]["memory_x"] = result["province"]["peak_mib"] / alone["peak_mib"]
    except ChildFailed as e:
        print(f"benchmark failed: {e}", file=sys.stderr)
        raise SystemExit(1) from None
    result["load_end"] = [round(x, 2) for x in os.getloadavg()]
    if commit() != result["commit"]:  # others commit in the same tree: say so
        result["commit"] = f"{result['commit']} at the start, {commit()} at the end"
    result["elapsed_s"] = time.perf_counter() - started
    print(json.dumps(result, indent=2) if args.json else report(result))


if __name__ == "__main__":
    main()
