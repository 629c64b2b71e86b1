"""What durability costs when writing feeds: one fsync per file, one sync per run, none.

Run from the repository root (not run by the tests)::

    .venv/bin/python benchmarks/fsync.py [FOLDER]     # FOLDER on the disk to measure (default: a temporary one)

Builds the example county's feeds (2026, with ``--people``) once, then, five times each, rewrites them over an
existing output folder: file by file with :func:`lianxue_core.files.atomic_write` (an fsync per file, as
``write_feeds`` did before), with :func:`~lianxue_core.calendar.write_feeds` (one sync per run, the default) and
with ``write_feeds(..., no_fsync=True)``. Prints the median and the fastest of the five wall-clock times.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

from lianxue_core import PluginHost, app, example_path, load
from lianxue_core.calendar import FeedOptions, FeedSet, write_feeds
from lianxue_core.files import atomic_write


def main() -> None:
    host = PluginHost()
    tree = load(example_path(), tracks=host.tracks())
    plan = app.plan_year(tree, host, 2026)
    options = FeedOptions(stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    feeds = list(app.feeds(tree, plan, host, options=options, which=FeedSet(people=True)))
    size = sum(len(f.text.encode("utf-8")) for f in feeds)
    print(f"{len(feeds)} feeds, {size / 2**20:.0f} MiB", flush=True)
    with tempfile.TemporaryDirectory(dir=sys.argv[1] if len(sys.argv) > 1 else None) as tmp:
        times: dict[str, list[float]] = {}
        for _ in range(5):
            for name in ("one fsync per file (before)", "one sync per run (default)", "no_fsync=True"):
                out = Path(tmp) / "out"
                shutil.rmtree(out, ignore_errors=True)
                write_feeds(feeds, out, no_fsync=True)  # the feeds are there already: a rewrite
                started = time.perf_counter()
                if name.startswith("one fsync"):
                    for feed in feeds:
                        atomic_write(out / feed.path, feed.text)
                else:
                    write_feeds(feeds, out, no_fsync=name.startswith("no_fsync"))
                times.setdefault(name, []).append(time.perf_counter() - started)
    for name, values in times.items():
        values.sort()
        print(f"{name:<30} median {values[2]:.2f} s   fastest {values[0]:.2f} s")


if __name__ == "__main__":
    main()
