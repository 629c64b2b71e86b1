"""Progress on long work, shown on a terminal only, with tqdm.

tqdm is small (no dependencies of its own), writes to standard error, and with ``disable=None`` turns itself
off when standard error is not a terminal: pipes, files and CI logs stay as they were. ``-q`` switches it off
everywhere; ``-v`` adds the ``logging`` module's INFO lines (stage timings).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

from tqdm import tqdm

__all__ = ["counting", "each"]

T = TypeVar("T")


def _off(args: argparse.Namespace) -> bool | None:
    return True if getattr(args, "quiet", False) else None  # None: off unless a terminal


@contextmanager
def counting(
    args: argparse.Namespace, err: TextIO, desc: str, total: int | None, unit: str
) -> Iterator[Callable[[int], object]]:
    """A progress bar of ``total`` items while the block runs; yields the function that advances it."""
    bar = tqdm(total=total, desc=desc, unit=unit, file=err, disable=_off(args), leave=False, mininterval=0.3)
    try:
        yield bar.update
    finally:
        bar.close()


def each(args: argparse.Namespace, err: TextIO, items: Iterable[T], desc: str, unit: str) -> Iterator[T]:
    """``items`` one by one, counted on a progress bar."""
    bar = tqdm(items, desc=desc, unit=unit, file=err, disable=_off(args), leave=False, mininterval=0.3)
    try:
        yield from bar
    finally:
        bar.close()
