"""The README's Python examples run as written, and its two set-up commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, re.DOTALL)


def test_python_examples_run(capsys: object) -> None:
    blocks = _blocks("python")
    assert len(blocks) >= 2
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {"__name__": "readme_example"})


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    commands = [b.strip() for b in _blocks("sh") if b.strip().startswith("python3 -m venv")]
    assert len(commands) == 2, commands
    main, tests = commands
    assert "lianxue run" in main
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == tests, "the last line of .ci/run must be the README's test command"
