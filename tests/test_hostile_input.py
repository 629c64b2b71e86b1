"""Hostile input (issue 15): every input a person or an attacker could hand lianxue ends in exit 0, 1 or 2, one line
per problem naming the file, no traceback, within a time and memory bound the test sets.

Every file is generated here, in ``tmp_path``: large inputs are made by the tests, never checked in. Each case runs
``python -m lianxue_core`` as a real process under ``RLIMIT_AS`` (a process that tried to expand a small spreadsheet
to hundreds of gigabytes, or to read ``/dev/zero`` whole, dies or raises MemoryError there) and a timeout.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import resource
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from lianxue_core import example_path, limits
from lianxue_core.textsafe import clip, for_terminal

EXAMPLE = str(example_path())
MEMORY = 1 << 30  # 1 GiB of address space: a normal run needs about 300 MiB
TIMEOUT = 60
ERROR = "lianxue: error: "


def _limit_memory() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


class Run:
    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    @property
    def problems(self) -> list[str]:
        return [line.removeprefix(ERROR) for line in self.err.splitlines() if line.startswith(ERROR)]


def run(*argv: str | Path, env: Mapping[str, str] | None = None, timeout: float = TIMEOUT) -> Run:
    """``lianxue ARGV`` as a process under the memory limit; checks what every hostile case must hold."""
    proc = subprocess.run(
        [sys.executable, "-m", "lianxue_core", *map(str, argv)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        preexec_fn=_limit_memory,
        env={**os.environ, **(env or {})},
        check=False,
    )
    result = Run(proc)
    assert result.code in (0, 1, 2), (result.code, result.err[-2000:])
    assert "Traceback" not in result.err, result.err[-2000:]
    assert "MemoryError" not in result.err
    return result


def refused(result: Run, file: str | Path, *needles: str) -> str:
    """The one problem line of a refused input: exit 2, naming the file and each of ``needles``."""
    assert result.code == 2, result.err
    (line,) = result.problems
    assert line.startswith(f"{file}: "), line
    for needle in needles:
        assert needle in line, line
    return line


def org_file(path: Path, orgs: list[dict[str, str]]) -> Path:
    lines = []
    for org in orgs:
        lines.append("[[org]]")
        lines.extend(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in org.items())
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# -- the organization tree: linear in the number of organizations -------------------------------------------------


def test_a_cycle_of_2000_parents_is_one_problem_naming_its_members(tmp_path: Path) -> None:
    n = 2000
    path = org_file(
        tmp_path / "cycle.toml", [{"id": f"o{i}", "name": f"组织{i}", "parent": f"o{(i + 1) % n}"} for i in range(n)]
    )
    result = run("validate", path)
    line = refused(result, path, 'org "o0" (line 1)', "the parents form a cycle", f"({n} organizations)")
    assert line.count(" -> ") < 40  # the members are named; a long cycle is shortened to one readable line
    assert "o0 -> o1 -> o2" in line
    assert "o1999 -> o0" in line


def test_every_cycle_is_reported_once(tmp_path: Path) -> None:
    orgs = []
    for c in range(50):  # 50 separate cycles of 3, and tails leading into them
        ids = [f"c{c}-{k}" for k in range(3)]
        orgs += [{"id": i, "name": i, "parent": ids[(k + 1) % 3]} for k, i in enumerate(ids)]
        orgs.append({"id": f"t{c}", "name": "tail", "parent": ids[1]})
    path = org_file(tmp_path / "cycles.toml", orgs)
    result = run("validate", path)
    assert result.code == 2
    assert len(result.problems) == 50
    assert result.problems[0].endswith("the parents form a cycle: c0-0 -> c0-1 -> c0-2 -> c0-0")
    assert not any("supervisors form a cycle" in p for p in result.problems)  # the same cycle is not told twice


def test_a_cycle_of_supervisors(tmp_path: Path) -> None:
    n = 2000
    orgs = [{"id": f"o{i}", "name": "x", "supervisor": f"o{(i + 1) % n}"} for i in range(n)]
    path = org_file(tmp_path / "sup.toml", orgs)
    refused(run("validate", path), path, "the supervisors form a cycle", f"({n} organizations)")


def test_a_chain_2000_deep_is_valid(tmp_path: Path) -> None:
    orgs = [{"id": "o0", "name": "县委"}] + [
        {"id": f"o{i}", "name": "x", "parent": f"o{i - 1}"} for i in range(1, 2000)
    ]
    path = org_file(tmp_path / "chain.toml", orgs)
    result = run("validate", path)
    assert (result.code, result.err) == (0, "")
    assert "branch  2000" in result.out


def test_many_organizations_validate(tmp_path: Path) -> None:
    n = 30_000
    orgs = [{"id": "o0", "name": "县委", "kind": "committee"}]
    orgs += [{"id": f"o{i}", "name": f"支部{i}", "parent": f"o{(i - 1) // 10}"} for i in range(1, n)]
    path = org_file(tmp_path / "big.toml", orgs)
    result = run("validate", path)
    assert (result.code, result.err) == (0, "")


def test_thousands_of_unknown_parents_are_each_reported(tmp_path: Path) -> None:
    n = 10_000  # "did you mean" must not compare every unknown id with every known one
    orgs = [{"id": f"o{i}", "name": "x", "parent": f"p{i}"} for i in range(n)]
    path = org_file(tmp_path / "unknown.toml", orgs)
    result = run("validate", path)
    assert result.code == 2
    assert len(result.problems) == n
    assert all("unknown organization" in p and p.startswith(f"{path}: ") for p in result.problems)


def test_windows_device_names_are_not_ids(tmp_path: Path) -> None:
    devices = ["con", "nul", "aux", "prn", "com1", "com9", "lpt1", "lpt9"]
    path = org_file(tmp_path / "dev.toml", [{"id": ident, "name": "某党支部"} for ident in devices])
    result = run("validate", path)
    assert result.code == 2
    assert len(result.problems) == len(devices)  # every one, in one run
    for ident, line in zip(devices, result.problems, strict=True):
        assert line.startswith(f'{path}: org "{ident}"'), line
        assert f"key 'id': {ident!r} is a name Windows reserves for a device" in line


def test_windows_device_names_in_capitals_are_named_too(tmp_path: Path) -> None:
    path = org_file(tmp_path / "dev.toml", [{"id": "CON", "name": "某党支部"}])
    refused(run("validate", path), path, "Windows reserves")


def test_ids_that_only_start_like_a_device_are_fine(tmp_path: Path) -> None:
    path = org_file(tmp_path / "ok.toml", [{"id": "con-1", "name": "a"}, {"id": "com10", "name": "b"}])
    assert run("validate", path).code == 0


# -- sizes: nothing is read past its limit -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "env_var"),
    [
        (["validate", "/dev/zero"], "LIANXUE_MAX_ORGFILE_BYTES"),
        (["check", EXAMPLE, "--records", "/dev/zero", "--year", "2026"], "LIANXUE_MAX_RECORDS_BYTES"),
        (["plan", EXAMPLE, "--year", "2026", "--holidays", "/dev/zero"], "LIANXUE_MAX_HOLIDAYS_BYTES"),
        (["import", "/dev/zero", "--out", "{tmp}/out.toml"], "LIANXUE_MAX_ROSTER_BYTES"),
    ],
    ids=["orgfile", "records", "holidays", "roster"],
)
def test_dev_zero_is_refused_by_its_size(tmp_path: Path, argv: list[str], env_var: str) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    refused(run(*argv), "/dev/zero", "larger than the limit of", env_var)
    assert not (tmp_path / "out.toml").exists()


def test_dev_zero_as_the_mapping_file(tmp_path: Path) -> None:
    roster = tmp_path / "orgs.csv"
    roster.write_text("党组织名称,组织类别\n某党支部,631\n", encoding="utf-8")
    result = run("import", roster, "--mapping", "/dev/zero", "--out", tmp_path / "o.toml")
    refused(result, "/dev/zero", "LIANXUE_MAX_MAPPING_BYTES")


def test_a_limit_is_raised_by_its_environment_variable(tmp_path: Path) -> None:
    path = org_file(tmp_path / "a.toml", [{"id": f"o{i}", "name": "某党支部"} for i in range(100)])
    size = path.stat().st_size
    refused(run("validate", path, env={"LIANXUE_MAX_ORGFILE_BYTES": "1K"}), path, "1 KiB", "LIANXUE_MAX_ORGFILE_BYTES")
    assert run("validate", path, env={"LIANXUE_MAX_ORGFILE_BYTES": str(size)}).code == 0


def test_a_bad_limit_in_the_environment_is_one_line(tmp_path: Path) -> None:
    result = run("validate", EXAMPLE, env={"LIANXUE_MAX_ORGFILE_BYTES": "lots"})
    refused(result, "LIANXUE_MAX_ORGFILE_BYTES", "must be a whole number")


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    refused(run("validate", tmp_path), tmp_path, "cannot read the file")


# -- numbers and nesting in TOML ------------------------------------------------------------------------------------


def test_a_5000_digit_number_in_the_organization_file(tmp_path: Path) -> None:
    path = tmp_path / "n.toml"
    path.write_text('[[org]]\nid = "a"\nname = "x"\nmembers = ' + "9" * 5000 + "\n", encoding="utf-8")
    refused(run("validate", path), path, "more than 100 digits", "LIANXUE_MAX_NUMBER_DIGITS")


def test_a_200_digit_number_in_the_holiday_file(tmp_path: Path) -> None:
    path = tmp_path / "h.toml"
    path.write_text("[[year]]\nyear = " + "2" * 200 + "\n", encoding="utf-8")
    refused(run("plan", EXAMPLE, "--year", "2026", "--holidays", path), path, "more than 100 digits")


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deep_nesting_in_toml(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    refused(run("validate", path), path, "nested more than 32 levels", "LIANXUE_MAX_DEPTH")
    refused(run("plan", EXAMPLE, "--year", "2026", "--holidays", path), path, "nested more than 32 levels")


def test_deep_dotted_keys_in_toml(tmp_path: Path) -> None:
    path = tmp_path / "dotted.toml"
    path.write_text('[[org]]\nid = "a"\nname = "x"\noptions.' + ".".join(["k"] * 5000) + " = 1\n", encoding="utf-8")
    refused(run("validate", path), path, "nested more than 32 levels")


# -- JSON records: exactly the documented shapes ---------------------------------------------------------------------

GOOD_RECORD = {"org": "shangbai", "obligation": "village.monthly-study", "date": "2026-01-04"}


def check_json(tmp_path: Path, text: str) -> Run:
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    return run("check", EXAMPLE, "--records", path, "--year", "2026")


def test_json_records_in_both_documented_shapes_are_read(tmp_path: Path) -> None:
    assert check_json(tmp_path, json.dumps([GOOD_RECORD])).code in (0, 1)
    assert check_json(tmp_path, json.dumps({"records": [GOOD_RECORD]})).code in (0, 1)


#: JSON record files outside the documented shapes, and a piece of the problem each must give.
BAD_JSON = [
    ('{"records": [], "records": []}', "key 'records' appears twice"),
    ('[{"org": "a", "org": "b", "obligation": "x", "date": "2026-01-01"}]', "key 'org' appears twice"),
    ("[" * 100_000 + "]" * 100_000, "nested more than 32 levels"),
    ('{"records": ' + "[" * 40 + "]" * 40 + "}", "nested more than 32 levels"),
    ('[{"attendance": ' + "9" * 5000 + "}]", "more than 100 digits"),
    ('[{"attendance": 1.' + "5" * 5000 + "}]", "more than 100 digits"),
    ('[{"attendance": NaN}]', "NaN"),
    ('"records"', "expected a list of records"),
    ("42", "expected a list of records"),
    ("null", "expected a list of records"),
    ('{"records": {}}', "expected a list of records"),
    ('{"rows": []}', "unknown key 'rows'"),
    ('{"records": [], "extra": 1}', "unknown key 'extra'"),
    ("[[1, 2]]", "a record must be an object, not a list"),
    ('[{"org": "shangbai", "obligation": "village.monthly-study", "date": {"y": 2026}}]', "must be a string"),
    ('[{"org": ["shangbai"], "obligation": "village.monthly-study", "date": "2026-01-04"}]', "must be a string"),
    (
        '[{"org": "shangbai", "obligation": "village.monthly-study", "date": "2026-01-04", "attendance": 1.5}]',
        "whole",
    ),
    (
        '[{"org": "shangbai", "obligation": "village.monthly-study", "date": "2026-01-04", "attendance": true}]',
        "whole",
    ),
    (
        '[{"org": "shangbai", "obligation": "village.monthly-study", "date": "2026-01-04", "attendees": [1]}]',
        "strings",
    ),
    ('[{"org": "shangbai", "obligation": "village.monthly-study", "date": null}]', "must be a string, not null"),
]


def test_json_records_outside_the_documented_shapes(tmp_path: Path) -> None:
    """Every case in one run: each file is refused with its own problem, and every file is reported."""
    paths = []
    for n, (text, _) in enumerate(BAD_JSON):
        path = tmp_path / f"r{n}.json"
        path.write_text(text, encoding="utf-8")
        paths += ["--records", str(path)]
    result = run("check", EXAMPLE, *paths, "--year", "2026")
    assert result.code == 2
    for n, (_, needle) in enumerate(BAD_JSON):
        mine = [p for p in result.problems if p.startswith(f"{tmp_path / f'r{n}.json'}: ")]
        assert any(needle in p for p in mine), (n, needle, mine)
    named = {p.split(": ")[0] for p in result.problems}
    assert named == {str(tmp_path / f"r{n}.json") for n in range(len(BAD_JSON))}


def test_a_huge_field_in_json_records(tmp_path: Path) -> None:
    record = {**GOOD_RECORD, "topic": "学" * 40_000}
    result = check_json(tmp_path, json.dumps([record], ensure_ascii=False))
    refused(result, tmp_path / "r.json", "more than 32767 in one field", "LIANXUE_MAX_CELL_CHARS")


@pytest.mark.parametrize("layout", ["one line", "a quoted cell over many short lines"])
def test_a_huge_cell_in_csv_records(tmp_path: Path, layout: str) -> None:
    """A cell longer than the limit is refused with its line, whether it is on one line or spread over short ones
    (the reader leaves the cells of a file whose lines are all short unmeasured, but not a cell that spans lines)."""
    topic = "学" * 150 if layout == "one line" else "\n".join(["学" * 10] * 16)  # no line over 100 bytes
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["org", "obligation", "date", "topic"])
        writer.writerow(["shangbai", "village.monthly-study", "2026-01-04", "第一次"])
        writer.writerow(["shangbai", "village.monthly-study", "2026-02-01", topic])
    result = run("check", EXAMPLE, "--records", path, "--year", "2026", env={"LIANXUE_MAX_CELL_CHARS": "100"})
    line = refused(result, path, "more than 100 in one field", "LIANXUE_MAX_CELL_CHARS")
    assert "line 3, column 4 (topic)" in line, line  # the row's first line


def test_too_many_csv_records(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("org,obligation,date\n" + "shangbai,village.monthly-study,2026-01-04\n" * 101, encoding="utf-8")
    result = run("check", EXAMPLE, "--records", path, "--year", "2026", env={"LIANXUE_MAX_ROWS": "100"})
    refused(result, path, "more than 100 rows", "LIANXUE_MAX_ROWS")


def test_a_large_icalendar_record_file(tmp_path: Path) -> None:
    event = "BEGIN:VEVENT\r\nUID:shangbai.village.monthly-study.2026-01@lianxue\r\nDTSTART:20260104\r\nEND:VEVENT\r\n"
    path = tmp_path / "r.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + event * 50 + "END:VCALENDAR\r\n", encoding="utf-8")
    result = run("check", EXAMPLE, "--records", path, "--year", "2026", env={"LIANXUE_MAX_RECORDS_ICS_BYTES": "2K"})
    refused(result, path, "iCalendar record file is larger than the limit of 2 KiB", "LIANXUE_MAX_RECORDS_ICS_BYTES")


def test_every_bad_record_file_is_reported_in_one_run(tmp_path: Path) -> None:
    dup = tmp_path / "dup.json"
    dup.write_text('{"records": [], "records": []}', encoding="utf-8")
    big = tmp_path / "big.csv"
    big.write_text("org,obligation,date\n" + "x" * 3000, encoding="utf-8")
    result = run(
        "check", EXAMPLE, "--records", dup, "--records", big, "--year", "2026", env={"LIANXUE_MAX_RECORDS_BYTES": "2K"}
    )
    assert result.code == 2
    assert [p.split(":")[0] for p in result.problems] == [str(dup), str(big)]


# -- spreadsheets: measured before they are expanded ----------------------------------------------------------------


def _xlsx(path: Path, cells: Mapping[str, str]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "党组织"
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(path)
    return path


def _rewrite(path: Path, change: Mapping[str, bytes | None], add: Mapping[str, bytes] | None = None) -> None:
    """Rewrite the zip at ``path``: replace parts by name (``None`` keeps them) and add parts."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = change.get(info.filename)
            out.writestr(info.filename, data if data is not None else src.read(info))
        for name, data in (add or {}).items():
            out.writestr(name, data)


