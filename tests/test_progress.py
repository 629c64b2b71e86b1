"""Progress on a terminal, silence in pipes: `lianxue run` with its standard error on a real pseudo-terminal."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from lianxue_core.cli import main


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``lianxue ARGS`` with stderr on a pseudo-terminal; its exit code and what the terminal showed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # 40 rows, 120 columns
    proc = subprocess.Popen(
        [sys.executable, "-m", "lianxue_core", *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=follower, env=env
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return proc.wait(timeout=300), shown.decode("utf-8", "replace")


def test_progress_shows_on_a_terminal(tmp_path: Path) -> None:
    code, shown = _on_a_terminal(["run", "--year", "2026", "--out", str(tmp_path / "cal")], tmp_path)
    assert code == 0
    assert "planning" in shown  # organizations planned (English: the suite's locale)
    assert "writing feeds" in shown  # feeds written
    assert "计划" not in shown  # one language, not both
    code, shown = _on_a_terminal(["-q", "run", "--year", "2026", "--out", str(tmp_path / "cal2")], tmp_path)
    assert code == 0
    assert "planning" not in shown


def test_progress_speaks_the_language_of_the_locale(tmp_path: Path) -> None:
    """No locale: Chinese labels only (issue 14: one language, not "计划 planning")."""
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    code, shown = _on_a_terminal(["run", "--year", "2026", "--out", str(tmp_path / "cal")], tmp_path, env)
    assert code == 0
    assert "计划" in shown
    assert "写入日历" in shown
    assert "个组织" in shown
    assert "planning" not in shown
    assert "feeds" not in shown


def test_pipes_get_no_progress_and_v_says_how_long(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["run", "--year", "2026", "--out", str(tmp_path / "cal")], stdout=out, stderr=err) == 0
    assert "planning" not in err.getvalue()
    assert "\r" not in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert (
        main(["-v", "calendar", "--year", "2026", "--out", str(tmp_path / "c2"), _example()], stdout=out, stderr=err)
        == 0
    )
    assert "lianxue: planned 116 organizations and wrote 116 feeds in" in err.getvalue()


def _example() -> str:
    from lianxue_core import example_path

    return str(example_path())
