"""``lianxue validate``: one line per problem on stderr, exit code 2, never a traceback."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lianxue_core import cli

DATA = Path(__file__).parent / "data"
BAD_FILES = sorted((DATA / "bad").glob("*.toml"))


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def expected_lines(path: Path) -> list[str]:
    text = path.with_suffix(".expected").read_text(encoding="utf-8")
    return ["lianxue: error: " + line.replace("{file}", str(path)) for line in text.splitlines()]


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_bad_file(path: Path) -> None:
    code, out, err = run("validate", str(path))
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    expected = expected_lines(path)
    if path.stem == "unknown-track":
        # The known tracks are whatever plugins are installed; the built-in `organs` always is.
        (line,) = lines
        head = expected[0].split(" unknown track ")[0]
        assert line.startswith(head)
        assert re.search(r"unknown track 'villages'( \(did you mean 'village'\?\))?; known tracks: .*\borgans\b", line)
    else:
        assert lines == expected


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    assert run("validate", str(path)) == (
        2,
        "",
        f"lianxue: error: {path}: cannot read the file: No such file or directory\n",
    )


def test_several_problems_in_one_run() -> None:
    path = DATA / "bad" / "many-problems.toml"
    code, _, err = run("validate", str(path))
    assert code == 2
    assert len(err.splitlines()) == 9
    assert err.splitlines() == expected_lines(path)


def test_good_file() -> None:
    path = DATA / "good" / "organs-only.toml"
    code, out, err = run("validate", str(path))
    assert (code, err) == (0, "")
    assert out.startswith(f"{path}: OK\n2 organizations, 30 members (1 listed by name), 0 links\n")


def test_good_file_as_json() -> None:
    path = DATA / "good" / "organs-only.toml"
    code, out, _ = run("validate", "--format", "json", str(path))
    assert code == 0
    summary = json.loads(out)
    assert summary["valid"] is True
    assert summary["organizations"] == 2
    assert summary["per_kind"] == {"branch": 1, "working-committee": 1}


def test_console_script() -> None:
    script = Path(sys.executable).parent / "lianxue"
    if not script.exists():
        pytest.skip("the lianxue console script is not installed next to this Python")
    bad = DATA / "bad" / "many-problems.toml"
    result = subprocess.run([str(script), "validate", str(bad)], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected_lines(bad)


def test_console_script_missing_file(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "lianxue"
    if not script.exists():
        pytest.skip("the lianxue console script is not installed next to this Python")
    result = subprocess.run(
        [str(script), "validate", str(tmp_path / "x.toml")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
