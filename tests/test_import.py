"""``lianxue import``: realistic, messy roster spreadsheets in, a valid organization file out.

The fixture spreadsheets are written by the tests (openpyxl for .xlsx, xlwt for .xls, the csv
module for CSV) with what real exports have: title rows above the header, a two-row merged header,
spaces and line breaks in headings, a 注： footnote row, code-and-label cells, dates as dates, text
and Excel serials, phone numbers as numbers, GB18030 and UTF-8-with-BOM CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwt

import lianxue_core
from lianxue_core import PluginHost, cli
from lianxue_core.app import plan_year
from lianxue_core.scheduling.render import render_plan_json, render_plan_markdown

AS_OF = "2026-01-01"

# -- the county ---------------------------------------------------------------------------------------

ORG_HEADINGS = [
    "序号",
    "党组织\n全称",
    " 党组织简称 ",
    "党组织编码",
    "上级党组织",
    "组织类别",
    "成立日期",
    "党组织所在单位情况",
    "单位性质类别",
    "单位隶属关系",
    "户数",
]
# (name, short, code, parent, kind, situation, category, level, households)
ORGS: list[tuple[str, str, str, str, str, str, str, str, int | None]] = [
    ("中共德清县委", "县委", "3305210001", "中共湖州市委", "611 党委", "法人单位", "", "", None),
    ("德清县直属机关党工委", "县直机关工委", "3305210002", "中共德清县委", "611 党委", "法人单位", "", "", None),
    (
        "县发改局机关党支部",
        "发改局支部",
        "3305210003",
        "德清县直属机关党工委",
        "631 党支部",
        "法人单位",
        "机关",
        "县",
        None,
    ),
    ("县人民医院党总支", "人民医院", "3305210004", "县直机关工委", "621 党总支部", "法人单位", "事业单位", "县", None),
    ("县人民医院第一党支部", "", "3305210005", "县人民医院党总支", "631 党支部", "与上级党组织相同", "", "", None),
    ("新市镇党委", "新市镇", "3305211000", "中共德清县委", "611 党委", "法人单位", "乡镇", "镇", None),
    ("新市镇机关党支部", "", "3305211001", "新市镇党委", "631 党支部", "法人单位", "机关", "镇", None),
    ("庄村党支部", "庄村", "3305211002", "新市镇党委", "631 党支部", "法人单位", "建制村", "建制村", 420),
    ("蔡界村党总支", "蔡界村", "3305211003", "新市镇", "621 党总支部", "法人单位", "建制村", "建制村", 610),
    ("蔡界村第一党支部", "", "3305211004", "蔡界村党总支", "631 党支部", "与上级党组织相同", "", "", None),
    ("新市社区党支部", "新市社区", "3305211005", "新市镇党委", "631 党支部", "法人单位", "城市社区", "社区", None),
    (
        "浙江某某科技有限公司党支部",
        "",
        "3305211006",
        "新市镇党委",
        "631 党支部",
        "法人单位",
        "非公有制经济控制",
        "镇",
        None,
    ),
    (
        "新市镇商会联合党支部",
        "",
        "3305211007",
        "新市镇党委",
        "632 联合党支部",
        "联合党支部",
        "非公有制经济控制、社会组织",
        "镇",
        None,
    ),
    ("新市镇某国有公司党支部", "", "3305211008", "新市镇党委", "631 党支部", "法人单位", "国有经济控制", "镇", None),
]
EXPECTED_TRACKS = {
    "3305210001": None,
    "3305210002": None,
    "3305210003": "organs",
    "3305210004": "organs",
    "3305210005": "organs",
    "3305211000": "town",
    "3305211001": None,  # 机关 at town level: a person decides
    "3305211002": "village",
    "3305211003": "village",
    "3305211004": "village",
    "3305211005": "community",
    "3305211006": "two-new",
    "3305211007": "two-new",
    "3305211008": None,  # 国有: a person decides
}
BRANCHES = [o[0] for o in ORGS if "党支部" in o[0] or "党总支" in o[0]]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "建国",
    "国强",
    "红梅",
]
ETHNICITIES = ["01 汉族", "03 回族", "11 满族", "04 藏族"]
MEMBER_HEADINGS = [
    "序号",
    "姓 名",
    "性别",
    "民族",
    "公民身份证号",
    "出生日期",
    "学历",
    "人员类别",
    "所在党支部",
    "加入党组织日期",
    "联系电话",
    "党籍状态",
    "是否为失联党员",
    "是否为流动党员",
    "党内职务",
]


def identity_number(birth: dt.date, n: int) -> str:
    """A made-up identity number with the layout of a real one (region, birth date, sequence)."""
    return f"330521{birth:%Y%m%d}{n % 1000:03d}{'X' if n % 7 == 0 else n % 10}"


def county_members(count: int = 64, seed: int = 8) -> list[dict[str, Any]]:
    """Members with names unique per branch, in every organization with 党支部/党总支 in its name."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    used: set[tuple[str, str]] = set()
    for n in range(count):
        branch = BRANCHES[n % len(BRANCHES)]
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if (branch, name) not in used:
                used.add((branch, name))
                break
        birth = dt.date(1935 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28))
        duty = ""
        if n < len(BRANCHES):
            duty = "书记"
        elif n < 2 * len(BRANCHES):
            duty = rng.choice(["组织委员", "宣传委员、纪检委员", "副书记"])
        out.append(
            {
                "name": name,
                "gender": rng.choice(["男", "女"]),
                "ethnicity": rng.choice(ETHNICITIES),
                "identity": identity_number(birth, n),
                "birth": birth,
                "education": "大学本科",
                "category": "正式党员",
                "branch": branch,
                "joined": dt.date(birth.year + 25, 7, 1),
                "phone": 13800000000 + rng.randrange(10**8),
                "status": "正常",
                "lost": "否",
                "mobile": "否",
                "duty": duty,
            }
        )
    out[-1]["lost"] = "是"
    out[-2]["mobile"] = "是"
    out[-3]["status"] = "停止党籍"
    return out


