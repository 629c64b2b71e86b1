"""Chinese first, English available (issue 14): the gettext catalogues and the command line in both languages.

The rest of the suite runs in English (``english`` in ``tests/conftest.py``); the Chinese is asserted here.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from lianxue_core import i18n
from lianxue_core.cli import main

ROOT = Path(__file__).parents[1]
LOCALE = ROOT / "src" / "lianxue_core" / "locale"
POT = LOCALE / "lianxue.pot"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "lianxue.po"
MO = LOCALE / "zh_CN" / "LC_MESSAGES" / "lianxue.mo"


def _pybabel(*args: str | Path) -> None:
    CommandLineInterface().run(["pybabel", "-q", *map(str, args)])


def _messages(catalog: Catalog) -> dict[object, object]:
    def key(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}


def _ids(path: Path) -> set[object]:
    with path.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_every_marked_string_is_in_the_template(tmp_path: Path) -> None:
    """A string marked with _() / N_() / ngettext() but not extracted fails: run `tools/i18n.sh all`."""
    fresh = tmp_path / "fresh.pot"
    _pybabel("extract", "-F", ROOT / "babel.cfg", "-k", "N_", "-o", fresh, ROOT / "src" / "lianxue_core")
    assert _ids(fresh) - _ids(POT) == set(), "run tools/i18n.sh all, then translate the new msgids"
    assert _ids(POT) - _ids(fresh) == set(), "stale msgids in the .pot: run tools/i18n.sh all"


def test_every_msgid_has_a_chinese_translation() -> None:
    with PO.open("rb") as f:
        po = read_po(f, locale="zh_CN")
    assert _ids(POT) <= {m.id for m in po if m.id}, "run tools/i18n.sh update"
    untranslated = [m.id for m in po if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_is_up_to_date(tmp_path: Path) -> None:
    """The committed .mo says what the .po says (compiled again here and compared message by message)."""
    shutil_copy = tmp_path / "zh_CN" / "LC_MESSAGES"
    shutil_copy.mkdir(parents=True)
    (shutil_copy / "lianxue.po").write_bytes(PO.read_bytes())
    _pybabel("compile", "-D", "lianxue", "-d", tmp_path)
    with (shutil_copy / "lianxue.mo").open("rb") as f:
        fresh = _messages(read_mo(f))
    with MO.open("rb") as f:
        shipped = _messages(read_mo(f))
    assert shipped == fresh, "run tools/i18n.sh compile"


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "zh_CN"),
        ({"LANG": "C"}, "zh_CN"),
        ({"LANG": "POSIX"}, "zh_CN"),
        ({"LANG": "C.UTF-8"}, "zh_CN"),
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "fr_FR.UTF-8"}, "zh_CN"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_GB"}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh_CN"),
        ({"LC_MESSAGES": "en_US.UTF-8"}, "en"),
        ({"LANGUAGE": "en:zh_CN", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LANG": "en_US.UTF-8"}, "en"),
    ],
)
def test_the_language_from_the_locale(environ: dict[str, str], language: str) -> None:
    assert i18n.language_of(None, environ) == language


def test_the_language_asked_for_wins() -> None:
    assert i18n.language_of("en", {"LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.language_of("zh_CN", {"LANG": "en_US.UTF-8"}) == "zh_CN"
    assert i18n.language_of("zh", {}) == "zh_CN"


@pytest.fixture
def bad_orgfile(tmp_path: Path) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text("[county]\nid = 'x'\n", encoding="utf-8")
    return path


def _main(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_validate_speaks_chinese_by_default_and_english_when_asked(
    bad_orgfile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LANG")  # no locale: Chinese
    code, _out, err = _main("validate", bad_orgfile)
    assert code == 2
    assert err.startswith("lianxue：错误：")
    assert "error" not in err.split("：")[1]
    code, _out, err = _main("--lang", "en", "validate", bad_orgfile)
    assert code == 2
    assert err.startswith("lianxue: error: ")


def test_english_locale_gives_english_and_lang_overrides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out, _err = _main("validate", ROOT / "src" / "lianxue_core" / "examples" / "deqing.toml")
    assert code == 0
    assert "deqing.toml: OK" in out
    assert "116 organizations, " in out
    code, out, _err = _main("--lang", "zh_CN", "validate", ROOT / "src" / "lianxue_core" / "examples" / "deqing.toml")
    assert code == 0
    assert "deqing.toml：检查通过" in out
    assert "116个组织，" in out
    assert "类别" in out
    assert "organizations" not in out


def test_help_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "C")
    out = io.StringIO()
    sys_stdout = sys.stdout
    sys.stdout = out  # argparse prints --help on sys.stdout
    try:
        code = main(["--help"])
    finally:
        sys.stdout = sys_stdout
    assert code == 0
    text = out.getvalue()
    assert "主要功能：检查组织文件并排出全年计划" in text
    assert "提示信息的语言" in text
    assert "the main job" not in text


def test_run_summary_in_chinese(tmp_path: Path) -> None:
    code, out, _err = _main("--lang", "zh_CN", "run", "--year", "2026", "--out", tmp_path / "cal")
    assert code == 0
    assert "2026年计划：" in out
    assert "共116个组织：排定" in out
    assert "已写入116个日历（" in out
    assert f"到 {tmp_path / 'cal'}/" in out
    code, out, _err = _main("--lang", "en", "run", "--year", "2026", "--out", tmp_path / "cal2")
    assert code == 0
    assert "Plan for 2026:" in out
    assert "Wrote 116 calendars (" in out


def test_a_subprocess_follows_its_locale(bad_orgfile: Path) -> None:
    def run(lang: str | None) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
        if lang:
            env["LANG"] = lang
        done = subprocess.run(
            [sys.executable, "-m", "lianxue_core", "validate", str(bad_orgfile)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        return done.stderr

    assert run("en_US.UTF-8").startswith("lianxue: error: ")
    assert run(None).startswith("lianxue：错误：")
    assert run("C.UTF-8").startswith("lianxue：错误：")
