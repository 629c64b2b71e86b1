"""The pieces of ``lianxue import``: cell values, headings, header rows, categories, roles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianxue_core.errors import InputError
from lianxue_core.importing.headings import MEMBER_COLUMNS, ORG_COLUMNS, find_table, normalize
from lianxue_core.importing.members import roles_of
from lianxue_core.importing.organizations import category_track, suggest_track
from lianxue_core.importing.reading import Sheet, column_letter, decode_text, read_sheets
from lianxue_core.importing.values import parse_bool, parse_count, parse_date, split_code, text


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("631 党支部", ("631", "党支部")),
        ("631党支部", ("631", "党支部")),
        ("[01]汉族", ("01", "汉族")),
        ("【01】汉族", ("01", "汉族")),
        ("01-汉族", ("01", "汉族")),
        ("01：汉族", ("01", "汉族")),
        ("党支部", (None, "党支部")),
        (631, ("631", "")),
        (631.0, ("631", "")),
        (" 632  联合党支部 ", ("632", "联合党支部")),
        ("中共德清县委", (None, "中共德清县委")),
    ],
)
def test_split_code(cell: object, expected: tuple[str | None, str]) -> None:
    assert split_code(cell) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "cell",
    [
        dt.date(1950, 3, 12),
        dt.datetime(1950, 3, 12, 0, 0),
        "1950-03-12",
        "1950/3/12",
        "1950.03.12",
        "1950年3月12日",
        "19500312",
        19500312,
        18334,
        18334.0,
        "18334",
        "1950-03-12 00:00:00",
    ],
)
def test_parse_date(cell: object) -> None:
    assert parse_date(cell) == dt.date(1950, 3, 12)  # type: ignore[arg-type]


def test_parse_date_month_only_and_empty() -> None:
    assert parse_date("1950-03") == dt.date(1950, 3, 1)
    assert parse_date("1950年3月") == dt.date(1950, 3, 1)
    assert parse_date("") is None
    assert parse_date("  ") is None


@pytest.mark.parametrize("cell", ["1950-02-30", "去年", "12/03/1950", True, -5, 10**9])
def test_parse_date_rejects(cell: object) -> None:
    with pytest.raises(ValueError, match="date") as info:
        parse_date(cell)  # type: ignore[arg-type]
    assert str(cell) not in str(info.value)  # messages never repeat the value


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("是", True), ("否", False), ("Y", True), ("n", False), (1, True), (0.0, False), ("√", True), ("1 是", True),
     ("", None), (True, True)],
)  # fmt: skip
def test_parse_bool(cell: object, expected: bool | None) -> None:
    assert parse_bool(cell) is expected  # type: ignore[arg-type]


def test_parse_bool_rejects() -> None:
    with pytest.raises(ValueError, match="是 or 否"):
        parse_bool("不清楚")


@pytest.mark.parametrize(
    ("cell", "expected"), [(45, 45), (45.0, 45), ("45", 45), ("45人", 45), ("420户", 420), ("", None)]
)
def test_parse_count(cell: object, expected: int | None) -> None:
    assert parse_count(cell) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("cell", [-1, 4.5, "很多", True, float("nan")])
def test_parse_count_rejects(cell: object) -> None:
    with pytest.raises(ValueError, match="whole number"):
        parse_count(cell)  # type: ignore[arg-type]


def test_text_folds_spaces_and_whole_floats() -> None:
    assert text("  新市镇\n党委 ") == "新市镇 党委"
    assert text(13812345678.0) == "13812345678"
    assert text(dt.datetime(2001, 7, 1)) == "2001-07-01"


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("党组织\n全称", "党组织全称"),
        (" 组织类别 ", "组织类别"),
        ("*姓名", "姓名"),
        ("出生日期\n（格式：1990-01-01）", "出生日期"),
        ("公民身份证号(必填)", "公民身份证号"),
        ("所在党支部：", "所在党支部"),
        ("党\u3000籍\u3000状\u3000态", "党籍状态"),
    ],
)
def test_normalize(heading: str, expected: str) -> None:
    assert normalize(heading) == expected


def test_every_alias_is_distinct_within_a_sheet_kind() -> None:
    for columns in (ORG_COLUMNS, MEMBER_COLUMNS):
        aliases = [normalize(a) for names in columns.values() for a in names]
        assert len(aliases) == len(set(aliases))


def test_header_below_title_rows() -> None:
    sheet = Sheet(
        "f.xlsx",
        "S",
        (
            ("党员基本信息汇总表", "", ""),
            ("", "", ""),
            ("序号", "姓 名", "所在\n党支部"),
            (1, "张伟", "庄村党支部"),
            ("注：仅供核对", "", ""),
            ("序号", "姓名", "所在党支部"),
            (2, "李娜", "庄村党支部"),
        ),
    )
    table = find_table(sheet, MEMBER_COLUMNS, ("name", "org"))
    assert table is not None
    assert table.header_rows == (3,)
    assert [(c.key, c.index, c.heading) for c in table.columns.values()] == [
        ("_number", 0, "序号"),
        ("name", 1, "姓 名"),
        ("org", 2, "所在 党支部"),
    ]
    assert [(r.row, r.get("name")) for r in table.records()] == [(4, "张伟"), (7, "李娜")]
    assert table.where(4, "org") == 'sheet "S", row 4, column C (所在 党支部)'


def test_two_row_header_under_a_merged_group_heading() -> None:
    sheet = Sheet(
        "f.xlsx",
        "S",
        (
            ("党组织全称", "组织类别", "党组织书记", ""),
            ("", "", "姓名", "联系电话"),
            ("庄村党支部", "631 党支部", "张伟", 13800000000.0),
        ),
        merged=(((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (0, 3))),
    )
    table = find_table(sheet, ORG_COLUMNS, ("name",))
    assert table is not None
    assert table.header_rows == (1, 2)
    assert {k: c.index for k, c in table.columns.items()} == {"name": 0, "kind": 1, "_secretary": 2, "_phone": 3}
    assert [r.row for r in table.records()] == [3]


def test_no_header() -> None:
    sheet = Sheet("f.csv", None, (("名称", "类别"), ("某党支部", "631")))
    assert find_table(sheet, ORG_COLUMNS, ("name",)) is None


def test_where_folds_rows() -> None:
    sheet = Sheet("f.csv", None, ())
    assert sheet.where([3, 4, 5, 9, 11, 12], 4, "公民身份证号") == "rows 3-5, 9, 11-12, column E (公民身份证号)"
    assert sheet.where([7]) == "row 7"


@given(st.integers(min_value=0, max_value=5000))
def test_column_letters_are_spreadsheet_names(index: int) -> None:
    letters = column_letter(index)
    assert letters.isalpha()
    assert letters.isupper()
    value = 0
    for ch in letters:
        value = value * 26 + (ord(ch) - ord("A") + 1)
    assert value - 1 == index


def test_column_letter_examples() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("党员,张伟".encode(), "党员,张伟"),
        ("党员,张伟".encode("utf-8-sig"), "党员,张伟"),
        ("党员,张伟".encode("gb18030"), "党员,张伟"),
        ("党员,张伟".encode("gbk"), "党员,张伟"),
        ("党员,张伟".encode("utf-16"), "党员,张伟"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "utf-16"],
)
def test_decode_text(data: bytes, expected: str) -> None:
    assert decode_text(data, "f.csv") == expected


def test_csv_delimiters(tmp_path: Path) -> None:
    for delimiter in ",;\t":
        path = tmp_path / "f.csv"
        path.write_text(delimiter.join(["姓名", "所在党支部"]) + "\n" + delimiter.join(["张伟", "庄村党支部"]) + "\n")
        (sheet,) = read_sheets(path)
        assert sheet.rows == (("姓名", "所在党支部"), ("张伟", "庄村党支部"))


def test_read_sheets_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_sheets(tmp_path / "missing.xlsx", "名单.xlsx")
    assert str(info.value) == "名单.xlsx: cannot read the file: No such file or directory"


@pytest.mark.parametrize(
    ("category", "level", "track"),
    [
        ("城市街道", "城市街道", "town"),
        ("乡镇", "镇", "town"),
        ("乡", "乡", "town"),
        ("城市社区", "社区", "community"),
        ("农村社区", "社区", "community"),
        ("建制村", "建制村", "village"),
        ("非公有制经济控制", "镇", "two-new"),
        ("非公有制经济控制企业", "", "two-new"),
        ("社会组织", "县", "two-new"),
        ("民办非企业单位", "", "two-new"),
        ("机关", "县", "organs"),
        ("机关", "县（市、区、旗）", "organs"),
        ("事业单位", "市", "organs"),
        ("事业单位", "中央", "organs"),
        ("机关", "镇", None),
        ("机关", "城市街道", None),
        ("事业单位", "", None),
        ("机关", "其他", None),
        ("国有经济控制", "县", None),
        ("集体经济控制", "镇", None),
        ("其他", "县", None),
        ("宗教场所", "县", None),
    ],
)
def test_category_track(category: str, level: str, track: str | None) -> None:
    found, reason = category_track(category, level or None)
    assert found == track
    assert (reason is None) == (track is not None)


@pytest.mark.parametrize(
    ("name", "track"),
    [
        ("新市社区党支部", "community"),
        ("新市镇党委", "town"),
        ("舞阳街道党工委", "town"),
        ("庄村党支部", "village"),
        ("浙江某某科技有限公司党支部", "two-new"),
        ("县个体劳动者协会党支部", "two-new"),
        ("县发改局机关党支部", "organs"),
        ("某党支部", None),
    ],
)
def test_suggest_track(name: str, track: str | None) -> None:
    assert suggest_track(name) == track


@pytest.mark.parametrize(
    ("duty", "roles"),
    [
        ("书记", {"secretary"}),
        ("党支部书记", {"secretary"}),
        ("副书记", {"deputy-secretary"}),
        ("组织委员", {"committee"}),
        ("宣传委员、纪检委员", {"committee"}),
        ("副书记、组织委员", {"deputy-secretary", "committee"}),
        ("01 书记", {"secretary"}),
        ("第一书记", set()),
        ("党小组长", set()),
        ("", set()),
    ],
)
def test_roles_of(duty: str, roles: set[str]) -> None:
    assert {str(r) for r in roles_of(duty)} == roles