def birth_cell(birth: dt.date, n: int) -> Any:
    """The birth date in one of the forms exports use."""
    forms = [
        birth,
        birth.isoformat(),
        f"{birth.year}年{birth.month}月{birth.day}日",
        (birth - dt.date(1899, 12, 30)).days,
    ]
    return forms[n % len(forms)]


def member_row(m: dict[str, Any], n: int, *, numbers: bool = True) -> list[Any]:
    return [
        n + 1,
        m["name"],
        m["gender"],
        m["ethnicity"],
        m["identity"],
        birth_cell(m["birth"], n) if numbers else m["birth"].strftime("%Y/%m/%d"),
        m["education"],
        m["category"],
        m["branch"],
        m["joined"] if numbers else m["joined"].isoformat(),
        float(m["phone"]) if numbers else f"{m['phone']}",
        m["status"],
        m["lost"],
        m["mobile"],
        m["duty"],
    ]


def org_row(o: tuple[Any, ...], n: int) -> list[Any]:
    name, short, code, parent, kind, situation, category, level, households = o
    founded = [dt.date(2001, 7, 1), "2003-05-04", 38000.0][n % 3]
    return [n + 1, name, short, code, parent, kind, founded, situation, category, level, households or ""]


# -- writers ------------------------------------------------------------------------------------------


def write_orgs_xlsx(path: Path, orgs: Sequence[tuple[Any, ...]] = ORGS) -> Path:
    """Title row, a blank row, a two-row header (党组织书记 over 姓名 and 联系电话), a footnote."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "党组织信息"
    width = len(ORG_HEADINGS) + 2
    ws.cell(1, 1, "德清县党组织基本信息汇总表")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(2, 1, "填报单位：县委组织部            2026年1月")
    for c, heading in enumerate(ORG_HEADINGS, start=1):
        ws.cell(4, c, heading)
        ws.merge_cells(start_row=4, start_column=c, end_row=5, end_column=c)
    secretary = len(ORG_HEADINGS) + 1
    ws.cell(4, secretary, "党组织书记")
    ws.merge_cells(start_row=4, start_column=secretary, end_row=4, end_column=secretary + 1)
    ws.cell(5, secretary, "姓名")
    ws.cell(5, secretary + 1, "联系电话")
    for n, o in enumerate(orgs):
        for c, value in enumerate(org_row(o, n), start=1):
            ws.cell(6 + n, c, value)
        ws.cell(6 + n, secretary, "某书记")
        ws.cell(6 + n, secretary + 1, 13900000000.0 + n)
    ws.cell(7 + len(orgs), 1, "注：1.组织类别按党内统计代码填写；2.书记联系电话用于联系。")
    wb.save(path)
    return path


def write_members_xls(path: Path, members: Sequence[dict[str, Any]]) -> Path:
    """A title row over the header, date cells with a date format, Excel serials, a footnote."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("党员信息")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write_merge(0, 0, 0, len(MEMBER_HEADINGS) - 1, "党员基本信息汇总表")
    for c, heading in enumerate(MEMBER_HEADINGS):
        sheet.write(1, c, heading)
    for n, m in enumerate(members):
        for c, value in enumerate(member_row(m, n)):
            if isinstance(value, dt.date):
                sheet.write(2 + n, c, value, date_style)
            else:
                sheet.write(2 + n, c, value)
    sheet.write(2 + len(members), 0, "注：身份证号、联系电话仅供核对。")
    book.save(str(path))
    return path


