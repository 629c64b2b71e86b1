"""`--format json` on the commands that print a summary (run, calendar): one JSON document, the same facts as
the table, and the documented keys (docs/cli-json.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from lianxue_core import example_path
from lianxue_core.cli import main

DOCS = Path(__file__).parents[1] / "docs" / "cli-json.md"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_run_as_json_says_what_the_table_says(tmp_path: Path) -> None:
    code, text, _ = run("run", "--year", "2026", "--out", str(tmp_path / "a"))
    assert code == 0
    code, out, err = run("run", "--year", "2026", "--out", str(tmp_path / "b"), "--format", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["organizations"] == 116
    assert f"{doc['activities']} activities planned (and {doc['parts']} members' parts" in text
    assert f"{doc['unplaced']} unplaced, {doc['combined']} combined" in text
    assert f"{doc['guidance']} guidance items" in text
    assert len(doc["per_org"]) == 116
    assert sum(o["activities"] for o in doc["per_org"]) == doc["activities"]
    assert sum(r["count"] for r in doc["unplaced_reasons"]) == doc["unplaced"]
    ics = sorted(p.relative_to(tmp_path / "b").as_posix() for p in (tmp_path / "b").rglob("*.ics"))
    assert sorted(f["path"] for f in doc["feeds"]["feeds"]) == ics
    assert doc["feeds"]["calendars"] == len(ics)


def test_calendar_as_json(tmp_path: Path) -> None:
    argv = ["calendar", str(example_path()), "--year", "2026", "--out", str(tmp_path), "--format", "json"]
    code, out, _ = run(*argv)
    assert code == 0
    doc = json.loads(out)
    assert (doc["year"], doc["provisional"], doc["calendars"]) == (2026, False, 116)
    assert doc["events"] == sum(f["events"] for f in doc["feeds"])
    assert doc["changed"] == doc["events"]  # all new
    code, out, _ = run(*argv)
    assert json.loads(out)["changed"] == 0  # the same plan again: nothing changed


def test_the_docs_name_every_key(tmp_path: Path) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    _, out, _ = run("run", "--year", "2026", "--out", str(tmp_path), "--format", "json")
    doc = json.loads(out)
    for key in [*doc, *doc["per_org"][0], *doc["feeds"], *doc["feeds"]["feeds"][0]]:
        assert f"`{key}`" in docs, key
