"""The public API: the names plugin authors may use, and a plugin written with them alone, end to end."""

from __future__ import annotations

import datetime as dt
import itertools
import types
from pathlib import Path

import lianxue_core
from lianxue_core import (
    ActivityKind,
    Audience,
    Cadence,
    CadenceKind,
    Finding,
    FindingStatus,
    Obligation,
    Organization,
    OrganizationTree,
    PluginHost,
    Record,
    Source,
    Track,
    applicable,
    hookimpl,
    loads,
    plan_year,
)

#: A change to this list is a CHANGELOG entry and a change to docs/api.md.
PUBLIC = [
    "ENTRY_POINT_GROUP",
    "ActivityKind",
    "Audience",
    "Cadence",
    "CadenceKind",
    "Finding",
    "FindingStatus",
    "InputError",
    "LianxueError",
    "Member",
    "MemberFlag",
    "MemberRole",
    "Obligation",
    "Occurrence",
    "OptionKind",
    "OptionSchema",
    "OptionSpec",
    "OrgKind",
    "Organization",
    "OrganizationTree",
    "Plan",
    "PluginConflictError",
    "PluginError",
    "PluginHost",
    "PluginInfo",
    "Problem",
    "Record",
    "Source",
    "Track",
    "WorkdayCalendar",
    "__version__",
    "applicable",
    "dumps",
    "example_path",
    "hookimpl",
    "load",
    "loads",
    "plan_year",
    "CheckOutcome",
    "check_records",
    "feed",
    "feeds",
    "load_county",
    "obligations_of",
    "workday_calendar",
]

API_DOC = Path(__file__).parents[1] / "docs" / "api.md"


def test_the_public_names() -> None:
    assert sorted(lianxue_core.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert hasattr(lianxue_core, name), name


def test_every_public_name_is_documented() -> None:
    text = API_DOC.read_text(encoding="utf-8")
    for name in PUBLIC:
        assert f"`{name}" in text, name


def _plugin() -> types.ModuleType:
    plugin = types.ModuleType("api_probe")
    track = Track(key="probe", name="探针")
    study = Obligation(
        id="probe.study",
        track="probe",
        title="季度学习",
        kind=ActivityKind.STUDY,
        cadence=Cadence.quarterly(),
        source=Source(document="测试文件", section="一、", quote="每季度学习一次。"),
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
    )

    @hookimpl
    def lianxue_tracks() -> list[Track]:
        return [track]

    @hookimpl
    def lianxue_catalogue() -> list[Obligation]:
        return [study]

    @hookimpl
    def lianxue_obligations(organization: Organization) -> list[Obligation]:
        return applicable([study], organization)

    @hookimpl
    def lianxue_findings(organization: Organization, year: int, records: list[Record]) -> list[Finding]:
        if organization.track == "probe" and not records:
            return [Finding(organization.id, "probe.study", str(year), FindingStatus.MISSING, "全年未学习")]
        return []

    for fn in (lianxue_tracks, lianxue_catalogue, lianxue_obligations, lianxue_findings):
        setattr(plugin, fn.__name__, fn)
    return plugin


ORGFILE = """
[[org]]
id = "b1"
name = "测试党支部"
track = "probe"

[[member]]
id = "m1"
name = "张三"
org = "b1"
roles = ["secretary"]
"""


def test_a_plugin_from_public_names_end_to_end() -> None:
    host = PluginHost(autoload=False, environ={}, plugins=[("probe", _plugin())])
    tree: OrganizationTree = loads(ORGFILE, tracks=host.tracks())
    assert [o.id for o in host.obligations_for(tree["b1"], tree, 2026)] == ["probe.study"]
    plan = plan_year(tree, host, 2026)
    assert [o.period for o in plan.for_org("b1")] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert all(o.people == ("m1",) for o in plan.occurrences)
    (finding,) = host.findings(tree["b1"], tree, 2026, dt.date(2027, 1, 1), plan.occurrences, [])
    assert finding.status is FindingStatus.MISSING
    assert CadenceKind("quarterly") is CadenceKind.QUARTERLY


def test_people_field_books_the_named_members() -> None:
    """An obligation's ``people`` adds members outside its audiences (the devzone inspector)."""
    visit = Obligation(
        id="probe.visit",
        track="probe",
        title="督查",
        kind=ActivityKind.VISIT,
        cadence=Cadence.quarterly(),
        source=Source(document="测试文件", section="二、", quote="落实专人负责。"),
        leads=Audience.SUPERVISOR,
        attends=Audience.ORGANIZATION,
        people=("m1",),
    )
    plugin = types.ModuleType("api_people")
    plugin.lianxue_tracks = hookimpl(lambda: [Track(key="probe", name="探针")])  # type: ignore[attr-defined]
    plugin.lianxue_catalogue = hookimpl(lambda: [visit])  # type: ignore[attr-defined]
    host = PluginHost(autoload=False, environ={}, plugins=[("probe", plugin)])
    tree = loads(ORGFILE + '[[org]]\nid = "b2"\nname = "另一党支部"\ntrack = "probe"\n', tracks=host.tracks())
    plan = plan_year(tree, host, 2026)
    assert {o.people for o in plan.occurrences} == {("m1",)}
    timed = sorted((o.start, o.end) for o in plan.occurrences)
    assert all(end <= start for (_, end), (start, _) in itertools.pairwise(timed))