def write_members_xlsx(path: Path, members: Sequence[dict[str, Any]], *, identity_as_number: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "党员"
    ws.append(["党员基本信息汇总表"])
    ws.append([h.replace("所在党支部", "所在党支部\n（全称）") for h in MEMBER_HEADINGS])
    for n, m in enumerate(members):
        row = member_row(m, n)
        if identity_as_number:
            row[4] = int(row[4].replace("X", "0"))
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, headings: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["党员基本信息汇总表"])
    writer.writerow(headings)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def members() -> list[dict[str, Any]]:
    return county_members()


@pytest.fixture
def county(tmp_path: Path, members: list[dict[str, Any]]) -> tuple[Path, Path]:
    return write_orgs_xlsx(tmp_path / "orgs.xlsx"), write_members_xls(tmp_path / "members.xls", members)


def import_county(county: tuple[Path, Path], out: Path, *extra: str) -> tuple[int, str, str]:
    return run("import", county[0], county[1], "--out", out, "--as-of", AS_OF, *extra)


# -- the whole county ---------------------------------------------------------------------------------


def test_realistic_county_imports_validates_and_plans(county: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "county.toml"
    code, stdout, stderr = import_county(county, out)
    assert (code, stderr) == (0, "")
    host = PluginHost()
    tree = lianxue_core.load(out, tracks=host.tracks())
    assert {o.id: o.track for o in tree} == EXPECTED_TRACKS
    assert [o.id for o in tree.roots()] == ["3305210001"]
    assert tree["3305210003"].parent == "3305210002"  # 上级党组织 by full name
    assert tree["3305210004"].parent == "3305210002"  # ... by short name
    assert tree["3305211003"].parent == "3305211000"
    assert tree["3305210001"].kind == lianxue_core.OrgKind.COMMITTEE
    assert tree["3305210004"].kind == lianxue_core.OrgKind.GENERAL_BRANCH
    assert tree["3305211002"].households == 420
    assert len(tree.members) == 61  # 64 rows: one 失联, one 流动, one 停止党籍 left out
    assert all(re.fullmatch(r"m-[0-9a-f]{10}", m.id) for m in tree.members)
    for branch in BRANCHES:
        org_id = next(o[2] for o in ORGS if o[0] == branch)
        assert tree.secretary_of(org_id) is not None, branch
    plan = plan_year(tree, host, 2026)
    assert plan.occurrences
    assert {o.org for o in plan.occurrences} >= {k for k, v in EXPECTED_TRACKS.items() if v}

    assert "Wrote " in stdout
    assert "61 members" in stdout
    assert "members left out: 1 停止党籍, 1 失联, 1 流动" in stdout
    assert "Needs a person's decision (2):" in stdout
    decisions = stdout.split("Needs a person's decision")[1]
    assert 'org "3305211001" 新市镇机关党支部' in decisions
    assert 'sheet "党组织信息", row 12' in decisions
    assert "--track 3305211001=TRACK" in decisions
    assert 'org "3305211008" 新市镇某国有公司党支部' in decisions
    assert "the name suggests 'two-new'" in decisions
    assert "1 organization(s) report to '中共湖州市委', which is not in the file" in stdout
    assert run("validate", out)[0] == 0


def test_elderly_and_roles(county: tuple[Path, Path], tmp_path: Path, members: list[dict[str, Any]]) -> None:
    out = tmp_path / "county.toml"
    assert import_county(county, out)[0] == 0
    tree = lianxue_core.load(out)
    by_name = {(m.name, tree[m.org].name): m for m in tree.members}
    as_of = dt.date.fromisoformat(AS_OF)
    checked = 0
    for source in members[:-3]:
        m = by_name[(source["name"], source["branch"])]
        birth = source["birth"]
        age = as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))
        assert (lianxue_core.MemberFlag.ELDERLY in m.flags) == (age >= 70), (source["name"], birth)
        expected = {
            "书记": {"secretary"},
            "副书记": {"deputy-secretary"},
            "组织委员": {"committee"},
            "宣传委员、纪检委员": {"committee"},
            "": set(),
        }[source["duty"]]
        assert {str(r) for r in m.roles} == expected
        checked += 1
    assert checked == 61
    older = tmp_path / "older.toml"
    assert import_county(county, older, "--elderly-age", "80")[0] == 0
    assert sum(1 for m in lianxue_core.load(older).members if m.flags) < sum(1 for m in tree.members if m.flags)


