"""Issue 14's leftovers, in English (their Chinese is asserted in ``tests/test_i18n.py``): tables fitted to the
terminal, the plan table's headings, argparse's type errors and help, ``--block`` with no such plugin, unlisted
members' names in the check report."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from lianxue_core import PluginHost, app
from lianxue_core.cli import main
from lianxue_core.supervision.report import member_label, render_table
from lianxue_core.textable import width

EXAMPLE = Path(__file__).parents[1] / "src" / "lianxue_core" / "examples" / "deqing.toml"


class _Terminal(io.StringIO):
    """Standard output that says it is a terminal (its width: ``COLUMNS``)."""

    def isatty(self) -> bool:
        return True


def run(*argv: str | Path, terminal: bool = False) -> tuple[int, str, str]:
    out: io.StringIO = _Terminal() if terminal else io.StringIO()
    err = io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def widest(text: str) -> int:
    return max(width(line) for line in text.splitlines())


@pytest.mark.parametrize(
    "argv", [["obligations", "--track", "village"], ["obligations", "--options"]], ids=["catalogue", "options"]
)
def test_obligations_fit_an_80_column_terminal(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(*argv, terminal=True)
    assert code == 0
    assert widest(out) <= 80
    assert "…" in out
    code, piped, _ = run(*argv)  # not a terminal: the table whole
    assert code == 0
    assert widest(piped) > 80


def test_the_plan_table_headings_follow_the_language() -> None:
    code, out, _ = run("plan", EXAMPLE, "--year", "2026", "--org", "wukang")
    assert code == 0
    assert "when  " in out
    assert "  period  " in out
    assert "\nNot placed\n" in out
    assert "org     obligation" in out
    assert "未能排期" not in out
    assert "时间" not in out


def test_a_bad_number_or_date_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(EXAMPLE), "--year", "20x6"]) == 2
    assert "argument --year: invalid whole number: '20x6'" in capsys.readouterr().err
    assert main(["import", "x.csv", "--as-of", "2026-13-01"]) == 2
    assert "argument --as-of: invalid date: '2026-13-01' (write YYYY-MM-DD)" in capsys.readouterr().err
    assert "int value" not in capsys.readouterr().err


@pytest.mark.parametrize("command", ["example", "validate", "plugin", "plan"])
def test_usage_has_no_double_space(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    usage = capsys.readouterr().out.split("\n\n")[0]
    assert all("  " not in line.strip() for line in usage.splitlines()), usage


def test_every_format_option_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("obligations", "plugins"):
        assert main([command, "--help"]) == 0
        help_text = capsys.readouterr().out
        after = help_text.split("\n  --format", 1)[1].split("\n  -", 1)[0]
        assert "docs/cli-json.md" in after


def test_blocking_a_plugin_that_is_not_installed_warns() -> None:
    code, _out, err = run("--block", "organz", "plugins")
    assert code == 0
    assert err == (
        "lianxue: warning: --block 'organz': no installed plugin has that name (did you mean 'organs'?); "
        "see `lianxue plugins`\n"
    )
    code, _out, err = run("--block", "organs", "--block", "zzzz", "-q", "plugins")
    assert (code, err) == (0, "")
    code, _out, err = run("--block", "zzzz", "plugins")
    assert err == "lianxue: warning: --block 'zzzz': no installed plugin has that name; see `lianxue plugins`\n"


def test_unlisted_members_have_a_readable_name() -> None:
    assert member_label("anon-004", "anon-004") == "member 4 (not listed)"
    assert member_label("anon-unlisted-12", "anon-unlisted-12") == "member 12 (not listed)"
    assert member_label("m-0004", "汤涛") == "汤涛"
    assert member_label("anon-004", "王芳") == "王芳"  # a name as written is kept


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("example") / "deqing"
    assert main(["example", str(folder), "--year", "2026"], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    return folder


def test_the_check_report_fits_a_width_and_names_unlisted_members(county: Path) -> None:
    host = PluginHost()
    tree = app.load_county(county / "deqing.toml", host)
    outcome = app.check_records(tree, host, [county / "records.csv"], as_of=dt.date(2026, 12, 31), supervisor="zuzhibu")
    whole = render_table(outcome.report)
    assert widest(whole) > 80
    narrow = render_table(outcome.report, 80)
    ranking, rest = narrow.split("Problems and items running:")
    table_lines = [line for line in rest.splitlines() if "  " in line or line.startswith("--")]
    assert len(table_lines) > 10
    assert max(width(line) for line in table_lines) <= 80  # the tables; a sentence is wrapped by the terminal
    # the ranking's ten headings stay whole (94 columns in English): its cells are cut down to them
    heading = next(line for line in ranking.splitlines() if line.startswith("rank"))
    assert all(width(line) <= width(heading) for line in ranking.splitlines() if "  " in line)
    assert "…" in ranking
    points = whole.split("Members' study points:")[1]
    assert "member 4 (not listed)" in points
    assert "anon-004  anon-004" not in whole


def test_cli_json_documents_validate_and_obligations(tmp_path: Path) -> None:
    import json

    docs = (Path(__file__).parents[1] / "docs" / "cli-json.md").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[org]]\nid = "a"\nname = "A"\nkind = "brnch"\n', encoding="utf-8")
    keys: list[str] = []
    for argv in (["validate", EXAMPLE], ["validate", bad]):
        _code, out, _err = run(*argv, "--format", "json")
        doc = json.loads(out)
        keys += [*doc, *(k for p in doc.get("problems", []) for k in p)]
    _code, out, _err = run("obligations", "--format", "json")
    first = json.loads(out)[0]
    keys += [*first, *first["source"]]
    _code, out, _err = run("obligations", "--options", "--format", "json")
    keys += list(json.loads(out)[0])
    assert [k for k in dict.fromkeys(keys) if f"`{k}`" not in docs] == []
