"""Word documents: ``lianxue plan --format docx`` (年度组织生活计划) and ``lianxue ledger`` (三会一课 台账).

The documents are read back with python-docx and checked as a branch secretary would check them: the title,
every month, the dates of the plan, the clause behind each item, the guidance that has no date, a record's
attendees and comment; and the layout (A4, 仿宋/宋体, page numbers). Where LibreOffice is installed, one of
each is converted to PDF.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from lianxue_core import PluginHost, example_path, load_county
from lianxue_core.app import obligations_of, plan_year
from lianxue_core.cli import main
from lianxue_core.documents import render_plan_docx
from lianxue_core.scheduling.render import _when
from lianxue_core.testing import TreeBuilder

YEAR = 2026
ORG = "shangbai"  # 上柏村党支部 (village track)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def county() -> dict[str, Any]:
    host = PluginHost()
    tree = load_county(example_path(), host)
    plan = plan_year(tree, host, YEAR, orgs=[ORG])
    obligations = obligations_of(tree, host, YEAR)[ORG]
    return {"host": host, "tree": tree, "plan": plan, "obligations": obligations}


@pytest.fixture(scope="module")
def plan_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plans")
    code, stdout, err = run(
        "plan", str(example_path()), "--year", str(YEAR), "--org", ORG, "--format", "docx", "--out", str(out)
    )
    assert code == 0, err
    assert "Wrote 1 annual plan (Word)" in stdout
    return out / f"{ORG}.docx"


def table_texts(document: Any) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


# -- the plan ------------------------------------------------------------------------------------------------


def test_plan_has_every_month_with_its_dates(plan_docx: Path, county: dict[str, Any]) -> None:
    document = docx.Document(str(plan_docx))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "上柏村党支部2026年度组织生活计划"
    assert document.core_properties.title == "上柏村党支部2026年度组织生活计划"
    months = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert months[:12] == [f"{m}月" for m in range(1, 13)]
    # each month's table lists that month's items: the same dates and titles as the plan, nothing lost
    shown = [o for o in county["plan"].occurrences if o.org == ORG and o.shown]
    tables = table_texts(document)
    assert len(tables) == len({o.first_day.month for o in shown})
    rows = [row for t in tables for row in t[1:]]
    assert len(rows) == len(shown)
    for row, occ in zip(rows, shown, strict=True):
        assert row[0].replace("\n", " ") == _when(occ)
        assert row[1].startswith(occ.title)
        assert row[2] == occ.location
    # the January study: who leads, who attends, and the clause it comes from
    study = next(r for r in rows if r[1].startswith("“三个一”集中学习讨论") and r[0].startswith("2026-01"))
    assert "负责：党组织书记（倪红英）" in study[3]
    assert "参加：全体党员" in study[3]
    ob = next(o for o in county["obligations"] if o.id == "village.monthly-study")
    assert ob.source.citation() in study[4]
    assert f"“{ob.source.quote}”" in study[4]
    assert tables[0][0] == ["时间", "事项", "地点", "负责与参加", "依据"]


def test_plan_lists_the_guidance_that_cannot_be_scheduled(plan_docx: Path, county: dict[str, Any]) -> None:
    document = docx.Document(str(plan_docx))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "附：不能排期的指导事项" in text
    guidance = [o for o in county["obligations"] if not o.schedulable]
    assert len(guidance) >= 5
    for ob in guidance:
        assert ob.title in text
        assert ob.source.quote in text


def test_plan_months_carry_their_themes() -> None:
    host = PluginHost()
    themes = ["学党章", "学条例", "学讲话"]
    b = TreeBuilder().org("v", "某村党支部", track="village", activity_day="每月第二个星期三", themes=themes)
    tree = b.member("s", "张书记", "v", roles=["secretary"]).build()
    plan = plan_year(tree, host, YEAR)
    catalogue = {o.id: o for o in host.catalogue()}
    data = render_plan_docx(
        plan, tree, "v", obligations_of(tree, host, YEAR)["v"], catalogue, when=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    text = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "本月主题：学党章" in text
    assert "本月主题：学讲话" in text
    assert "本月主题：＿＿＿＿＿＿＿＿" in text  # April: a slot to fill in


def test_layout_a4_fonts_and_page_numbers(plan_docx: Path) -> None:
    document = docx.Document(str(plan_docx))
    section = document.sections[0]
    assert {round(section.page_width.mm), round(section.page_height.mm)} == {210, 297}  # landscape A4
    normal = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    title = document.styles["Title"].element.rPr.find(qn("w:rFonts"))
    assert title.get(qn("w:eastAsia")) == "宋体"
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer
    assert "NUMPAGES" in footer
    with zipfile.ZipFile(plan_docx) as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="仿宋"' in fonts
    assert "FangSong" in fonts  # the name Word and LibreOffice substitute by where 仿宋 is missing


def test_same_input_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    outs = []
    for n in range(2):
        out = tmp_path / str(n)
        code, _, err = run("plan", str(example_path()), "--year", str(YEAR), "--org", ORG, "--format", "docx",
                           "--out", str(out))  # fmt: skip
        assert code == 0, err
        outs.append((out / f"{ORG}.docx").read_bytes())
    assert outs[0] == outs[1]
    props = docx.Document(io.BytesIO(outs[0])).core_properties
    assert props.created == dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")  # 2026-05-28 20:26:40 UTC
    code, _, err = run("plan", str(example_path()), "--year", str(YEAR), "--org", ORG, "--format", "docx",
                       "--out", str(tmp_path / "epoch"))  # fmt: skip
    assert code == 0, err
    data = (tmp_path / "epoch" / f"{ORG}.docx").read_bytes()
    modified = docx.Document(io.BytesIO(data)).core_properties.modified
    assert modified == dt.datetime(2026, 5, 28, 20, 26, 40, tzinfo=dt.UTC)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 5, 28, 20, 26, 40)}


def test_docx_needs_a_directory(tmp_path: Path) -> None:
    code, _, err = run("plan", str(example_path()), "--year", str(YEAR), "--format", "docx")
    assert code == 2
    assert err.strip().splitlines() == ["lianxue: error: --out: --format docx needs --out DIR"]
    code, _, err = run("plan", str(example_path()), "--year", str(YEAR), "--out", str(tmp_path))
    assert code == 2
    assert "--out is only for --format docx" in err


# -- the 台账 ------------------------------------------------------------------------------------------------

RECORDS = [
    {"org": ORG, "obligation": "village.monthly-study", "date": "2026-01-04", "time": "19:00",
     "topic": "学习党章总纲", "lecturer": "倪红英", "comment": "学习扎实，讨论热烈",
     "attendees": "倪红英;潘涛;王建国", "attendance": "", "members": "", "notes": "读一篇党章"},
    {"org": ORG, "obligation": "village.member-talks", "date": "2026-03-10", "time": "",
     "topic": "", "lecturer": "", "comment": "", "attendees": "倪红英", "attendance": "",
     "members": "潘涛;钱阿娥", "notes": ""},
    {"org": ORG, "obligation": "village.quarterly-meeting", "date": "2026-03-19", "time": "19:00",
     "topic": "合格党员标准线", "lecturer": "", "comment": "", "attendees": "", "attendance": "48",
     "members": "", "notes": ""},
    {"org": ORG, "obligation": "village.monthly-study", "date": "2025-12-06", "time": "19:00",
     "topic": "去年的学习", "lecturer": "", "comment": "", "attendees": "", "attendance": "",
     "members": "", "notes": ""},
]  # fmt: skip


def write_records(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("ledger")
    records = write_records(tmp / "records.csv", RECORDS)
    code, out, err = run("ledger", str(example_path()), "--records", str(records), "--out", str(tmp / "out"))
    assert code == 0, err
    assert out.strip() == f"Wrote 1 record book (3 records, 2026) to {tmp / 'out'}/"
    return tmp / "out" / f"{ORG}.docx"


def fields(table: list[list[str]]) -> dict[str, str]:
    """Label → value of a record's table (labels in the even columns)."""
    out = {}
    for row in table:
        for k in range(0, len(row) - 1, 2):
            out.setdefault(row[k], row[k + 1])
    return out


