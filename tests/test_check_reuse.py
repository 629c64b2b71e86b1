"""A check against a plan made once (a report per supervisor): the same findings as planning inside the check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lianxue_core import InputError, PluginHost, check_records, example_path, load_county, plan_year
from lianxue_core.app import obligations_of

RECORDS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "records.csv"


def test_a_plan_made_once_gives_the_same_reports() -> None:
    host = PluginHost()
    tree = load_county(example_path(), host)
    obligations = obligations_of(tree, host, 2026)
    plan = plan_year(tree, host, 2026, obligations=obligations)
    as_of = dt.date(2026, 9, 30)
    for supervisor in (None, "xinshi"):
        alone = check_records(tree, host, [RECORDS], as_of=as_of, supervisor=supervisor)
        shared = check_records(
            tree, host, [RECORDS], as_of=as_of, supervisor=supervisor, obligations=obligations, plan=plan
        )
        assert shared.json() == alone.json()
    with pytest.raises(InputError, match="the plan given is of 2026, not of 2025"):
        check_records(tree, host, [RECORDS], as_of=dt.date(2025, 9, 30), plan=plan)