def test_two_cells_far_apart_in_a_tiny_xlsx(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "far.xlsx", {"A1": "党组织全称", "XFD1048576": "x"})
    assert path.stat().st_size < 10_000
    refused(run("import", path, "--out", tmp_path / "o.toml"), path, "LIANXUE_MAX_ROWS")
    assert not (tmp_path / "o.toml").exists()


def test_a_far_column_in_an_xlsx(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "wide.xlsx", {"A1": "党组织全称", "XFD2": "x"})
    refused(run("import", path, "--out", tmp_path / "o.toml"), path, "column XFD", "LIANXUE_MAX_COLUMNS")


def test_a_declared_dimension_past_the_limits(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "dim.xlsx", {"A1": "党组织全称", "A2": "某党支部"})
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', sheet)
    _rewrite(path, {"xl/worksheets/sheet1.xml": sheet})
    refused(run("import", path, "--out", tmp_path / "o.toml"), path, "LIANXUE_MAX_ROWS")


def test_cells_without_positions_are_counted(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "implicit.xlsx", {"A1": "党组织全称", "A2": "某党支部"})
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    row = b'<row r="3">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 2000 + b"</row>"
    sheet = sheet.replace(b"</sheetData>", row + b"</sheetData>")
    _rewrite(path, {"xl/worksheets/sheet1.xml": sheet})
    refused(run("import", path, "--out", tmp_path / "o.toml"), path, "columns): more than 1000", "LIANXUE_MAX_COLUMNS")


