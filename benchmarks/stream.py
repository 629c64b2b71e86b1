"""Memory and time of `lianxue calendar` (plan and feeds, streamed shard by shard) on synthetic counties.

Run from the repository root (not run by the tests)::

    .venv/bin/python benchmarks/stream.py               # 1,000 and 10,000 organizations
    .venv/bin/python benchmarks/stream.py 1000 --jobs 2

For each size the synthetic county (``synthetic.py``) is written as an organization file, then
``lianxue calendar --no-fsync -q`` runs in a child process with ``--jobs 1`` (and ``--jobs N`` when asked);
printed: wall seconds, the child's peak resident memory (``ru_maxrss``, workers included when they are the
largest), feeds written, and the growth ratio of time and memory from one size to the next.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import attrs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def write_county(size: int, path: Path, seed: int = 2026) -> None:
    """The synthetic county of about ``size`` organizations (``synthetic.py``) as an organization file."""
    from synthetic import synthetic_tree

    from lianxue_core.model import OrganizationTree
    from lianxue_core.orgfile import dumps

    tree = synthetic_tree(size, size * 30, seed=seed)
    listed = Counter(m.org for m in tree.members)
    # the generator lists an enterprise's committee and elderly members beyond its count: a file must not
    orgs = [attrs.evolve(o, members=max(o.members, listed[o.id])) if o.members is not None else o for o in tree]
    path.write_text(dumps(OrganizationTree(orgs, tree.members)), encoding="utf-8")


def run(size: int, jobs: int, folder: Path) -> dict[str, float]:
    county = folder / f"county-{size}.toml"
    if not county.exists():
        write_county(size, county)
    out = folder / f"out-{size}-{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "lianxue_core", "-q", "calendar", str(county), "--year", "2026"]
    command += ["--out", str(out), "--no-fsync", "--jobs", str(jobs)]
    started = time.perf_counter()
    subprocess.run(command, check=True, env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1767225600"})
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
    feeds = sum(1 for _ in out.rglob("*.ics"))
    shutil.rmtree(out, ignore_errors=True)
    return {"size": size, "jobs": jobs, "wall_s": wall, "peak_mib": peak, "feeds": feeds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, default=0, help="also run with this many processes")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted(args.sizes):  # ascending: ru_maxrss of children only grows
            for jobs in (1, args.jobs) if args.jobs > 1 else (1,):
                r = run(size, jobs, Path(tmp))
                rows.append(r)
                print(
                    f"{r['size']:>6} orgs  --jobs {r['jobs']}  {r['wall_s']:7.1f} s  peak {r['peak_mib']:6.0f} MiB  "
                    f"{r['feeds']} feeds",
                    flush=True,
                )
    ones = [r for r in rows if r["jobs"] == 1]
    for a, b in itertools.pairwise(ones):
        size = b["size"] / a["size"]
        print(
            f"{a['size']} -> {b['size']}: size x{size:.1f}, time x{b['wall_s'] / a['wall_s']:.1f} "
            f"(growth {b['wall_s'] / a['wall_s'] / size:.2f}), peak memory x{b['peak_mib'] / a['peak_mib']:.2f}"
        )


if __name__ == "__main__":
    main()
