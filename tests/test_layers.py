"""The layout shows the flow: no module imports a stage above it (docs/design.md).

Stages, lowest first. A module may import its own stage and the ones below. Imports for typing only
(``if TYPE_CHECKING:``) and imports inside a function (loaded when used) do not count. Two record modules
sit below the hooks although their packages sit above: ``scheduling.occurrence`` and ``supervision.findings``
(the hook specifications name ``Occurrence``, ``Record`` and ``Finding``).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "lianxue_core"
STAGES = [
    "i18n",
    "collector",
    "files",
    "textsafe",
    "jsontext",
    "errors",
    "limits",
    "model",
    "obligations",
    "orgoptions",
    "optionspec",
    "orgfile",
    "workdays",
    "examples",
    "textable",
    "scheduling.occurrence",
    "supervision.findings",
    "scheduling",
    "hookspecs",
    "plugins",
    "calendar",
    "supervision",
    "importing",
    "catalogue",
    "documents",
    "app",
    "scaffold",
    "commands",
    "cli",
    "testing",
    "__main__",
]


def stage_of(module: str) -> int:
    """The index of the stage of ``lianxue_core.<module>``, the most specific one."""
    parts = module.split(".")
    for n in (2, 1):
        name = ".".join(parts[:n])
        if name in STAGES:
            return STAGES.index(name)
    raise AssertionError(f"lianxue_core.{module} is in no stage: add it to STAGES and docs/design.md")


def module_imports(path: Path) -> list[str]:
    """The ``lianxue_core`` modules ``path`` imports at module level, not for typing only."""
    rel = path.relative_to(SRC).with_suffix("")
    package = list(rel.parts[:-1])
    out: list[str] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            if node.module:
                out.append(".".join([*base, node.module]))
            else:
                out += [".".join([*base, alias.name]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lianxue_core."):
            out.append(node.module.removeprefix("lianxue_core."))  # type: ignore[union-attr]
    return out


def test_no_module_imports_a_stage_above_it() -> None:
    wrong = []
    modules = sorted(SRC.rglob("*.py"))
    assert len(modules) > 40
    for path in modules:
        rel = path.relative_to(SRC).with_suffix("")
        me = ".".join(p for p in rel.parts if p != "__init__")
        if not me:
            continue  # the package's __init__: the public API gathers every stage
        for target in module_imports(path):
            if target == "__version__":  # the package's version, not a stage
                continue
            if stage_of(target) > stage_of(me):
                wrong.append(f"lianxue_core.{me} imports lianxue_core.{target}")
    assert wrong == []


def test_the_core_names_no_built_in_track() -> None:
    """The planner and the feeds know no plugin by its id (the checks and points still do: issue 12)."""
    for sub in ("scheduling", "calendar", "app.py", "orgfile.py", "obligations.py", "plugins.py"):
        for path in [SRC / sub] if sub.endswith(".py") else sorted((SRC / sub).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for track in ("organs.", "town.", "village.", "community.", "two-new.", "branch."):
                assert f'"{track}' not in text, (path, track)
