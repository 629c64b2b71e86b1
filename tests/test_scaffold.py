"""``lianxue plugin new``: the scaffolded plugin installs into a fresh environment and passes its own tests."""

from __future__ import annotations

import io
import os
import site
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from lianxue_core import __version__, scaffold
from lianxue_core.cli import main


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def make_venv(where: Path) -> Path:
    """A virtual environment that sees this one's packages (lianxue, pytest) through a ``.pth`` file.

    ``--system-site-packages`` alone would show the base interpreter's packages, not this environment's.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(where)], check=True)
    python = where / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    lines = [f"import site; site.addsitedir({p!r})" for p in site.getsitepackages()]
    (Path(purelib) / "_lianxue_parent.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return python


def install(python: Path, project: Path, name: str) -> str:
    """Install ``project`` editable into ``python``'s environment, offline; return how it was installed.

    ``pip install --no-deps --no-build-isolation -e`` needs setuptools and wheel beside pip; where they
    are missing (no network to fetch them), the test writes what an editable install writes: a ``.pth``
    with the source folder and a ``*.dist-info`` with the entry point.
    """
    pip = subprocess.run(
        [
            *(str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"),
            *("--disable-pip-version-check", "-e", str(project)),
        ],
        capture_output=True,
        text=True,
    )
    if pip.returncode == 0:
        return "pip"
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    dist = scaffold.distribution_name(name)
    module = scaffold.module_name(name)
    (purelib / f"__editable__.{module}.pth").write_text(str(project / "src") + "\n", encoding="utf-8")
    info = purelib / f"{module}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[lianxue]\n{name} = {module}\n", encoding="utf-8")
    return "dist-info"


def test_render_names() -> None:
    files = scaffold.render("deqing-extra")
    assert sorted(files) == [
        "README.md",
        "pyproject.toml",
        "src/lianxue_deqing_extra/__init__.py",
        "src/lianxue_deqing_extra/py.typed",
        "tests/test_lianxue_deqing_extra.py",
    ]
    assert 'name = "lianxue-deqing-extra"' in files["pyproject.toml"]
    assert 'deqing-extra = "lianxue_deqing_extra"' in files["pyproject.toml"]
    assert "PLACEHOLDER SOURCE — REPLACE IT" in files["src/lianxue_deqing_extra/__init__.py"]
    assert "check_plugin_contract" in files["tests/test_lianxue_deqing_extra.py"]
    assert scaffold.module_name("lianxue-x") == "lianxue_x"


def test_test_extra_and_install_instructions() -> None:
    files = scaffold.render("deqing-extra")
    project = tomllib.loads(files["pyproject.toml"])["project"]
    assert project["dependencies"] == ["lianxue"]
    assert any(r.startswith("pytest") for r in project["optional-dependencies"]["test"])
    readme = files["README.md"]
    assert "pip install -e './lianxue-deqing-extra[test]'" in readme
    # lianxue is on no package index: the README says to install it first, from a wheel or a checkout.
    assert f"pip install lianxue-{__version__}-py3-none-any.whl" in readme
    assert "pip install -e /path/to/lianxue" in readme
    assert "pypi.org" not in readme


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("lianxue-x", "'./lianxue-x[test]'"),
        ("./lianxue-x", "'./lianxue-x[test]'"),
        ("../up/lianxue-x", "'../up/lianxue-x[test]'"),
        (".", "'.[test]'"),
        ("/tmp/my plugins/lianxue-x", "'/tmp/my plugins/lianxue-x[test]'"),
    ],
)
def test_install_target(folder: str, expected: str) -> None:
    assert scaffold.install_target(Path(folder)) == expected


def test_cli_says_to_install_with_the_test_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("plugin", "new", "deqing-extra")
    assert code == 0
    assert "pip install -e './lianxue-deqing-extra[test]' && python -m pytest lianxue-deqing-extra" in out


@pytest.mark.parametrize("name", ["My", "1abc", "a_b", "a--b", "b-", ""])
def test_bad_names(name: str, tmp_path: Path) -> None:
    code, _, err = run_cli("plugin", "new", name, "--dir", str(tmp_path / "p"))
    assert code == 2
    assert "is not a plugin name" in err
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("title", ["", "  ", "两行\n标题"])
def test_bad_titles(title: str, tmp_path: Path) -> None:
    code, _, err = run_cli("plugin", "new", "x", "--dir", str(tmp_path / "p"), "--title", title)
    assert code == 2
    assert "is not a display name" in err
    assert not (tmp_path / "p").exists()


def test_title_is_the_tracks_display_name() -> None:
    module = scaffold.render("linhang", title="临杭工业区两新组织")["src/lianxue_linhang/__init__.py"]
    assert "TRACK = Track(key=\"linhang\", name='临杭工业区两新组织'," in module
    untitled = scaffold.render("linhang")["src/lianxue_linhang/__init__.py"]
    assert "TRACK = Track(key=\"linhang\", name='linhang'," in untitled


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    code, _, err = run_cli("plugin", "new", "x", "--dir", str(tmp_path))
    assert code == 2
    assert "already exists and is not empty" in err
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_plugin_without_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("plugin")[0] == 2
    assert "SUBCOMMAND" in capsys.readouterr().err


def test_generated_plugin_installs_and_passes_its_tests(tmp_path: Path) -> None:
    project = tmp_path / "lianxue-tutorial-zone"
    code, out, _ = run_cli("plugin", "new", "tutorial-zone", "--dir", str(project), "--title", "教程园区两新组织")
    assert code == 0, out
    assert "lianxue_tutorial_zone" in out
    python = make_venv(tmp_path / "venv")
    how = install(python, project, "tutorial-zone")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIANXUE_", "PYTEST_"))}
    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )
    assert tests.returncode == 0, f"installed with {how}\n{tests.stdout}\n{tests.stderr}"
    assert "2 passed" in tests.stdout
    listed = subprocess.run(
        [str(python), "-m", "lianxue_core", "obligations", "--track", "tutorial-zone"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert listed.returncode == 0, listed.stderr
    assert "tutorial-zone.monthly-study" in listed.stdout
    plugins = subprocess.run(
        [str(python), "-m", "lianxue_core", "plugins"], capture_output=True, text=True, env=env, check=True
    )
    assert "tutorial-zone（教程园区两新组织）" in plugins.stdout  # the track's display name, from --title
