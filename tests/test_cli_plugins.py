"""The command line and plugins: ``lianxue plugins``, ``lianxue obligations`` with a plugin from a
temporary distribution, plugin errors as one line with exit code 3, blocking, install order, and
``--help``/``--version``. The built-in plugins are blocked (``plugin_env``) so nothing here depends on
their content."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import InstallDist
from lianxue_core import __version__
from lianxue_core.cli import _parser, main
from plugin_fixtures import track_plugin_source


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


ZONE_EXTRA = """
@hookimpl
def lianxue_findings(organization):
    return []
"""


@pytest.fixture
def zone(install_dist: InstallDist, plugin_env: dict[str, str]) -> None:
    install_dist(
        "lianxue-zone",
        "1.2.0",
        {"zone": "lxt_cli_zone"},
        {"lxt_cli_zone": track_plugin_source("zone", ["zone.forum", "zone.study"], extra=ZONE_EXTRA)},
    )


# -- lianxue plugins -------------------------------------------------------------------------------


@pytest.mark.usefixtures("zone")
def test_plugins_json_lists_the_distribution_and_version() -> None:
    code, out, err = run("plugins", "--format", "json")
    assert (code, err) == (0, "")
    plugins = json.loads(out)
    assert [p["name"] for p in plugins] == ["lianxue-core", "zone"]
    assert plugins[1] == {
        "name": "zone",
        "distribution": "lianxue-zone",
        "version": "1.2.0",
        "module": "lxt_cli_zone",
        "hooks": ["lianxue_catalogue", "lianxue_findings", "lianxue_tracks"],
        "tracks": ["zone"],
        "obligations": 2,
        "track_names": {"zone": "测试zone"},  # the Chinese display name the plugin's Track gives
    }


@pytest.mark.usefixtures("zone")
def test_plugins_table() -> None:
    code, out, err = run("plugins")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["plugin", "distribution", "tracks", "obligations", "hooks"]
    zone = next(line for line in lines if line.startswith("zone "))
    assert zone.split() == [
        "zone",
        "lianxue-zone",
        "1.2.0",
        "zone（测试zone）",
        "2",
        "catalogue,",
        "findings,",
        "tracks",
    ]
    core = next(line for line in lines if line.startswith("lianxue-core "))
    assert core.split()[-1] == "workdays"


@pytest.mark.usefixtures("zone")
def test_plugin_track_shows_in_obligations() -> None:
    code, out, err = run("obligations", "--format", "json")
    assert (code, err) == (0, "")
    items = json.loads(out)
    assert [(o["id"], o["track"]) for o in items] == [("zone.forum", "zone"), ("zone.study", "zone")]
    assert items[0]["source"]["document"] == "测试〔2026〕1号"
    code, out, _ = run("obligations", "--track", "zone")
    assert code == 0
    assert "zone.forum" in out
    assert "zone.study" in out


@pytest.mark.usefixtures("zone")
def test_block_option_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run("--block", "zone", "plugins", "--format", "json")
    assert code == 0
    assert [p["name"] for p in json.loads(out)] == ["lianxue-core"]
    code, out, err = run("--block", "zone", "obligations", "--track", "zone")
    assert code == 2
    assert "unknown track 'zone'" in err
    monkeypatch.setenv("LIANXUE_BLOCK_PLUGINS", os.environ["LIANXUE_BLOCK_PLUGINS"] + ",zone")
    code, out, _ = run("plugins", "--format", "json")
    assert [p["name"] for p in json.loads(out)] == ["lianxue-core"]


@pytest.mark.usefixtures("zone")
def test_disabled_autoload_with_lianxue_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANXUE_BLOCK_PLUGINS")
    monkeypatch.setenv("LIANXUE_DISABLE_PLUGIN_AUTOLOAD", "1")
    code, out, _ = run("plugins", "--format", "json")
    assert [p["name"] for p in json.loads(out)] == ["lianxue-core"]  # not even the built-ins
    monkeypatch.setenv("LIANXUE_PLUGINS", "zone")
    code, out, _ = run("plugins", "--format", "json")
    assert code == 0
    assert [p["name"] for p in json.loads(out)] == ["lianxue-core", "zone"]


# -- plugin errors: one line, exit code 3, no traceback --------------------------------------------

RAISING = """
from lianxue_core import hookimpl

@hookimpl
def lianxue_catalogue():
    raise RuntimeError("catalogue file missing")
"""
BAD_SIGNATURE = """
from lianxue_core import hookimpl

@hookimpl
def lianxue_tracks(county):
    return []
"""
UNKNOWN_HOOK = """
from lianxue_core import hookimpl

@hookimpl
def lianxue_holidays(year):
    return None
