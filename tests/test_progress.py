"""Progress on a terminal, silence in pipes: `lianxue run` with its standard error on a real pseudo-terminal."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
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


# -- issue 14: the long commands a new user tries first ---------------------------------------------------------


def _example_dir(tmp_path: Path) -> Path:
    """The example county and a year of its records (``lianxue example``), as a new user has them."""
    out, err = io.StringIO(), io.StringIO()
    assert main(["example", str(tmp_path / "ex"), "--year", "2026"], stdout=out, stderr=err) == 0, err.getvalue()
    return tmp_path / "ex"


def _records_of(ex: Path, orgs: set[str]) -> Path:
    """The example's records of a few organizations only (a test's ledger in a second)."""
    lines = (ex / "records.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path = ex / "some.csv"
    path.write_text(lines[0] + "".join(line for line in lines[1:] if line.split(",", 1)[0] in orgs), "utf-8")
    return path


def test_units_have_a_space_in_english_only() -> None:
    from lianxue_core.commands._progress import _unit

    assert _unit("feeds") == " feeds"  # "116 feeds", not "116feeds"
    assert _unit("个日历") == "个日历"  # "116个日历"


def test_ledger_check_and_word_plans_show_progress_on_a_terminal_only(tmp_path: Path) -> None:
    ex = _example_dir(tmp_path)
    records = _records_of(ex, {"shangbai", "wukang"})
    ledger = ["ledger", str(ex / "deqing.toml"), "--records", str(records), "--out", str(tmp_path / "led")]
    code, shown = _on_a_terminal(ledger, tmp_path)
    assert code == 0
    assert "record books" in shown
    assert "writing the record books" in shown
    assert "个" not in shown
    check = ["check", str(ex / "deqing.toml"), "--records", str(records), "--as-of", "2026-12-31",
             "--format", "html", "--out", str(tmp_path / "report.html")]  # fmt: skip
    code, shown = _on_a_terminal(check, tmp_path)
    assert code == 1  # findings
    assert "checking" in shown
    assert "reading the records, planning and checking" in shown
    plans = ["plan", str(ex / "deqing.toml"), "--year", "2026", "--org", "shangbai", "--org", "wukang",
             "--format", "docx", "--out", str(tmp_path / "plans")]  # fmt: skip
    code, shown = _on_a_terminal(plans, tmp_path)
    assert code == 0
    assert "planning" in shown
    assert "writing documents" in shown
    assert not re.search(r"\d(orgs|documents)\b", shown)  # "2 documents", with a space
    # in a pipe: the same commands, no bar
    for args in (ledger, check, plans):
        out, err = io.StringIO(), io.StringIO()
        args = [*args[:-1], str(tmp_path / "again" / args[0])]
        assert main(args, stdout=out, stderr=err) in (0, 1)
        assert "\r" not in err.getvalue()
        assert err.getvalue() == "", err.getvalue()


def test_v_says_what_check_did_and_how_long_each_stage_took(tmp_path: Path) -> None:
    ex = _example_dir(tmp_path)
    records = _records_of(ex, {"shangbai"})
    out, err = io.StringIO(), io.StringIO()
    args = ["-v", "check", str(ex / "deqing.toml"), "--records", str(records), "--as-of", "2026-12-31",
            "--format", "html", "--out", str(tmp_path / "report.html")]  # fmt: skip
    assert main(args, stdout=out, stderr=err) == 1
    said = err.getvalue()
    for stage in ("reading the organization file", "reading the records, planning and checking", "writing the report"):
        assert re.search(rf"^lianxue: {stage}: \d+\.\d s$", said, re.MULTILINE), said
    out, err = io.StringIO(), io.StringIO()
    args = ["-v", "check", str(ex / "deqing.toml"), "--records", str(records), "--as-of", "2026-12-31",
            "--split-by", "supervisor", "--out", str(tmp_path / "reports")]  # fmt: skip
    assert main(args, stdout=out, stderr=err) == 1
    for stage in ("reading the records", "planning", "checking and writing the reports"):
        assert re.search(rf"^lianxue: {stage}: \d+\.\d s$", err.getvalue(), re.MULTILINE), err.getvalue()
    for command in (["validate", str(ex / "deqing.toml")],
                    ["ledger", str(ex / "deqing.toml"), "--records", str(records), "--out", str(tmp_path / "l")],
                    ["example", str(tmp_path / "ex2"), "--year", "2026"]):  # fmt: skip
        out, err = io.StringIO(), io.StringIO()
        assert main(["-v", *command], stdout=out, stderr=err) == 0
        assert re.search(r"^lianxue: reading the organization file: \d+\.\d s$", err.getvalue(), re.MULTILINE)
    assert "lianxue: planning: " in err.getvalue()  # the example's year