def test_ledger_one_table_per_record_of_the_year(ledger: Path) -> None:
    document = docx.Document(str(ledger))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "上柏村党支部2026年“三会一课”台账"
    assert "书记：倪红英" in paragraphs[1]
    tables = [fields(t) for t in table_texts(document)]
    assert [t["时间"] for t in tables] == ["2026-01-04 周日 19:00", "2026-03-10 周二", "2026-03-19 周四 19:00"]
    study, talks, meeting = tables
    assert study["会议名称"] == "“三个一”集中学习讨论"
    assert study["参加人员"] == "倪红英、潘涛、王建国"
    assert study["实到人数"] == "3"
    assert study["主讲人"] == "倪红英"
    assert study["主题"] == "学习党章总纲"
    assert study["书记点评"] == "学习扎实，讨论热烈"
    assert study["备注"] == "读一篇党章"
    # what a record file does not hold is left blank for the secretary, never invented
    assert study["地点"] == study["主持人"] == study["记录人"] == study["缺席人员"] == study["会议内容"] == ""
    assert talks["覆盖党员"] == "潘涛、钱阿娥"
    assert meeting["实到人数"] == "48"
    assert "覆盖党员" not in meeting


def test_ledger_of_another_year_and_org_filter(tmp_path: Path) -> None:
    records = write_records(tmp_path / "r.csv", RECORDS)
    code, out, err = run("ledger", str(example_path()), "--records", str(records), "--year", "2025",
                         "--org", ORG, "--org", "wukang", "--out", str(tmp_path / "out"))  # fmt: skip
    assert code == 0, err
    assert "Wrote 2 record books (1 records, 2025)" in out
    (only,) = [fields(t) for t in table_texts(docx.Document(str(tmp_path / "out" / f"{ORG}.docx")))]
    assert only["主题"] == "去年的学习"
    empty = docx.Document(str(tmp_path / "out" / "wukang.docx"))
    assert "本年度尚无活动记录。" in [p.text for p in empty.paragraphs]


def test_ledger_bad_input_exits_2(tmp_path: Path) -> None:
    records = write_records(tmp_path / "r.csv", [{**RECORDS[0], "org": "nosuch"}])
    code, _, err = run("ledger", str(example_path()), "--records", str(records), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "line 2" in err
    assert "nosuch" in err
    assert not (tmp_path / "o").exists()
    code, _, err = run("ledger", str(example_path()), "--records", str(write_records(tmp_path / "ok.csv", RECORDS)),
                       "--org", "nosuch", "--out", str(tmp_path / "o"))  # fmt: skip
    assert code == 2
    assert "nosuch" in err


# -- in LibreOffice ------------------------------------------------------------------------------------------


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs Debian's libreoffice-writer-nogui"
)
def test_documents_convert_to_pdf_in_libreoffice(plan_docx: Path, ledger: Path, tmp_path: Path) -> None:
    assert SOFFICE is not None
    for document in (plan_docx, ledger):
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
             "--outdir", str(tmp_path), str(document)],
            capture_output=True, timeout=300, check=True,
        )  # fmt: skip
        pdf = (tmp_path / document.name).with_suffix(".pdf").read_bytes()
        assert pdf[:5] == b"%PDF-"
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2  # laid out on more than one page
