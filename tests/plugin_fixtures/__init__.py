"""Helpers for the plugin-host tests: temporary distributions and plugin sources.

:func:`write_distribution` writes what ``pip install`` would leave in ``site-packages`` (a
``*.dist-info`` directory with ``METADATA`` and ``entry_points.txt``, and the plugin modules) into
a directory of our choosing, so a test can put it on ``sys.path`` and let the host find the plugin
through the ``lianxue`` entry-point group, exactly as it finds an installed one.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["track_plugin_source", "write_distribution"]


def write_distribution(
    root: Path,
    name: str,
    version: str,
    entry_points: Mapping[str, str],
    modules: Mapping[str, str],
) -> Path:
    """Write distribution ``name`` ``version`` into ``root``; return ``root``.

    Args:
        root: The directory that plays ``site-packages``.
        name: The distribution name, e.g. ``"lianxue-devzone"``.
        version: Its version.
        entry_points: ``{entry-point name: "module[:attr]"}`` in the ``lianxue`` group.
        modules: ``{module name: source}``; each becomes ``root/<module>.py``.
    """
    root.mkdir(parents=True, exist_ok=True)
    dist_info = root / f"{re.sub(r'[-_.]+', '_', name)}-{version}.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: a lianxue test plugin\n",
        encoding="utf-8",
    )
    lines = ["[lianxue]", *(f"{ep} = {target}" for ep, target in entry_points.items())]
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (dist_info / "RECORD").write_text("", encoding="utf-8")
    for module, source in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return root


def track_plugin_source(
    track: str | None,
    obligations: Iterable[str] = (),
    *,
    obligation_track: str | None = None,
    extra: str = "",
) -> str:
    """The source of a plugin module registering ``track`` with obligations ``<track>.<slug>``.

    Args:
        track: The track key to register, or ``None`` to register none.
        obligations: Obligation ids (full ids) for the catalogue.
        obligation_track: The track the obligations belong to (default: ``track``).
        extra: More source appended to the module (other hooks).
    """
    owner = obligation_track or track
    items = "".join(
        f"""
    Obligation(
        id={ob!r},
        track={owner!r},
        title="测试义务 {ob}",
        kind=ActivityKind.MEETING,
        cadence=Cadence.quarterly(),
        source=Source(document="测试〔2026〕1号", section="一、测试", quote="每季度召开一次。"),
    ),"""
        for ob in obligations
    )
    tracks = f'[Track(key={track!r}, name="测试{track}")]' if track else "[]"
    return f"""
from lianxue_core import ActivityKind, Cadence, Obligation, Source, Track, hookimpl

CATALOGUE = ({items}
)


@hookimpl
def lianxue_tracks():
    return {tracks}


@hookimpl
def lianxue_catalogue():
    return CATALOGUE
{textwrap.dedent(extra)}
"""
