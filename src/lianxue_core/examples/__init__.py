"""The example county bundled with lianxue."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["example_path"]


def example_path(name: str = "deqing") -> Path:
    """The path of a bundled example organization file (``deqing``: the example county)."""
    path = files(__name__).joinpath(f"{name}.toml")
    return Path(str(path))
