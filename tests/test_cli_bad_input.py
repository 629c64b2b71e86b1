"""Bad input found by trying every command as a new user: one clear line, exit code 2, nothing half written."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from lianxue_core import example_path
from lianxue_core.cli import main

EXAMPLE = str(example_path())
RECORDS = str(Path(__file__).resolve().parents[1] / "docs" / "examples" / "records.csv")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("year", ["0", "-1", "1899", "2100", "99999"])
def test_a_year_out_of_range_is_bad_input(year: str, tmp_path: Path) -> None:
    code, _, err = run("plan", EXAMPLE, "--year", year)
    assert code == 2
    assert err.strip() == f"lianxue: error: --year: {int(year)} is not a year between 1901 and 2099"
    code, _, err = run("calendar", EXAMPLE, "--year", year, "--out", str(tmp_path / "out"))
    assert code == 2
    assert not (tmp_path / "out").exists()


def test_check_as_of_out_of_range() -> None:
    code, _, err = run("check", EXAMPLE, "--records", RECORDS, "--as-of", "9999-12-31")
    assert code == 2
    assert "--as-of: 9999 is not a year between 1901 and 2099" in err


def test_publish_user_without_password_file() -> None:
    code, _, err = run("publish", EXAMPLE, "--year", "2026", "--url", "http://127.0.0.1:9/", "--user", "u")
    assert code == 2
    assert err.strip() == (
        "lianxue: error: --user: needs --password-file (the password is never taken on the command line)"
    )


def test_ics_records_with_a_broken_date_and_empty_ics(tmp_path: Path) -> None:
    bad = tmp_path / "r.ics"
    bad.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n"
        b"UID:shangbai.village.monthly-study.2026-02@lianxue\r\nDTSTART:2026XX01\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    code, _, err = run("check", EXAMPLE, "--records", str(bad), "--year", "2026")
    assert code == 2
    assert "r.ics: line 4" in err
    assert "'2026XX01' is not a date or date-time" in err
    empty = tmp_path / "empty.ics"
    empty.write_bytes(b"")
    code, _, err = run("check", EXAMPLE, "--records", str(empty), "--year", "2026")
    assert code == 2
    assert "not an iCalendar file" in err


def test_check_never_renames_over_a_device(tmp_path: Path) -> None:
    code, _, err = run("check", EXAMPLE, "--records", RECORDS, "--format", "html", "--out", "/dev/null")
    assert code == 2
    assert "/dev/null: exists and is not a regular file" in err
    assert Path("/dev/null").is_char_device()


def test_validate_json_says_invalid(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[org]]\nid = "a"\n', encoding="utf-8")
    code, out, err = run("validate", str(bad), "--format", "json")
    assert code == 2
    doc = json.loads(out)
    assert doc["valid"] is False
    assert doc["problems"] == [
        {"file": str(bad), "subject": 'org "a" (line 1)', "key": "name", "message": "is required"}
    ]
    assert "key 'name': is required" in err


def test_counts_and_ids_have_sane_limits(tmp_path: Path) -> None:
    bad = tmp_path / "big.toml"
    long_id = "a" * 300
    bad.write_text(
        f'[[org]]\nid = "x"\nname = "X"\nmembers = 1000000000\n\n[[org]]\nid = "{long_id}"\nname = "Y"\n',
        encoding="utf-8",
    )
    code, _, err = run("validate", str(bad))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert "key 'members': 1000000000 is more than one organization can have (at most 100000)" in lines[0]
    assert "is 300 characters long; an id has at most 64" in lines[1]


def test_a_holiday_range_outside_its_year_is_one_line(tmp_path: Path) -> None:
    holidays = tmp_path / "h.toml"
    holidays.write_text('[[year]]\nyear = 2027\nholidays = ["0001-01-01..9999-12-31"]\n', encoding="utf-8")
    code, _, err = run("plan", EXAMPLE, "--year", "2027", "--holidays", str(holidays))
    assert code == 2
    assert err.strip().splitlines() == [
        f"lianxue: error: {holidays}: year 2027: key 'holidays': '0001-01-01..9999-12-31' is not within 2027"
    ]


def test_plugin_new_refuses_a_taken_name(tmp_path: Path) -> None:
    code, _, err = run("plugin", "new", "organs", "--dir", str(tmp_path / "p"))
    assert code == 2
    assert "already a track or plugin name" in err
    assert not (tmp_path / "p").exists()


class _ClosedPipe(io.StringIO):
    """A stdout whose reader went away after the first line (``lianxue run | head -1``)."""

    def write(self, text: str) -> int:
        if self.getvalue().count("\n") >= 1:
            raise BrokenPipeError
        return super().write(text)


def test_run_into_a_closed_pipe_still_writes_the_calendars(tmp_path: Path) -> None:
    out_dir = tmp_path / "cal"
    code = main(["run", "--year", "2026", "--out", str(out_dir)], stdout=_ClosedPipe(), stderr=io.StringIO())
    assert code == 0
    assert len(list(out_dir.glob("*.ics"))) > 100


@pytest.mark.parametrize("command", ["calendar", "run"])
def test_out_naming_a_file_is_said_before_any_work(command: str, tmp_path: Path) -> None:
    mine = tmp_path / "notes.txt"
    mine.write_text("mine", encoding="utf-8")
    code, out, err = run(command, EXAMPLE, "--year", "2026", "--out", str(mine))
    assert code == 2
    assert err.strip() == (
        f"lianxue: error: {mine}: key '--out': is a file, not a folder: --out names the folder the feeds go into"
    )
    assert out == ""
    assert mine.read_text(encoding="utf-8") == "mine"


def test_jobs_past_the_cores_is_said_and_capped() -> None:
    # --jobs 100000 would start a process per shard (each holding the tree): at most one per core, said once
    from lianxue_core.app import cores as cores_of

    code, out, err = run("plan", EXAMPLE, "--year", "2026", "--jobs", "100000")
    assert code == 0
    assert "宋市村党支部" in out
    cores = cores_of()
    assert err.strip().splitlines()[0] == (
        f"lianxue: warning: --jobs 100000: this machine has {cores} cores, "
        "and lianxue starts at most one process per core"
    )


@pytest.mark.parametrize("jobs", ["0", "-2"])
def test_jobs_below_one(jobs: str) -> None:
    code, _, err = run("plan", EXAMPLE, "--year", "2026", "--jobs", jobs)
    assert code == 2
    assert err.strip() == f"lianxue: error: --jobs: must be at least 1 (got {jobs})"


def test_control_characters_in_names_are_shown_not_obeyed(tmp_path: Path) -> None:
    """An organization named with ESC and BEL: plan, run, validate and the Markdown plan show them escaped."""
    path = tmp_path / "esc.toml"
    path.write_text('[[org]]\nid = "bad"\nname = "坏\\u001b[31m名\\u0007"\ntrack = "village"\n', encoding="utf-8")
    outputs = [
        run("validate", str(path)),
        run("plan", str(path), "--year", "2026"),
        run("plan", str(path), "--year", "2026", "--format", "markdown"),
        run("run", str(path), "--year", "2026", "--out", str(tmp_path / "cal")),
    ]
    for code, out, err in outputs:
        assert code == 0, err
        assert "\x1b" not in out + err
        assert "\x07" not in out + err
    assert "坏\\x1b[31m名\\x07" in outputs[1][1]
    # a Word document cannot hold control characters at all: they are written escaped, not refused
    code, _, err = run("plan", str(path), "--year", "2026", "--format", "docx", "--out", str(tmp_path / "docx"))
    assert code == 0, err
    import docx

    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "docx" / "bad.docx")).paragraphs)
    assert "坏\\x1b[31m名\\x07" in text
    records = tmp_path / "records.csv"
    records.write_text(
        'org,obligation,date,topic\nbad,village.monthly-study,2026-01-09,"学\x1b[31m习\x07"\n', encoding="utf-8"
    )
    for fmt in ("table", "html"):
        code, out, err = run("check", str(path), "--records", str(records), "--as-of", "2026-12-31", "--format", fmt)
        assert code == 1, err
        assert "\x1b" not in out + err
        assert "\x07" not in out + err
    code, _, err = run("validate", str(tmp_path / "no\x1bsuch.toml"))
    assert code == 2
    assert "no\\x1bsuch.toml" in err
    assert "\x1b" not in err


def test_a_bad_url_never_prints_its_password() -> None:
    code, out, err = run("publish", EXAMPLE, "--url", "ftp://u:secret@h/")
    assert code == 2
    assert "secret" not in out + err
    assert err.startswith("lianxue: error: ftp://u:***@h/")
