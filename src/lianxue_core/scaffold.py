"""``lianxue plugin new``: scaffold a plugin distribution that installs and passes its own tests.

:func:`render` gives the files of a new plugin as text; :func:`new_plugin` writes them. The plugin
registers a track named like the plugin and one monthly obligation on it, whose :class:`Source` is a
placeholder the author must replace with the real document, section and verbatim clause. The command
``lianxue plugin new`` is :mod:`lianxue_core.commands.plugin`; see ``docs/writing-plugins.md``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from string import Template

from . import __version__
from .errors import InputError, Problem
from .i18n import _

__all__ = [
    "PLUGIN_NAME",
    "distribution_name",
    "install_target",
    "module_name",
    "new_plugin",
    "render",
]

#: A plugin name: lower-case letters, digits and ``-``, starting with a letter (it is also the track key).
PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

_PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "$dist"
version = "0.1.0"
description = "lianxue plugin $name: obligations for the organizations on track $name."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["lianxue"]

# What the plugin's own tests need: pip install -e '.[test]'.
[project.optional-dependencies]
test = ["pytest>=8"]

# lianxue finds plugins through the `lianxue` entry-point group; the entry-point name is the plugin name.
[project.entry-points.lianxue]
$name = "$module"

[tool.setuptools.packages.find]
where = ["src"]

[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = ["-p", "lianxue_core.testing"]
filterwarnings = ["error"]
"""

_MODULE = '''\
"""lianxue plugin $name: the track ``$name`` and its obligations."""

from __future__ import annotations

from collections.abc import Sequence

from lianxue_core import (
    ActivityKind,
    Audience,
    Cadence,
    Obligation,
    Organization,
    Source,
    Track,
    applicable,
    hookimpl,
)

TRACK = Track(key="$name", name=$title, description="TODO: which organizations belong to this track.")

# =====================================================================================================
# PLACEHOLDER SOURCE — REPLACE IT. Every obligation must cite the document it comes from: its number,
# the section and the verbatim clause. lianxue prints the citation in plans, feeds and reports.
# =====================================================================================================
PLACEHOLDER_SOURCE = Source(
    document="PLACEHOLDER 文件编号（请替换）",
    section="PLACEHOLDER 章节（请替换）",
    quote="PLACEHOLDER：请在此逐字粘贴规定原文（请替换）。",
)

CATALOGUE: tuple[Obligation, ...] = (
    Obligation(
        id="$name.monthly-study",
        track="$name",
        title="月度集中学习",
        kind=ActivityKind.STUDY,
        cadence=Cadence.monthly(),
        source=PLACEHOLDER_SOURCE,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="每月组织党员集中学习一次。",
    ),
)


@hookimpl
def lianxue_tracks() -> Sequence[Track]:
    """The track this plugin provides."""
    return [TRACK]


@hookimpl
def lianxue_catalogue() -> Sequence[Obligation]:
    """Every obligation this plugin can give."""
    return CATALOGUE


@hookimpl
def lianxue_obligations(organization: Organization) -> Sequence[Obligation]:
    """The obligations of ``organization``: those of its track and kind."""
    return applicable(CATALOGUE, organization)
'''

_TEST = '''\
"""Tests of the $name plugin, with lianxue's testing helpers."""

from __future__ import annotations

from collections.abc import Callable

import $module
from lianxue_core import PluginHost
from lianxue_core.testing import TreeBuilder, check_plugin_contract


def test_contract() -> None:
    check_plugin_contract($module, "$name")


def test_obligations_for(lianxue_host_factory: Callable[..., PluginHost]) -> None:
    host = lianxue_host_factory(("$name", $module))
    tree = TreeBuilder().org("b1", "示例党支部", track="$name", members=10).build()
    assert [o.id for o in host.obligations_for(tree["b1"], tree, 2026)] == ["$name.monthly-study"]
'''

