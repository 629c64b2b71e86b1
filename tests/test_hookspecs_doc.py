"""The hook specifications and their reference page stay in step (datasette's rule).

``docs/hooks.md`` must have one ``### <signature>`` heading per hook, generated here from the spec
function, and no heading for a hook that does not exist. Each spec's docstring must say what it
returns, document every argument, and carry an example.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lianxue_core import hookspecs
from lianxue_core.plugins import HOOKS

HOOKS_MD = Path(__file__).parent.parent / "docs" / "hooks.md"


def heading(spec: Callable[..., Any]) -> str:
    """The heading docs/hooks.md must have: the spec's exact signature, as written in hookspecs.py."""
    sig = inspect.signature(spec)
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"### {spec.__name__}({params}) -> {sig.return_annotation}"


def sections() -> dict[str, str]:
    """docs/hooks.md's ``###`` sections by heading line."""
    text = HOOKS_MD.read_text(encoding="utf-8")
    parts = re.split(r"^(### .*)$", text, flags=re.MULTILINE)
    return {parts[i]: re.split(r"^## ", parts[i + 1], flags=re.MULTILINE)[0] for i in range(1, len(parts), 2)}


def test_heading_is_built_from_the_annotations() -> None:
    assert heading(hookspecs.lianxue_workdays) == "### lianxue_workdays(year: int) -> WorkdayCalendar | None"


@pytest.mark.parametrize("hook", list(HOOKS))
def test_hook_has_a_heading_with_its_exact_signature(hook: str) -> None:
    expected = heading(HOOKS[hook])
    assert expected in sections(), f"docs/hooks.md lacks the heading:\n{expected}"


def test_no_heading_for_a_hook_that_does_not_exist() -> None:
    documented = {re.match(r"### (\w+)", h).group(1) for h in sections()}  # type: ignore[union-attr]
    assert documented == set(HOOKS)


@pytest.mark.parametrize("hook", list(HOOKS))
def test_section_carries_the_docstring(hook: str) -> None:
    spec = HOOKS[hook]
    body = sections()[heading(spec)]
    summary = inspect.getdoc(spec).splitlines()[0].replace("``", "`")  # type: ignore[union-attr]
    assert summary in body, "the section must start from the docstring's summary"
    for name in inspect.signature(spec).parameters:
        assert f"- `{name}`:" in body, f"argument {name!r} is not described"
    assert "**When:**" in body
    assert "**Returns:**" in body
    assert f"def {hook}(" in body, "the section needs an example implementation"


@pytest.mark.parametrize("hook", list(HOOKS))
def test_spec_docstring(hook: str) -> None:
    spec = HOOKS[hook]
    doc = inspect.getdoc(spec) or ""
    assert ":return:" in doc
    for name in inspect.signature(spec).parameters:
        assert f":param {name}:" in doc
    assert "Example::" in doc
    assert f"def {hook}(" in doc
    assert "Called " in doc, "say when the hook is called"
    firstresult = getattr(spec, f"{hookspecs.PROJECT}_spec", {}).get("firstresult", False)
    assert ("Stops at first non-None result" in doc) == firstresult
    if firstresult:
        assert "Stops at first non-None result" in sections()[heading(spec)]


@pytest.mark.parametrize("hook", list(HOOKS))
def test_spec_is_fully_annotated(hook: str) -> None:
    sig = inspect.signature(HOOKS[hook])
    assert sig.return_annotation is not inspect.Signature.empty
    assert all(p.annotation is not inspect.Parameter.empty for p in sig.parameters.values())
    assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in sig.parameters.values())