def test_include_away(county: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "county.toml"
    code, stdout, _ = import_county(county, out, "--include-away")
    assert code == 0
    assert len(lianxue_core.load(out).members) == 63  # 停止党籍 is always left out
    assert "members left out: 1 停止党籍\n" in stdout


def test_reimport_keeps_ids(tmp_path: Path, members: list[dict[str, Any]]) -> None:
    first = tmp_path / "first.toml"
    code, _, _ = import_county(
        (write_orgs_xlsx(tmp_path / "a.xlsx"), write_members_xls(tmp_path / "a.xls", members)), first
    )
    assert code == 0
    shuffled = list(members)
    random.Random(1).shuffle(shuffled)
    shuffled.insert(5, {**members[10], "name": "新来的", "identity": identity_number(dt.date(1990, 1, 1), 999)})
    orgs = list(ORGS)
    orgs[3:3] = [("新建党支部", "", "", "新市镇党委", "631 党支部", "法人单位", "建制村", "村", None)]
    second = tmp_path / "second.toml"
    code, _, _ = import_county(
        (write_orgs_xlsx(tmp_path / "b.xlsx", orgs), write_members_xls(tmp_path / "b.xls", shuffled)), second
    )
    assert code == 0
    before, after = lianxue_core.load(first), lianxue_core.load(second)
    assert {o.id for o in before} < {o.id for o in after}
    ids_after = {(m.name, m.org): m.id for m in after.members}
    assert all(ids_after[(m.name, m.org)] == m.id for m in before.members)
    new = next(o for o in after if o.name == "新建党支部")
    assert re.fullmatch(r"org-[0-9a-f]{8}", new.id)


def test_csv_in_gb18030_and_utf8_bom_gives_the_same_file(
    county: tuple[Path, Path], tmp_path: Path, members: list[dict[str, Any]]
) -> None:
    reference = tmp_path / "ref.toml"
    assert import_county(county, reference)[0] == 0
    orgs_csv = write_csv(
        tmp_path / "orgs.csv",
        [h.replace("\n", "") for h in ORG_HEADINGS],
        [org_row(o, 1) for o in ORGS],
        "utf-8-sig",
    )
    members_csv = write_csv(
        tmp_path / "members.csv",
        MEMBER_HEADINGS,
        [member_row(m, n, numbers=False) for n, m in enumerate(members)],
        "gb18030",
    )
    assert members_csv.read_bytes()[:2] != b"\xef\xbb"
    out = tmp_path / "csv.toml"
    code, _, stderr = run("import", orgs_csv, members_csv, "--out", out, "--as-of", AS_OF)
    assert (code, stderr) == (0, "")
    strip = lambda text: text.split("\n\n", 1)[1]  # noqa: E731 - the header names the source files
    assert strip(out.read_text(encoding="utf-8")) == strip(reference.read_text(encoding="utf-8"))


def test_one_workbook_with_both_sheets(tmp_path: Path, members: list[dict[str, Any]]) -> None:
    path = write_orgs_xlsx(tmp_path / "both.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("党员")
    ws.append(MEMBER_HEADINGS)
    for n, m in enumerate(members):
        ws.append(member_row(m, n))
    wb.create_sheet("代码表").append(["631", "党支部"])
    wb["代码表"].sheet_state = "hidden"
    wb.save(path)
    out = tmp_path / "both.toml"
    code, _, stderr = run("import", path, "--out", out, "--as-of", AS_OF)
    assert (code, stderr) == (0, "")
    assert len(lianxue_core.load(out).members) == 61


def test_organizations_only_uses_member_counts(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text(
        "党组织名称,组织类别,上级党组织,单位类别,单位隶属关系,党员人数\n"
        "某镇党委,611 党委,,乡镇,镇,120\n"
        "某村党支部,,某镇党委,建制村,村,45人\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.toml"
    code, stdout, stderr = run("import", path, "--out", out)
    assert (code, stderr) == (0, "")
    tree = lianxue_core.load(out)
    org_ids = [o.id for o in tree]
    assert all(re.fullmatch(r"org-[0-9a-f]{8}", i) for i in org_ids)
    village = tree[org_ids[1]]
    assert (village.kind, village.track, village.members, village.parent) == ("branch", "village", 45, org_ids[0])
    assert "members left out" not in stdout
    assert "Nothing needs a person's decision." in stdout


# -- decisions and overrides -------------------------------------------------------------------------


def test_track_overrides_settle_decisions(county: tuple[Path, Path], tmp_path: Path) -> None:
    mapping = tmp_path / "decisions.toml"
    mapping.write_text('[track]\n"新市镇某国有公司党支部" = "two-new"\n', encoding="utf-8")
    out = tmp_path / "county.toml"
    code, stdout, stderr = import_county(
        county, out, "--track", "3305211001=town", "--mapping", mapping, "--track", "人民医院=none"
    )
    assert (code, stderr) == (0, "")
    tree = lianxue_core.load(out)
    assert tree["3305211001"].track == "town"
    assert tree["3305211008"].track == "two-new"
    assert tree["3305210004"].track is None
    # Its 与上级党组织相同 branch follows the override.
    assert tree["3305210005"].track is None
    assert "Nothing needs a person's decision." in stdout


def test_bad_overrides(county: tuple[Path, Path], tmp_path: Path) -> None:
    mapping = tmp_path / "decisions.toml"
    mapping.write_text('[track]\n"没有这个党支部" = "organs"\n', encoding="utf-8")
    out = tmp_path / "county.toml"
    code, stdout, stderr = import_county(
        county, out, "--track", "3305211001=towns", "--track", "oops", "--mapping", mapping
    )
    assert code == 2
    assert stdout == ""
    assert not out.exists()
    assert stderr.splitlines() == [
        "lianxue: error: --track: oops: write ID=KEY, e.g. --track org-1a2b3c4d=organs",
    ]
    code, _, stderr = import_county(county, out, "--track", "3305211001=towns", "--mapping", mapping)
    assert code == 2
    lines = stderr.splitlines()
    assert lines[0] == (
        f"lianxue: error: {mapping}: key 'track.没有这个党支部': "
        "no organization has the id, code or name '没有这个党支部'"
    )
    assert lines[1].startswith("lianxue: error: --track: 3305211001=towns: unknown track 'towns'; known tracks: ")
    assert len(lines) == 2


def test_contradictions_and_joint_branches(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text(
        "党组织名称,组织类别,上级党组织,党组织所在单位情况,单位类别,单位隶属关系\n"
        "某镇党委,611 党委,,法人单位,乡镇,镇\n"
        "某村党支部,631 党支部,某镇党委,与上级党组织相同,建制村,村\n"
        "某联合党支部,632 联合党支部,某镇党委,联合党支部,非公有制经济控制、建制村,镇\n"
        "某机关党支部,631 党支部,某镇党委,法人单位,机关,\n"
        "某其他党支部,631 党支部,某镇党委,法人单位,99 其他,镇\n"
        "某协会党支部,631 党支部,某镇党委,法人单位,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.toml"
    code, stdout, stderr = run("import", path, "--out", out)
    assert (code, stderr) == (0, "")
    decisions = stdout.split("Needs a person's decision (5):\n")[1]
    assert "某村党支部 (" in decisions
    assert "contradictory: its unit category means 'village'" in decisions
    assert "the units of this 联合党支部 follow different plans (two-new, village)" in decisions
    assert "unit category 机关 without 单位隶属关系" in decisions
    assert "unit category 其他" in decisions
    assert "no unit category (单位性质类别), and nothing below it; the name suggests 'two-new'" in decisions
    tree = lianxue_core.load(out)
    assert [o.track for o in tree] == ["town", None, None, None, None, None]
    text = out.read_text(encoding="utf-8")
    assert "# Without a track until a person decides (5)" in text


def test_duplicate_names(tmp_path: Path) -> None:
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(
        "党组织名称,组织类别,单位类别,单位隶属关系\n某村党支部,631,建制村,村\n某村党支部,631,建制村,村\n",
        encoding="utf-8",
    )
    people = tmp_path / "members.csv"
    a, b = identity_number(dt.date(1950, 1, 1), 1), identity_number(dt.date(1960, 1, 1), 2)
    people.write_text(
        f"姓名,所在党组织编码,所在党支部,公民身份证号\n张伟,,某村党支部,{a}\n",
        encoding="utf-8",
    )
    code, _, stderr = run("import", orgs, people, "--out", tmp_path / "out.toml")
    assert code == 2
    assert stderr == (
        f"lianxue: error: {people}: row 2, column C (所在党支部): several organizations are named '某村党支部'; "
        "use 党组织编码\n"
    )
    orgs.write_text(
        "党组织名称,组织类别,单位类别,单位隶属关系\n某村党支部,631,建制村,村\n",
        encoding="utf-8",
    )
    people.write_text(
        f"姓名,所在党支部,公民身份证号\n张伟,某村党支部,{a}\n张伟,某村党支部,{a}\n张伟,某村党支部,{b}\n李娜,某村党支部,\n"
        "李娜,某村党支部,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.toml"
    code, stdout, stderr = run("import", orgs, people, "--out", out, "--as-of", AS_OF)
    assert (code, stderr) == (0, "")
    tree = lianxue_core.load(out)
    assert [m.name for m in tree.members] == ["张伟", "张伟", "李娜", "李娜"]
    assert tree.members[1].id == tree.members[0].id + "-2"
    assert [m.flags for m in tree.members[:2]] == [{"elderly"}, set()]  # birth dates from the identity numbers
    assert "listed again (same identity number as row 2); this row is left out" in stdout
    assert "the same name as row 5 in the same organization" in stdout
    assert stdout.count("- member ") == 2


# -- bad input ---------------------------------------------------------------------------------------


def test_every_problem_in_one_run(tmp_path: Path, members: list[dict[str, Any]]) -> None:
    orgs = list(ORGS)
    orgs[2] = ("县发改局机关党支部", "", "3305210003", "不存在的党委", "631 党支部", "", "机关", "县", None)
    orgs[7] = ("庄村党支部", "庄村", "3305211002", "新市镇党委", "699 临时组织", "", "建制村", "村", None)
    orgs_path = write_orgs_xlsx(tmp_path / "orgs.xlsx", orgs)
    people = [dict(m) for m in members]
    people[4]["branch"] = "不存在的党支部"
    people[9]["lost"] = "不清楚"
    members_path = write_members_xlsx(tmp_path / "members.xlsx", people, identity_as_number=True)
    out = tmp_path / "county.toml"
    out.write_text("# the previous import\n", encoding="utf-8")
    code, stdout, stderr = run("import", orgs_path, members_path, "--out", out, "--as-of", AS_OF)
    assert code == 2
    assert stdout == ""
    assert "Traceback" not in stderr
    assert out.read_text(encoding="utf-8") == "# the previous import\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county.toml", "members.xlsx", "orgs.xlsx"]
    assert stderr.splitlines() == [
        f'lianxue: error: {orgs_path}: sheet "党组织信息", row 13, column F (组织类别): unknown 组织类别 '
        "'699 临时组织'; expected 611 党委, 612 党组, 621 党总支部, 631 党支部, 632 联合党支部, 641 党小组, "
        "or a label with 党委, 党工委, 党组, 党总支, 党支部 or 党小组",
        f'lianxue: error: {orgs_path}: sheet "党组织信息", row 8, column E (上级党组织): the parent '
        "'不存在的党委' is not in the file (by code, full name or short name); only the file's own superior may be "
        "outside it, and that is '中共湖州市委' (sheet \"党组织信息\", row 6)",
        f'lianxue: error: {members_path}: sheet "党员", rows 3-66, column E (公民身份证号): the identity number is '
        "stored as a number, so its last digits are lost; format the column as text (文本) and enter the numbers "
        "again",
        f'lianxue: error: {members_path}: sheet "党员", row 7, column I (所在党支部 （全称）): the organization '
        "'不存在的党支部' is not in the organizations file (by code, full name or short name)",
        f'lianxue: error: {members_path}: sheet "党员", row 12, column M (是否为失联党员): is not 是 or 否; write 是 '
        "or 否",
    ]


def test_bad_dates_and_counts(tmp_path: Path) -> None:
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("党组织名称,组织类别,户数\n某村党支部,631,很多\n", encoding="utf-8")
    people = tmp_path / "members.csv"
    people.write_text("姓名,所在党支部,出生日期\n张伟,某村党支部,1950-02-30\n,某村党支部,去年\n", encoding="utf-8")
    code, _, stderr = run("import", orgs, people, "--out", tmp_path / "out.toml")
    assert code == 2
    assert stderr.splitlines() == [
        f"lianxue: error: {orgs}: row 2, column C (户数): is not a whole number of 0 or more; write a plain number "
        "such as 45",
        f"lianxue: error: {people}: row 2, column C (出生日期): is not a real date; write the date as 1950-03-12",
        f"lianxue: error: {people}: row 3, column A (姓名): the member's name is empty; fill it in or delete the row",
        f"lianxue: error: {people}: row 3, column C (出生日期): is not a date such as 1950-03-12; write the date as "
        "1950-03-12",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\x00\x01binary", "not a spreadsheet: save it as .xlsx, .xls, .ods or .csv"),
        (b"PK\x03\x04not really a zip", "not a spreadsheet: save it as .xlsx, .xls, .ods or .csv"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "not a spreadsheet: save it as .xlsx, .xls, .ods or .csv",
        ),
        (b"\xb6\xfe,\x80\xff\n", "the text is neither UTF-8 nor GB18030 (GBK); save it as UTF-8 CSV"),
        (
            "名称,类别\n某党支部,631\n".encode(),
            "no sheet has a header row naming the organizations (党组织全称 or 党组织名称) in its first 30 rows",
        ),
    ],
    ids=["pdf", "broken-zip", "broken-xls", "not-text", "no-header"],
)
def test_not_an_organizations_spreadsheet(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(content)
    code, stdout, stderr = run("import", path, "--out", tmp_path / "out.toml")
    assert (code, stdout, stderr) == (2, "", f"lianxue: error: {path}: {message}\n")


def test_missing_files_and_members_without_header(tmp_path: Path) -> None:
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("党组织名称\n某党支部\n", encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text("姓名,电话\n张伟,138\n", encoding="utf-8")
    code, _, stderr = run("import", orgs, people, "--out", tmp_path / "out.toml")
    assert code == 2
    assert stderr == (
        f"lianxue: error: {people}: no sheet has a header row with 姓名 and the member's organization "
        "(所在党支部 or 所在党组织) in its first 30 rows\n"
    )
    code, _, stderr = run("import", tmp_path / "nowhere.xlsx", tmp_path / "nobody.xls", "--out", tmp_path / "o.toml")
    assert code == 2
    assert stderr.splitlines() == [
        f"lianxue: error: {tmp_path / 'nowhere.xlsx'}: cannot read the file: No such file or directory",
        f"lianxue: error: {tmp_path / 'nobody.xls'}: cannot read the file: No such file or directory",
    ]


def test_cannot_write_the_output(county: tuple[Path, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    code, _, stderr = import_county(county, blocker / "county.toml")
    assert code == 2
    assert stderr.startswith(f"lianxue: error: {blocker / 'county.toml'}: key '--out': cannot write the file: ")


# -- privacy -----------------------------------------------------------------------------------------


def sensitive_values(members: Sequence[dict[str, Any]]) -> set[str]:
    """Every rendering of the personal values in the fixtures a careless program could write."""
    values: set[str] = set()
    for n, m in enumerate(members):
        birth: dt.date = m["birth"]
        serial = (birth - dt.date(1899, 12, 30)).days
        values |= {
            m["identity"],
            m["identity"][:15],
            m["identity"][-6:],
            str(m["phone"]),
            f"{float(m['phone'])}",
            str(m["phone"])[-8:],
            birth.isoformat(),
            birth.strftime("%Y%m%d"),
            f"{birth.year}年{birth.month}月{birth.day}日",
            birth.strftime("%Y/%m/%d"),
            str(serial) if n % 4 == 3 else "",
            m["ethnicity"],
            m["ethnicity"].split()[1],
        }
    for n in range(len(ORGS)):
        values.add(str(13900000000 + n))
    values.discard("")
    return values


def assert_clean(text: str, values: set[str], what: str) -> None:
    leaked = sorted(v for v in values if v in text)
    assert not leaked, f"{what} holds personal values: {leaked[:5]}"


def test_no_personal_value_reaches_any_output(
    county: tuple[Path, Path], tmp_path: Path, members: list[dict[str, Any]]
) -> None:
    values = sensitive_values(members)
    out = tmp_path / "county.toml"
    code, stdout, stderr = import_county(county, out)
    assert code == 0
    assert_clean(out.read_text(encoding="utf-8"), values, "the organization file")
    assert_clean(stdout + stderr, values, "the import's output")
    host = PluginHost()
    tree = lianxue_core.load(out, tracks=host.tracks())
    plan = plan_year(tree, host, 2026)
    assert_clean(render_plan_json(plan), values, "the plan JSON")
    assert_clean(render_plan_markdown(plan, tree, {o.id: o.title for o in host.catalogue()}), values, "the plan")
    feeds = tmp_path / "feeds"
    code, stdout, stderr = run(
        "calendar", out, "--year", "2026", "--out", feeds, "--people", "--supervisor", "3305211000"
    )
    assert code == 0, stderr
    texts = [p.read_text(encoding="utf-8") for p in sorted(feeds.rglob("*.ics"))]
    assert len(texts) > len(tree)
    for text in texts:
        assert_clean(text, values, "a feed")
    code, stdout, stderr = run("run", out, "--year", "2026", "--out", tmp_path / "run")
    assert code == 0
    assert_clean(stdout + stderr, values, "lianxue run")
    # Supervision reports, with one village's feed as the records of what was held.
    for fmt in ("table", "json", "html"):
        code, stdout, stderr = run(
            "check",
            out,
            "--records",
            feeds / "3305211002.ics",
            "--year",
            "2026",
            "--as-of",
            "2026-12-31",
            "--format",
            fmt,
        )
        assert code in (0, 1), stderr  # 1: the report has findings
        assert "3305211002" in stdout
        assert_clean(stdout + stderr, values, f"the {fmt} report")
    # Error messages name the row and column, never the value.
    people = [dict(m) for m in members]
    people[3]["lost"] = "不清楚"
    bad = write_members_xlsx(tmp_path / "bad.xlsx", people, identity_as_number=True)
    code, stdout, stderr = run("import", county[0], bad, "--out", tmp_path / "bad.toml", "--as-of", AS_OF)
    assert code == 2
    assert_clean(stdout + stderr, values, "the error messages")
    assert_clean(stdout + stderr, {str(int(m["identity"].replace("X", "0"))) for m in people}, "the error messages")


def test_members_by_organization_code_only(tmp_path: Path) -> None:
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("党组织名称,党组织编码,组织类别,单位类别\n庄村党支部,3305211002,631,建制村\n", encoding="utf-8")
    people = tmp_path / "members.csv"
    people.write_text("姓名,所在党组织编码\n张伟,3305211002\n李娜,3305219999\n", encoding="gb18030")
    code, _, stderr = run("import", orgs, people, "--out", tmp_path / "out.toml")
    assert code == 2
    assert stderr == (
        f"lianxue: error: {people}: row 3, column B (所在党组织编码): the organization '3305219999' is not in the "
        "organizations file (by code, full name or short name)\n"
    )
    people.write_text("姓名,所在党组织编码\n张伟,3305211002\n", encoding="gb18030")
    code, _, stderr = run("import", orgs, people, "--out", tmp_path / "out.toml")
    assert (code, stderr) == (0, "")
    (member,) = lianxue_core.load(tmp_path / "out.toml").members
    assert (member.name, member.org) == ("张伟", "3305211002")


def test_the_summary_as_json(county: tuple[Path, Path], tmp_path: Path) -> None:
    """`--format json`: the same facts as the table, for a program."""
    code, stdout, stderr = import_county(county, tmp_path / "county.toml", "--format", "json")
    assert (code, stderr) == (0, "")
    doc = json.loads(stdout)
    assert doc["out"] == str(tmp_path / "county.toml")
    assert doc["listed_members"] == 61
    assert doc["left_out"] == {"停止党籍": 1, "失联": 1, "流动": 1}
    assert [d["org"] for d in doc["decisions"]] == ["3305211001", "3305211008"]
    assert sum(t["organizations"] for t in doc["per_track"]) == doc["organizations"]
