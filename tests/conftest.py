"""Shared fixtures. The ``lianxue_core.testing`` plugin (``lianxue_host``, ``lianxue_host_factory``)
is loaded by ``-p lianxue_core.testing`` in ``pyproject.toml``.

One fixture is autouse: ``english``. lianxue speaks Chinese by default (``lianxue_core.i18n``); the test suite
asserts its messages in English, the msgids themselves, so that a changed translation breaks no test of
behaviour. ``english`` sets the locale to ``LANG=en_US.UTF-8`` (the other locale variables removed, so that
nothing outranks it) for ``lianxue_core.cli.main`` in this process and for every subprocess that inherits the
environment, and chooses English with ``i18n.setup("en")`` for code that does not go through ``main``. The
Chinese is asserted in ``tests/test_i18n.py``, which asks for it with ``--lang`` or its own environment."""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from lianxue_core import i18n
from plugin_fixtures import write_distribution

pytest_plugins = ["pytester"]

# The suite's default Hypothesis settings: Hypothesis' own, but for the "input generation is slow" health check.
# In a fresh clone (no .hypothesis folder) the first text strategy drawn in a process builds Hypothesis' Unicode
# tables, 1-2 s, and that check then fails whichever test happened to come first (seen with
# tests/test_unit_table.py). The number of examples and the deadline are unchanged; slow properties keep their
# own profiles.
settings.register_profile("lianxue", suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("lianxue")

InstallDist = Callable[..., Path]

#: The locale variables gettext reads, ``LANG`` the last: ``english`` leaves ``LANG`` alone to decide.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES")


@pytest.fixture(scope="session", autouse=True)
def english_session() -> Iterator[None]:
    """The same for fixtures of a wider scope (a module's county, planned once), which run before ``english``."""
    with pytest.MonkeyPatch.context() as mp:
        for key in LOCALE_VARIABLES:
            mp.delenv(key, raising=False)
        mp.setenv("LANG", "en_US.UTF-8")
        i18n.setup("en")
        yield


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test in English (see the module's docstring): the locale and the process's language."""
    for key in LOCALE_VARIABLES:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    i18n.setup("en")
    yield
    i18n.setup("en")


def builtin_plugin_names() -> list[str]:
    """The entry-point names already installed before a test installs its own: the built-in tracks and
    any plugin distribution in the environment (such as lianxue-devzone in CI)."""
    return sorted({ep.name for ep in importlib.metadata.entry_points(group="lianxue")})


@pytest.fixture
def install_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[InstallDist]:
    """Install a temporary distribution: ``install_dist(name, version, entry_points, modules)``.

    It is written into a fresh directory (or ``root=``) that is prepended to ``sys.path``
    (``prepend=False`` to leave that to the test); the modules it adds are unloaded afterwards.
    """
    written: list[str] = []

    def install(
        name: str,
        version: str,
        entry_points: Mapping[str, str],
        modules: Mapping[str, str],
        *,
        root: Path | None = None,
        prepend: bool = True,
    ) -> Path:
        where = write_distribution(root or tmp_path / f"site-{name}", name, version, entry_points, modules)
        written.extend(modules)
        if prepend:
            monkeypatch.syspath_prepend(str(where))
        importlib.invalidate_caches()  # importlib.metadata caches directory listings
        return where

    yield install
    for module in written:
        sys.modules.pop(module, None)
    importlib.invalidate_caches()


@pytest.fixture
def plugin_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """``os.environ`` without LIANXUE_* settings and with the built-in plugins blocked.

    Returns the environment as a dict too, for ``PluginHost(environ=...)``. Tests of the host must
    not depend on the built-in tracks, which evolve on their own.
    """
    for key in ("LIANXUE_DISABLE_PLUGIN_AUTOLOAD", "LIANXUE_PLUGINS", "LIANXUE_BLOCK_PLUGINS"):
        monkeypatch.delenv(key, raising=False)
    blocked = ",".join(builtin_plugin_names())
    monkeypatch.setenv("LIANXUE_BLOCK_PLUGINS", blocked)
    return {"LIANXUE_BLOCK_PLUGINS": blocked}
