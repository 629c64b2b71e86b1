"""``docs/obligations.md`` is generated from the built-in plugins and must not go stale."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from lianxue_core.cli import main

DOC = Path(__file__).parent.parent / "docs" / "obligations.md"

#: The built-in plugins only, whatever else is installed, so the generated page does not depend on
#: the machine that generates it.
BUILTINS = "organs,town,village,two-new,branch-rules"

REGENERATE = (
    f"LIANXUE_DISABLE_PLUGIN_AUTOLOAD=1 LIANXUE_PLUGINS={BUILTINS} "
    "lianxue obligations --format markdown > docs/obligations.md"
)


def generated(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LIANXUE_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("LIANXUE_PLUGINS", BUILTINS)
    monkeypatch.delenv("LIANXUE_BLOCK_PLUGINS", raising=False)
    out, err = io.StringIO(), io.StringIO()
    assert main(["obligations", "--format", "markdown"], stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


def test_obligations_doc_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = generated(monkeypatch)
    actual = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert actual == expected, f"docs/obligations.md is stale; regenerate it with:\n    {REGENERATE}"


def test_obligations_doc_lists_every_track_and_the_standing_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    text = generated(monkeypatch)
    for heading in ("(`organs`)", "(`town`)", "(`village`)", "(`community`)", "(`two-new`)", "(`*`, every track)"):
        assert heading in text
    assert "原文：“镇（街道）党（工）委每周组织1次集中学习。”" in text
