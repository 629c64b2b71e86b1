"""docs/writing-plugins.md works: its code blocks run in order in a temporary folder.

The first block, an ``sh`` block, installs lianxue itself (from a wheel or a checkout): this environment is that
install, so it is checked, not run (``tools/plugin_path_check.sh`` runs the wheel path in a fresh environment).
Blocks whose first line is ``# file: PATH`` are written to PATH. Other ``python`` blocks run in one shared
namespace. ``shell`` blocks run line by line: ``lianxue ...`` and ``python -m ...`` with a temporary virtual
environment's interpreter (which sees this environment's packages), ``pip install -e 'DIR[test]'`` into that
environment, offline (see :func:`test_scaffold.install`; pytest is already there).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from test_scaffold import install, make_venv

DOC = Path(__file__).parents[1] / "docs" / "writing-plugins.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))]


def test_the_tutorial_has_its_steps() -> None:
    langs = [lang for lang, _ in blocks()]
    assert langs.count("python") == 2
    assert langs.count("shell") == 2
    assert "toml" in langs
    assert langs.count("sh") == 1


def test_the_tutorial_starts_by_installing_lianxue_from_a_wheel_or_a_checkout() -> None:
    lang, code = blocks()[0]
    assert lang == "sh"
    version = tomllib.loads((DOC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    commands = [line for line in code.splitlines() if line and not line.startswith("#")]
    assert commands == [
        "python -m build",
        f"pip install lianxue-{version}-py3-none-any.whl",
        "pip install -e /path/to/lianxue",
    ]
    text = DOC.read_text(encoding="utf-8")
    assert text.index("## 1. Install lianxue") < text.index("lianxue plugin new")
    assert "pip install -e './lianxue-deqing-extra[test]'" in text


def test_tutorial_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIANXUE_", "PYTEST_"))}
    env["SOURCE_DATE_EPOCH"] = "1767225600"
    python: Path | None = None
    namespace: dict[str, object] = {"__name__": "tutorial"}
    outputs: list[str] = []
    for lang, code in blocks():
        if lang == "sh":  # installing lianxue: this environment already has it
            continue
        first = code.splitlines()[0]
        if first.startswith("# file: "):
            target = tmp_path / first.removeprefix("# file: ").strip()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(code, encoding="utf-8")
            continue
        if lang == "python":
            exec(compile(code, str(DOC), "exec"), namespace)
            continue
        assert lang == "shell", lang
        for line in code.strip().splitlines():
            argv = shlex.split(line)
            if argv[:3] == ["pip", "install", "-e"]:
                target = re.fullmatch(r"(.+?)(\[[\w,]+\])?", argv[3])
                assert target is not None, line
                folder, extras = target.groups()
                assert extras == "[test]", line
                python = make_venv(tmp_path / "venv")
                install(python, (tmp_path / folder).resolve(), "deqing-extra")
                continue
            interpreter = str(python) if python is not None else sys.executable
            if argv[0] == "lianxue":
                argv = [interpreter, "-m", "lianxue_core", *argv[1:]]
            elif argv[0] == "python":
                argv = [interpreter, *argv[1:], "-p", "no:cacheprovider"]
            done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp_path)
            assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
            outputs.append(done.stdout)
    text = "\n".join(outputs)
    assert "lianxue-deqing-extra 0.1.0" in text  # lianxue plugins
    assert "deqing-extra.monthly-study" in text  # lianxue obligations
    assert "月度集中学习" in text  # lianxue plan
    feed = (tmp_path / "feeds" / "xinshi-1.ics").read_bytes().decode("utf-8")
    assert feed.count("X-LIANXUE-OBLIGATION:deqing-extra.monthly-study") == 12
    assert (tmp_path / "feeds" / "people" / "m-1.ics").exists()
