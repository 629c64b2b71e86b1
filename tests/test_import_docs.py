"""docs/import.md stays true: every heading alias is listed, and the worked example runs as shown."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

import lianxue_core
from lianxue_core import PluginHost, cli
from lianxue_core.importing.headings import MEMBER_COLUMNS, ORG_COLUMNS
from lianxue_core.importing.organizations import category_track

DOC = Path(__file__).parent.parent / "docs" / "import.md"


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def section(title: str) -> str:
    text = doc()
    start = text.index(f"\n### {title}")
    end = re.compile(r"\n##+ ").search(text, start + 1)
    assert end is not None
    return text[start : end.start()]


@pytest.mark.parametrize(
    ("title", "columns"),
    [("Organizations 党组织", ORG_COLUMNS), ("Members 党员", MEMBER_COLUMNS)],
    ids=["orgs", "members"],
)
def test_every_heading_is_documented(title: str, columns: dict[str, tuple[str, ...]]) -> None:
    listed = re.findall(r"`([^`]+)`", section(title))
    expected = [alias for aliases in columns.values() for alias in aliases]
    assert sorted(set(expected) - set(listed)) == []
    documented = {a for a in listed if re.fullmatch(r"[\u4e00-\u9fff]+", a)}
    assert sorted(documented - set(expected)) == []


def test_track_table_matches_the_code() -> None:
    rows = {
        ("城市街道", "县"): "town",
        ("乡镇", "镇"): "town",
        ("城市社区", "社区"): "community",
        ("建制村", "村"): "village",
        ("非公有制经济控制", "镇"): "two-new",
        ("社会组织", "县"): "two-new",
        ("机关", "县"): "organs",
        ("事业单位", "省"): "organs",
        ("机关", "镇"): None,
        ("国有经济控制", "县"): None,
        ("其他", "县"): None,
    }
    for (category, level), track in rows.items():
        assert category_track(category, level)[0] == track
    text = doc()
    for track in ("town", "community", "village", "two-new", "organs"):
        assert f"| `{track}` |" in text


def blocks() -> dict[str, str]:
    """The fenced blocks after ``<!-- example: NAME -->`` markers."""
    found = re.findall(r"<!-- example: (\S+) -->\n```\w*\n(.*?)```", doc(), flags=re.DOTALL)
    return dict(found)


def test_the_worked_example_runs_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    example = blocks()
    assert set(example) == {"orgs.csv", "members.csv", "command", "xinshi.toml"}
    monkeypatch.chdir(tmp_path)
    for name in ("orgs.csv", "members.csv"):
        Path(name).write_text(example[name], encoding="utf-8")
    command, expected_out = example["command"].split("\n", 1)
    argv = shlex.split(command.removeprefix("$ "))
    assert argv[0] == "lianxue"
    monkeypatch.delenv("LANG")  # the page shows the default: Chinese
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(argv[1:], stdout=out, stderr=err) == 0
    assert err.getvalue() == ""
    assert out.getvalue() == expected_out
    assert Path("xinshi.toml").read_text(encoding="utf-8") == example["xinshi.toml"]
    tree = lianxue_core.load("xinshi.toml", tracks=PluginHost().tracks())
    assert len(tree) == 5


def test_the_mapping_example_is_a_valid_mapping_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    example = blocks()
    monkeypatch.chdir(tmp_path)
    for name in ("orgs.csv", "members.csv"):
        Path(name).write_text(example[name], encoding="utf-8")
    mapping = re.search(r"```toml\n(# decisions.toml.*?)```", doc(), flags=re.DOTALL)
    assert mapping is not None
    Path("decisions.toml").write_text(mapping[1], encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["import", "orgs.csv", "--mapping", "decisions.toml", "--out", "x.toml"], stdout=out, stderr=err)
    # Two of its three organizations are not in the example's file: both are reported, on one run.
    assert code == 2
    assert err.getvalue().splitlines() == [
        "lianxue: error: decisions.toml: key 'track.新市镇某国有公司党支部': no organization has the id, code or name "
        "'新市镇某国有公司党支部'",
        "lianxue: error: decisions.toml: key 'track.县直属机关党工委': no organization has the id, code or name "
        "'县直属机关党工委'",
    ]


def test_the_worked_example_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same run with ``--lang en``: the summary, the decisions and the file's comments in English."""
    example = blocks()
    monkeypatch.chdir(tmp_path)
    for name in ("orgs.csv", "members.csv"):
        Path(name).write_text(example[name], encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    argv = ["--lang", "en", "import", "orgs.csv", "members.csv", "--out", "xinshi.toml", "--as-of", "2026-01-01"]
    assert cli.main(argv, stdout=out, stderr=err) == 0
    assert out.getvalue().startswith("Wrote xinshi.toml: 5 organizations, 4 members\n")
    assert '  - org "3305211001" 新市镇机关党支部 (orgs.csv: row 4): unit category 机关 at 镇 level' in out.getvalue()
    written = Path("xinshi.toml").read_text(encoding="utf-8")
    assert written.startswith("# Written by `lianxue import` from orgs.csv members.csv.\n")
    chinese = example["xinshi.toml"]
    assert written.split("\n[[org]]", 1)[1] == chinese.split("\n[[org]]", 1)[1]
