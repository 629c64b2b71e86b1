"""``lianxue calendar`` killed with SIGKILL part-way, then run again: no subscriber-visible change is lost.

The organization file changes (members leave: their talks and their own feeds are cancelled; the meeting time
moves: timed events change) and ``lianxue calendar`` is run over the previous feeds in a real subprocess that is
killed — at a chosen rename (the process kills itself right after it) and at random moments (a few seeds) — and
then run again to the end. The feeds must then be byte for byte what one uninterrupted run writes: every
cancellation and every change written, none dropped because the killed run had written it first; and the run
after that drops the cancellations in both.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lianxue_core.calendar.writer import RUN_MARKER

ORGFILE = Path(__file__).parent / "data" / "good" / "anxi-county.toml"
FIRST, SECOND = "1767225600", "1769904000"  # 2026-01-01, 2026-02-01 (SOURCE_DATE_EPOCH)

KILL_AT_RENAME = """
import os, signal, sys
real, done, at = os.replace, [0], int(sys.argv.pop(1))
def replace(src, dst):
    real(src, dst)
    done[0] += 1
    if done[0] == at:
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
from lianxue_core.cli import main
sys.exit(main(sys.argv[1:]))
"""


def changed(text: str) -> str:
    """Every third listed member leaves; the meeting time moves."""
    parts = re.split(r"(?m)^(?=\[)", text)  # one part per table
    members = [n for n, p in enumerate(parts) if p.startswith("[[member]]")]
    kept = [p for n, p in enumerate(parts) if n not in members[::3]]
    return "".join(kept).replace('meeting_time = "14:30"', 'meeting_time = "09:00"')


def calendar(orgs: Path, out: Path, stamp: str, *prefix: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": stamp}
    command = [*prefix, str(orgs), "--year", "2026", "--out", str(out), "--people"]
    if not prefix:
        command = [sys.executable, "-m", "lianxue_core", "calendar", *command]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def run(orgs: Path, out: Path, stamp: str) -> None:
    process = calendar(orgs, out, stamp)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes], float]:
    """The first run's feeds, the changed organization file, one uninterrupted run's result and its duration."""
    root = tmp_path_factory.mktemp("interrupt")
    first, second = root / "first.toml", root / "second.toml"
    text = ORGFILE.read_text(encoding="utf-8")
    first.write_text(text, encoding="utf-8")
    second.write_text(changed(text), encoding="utf-8")
    base = root / "base"
    run(first, base, FIRST)
    reference = root / "reference"
    shutil.copytree(base, reference)
    started = time.monotonic()
    run(second, reference, SECOND)
    took = time.monotonic() - started
    expected = snapshot(reference)
    cancelled = sum(data.count(b"STATUS:CANCELLED") for data in expected.values())
    assert cancelled > 100  # the change is one subscribers must be told about
    assert RUN_MARKER not in expected
    return base, second, expected, took


def recovered(base: Path, second: Path, where: Path, kill: subprocess.Popen[bytes] | None = None) -> dict[str, bytes]:
    """Run again after the killed run, to the end; the feeds then."""
    if kill is not None:
        kill.communicate(timeout=300)
    run(second, where, SECOND)
    return snapshot(where)


@pytest.mark.parametrize("at", [1, 2, 40, 100, 134, 135])
def test_killed_at_a_rename_then_run_again_loses_nothing(
    setup: tuple[Path, Path, dict[str, bytes], float], tmp_path: Path, at: int
) -> None:
    base, second, expected, _ = setup
    where = tmp_path / "feeds"
    shutil.copytree(base, where)
    process = calendar(second, where, SECOND, sys.executable, "-c", KILL_AT_RENAME, str(at), "calendar")
    process.communicate(timeout=300)
    if process.returncode != -signal.SIGKILL:
        assert process.returncode == 0  # fewer renames than `at`: the run completed
    elif at > 1:
        assert (where / RUN_MARKER).exists()  # killed while putting the feeds in place
    after = recovered(base, second, where)
    assert after == expected
    # and the run after drops the cancellations, as it does after an uninterrupted run
    again = tmp_path / "reference"
    again.mkdir()
    for rel, data in expected.items():
        (again / rel).parent.mkdir(parents=True, exist_ok=True)
        (again / rel).write_bytes(data)
    run(second, where, SECOND)
    run(second, again, SECOND)
    assert snapshot(where) == snapshot(again)


@pytest.mark.parametrize("seed", range(1, 1 + int(os.environ.get("LIANXUE_KILL_SEEDS", "4"))))
def test_killed_at_a_random_moment_then_run_again_loses_nothing(
    setup: tuple[Path, Path, dict[str, bytes], float], tmp_path: Path, seed: int
) -> None:
    base, second, expected, took = setup
    where = tmp_path / "feeds"
    shutil.copytree(base, where)
    process = calendar(second, where, SECOND)
    time.sleep(random.Random(seed).uniform(0.3, 1.0) * took)
    process.kill()
    process.communicate(timeout=300)
    if snapshot(where) == expected:
        return  # the run had completed (marker removed) before the kill came: nothing was interrupted
    assert recovered(base, second, where) == expected
    assert not list(where.rglob(".*"))  # no temporary file and no marker left once a run completed