_README = """\
# $dist

A lianxue plugin: the track `$name` and its obligations.

Before you publish it, replace `PLACEHOLDER_SOURCE` in `src/$module/__init__.py` with the real document
number, section and verbatim clause of each rule.

lianxue itself comes first, into the same environment: no package index carries it, so install it from a
wheel (`pip install lianxue-$version-py3-none-any.whl`, made by `python -m build` in a lianxue checkout) or from
a checkout (`pip install -e /path/to/lianxue`). Then, from the folder that holds this one, install the plugin
with its test extra (pytest), see lianxue load it, and run its tests:

```
pip install -e './$dist[test]'
lianxue plugins
lianxue obligations --track $name
python -m pytest $dist
```

Organizations get the obligations when the organization file puts them on the track: `track = "$name"`.
"""


def distribution_name(name: str) -> str:
    """The distribution a plugin called ``name`` is published as: ``lianxue-<name>``."""
    return name if name.startswith("lianxue-") else f"lianxue-{name}"


def module_name(name: str) -> str:
    """The importable package of a plugin called ``name``: ``lianxue_<name>`` with ``_`` for ``-``."""
    return distribution_name(name).replace("-", "_")


def install_target(folder: Path) -> str:
    """What to give ``pip install -e`` for the plugin in ``folder`` with its test extra, quoted for a shell.

    A relative folder gets ``./`` so that pip reads it as a path, not as a requirement:
    ``'./lianxue-deqing-extra[test]'``.
    """
    text = str(folder)
    if not folder.is_absolute() and text not in (".", "..") and not text.startswith(("./", "../")):
        text = f"./{text}"
    return shlex.quote(f"{text}[test]")


def _check_name(name: str) -> None:
    if not PLUGIN_NAME.match(name):
        raise InputError(
            [
                Problem(
                    "plugin new",
                    _(
                        "{name!r} is not a plugin name: use lower-case letters, digits and '-', starting with a "
                        "letter (e.g. 'deqing-extra')"
                    ).format(name=name),
                    subject="NAME",
                )
            ]
        )


def render(name: str, title: str | None = None) -> dict[str, str]:
    """The files of a new plugin called ``name``, by path relative to its folder.

    Args:
        name: The plugin name, also its track key and entry-point name.
        title: The track's Chinese display name (``Track.name``, e.g. ``临杭工业区两新组织``), shown in
            summaries and listings; default: ``name``.

    Raises:
        InputError: ``name`` is not a valid plugin name, or ``title`` is blank or holds a line break.
    """
    _check_name(name)
    title = name if title is None else title.strip()
    if not title or any(ch in title for ch in "\r\n\x00"):
        raise InputError(
            [
                Problem(
                    "plugin new",
                    _("{title!r} is not a display name: one line of text").format(title=title),
                    subject="--title",
                )
            ]
        )
    values = {
        "name": name,
        "title": repr(title),
        "dist": distribution_name(name),
        "module": module_name(name),
        "version": __version__,
    }
    module = values["module"]
    return {
        "pyproject.toml": Template(_PYPROJECT).substitute(values),
        "README.md": Template(_README).substitute(values),
        f"src/{module}/__init__.py": Template(_MODULE).substitute(values),
        f"src/{module}/py.typed": "",
        f"tests/test_{module}.py": Template(_TEST).substitute(values),
    }


def new_plugin(name: str, directory: Path | None = None, title: str | None = None) -> Path:
    """Write a new plugin distribution called ``name`` into ``directory`` (default: ``./lianxue-<name>``);
    ``title`` is the track's display name (see :func:`render`).

    Returns:
        The folder written.

    Raises:
        InputError: The name is invalid, or the folder exists and is not empty.
    """
    files = render(name, title)
    target = Path(directory) if directory is not None else Path(distribution_name(name))
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(
            [Problem(str(target), _("already exists and is not empty; choose another --dir"), subject="--dir")]
        )
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target
