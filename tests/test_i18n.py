"""Chinese first, English available (issue 14): the gettext catalogues and the command line in both languages.

The rest of the suite runs in English (``english`` in ``tests/conftest.py``); the Chinese is asserted here.
"""

from __future__ import annotations

import io
import json
import os
import re
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
    sources = (ROOT / "src" / "lianxue_core", ROOT / "plugins" / "lianxue_tracks")
    _pybabel("extract", "-F", ROOT / "babel.cfg", "-k", "N_", "-o", fresh, *sources)
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
    code, _out, err = _main("validate", bad_orgfile, "--lang", "en")  # after the command, as -q and -v may be
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


# -- no English prose left in Chinese output ------------------------------------------------------------------

#: Two or more English words in a row, once what the user typed and the names of things are taken out.
ENGLISH_PROSE = re.compile(r"[A-Za-z]+(?:[ ]+[A-Za-z]+)+")
#: What stays as it is in Chinese: quoted values, `commands`, options and metavars, {choices}, URLs, invocations.
KEPT = [
    re.compile(r"`[^`]*`"),  # `lianxue plan`, `lianxue plugin new NAME`
    re.compile(r"'[^']*'|\"[^\"]*\""),  # the values the user typed, ids, keys: 'brnch', "xinshi"
    re.compile(r"\{[^}]*\}"),  # argparse's {table,json}
    re.compile(r"https?://\S+|webcal://\S+"),
    re.compile(r"\blianxue(?: [a-z][a-z-]*)*"),  # `lianxue plugin new` in a usage line
    re.compile(r"-{1,2}[a-z][a-z-]*(?: [A-Z][A-Z_=]*)?"),  # --year YEAR, -h, --as-of DATE
    re.compile(r"\b[A-Z][A-Z_=]+\b"),  # metavars and variables: ORGFILE, NAME, LIANXUE_PLUGINS, ID=KEY
    re.compile(r"\b\S+\.(?:toml|csv|json|ics|xlsx|xls|ods|docx|html|txt|md|py|mo)\b"),  # file names
]


def _prose(text: str, *supplied: str | Path) -> list[str]:
    """The English prose in ``text``: what is left after the paths the test gave and :data:`KEPT` are removed."""
    for value in sorted(map(str, supplied), key=len, reverse=True):
        text = text.replace(value, " ")
    for pattern in KEPT:
        text = pattern.sub(" ", text)
    return ENGLISH_PROSE.findall(text)


def _chinese(monkeypatch: pytest.MonkeyPatch, *argv: str | Path) -> tuple[int, str]:
    """``lianxue ARGV`` with no locale (Chinese): its exit code and everything it printed (help included)."""
    monkeypatch.delenv("LANG", raising=False)
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)  # argparse prints --help and usage on sys.stdout/sys.stderr
    monkeypatch.setattr(sys, "stderr", err)
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue() + err.getvalue()


def _every_help() -> list[list[str]]:
    from lianxue_core.commands import COMMANDS

    return [["--help"], *([name, "--help"] for name in COMMANDS), ["plugin", "new", "--help"]]