def test_a_far_cell_in_prefixed_markup(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "prefixed.xlsx", {"A1": "党组织全称"})
    ns = b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (
        b"<x:worksheet " + ns + b'><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>'
    )
    sheet += b'<x:c x:r="B1" r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    _rewrite(path, {"xl/worksheets/sheet1.xml": sheet})
    refused(run("import", path, "--out", tmp_path / "o.toml"), path, "LIANXUE_MAX_ROWS")


def test_a_workbook_with_a_large_chart_is_read(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "chart.xlsx", {"A1": "党组织名称", "B1": "组织类别", "A2": "某党支部", "B2": "631"})
    points = b"".join(b'<c:pt idx="%d"><c:v>%d</c:v></c:pt>' % (n, n) for n in range(5000))
    chart = (
        b'<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart">' + points + b"</c:chartSpace>"
    )
    _rewrite(path, {}, add={"xl/charts/chart1.xml": chart})  # chart elements are not cells
    result = run("import", path, "--out", tmp_path / "o.toml")
    assert result.code == 0, result.err


def test_a_sheet_that_expands_past_the_limit(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "bomb.xlsx", {"A1": "党组织全称", "A2": "某党支部"})
    block = b" " * (1 << 20)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as book,
        book.open("xl/padding.xml", "w", force_zip64=True) as part,  # 600 MiB of spaces in a few MiB
    ):
        for _ in range(600):
            part.write(block)
    assert path.stat().st_size < 8 << 20
    refused(run("import", path, "--out", tmp_path / "o.toml"), path, "expands to", "LIANXUE_MAX_ROSTER_EXPANDED_BYTES")


