"""Progress on long work, shown on a terminal only, with tqdm.

tqdm is small (no dependencies of its own), writes to standard error, and with ``disable=None`` turns itself
off when standard error is not a terminal: pipes, files and CI logs stay as they were. ``-q`` switches it off
everywhere; ``-v`` adds the ``logging`` module's INFO lines (stage timings, :class:`Stages` and :func:`timed`).

Units: a word of a language written with spaces gets one after the number ("116 feeds", "3.2 feeds/s"); a
Chinese measure word is written against it ("116个日历").
"""

from __future__ import annotations

import argparse
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, TypeVar

from tqdm import tqdm

from ..i18n import _

__all__ = ["Stages", "counting", "each", "nested", "timed"]

T = TypeVar("T")

log = logging.getLogger("lianxue")

#: Seconds between redraws of a bar whose count does not move (its clock goes on).
_TICK = 0.5


def _off(args: argparse.Namespace) -> bool | None:
    return True if getattr(args, "quiet", False) else None  # None: off unless a terminal


def _unit(word: str) -> str:
    """tqdm writes its unit right after the number: a Latin-script word needs a space before it."""
    return " " + word if word[:1].isascii() and word[:1].isalpha() else word


def _bar(
    args: argparse.Namespace,
    err: TextIO,
    desc: str,
    total: int | None,
    unit: str,
    items: Iterable[T] | None = None,
    bar_format: str | None = None,
    position: int | None = None,
) -> tqdm[Any]:
    options: dict[str, Any] = {
        "total": total,
        "desc": desc,
        "unit": _unit(unit),
        "file": err,
        "disable": _off(args),
        "leave": False,
        "mininterval": 0.3,
        "bar_format": bar_format,
        "position": position,
    }
    return tqdm(**options) if items is None else tqdm(items, **options)


@contextmanager
def counting(
    args: argparse.Namespace, err: TextIO, desc: str, total: int | None, unit: str
) -> Iterator[Callable[[int], object]]:
    """A progress bar of ``total`` items while the block runs; yields the function that advances it."""
    bar = _bar(args, err, desc, total, unit)
    try:
        yield bar.update
    finally:
        bar.close()


def each(args: argparse.Namespace, err: TextIO, items: Iterable[T], desc: str, unit: str) -> Iterator[T]:
    """``items`` one by one, counted on a progress bar."""
    bar = _bar(args, err, desc, None, unit, items)
    try:
        yield from bar
    finally:
        bar.close()


@contextmanager
def nested(
    args: argparse.Namespace, err: TextIO, desc: str, total: int | None, unit: str, inner_unit: str
) -> Iterator[Callable[[str, int, int], None]]:
    """Two bars: ``total`` items (calendars) and, under it, the parts of the one in hand (its events). Yields
    ``step(name, done, of)``: called with ``done == 0`` when an item starts, then as its parts are done, and
    with ``done == of`` when it is finished."""
    outer = _bar(args, err, desc, total, unit)
    inner = _bar(args, err, "", None, inner_unit, position=1)

    def step(name: str, done: int, of: int) -> None:
        if done == 0:
            inner.reset(total=of)
            inner.set_description_str(name, refresh=False)
        if done > inner.n:
            inner.update(done - inner.n)
        if done == of:
            outer.update(1)

    try:
        yield step
    finally:
        inner.close()
        outer.close()


@contextmanager
def _ticking(bar: tqdm[Any]) -> Iterator[None]:
    """Redraw ``bar`` twice a second while the block runs (its clock moves though its count does not)."""
    if bar.disable:
        yield
        return
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(_TICK):
            bar.refresh()

    ticker = threading.Thread(target=tick, name="lianxue-progress", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()


@contextmanager
def timed(name: str) -> Iterator[None]:
    """Log how long the block took at INFO (``-v``): ``lianxue: <name>: 0.8 s``, as :class:`Stages` does."""
    started = time.perf_counter()
    yield
    log.info(_("%s: %.1f s"), name, time.perf_counter() - started)


class Stages:
    """A command's stages on one bar (``checking: 2/4``, the stage running named after it, its clock moving),
    each stage's time logged with ``-v`` (``lianxue: reading the records: 0.8 s``)."""

    def __init__(self, args: argparse.Namespace, err: TextIO, desc: str, count: int) -> None:
        self.desc = desc
        self.bar = _bar(args, err, desc, count, "", bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| {elapsed}{postfix}")

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        """One stage: named on the bar while it runs (with ``total``, a count of what it has done: ``planning
        35/116``), counted and logged when it is done. Yields the function that advances the count."""
        done = 0

        def advance(n: int = 1) -> None:
            nonlocal done
            done += n
            self.bar.set_postfix_str(f"{name} {done}/{total}" if total else f"{name} {done}", refresh=False)

        self.bar.set_postfix_str(f"{name} 0/{total}" if total else name)
        with timed(name), _ticking(self.bar):
            yield advance
        self.bar.update(1)

    def close(self) -> None:
        """Take the bar off the terminal."""
        self.bar.close()

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