@pytest.mark.parametrize("argv", _every_help(), ids=lambda a: " ".join(a))
def test_every_help_is_chinese(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A help text left in English (not marked with _(), or marked and not translated) fails here."""
    code, text = _chinese(monkeypatch, *argv)
    assert code == 0
    assert "用法：" in text
    assert "usage:" not in text
    assert "show this help" not in text
    assert _prose(text) == []


def _bad_kind(tmp_path: Path) -> Path:
    path = tmp_path / "county.toml"
    path.write_text(
        '[[org]]\nid = "county"\nname = "县委"\nkind = "committee"\n\n'
        '[[org]]\nid = "xinshi"\nname = "新市镇党委"\nkind = "brnch"\nparent = "county"\ntrack = "town"\n'
        '[org.options]\nmeeting_time = "25:00"\nweekdays = []\n',
        encoding="utf-8",
    )
    return path


def test_an_unknown_kind_is_said_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _bad_kind(tmp_path)
    code, text = _chinese(monkeypatch, "validate", path)
    assert code == 2
    # the example: the file, the line, the table and its id, the key; the value typed kept as it is
    said = f"lianxue：错误：{path}：第6行 [[org]] \"xinshi\"：键 'kind'：组织类型 'brnch' 无效（是否为 'branch'？）"
    assert said in text
    assert "键 'options.meeting_time'：'25:00' 不是 'HH:MM' 格式的时刻" in text
    assert "键 'options.weekdays'" in text
    assert _prose(text, path) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "{missing}"],
        ["run", "{missing}"],
        ["plan", "{example}", "--year", "abc"],
        ["plan", "{example}", "--year", "1899"],
        ["plan", "{example}", "--org", "nowhere", "--year", "2026"],
        ["calendar", "{example}", "--year", "2026", "--out", "{file}"],
        ["check", "{example}"],
        ["check", "{example}", "--records", "{missing}", "--as-of", "2026-06-01"],
        ["plan", "{example}", "--format", "docx"],
        ["publish", "{example}", "--url", "ftp://example.org/"],
        ["serve", "{example}", "--port", "70000"],
        ["import", "{missing}", "--out", "{file}", "--elderly-age", "0"],
        ["--lang", "fr", "validate", "{example}"],
        ["plugins", "--format", "xml"],
        ["run", "--bogus"],
        ["bogus"],
    ],
    ids=lambda a: " ".join(a) if isinstance(a, list) else None,
)
def test_errors_are_chinese(argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Representative errors: bad input in every command, argparse's own. Every one in Chinese (exit 2)."""
    paths = {
        "missing": tmp_path / "missing.toml",
        "example": ROOT / "src" / "lianxue_core" / "examples" / "deqing.toml",
        "file": tmp_path / "a-file.txt",
    }
    paths["file"].write_text("x", encoding="utf-8")
    code, text = _chinese(monkeypatch, *(a.format(**paths) for a in argv))
    assert code == 2, text
    assert "错误" in text
    assert _prose(text, *paths.values()) == []


def test_a_bad_record_column_is_said_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = tmp_path / "records.csv"
    records.write_text("org,obligation,date,bogus\nxinshi,monthly-study,2026-01-09,1\n", encoding="utf-8")
    example = ROOT / "src" / "lianxue_core" / "examples" / "deqing.toml"
    code, text = _chinese(monkeypatch, "check", example, "--records", records, "--as-of", "2026-06-01")
    assert code == 2
    assert f"lianxue：错误：{records}：第1行：第4列：未知的列 'bogus'" in text
    assert _prose(text, records, example) == []


#: Record files with a problem in every row: CSV, JSON and iCalendar (the problems of each said in Chinese).
BAD_RECORDS = {
    "records.csv": "org,obligation,date,attendance,period\n"
    "xinshi,monthly-study,2026-13-09,x,\n"
    "nowhere,village.monthly-study,2026-01-09,,\n"
    "shangbai,village.monthly-study,2026-01-05 25:00,3,2026-Q9\n"
    ",village.monthly-study,,,\n",
    "records.json": '[{"org": "shangbai", "obligation": "village.monthly-study", "date": 5, "bogus": 1},'
    ' {"org": "xinshi", "date": "2026-01-09", "members": {"a": 1}}, 3]',
    "broken.json": '{"records": [1,}',
    "records.ics": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260109T090000\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n",
    "empty.csv": "",
    "latin1.csv": "org,obligation,date\nx\xe9,y,2026-01-09\n",
}


def test_record_file_problems_are_said_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = []
    for name, content in BAD_RECORDS.items():
        path = tmp_path / name
        path.write_bytes(content.encode("latin-1" if name.startswith("latin1") else "utf-8"))
        paths.append(path)
    example = ROOT / "src" / "lianxue_core" / "examples" / "deqing.toml"
    records = [a for path in paths for a in ("--records", path)]
    code, text = _chinese(monkeypatch, "check", example, *records, "--as-of", "2026-06-01")
    assert code == 2
    assert "第2行，第3列（date）：'2026-13-09' 不是日历上存在的日期" in text
    assert "第3行，第1列（org）：组织文件中没有 id 为 'nowhere' 的组织" in text
    assert "第1行（第1条记录）：键 'bogus'：未知的键" in text
    assert "：文件为空；" in text
    assert "第3行（日程 x）：该日程既没有 X-LIANXUE-OBLIGATION" in text
    assert "第1行（第1条记录），键 'date'：必须是字符串，而不是数字" in text
    assert len(text.splitlines()) >= 14, text
    assert _prose(text, *paths, example) == []


def test_roster_problems_are_said_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lianxue import`: the roster's problems (kind, counts, parents, the members sheet) in Chinese."""
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(
        "党组织名称,组织类别,上级党组织,党员人数\n"
        "新市镇党委,611 党委,,abc\n"
        "某村党支部,999 奇怪,新市镇党委,\n"
        "某协会,,新市镇党委,\n"
        "某厂党支部,631 党委,新市镇党委,\n",
        encoding="utf-8",
    )
    members = tmp_path / "members.csv"
    members.write_text("姓名,所在党支部,出生日期,是否失联\n张三,不存在的支部,1950-13-45,也许\n", encoding="utf-8")
    out = tmp_path / "county.toml"
    code, text = _chinese(monkeypatch, "import", orgs, members, "--out", out)
    assert code == 2
    assert "不是真实存在的日期；请按 1950-03-12 的格式填写日期" in text
    assert len(text.splitlines()) >= 5, text
    assert _prose(text, orgs, members, out) == []


def test_the_import_header_is_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("党组织名称,组织类别,单位性质类别\n某公司党支部,631 党支部,\n", encoding="utf-8")
    out = tmp_path / "county.toml"
    code, text = _chinese(monkeypatch, "import", orgs, "--out", out)
    assert code == 0, text
    written = out.read_text(encoding="utf-8")
    assert written.startswith(f"# 由 `lianxue import` 根据 {orgs} 生成。\n")
    head = "\n".join(line for line in written.splitlines() if line.startswith("#"))
    assert _prose(head, orgs) == []


#: A lianxue event its organization cancelled, exported from a calendar program: a warning, not a record.
CANCELLED_ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
    "UID:shangbai.village.monthly-study.2026-03@lianxue\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART:20260305T063000Z\r\nSUMMARY:学习\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _check_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *lang: str) -> dict[str, str]:
    """``lianxue [LANG] check`` of the example records (one of them twice, and a cancelled event) as of
    2026-04-01 for 武康街道党工委, in every format: ``table``, ``html`` and ``json`` (what was printed and written
    with it), ``data`` (the JSON report alone) and ``paths`` (the files given, for :func:`_prose`)."""
    records = tmp_path / "records.csv"
    text = (ROOT / "docs" / "examples" / "records.csv").read_text(encoding="utf-8")
    records.write_text(text + text.splitlines()[1] + "\n", encoding="utf-8")  # the first record again
    cancelled = tmp_path / "cancelled.ics"
    cancelled.write_text(CANCELLED_ICS, encoding="utf-8", newline="")
    example = ROOT / "src" / "lianxue_core" / "examples" / "deqing.toml"
    common = [example, "--records", records, "--records", cancelled, "--as-of", "2026-04-01", "--supervisor", "wukang"]
    out: dict[str, str] = {}
    for fmt in ("table", "html", "json"):
        target = tmp_path / f"report.{fmt}"
        code, text = _chinese(monkeypatch, *lang, "check", *common, "--format", fmt, "--out", target)
        assert code == 1, text
        out[fmt] = text + "\n" + target.read_text(encoding="utf-8")
    out["data"] = (tmp_path / "report.json").read_text(encoding="utf-8")
    out["paths"] = "\n".join(map(str, (records, cancelled, example, tmp_path)))
    return out


def _page_text(page: str) -> str:
    """What an HTML page shows: its text and its tooltips and labels, without the style sheet."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self.style = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.style = tag == "style"
            self.parts += [v for k, v in attrs if k == "aria-label" and v]

        def handle_endtag(self, tag: str) -> None:
            self.style = False
            self.parts.append("\n")

        def handle_data(self, data: str) -> None:
            if not self.style:
                self.parts.append(data)

    parser = Text()
    parser.feed(page)
    return " ".join(parser.parts)


def test_the_check_report_speaks_chinese_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``lianxue check`` with no locale: the table, the HTML report and the JSON labels in Chinese, the warnings
    too; no English prose in the table or on the page."""
    report = _check_report(tmp_path, monkeypatch)
    paths = report["paths"].splitlines()
    table = report["table"]
    assert "2026年学习教育督查（截至2026-04-01，武康街道党工委督查范围）" in table
    assert "9个党组织，应开展148项（已到期），完成13项，完成率8.8%（按期完成且要素齐全）" in table
    assert "名次  党组织" in table
    assert "完成率  含下级  问题  进行中  积分  人均积分" in table
    assert "问题与进行中事项：" in table
    assert "党组织         事项" in table
    assert "未开展      应于2026-01-01至2026-01-31开展，未见记录" in table
    assert "未到期      应于2026-04-01至2026-04-30开展，截至2026-04-01尚未记录" in table
    assert "（涉及：" in table
    assert "lianxue：注意：" in table  # stderr
    assert "重复（党组织、事项、日期、时间、人员和内容均相同），只计一次" in table
    assert "1个已取消（CANCELLED）的日程未计为已开展" in table
    assert "\n注意：" in table  # the report's own notes
    assert _prose(table, *paths) == []

    page = report["html"]
    assert '<html lang="zh-CN">' in page
    text = _page_text(page)
    for said in (
        "武康街道党工委“两学一做”学习教育督查报告（2026年）",
        "（含其所督查党组织的下级，逐级汇总）",
        "一、概况",
        "六、问题清单",
        "八、输入提示",
        "按月完成率（事项按其周期结束的月份计）",
        "全部完成",
        "未开展",
        "依据",
        "由 lianxue 生成 · 2026-04-01",
    ):
        assert said in text, said
    assert _prose(text, *paths) == []

    data = json.loads(report["data"])
    labels = {f["status"]: f["status_label"] for f in data["findings"]}
    assert labels["missing"] == "未开展"
    assert labels["due"] == "未到期"
    assert any("重复" in w for w in data["warnings"])


def test_the_check_report_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same report with ``--lang en``: the labels, details and warnings in English; the names, titles and
    clauses of the source stay as they are written; JSON keys and status codes are the same in both."""
    report = _check_report(tmp_path, monkeypatch, "--lang", "en")
    table = report["table"]
    assert "Study-education check 2026 (as of 2026-04-01; supervised by 武康街道党工委)" in table
    assert "Organizations: 9; items ended: 148, complete: 13, completion rate: 8.8%" in table
    assert "rank  organization" in table
    assert "Problems and items running:" in table
    assert "not held  " in table
    assert "to be held 2026-01-01 to 2026-01-31; no record" in table
    assert "上柏村党支部" in table  # names as written
    assert "lianxue: warning: " in table
    assert "repeats" in table
    assert "counted once" in table
    assert "1 cancelled (CANCELLED) event not counted as held" in table
    assert "\nNote: " in table
    for chinese in ("名次", "未开展", "注意", "重复"):
        assert chinese not in table, chinese

    page = report["html"]
    assert '<html lang="en">' in page
    text = _page_text(page)
    for said in ("武康街道党工委: 两学一做 study-education supervision report, 2026", "1. Summary", "6. Findings",
                 "not held", "all done", "Made by lianxue · 2026-04-01"):  # fmt: skip
        assert said in text, said
    for chinese in ("一、概况", "问题清单", "未开展", "全部完成", "由 lianxue 生成"):
        assert chinese not in text, chinese

    data = json.loads(report["data"])
    labels = {f["status"]: f["status_label"] for f in data["findings"]}
    assert labels["missing"] == "not held"
    assert labels["due"] == "due"
    assert all(label.isascii() for label in labels.values())


def test_the_prose_check_finds_english() -> None:
    """The check itself: English prose is found; ids, keys, paths, options and quoted values are not."""
    assert _prose("lianxue：错误：/tmp/x.toml：键 'kind'：unknown kind 'brnch'") == ["unknown kind"]
    assert _prose("用法：lianxue plan [-h] [--year YEAR] [--format {table,json}] orgfile") == []
    assert _prose("lianxue：错误：--lang 'fr'：只支持 zh_CN（中文）和 en（英文）") == []
    assert _prose("a file at /tmp/some path", "/tmp/some path") == ["a file at"]


def test_the_plan_warnings_are_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan's own warnings (a blocked track's organizations not planned) in Chinese by default, the ids kept."""
    example = ROOT / "src" / "lianxue_core" / "examples" / "deqing.toml"
    code, text = _chinese(monkeypatch, "--block", "organs", "plan", example, "--year", "2026", "--format", "json")
    assert code == 0
    (line,) = [w for w in text.splitlines() if "未计划" in w and not w.lstrip().startswith('"')]  # not the JSON
    assert "track organs 的插件未加载（已屏蔽：organs）" in line
    assert "zuzhibu" in line
    assert "not planned" not in text


# -- issue 14's leftovers -------------------------------------------------------------------------------------

EXAMPLE = ROOT / "src" / "lianxue_core" / "examples" / "deqing.toml"


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "{example}", "--year", "20x6"],
        ["import", "{missing}", "--out", "{file}", "--as-of", "2026-13-01"],
        ["plugin", "new", "Bad Name!"],
        ["plugin", "new", "extra", "--dir", "{folder}"],
    ],
    ids=lambda a: " ".join(a),
)
def test_more_errors_are_chinese(argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = {"example": EXAMPLE, "missing": tmp_path / "missing.csv", "file": tmp_path / "o.toml", "folder": tmp_path}
    (tmp_path / "taken.txt").write_text("x", encoding="utf-8")
    code, text = _chinese(monkeypatch, *(a.format(**paths) for a in argv))
    assert code == 2, text
    assert "错误：" in text
    assert "无效的 int" not in text
    assert _prose(text, *paths.values(), "plugin new") == []  # the command's name is kept


def test_bad_numbers_say_what_was_expected(monkeypatch: pytest.MonkeyPatch) -> None:
    code, text = _chinese(monkeypatch, "plan", EXAMPLE, "--year", "20x6")
    assert code == 2
    assert "参数 --year：无效的整数值：'20x6'" in text
    code, text = _chinese(monkeypatch, "--lang", "en", "plan", EXAMPLE, "--year", "20x6")
    assert "argument --year: invalid whole number: '20x6'" in text


def test_help_headings_end_in_a_full_width_colon(monkeypatch: pytest.MonkeyPatch) -> None:
    code, text = _chinese(monkeypatch, "validate", "--help")
    assert code == 0
    assert "\n位置参数：\n" in text
    assert "\n选项：\n" in text
    assert not re.search(r"^\S.*[^：]:$", text, flags=re.MULTILINE)
    code, text = _chinese(monkeypatch, "--lang", "en", "validate", "--help")
    assert "\npositional arguments:\n" in text
    assert "\noptions:\n" in text


def test_the_plan_table_follows_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["plan", EXAMPLE, "--org", "wukang", "--year"]
    code, text = _chinese(monkeypatch, *argv, "2026")
    assert code == 0
    assert "\n未能排期\n" in text
    assert "时间  " in text
    assert "组织    事项" in text
    assert "Unplaced" not in text
    code, text = _chinese(monkeypatch, *argv, "2027")
    assert "2027年计划为暂定：" in text
    assert "lianxue：注意：" in text  # the plan's warning: the same prefix as every other warning and error
    code, text = _chinese(monkeypatch, "--lang", "en", *argv, "2026")
    assert "\nNot placed\n" in text
    assert "when  " in text
    assert "时间  " not in text
    assert "未能排期" not in text
    code, text = _chinese(monkeypatch, "--lang", "en", *argv, "2027")
    assert "The 2027 plan is provisional: " in text


def test_option_meanings_are_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """The core's and the built-in tracks' options (a plugin installed besides, lianxue-devzone in CI, says its
    own meanings as it wrote them)."""
    code, text = _chinese(monkeypatch, "obligations", "--options")
    assert code == 0
    rows = [line for line in text.splitlines()[2:] if "devzone" not in line]
    assert len(rows) >= 25
    for row in rows:
        meaning = re.split(r" {2,}", row)[-1]
        assert _prose(meaning) == [], row
    assert "党员固定活动日：每月固定的一天" in text
    code, text = _chinese(monkeypatch, "--lang", "en", "obligations", "--options")
    assert "党员固定活动日 its fixed monthly day" in text


def test_a_block_of_no_plugin_is_a_chinese_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    code, text = _chinese(monkeypatch, "--block", "organz", "plugins")
    assert code == 0
    assert "lianxue：注意：--block 'organz'：没有已安装的插件叫这个名字（是否为 'organs'？）" in text


def test_interface_words_of_serve_and_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from lianxue_core.supervision.report import member_label

    i18n.setup("zh_CN")
    try:
        assert i18n._("Stopped.") == "已停止。"
        assert member_label("anon-004", "anon-004") == "第4名党员（未列名）"
        assert i18n._('org "{id}" {name}') == '组织 "{id}" {name}'
    finally:
        i18n.setup("en")