def test_a_zip_whose_directory_lies_about_a_size(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "lie.xlsx", {"A1": "党组织全称", "A2": "某党支部"})
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")  # the last entry of the central directory: make its size 1 byte
    data[central + 24 : central + 28] = (1).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    result = run("import", path, "--out", tmp_path / "o.toml")
    refused(result, path)


def test_a_long_cell_in_an_xlsx(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "long.xlsx", {"A1": "党组织全称", "A2": "某" * 32_000, "B2": "x"})
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(
        b"</sheetData>",
        b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + b"a" * 40_000 + b"</t></is></c></row></sheetData>",
    )
    _rewrite(path, {"xl/worksheets/sheet1.xml": sheet})
    refused(
        run("import", path, "--out", tmp_path / "o.toml"), path, "more than 32767 characters", "LIANXUE_MAX_CELL_CHARS"
    )


def test_one_long_shared_string_shown_in_many_cells(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "shared.xlsx", {"A1": "党组织全称"})
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    cells = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>1</v></c></row>' % (n, n) for n in range(2, 30_002))
    sheet = b"<worksheet " + ns + b'><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    sheet += cells + b"</sheetData></worksheet>"
    strings = b"<sst " + ns + b"><si><t>\xe5\x85\x9a\xe7\xbb\x84\xe7\xbb\x87\xe5\x85\xa8\xe7\xa7\xb0</t></si>"
    strings += b"<si><t>" + "学".encode() * 30_000 + b"</t></si></sst>"  # stored once, read as 30,000 strings
    book = zipfile.ZipFile(path)
    rels = book.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Target="sharedStrings.xml" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    types = book.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    book.close()
    _rewrite(
        path,
        {"xl/worksheets/sheet1.xml": sheet, "xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types},
        add={"xl/sharedStrings.xml": strings},
    )
    assert path.stat().st_size < 1 << 20
    refused(
        run("import", path, "--out", tmp_path / "o.toml"),
        path,
        "of text once expanded",
        "LIANXUE_MAX_ROSTER_TEXT_BYTES",
    )


def test_two_cells_far_apart_in_a_legacy_xls(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("党组织")
    sheet.write(0, 0, "党组织全称")
    sheet.write(65535, 255, "x")
    path = tmp_path / "far.xls"
    book.save(str(path))
    refused(run("import", path, "--out", tmp_path / "o.toml"), path, "65536 rows × 256 columns", "LIANXUE_MAX_CELLS")


def _ods(path: Path, rows: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="党组织">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return path


def _cell(text: str, repeat: int = 0) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat else ""
    return f'<table:table-cell office:value-type="string"{times}><text:p>{text}</text:p></table:table-cell>'


def _row(cells: str, repeat: int = 0) -> str:
    times = f' table:number-rows-repeated="{repeat}"' if repeat else ""
    return f"<table:table-row{times}>{cells}</table:table-row>"


def _empty(repeat: int) -> str:
    return f'<table:table-cell table:number-columns-repeated="{repeat}"/>'


def _number(repeat: int) -> str:
    return f'<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="{repeat}"/>'


def test_an_ods_with_the_usual_filler_is_read(tmp_path: Path) -> None:
    rows = _row(_cell("党组织全称") + _cell("组织类别")) + _row(_cell("某党支部") + _cell("631"))
    path = _ods(tmp_path / "ok.ods", rows + _row(_empty(1024), repeat=1048574))
    result = run("import", path, "--out", tmp_path / "o.toml")
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    ("rows", "needle"),
    [
        (_row(_empty(9), repeat=2_000_000) + _row(_cell("x")), "LIANXUE_MAX_ROWS"),
        (_row(_number(1000), repeat=100_000), "LIANXUE_MAX_CELLS"),
        (_row(_cell("x", repeat=16384)), "LIANXUE_MAX_COLUMNS"),
        (_row(_cell("学" * 30_000, repeat=1000), repeat=10), "LIANXUE_MAX_ROSTER_TEXT_BYTES"),
    ],
    ids=["rows", "cells", "columns", "text"],
)
def test_repeated_rows_and_columns_in_an_ods(tmp_path: Path, rows: str, needle: str) -> None:
    path = _ods(tmp_path / "far.ods", _row(_cell("党组织全称")) + rows)
    refused(run("import", path, "--out", tmp_path / "o.toml"), path, needle)


def test_a_long_csv_field(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("党组织名称,组织类别\n" + "某" * 40_000 + ",631\n", encoding="utf-8")
    refused(run("import", path, "--out", tmp_path / "o.toml"), path, "LIANXUE_MAX_CELL_CHARS")


def test_a_roster_of_one_endless_line(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("党组织名称" + ",x" * 2_000_000, encoding="utf-8")
    refused(run("import", path, "--out", tmp_path / "o.toml"), path, "LIANXUE_MAX_COLUMNS")


def test_too_many_roster_rows(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("党组织名称,组织类别\n" + "某党支部,631\n" * 200, encoding="utf-8")
    result = run("import", path, "--out", tmp_path / "o.toml", env={"LIANXUE_MAX_ROWS": "100"})
    refused(result, path, "more than 100 rows")


def test_garbage_that_starts_like_a_workbook(tmp_path: Path) -> None:
    for name, head in (("zip.xlsx", b"PK\x03\x04"), ("ole.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        path = tmp_path / name
        path.write_bytes(head + os.urandom(5000))
        refused(run("import", path, "--out", tmp_path / "o.toml"), path, "not a spreadsheet")


# -- clean text out ---------------------------------------------------------------------------------------------------


def test_for_terminal_escapes_every_control() -> None:
    hostile = "党\x1b[2J\x07\x00\r\n\t\x7f\x85\x9b\u2028\u2029\u202e\u2066x"
    shown = for_terminal(hostile)
    assert shown == "党\\x1b[2J\\x07\\x00\\r\\n\\t\\x7f\\x85\\x9b\\u2028\\u2029\\u202e\\u2066x"
    assert shown.isprintable()
    assert for_terminal("新市镇党委 Xinshi") == "新市镇党委 Xinshi"
    assert clip("a" * 1000, 10) == "aaaaaaaaaa… (1000 characters)"


def test_a_sheet_name_with_escapes_is_shown_escaped(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "esc.xlsx", {"A1": "党组织全称", "B1": "组织类别", "A2": "某党支部", "B2": "没有这种类别"})
    workbook = zipfile.ZipFile(path).read("xl/workbook.xml").replace("党组织".encode(), "党组织&#27;[31m&#7;".encode())
    _rewrite(path, {"xl/workbook.xml": workbook})
    result = run("import", path, "--out", tmp_path / "o.toml")
    assert "\x1b" not in result.err
    assert "\x07" not in result.err
    assert "\x1b" not in result.out
    if result.code == 2:
        assert all(p.startswith(f"{path}: ") for p in result.problems)


def test_a_roster_file_name_cannot_inject_into_the_written_file(tmp_path: Path) -> None:
    path = tmp_path / 'orgs\n[[org]]\nid = "evil"\nname = "x"\n#.csv'
    path.write_text("党组织名称,组织类别,单位类别,单位隶属关系\n某村党支部,631,建制村,村\n", encoding="utf-8")
    out = tmp_path / "o.toml"
    result = run("import", path, "--out", out, "--track", "某村党支部=village")
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    assert "evil" not in [line.split("=")[-1].strip().strip('"') for line in text.splitlines() if line.startswith("id")]
    assert "\\n[[org]]" in text.splitlines()[0]


def test_names_with_escapes_stay_in_their_strings(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text(
        '党组织名称,组织类别,单位类别,单位隶属关系\n"某村\x1b[31m党支部\n[[org]]",631,建制村,村\n', encoding="utf-8"
    )
    out = tmp_path / "o.toml"
    result = run("import", path, "--out", out)
    assert "\x1b" not in result.err
    if out.exists():
        text = out.read_text(encoding="utf-8")
        assert "\x1b" not in text
        assert sum(1 for line in text.splitlines() if line == "[[org]]") == 1


def test_limits_listed_in_the_docs_are_the_defaults() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "limits.md").read_text(encoding="utf-8")
    for field in limits.Limits.__attrs_attrs__:
        assert limits.env_name(field.name) in doc, field.name