"""

ERROR_CASES = {
    "broken": (
        "import no_such_module_for_lianxue\n",
        "error importing 'lxt_err_broken': ModuleNotFoundError: No module named 'no_such_module_for_lianxue'",
    ),
    "raising": (RAISING, "hook lianxue_catalogue raised RuntimeError: catalogue file missing"),
    "badsig": (BAD_SIGNATURE, "lianxue_tracks(county) has argument(s) 'county' that the specification"),
    "unknown": (UNKNOWN_HOOK, "lianxue_holidays implements unknown hook 'lianxue_holidays'"),
}


@pytest.mark.parametrize("command", [["plugins"], ["obligations"], ["plugins", "--format", "json"]])
@pytest.mark.parametrize("case", sorted(ERROR_CASES))
@pytest.mark.usefixtures("plugin_env")
def test_plugin_errors_are_one_line_with_exit_code_3(install_dist: InstallDist, case: str, command: list[str]) -> None:
    source, reason = ERROR_CASES[case]
    install_dist(f"lianxue-{case}", "0.9", {case: f"lxt_err_{case}"}, {f"lxt_err_{case}": source})
    code, out, err = run(*command)
    assert code == 3
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f'lianxue: plugin error: plugin "{case}" (from lianxue-{case} 0.9): ')
    assert reason in err
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", ["track", "obligation"])
@pytest.mark.usefixtures("plugin_env")
def test_conflicts_through_the_cli(install_dist: InstallDist, tmp_path: Path, kind: str) -> None:
    if kind == "track":
        first, second = track_plugin_source("zone", ["zone.a"]), track_plugin_source("zone", ["zone.b"])
    else:
        first = track_plugin_source("zone", ["zone.forum"])
        second = track_plugin_source(None, ["zone.forum"], obligation_track="zone")
    install_dist("dist-b", "2.0", {"beta": "lxt_cf_beta"}, {"lxt_cf_beta": second}, root=tmp_path / "b")
    install_dist("dist-a", "1.0", {"alpha": "lxt_cf_alpha"}, {"lxt_cf_alpha": first}, root=tmp_path / "a")
    code, out, err = run("obligations")
    key = "zone" if kind == "track" else "zone.forum"
    assert (code, out) == (3, "")
    assert err == (
        f'lianxue: plugin error: plugin "beta" (from dist-b 2.0): {kind} {key!r} is also registered by '
        'plugin "alpha" (from dist-a 1.0)\n'
    )


def test_broken_plugin_in_a_real_process(install_dist: InstallDist, plugin_env: dict[str, str]) -> None:
    root = install_dist(
        "lianxue-broken", "0.9", {"broken": "lxt_proc_broken"}, {"lxt_proc_broken": "raise ImportError('no')\n"}
    )
    env = {**os.environ, **plugin_env, "PYTHONPATH": str(root)}
    proc = subprocess.run(
        [sys.executable, "-m", "lianxue_core", "plugins"], capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 3
    assert proc.stdout == ""
    assert proc.stderr == (
        'lianxue: plugin error: plugin "broken" (from lianxue-broken 0.9): '
        "error importing 'lxt_proc_broken': ImportError: no\n"
    )


# -- output never depends on install order -----------------------------------------------------------

STAR = """
@hookimpl
def lianxue_findings():
    return []
"""


def test_install_order_does_not_change_output(
    install_dist: InstallDist, plugin_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the distribution names sort the other way round from the plugin names
    roots = [
        install_dist(
            "zeta-tracks",
            "1.0",
            {"alpha": "lxt_ord_alpha"},
            {"lxt_ord_alpha": track_plugin_source("alpha", ["alpha.one", "alpha.two"], extra=STAR)},
            root=tmp_path / "zeta",
            prepend=False,
        ),
        install_dist(
            "able-tracks",
            "3.1",
            {"beta": "lxt_ord_beta", "gamma": "lxt_ord_gamma"},
            {
                "lxt_ord_beta": track_plugin_source("beta", ["beta.one"]),
                "lxt_ord_gamma": track_plugin_source(None, ["alpha.three"], obligation_track="alpha"),
            },
            root=tmp_path / "able",
            prepend=False,
        ),
    ]
    outputs = []
    for order in (roots, roots[::-1]):
        with monkeypatch.context() as m:
            for root in order:
                m.syspath_prepend(str(root))
            for module in ("lxt_ord_alpha", "lxt_ord_beta", "lxt_ord_gamma"):
                m.delitem(sys.modules, module, raising=False)
            outputs.append([run("obligations", "--format", "json"), run("plugins"), run("plugins", "--format", "json")])
    assert outputs[0] == outputs[1]
    (code, obligations, _), (_, table, _), _ = outputs[0]
    assert code == 0
    assert [o["id"] for o in json.loads(obligations)] == ["alpha.one", "alpha.two", "beta.one", "alpha.three"]
    assert [line.split()[0] for line in table.splitlines()[2:]] == ["alpha", "beta", "gamma", "lianxue-core"]


# -- help and version ------------------------------------------------------------------------------------


def _subcommands() -> list[str]:
    actions = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"lianxue {__version__}\n"


def test_subcommands_include_plugins_and_obligations() -> None:
    assert {"plugins", "obligations", "validate"} <= set(_subcommands())


@pytest.mark.parametrize("command", [[], *([c] for c in _subcommands())])
def test_help_on_every_command(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: lianxue")
    assert "--help" in out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run()
    assert code == 0
    assert out.startswith("usage: lianxue")


def test_python_m_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "lianxue_core", "--version"], capture_output=True, text=True, check=False
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"lianxue {__version__}\n", "")
