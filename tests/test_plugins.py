"""The plugin host: loading from the ``lianxue`` entry-point group, the typed facade, and errors that
name the plugin and its distribution. Every test builds its own host; none depends on the built-in
tracks (they are blocked, or autoloading is off)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import icalendar
import pytest

from conftest import InstallDist
from lianxue_core import (
    ActivityKind,
    Cadence,
    Finding,
    FindingStatus,
    Obligation,
    Occurrence,
    OptionKind,
    OptionSpec,
    Organization,
    PluginConflictError,
    PluginError,
    PluginHost,
    Source,
    Track,
    WorkdayCalendar,
    hookimpl,
)
from lianxue_core.plugins import CORE_PLUGIN, HOOKS, implementation_problems
from lianxue_core.testing import TreeBuilder
from plugin_fixtures import devzone, track_plugin_source

YEAR = 2026
SOURCE = Source(document="测试〔2026〕1号", section="一、测试", quote="每月一次。")


def host(*plugins: tuple[str, object]) -> PluginHost:
    return PluginHost(autoload=False, plugins=plugins, environ={})


def obligation(id: str, track: str = "devzone", **kw: Any) -> Obligation:
    return Obligation(
        id=id, track=track, title=f"义务{id}", kind=ActivityKind.MEETING, cadence=Cadence.monthly(), source=SOURCE, **kw
    )


TREE = (
    TreeBuilder()
    .org("kaifaqu", "开发区党工委", kind="working-committee", track="devzone")
    .org("qiye", "某企业党支部", track="devzone", parent="kaifaqu", members=12)
    .build()
)
OCCURRENCE = Occurrence(
    org="qiye",
    obligation="devzone.study",
    period="2026-03",
    start=dt.date(2026, 3, 2),
    end=dt.date(2026, 3, 2),
    title="集中学习",
)


def event() -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("uid", "qiye/devzone.study/2026-03@lianxue")
    ev.add("summary", "集中学习")
    return ev


class Recorder:
    """Records, in a shared list, each hook call it receives."""

    def __init__(self, name: str, calls: list[tuple[str, str]]) -> None:
        self.name = name
        self.calls = calls

    @hookimpl
    def lianxue_adjust_event(self, event: icalendar.Event) -> None:
        self.calls.append(("lianxue_adjust_event", self.name))
        event.add("categories", self.name)

    @hookimpl
    def lianxue_findings(self, organization: Organization, year: int) -> list[Finding]:
        self.calls.append(("lianxue_findings", self.name))
        return [Finding(organization.id, f"x.{self.name}", str(year), FindingStatus.MISSING, self.name)]


# -- a fresh host, no global state ---------------------------------------------------------------


def test_host_without_autoload_has_only_the_core() -> None:
    assert [p.name for p in host().plugins()] == [CORE_PLUGIN]
    assert host().tracks() == {}
    assert host().catalogue() == ()


def test_hosts_share_nothing() -> None:
    first = host(("devzone", devzone))
    second = host()
    assert "devzone" in first.tracks()
    assert second.tracks() == {}
    second.register(devzone, "devzone")  # the same module, again, in another host
    assert first.tracks().keys() == second.tracks().keys()


def test_register_after_check_refreshes_the_index() -> None:
    h = host()
    assert h.tracks() == {}
    h.register(devzone, "devzone")
    assert list(h.tracks()) == ["devzone"]


# -- discovery through the entry-point group -------------------------------------------------------


def test_temporary_distribution_is_discovered(install_dist: InstallDist, plugin_env: dict[str, str]) -> None:
    install_dist(
        "lianxue-zone",
        "1.2.0",
        {"zone": "lxt_zone"},
        {"lxt_zone": track_plugin_source("zone", ["zone.forum", "zone.study"])},
    )
    h = PluginHost(environ=plugin_env)
    info = {p.name: p for p in h.plugins()}
    assert set(info) == {CORE_PLUGIN, "zone"}
    assert info["zone"].distribution == "lianxue-zone"
    assert info["zone"].version == "1.2.0"
    assert info["zone"].module == "lxt_zone"
    assert info["zone"].tracks == ("zone",)
    assert info["zone"].obligations == 2
    assert info["zone"].hooks == ("lianxue_catalogue", "lianxue_tracks")
    assert [o.id for o in h.catalogue("zone")] == ["zone.forum", "zone.study"]
    assert h.provider_of("zone.forum") == "zone"


def _zone(install_dist: InstallDist) -> None:
    install_dist("lianxue-zone", "1.0", {"zone": "lxt_zone"}, {"lxt_zone": track_plugin_source("zone", ["zone.a"])})


def _names(h: PluginHost) -> list[str]:
    return [p.name for p in h.plugins()]


@pytest.mark.parametrize("value", ["1", "yes", "0"])
def test_disable_autoload_env(install_dist: InstallDist, value: str) -> None:
    _zone(install_dist)
    assert _names(PluginHost(environ={"LIANXUE_DISABLE_PLUGIN_AUTOLOAD": value})) == [CORE_PLUGIN]


def test_disable_autoload_env_empty_value_keeps_autoload(install_dist: InstallDist, plugin_env: dict[str, str]) -> None:
    _zone(install_dist)
    assert "zone" in _names(PluginHost(environ={**plugin_env, "LIANXUE_DISABLE_PLUGIN_AUTOLOAD": ""}))


def test_disabled_autoload_loads_only_lianxue_plugins(install_dist: InstallDist) -> None:
    _zone(install_dist)
    install_dist("lianxue-other", "1.0", {"other": "lxt_other"}, {"lxt_other": track_plugin_source("other")})
    env = {"LIANXUE_DISABLE_PLUGIN_AUTOLOAD": "1", "LIANXUE_PLUGINS": "zone"}
    assert _names(PluginHost(environ=env)) == [CORE_PLUGIN, "zone"]
    assert _names(PluginHost(autoload=False, environ={"LIANXUE_PLUGINS": "zone, other"})) == [
        CORE_PLUGIN,
        "other",
        "zone",
    ]


def test_lianxue_plugins_naming_nothing_installed_is_an_error() -> None:
    with pytest.raises(PluginError, match='plugin "nosuch": LIANXUE_PLUGINS names it') as info:
        PluginHost(environ={"LIANXUE_DISABLE_PLUGIN_AUTOLOAD": "1", "LIANXUE_PLUGINS": "nosuch"})
    assert info.value.plugin == "nosuch"


def test_block_list_from_env_and_argument(install_dist: InstallDist, plugin_env: dict[str, str]) -> None:
    _zone(install_dist)
    install_dist("lianxue-other", "1.0", {"other": "lxt_other"}, {"lxt_other": track_plugin_source("other")})
    assert _names(PluginHost(environ=plugin_env)) == [CORE_PLUGIN, "other", "zone"]
    env = {"LIANXUE_BLOCK_PLUGINS": plugin_env["LIANXUE_BLOCK_PLUGINS"] + ",zone"}
    assert _names(PluginHost(environ=env)) == [CORE_PLUGIN, "other"]
    assert _names(PluginHost(environ=plugin_env, blocked=["other"])) == [CORE_PLUGIN, "zone"]
    # a blocked plugin is not even imported, so a broken one does no harm
    install_dist("lianxue-broken", "1.0", {"broken": "lxt_broken"}, {"lxt_broken": "import no_such_module\n"})
    assert "broken" not in _names(PluginHost(environ=plugin_env, blocked=["broken"]))
    assert "lxt_broken" not in sys.modules


def test_block_list_wins_over_lianxue_plugins(install_dist: InstallDist) -> None:
    _zone(install_dist)
    env = {"LIANXUE_DISABLE_PLUGIN_AUTOLOAD": "1", "LIANXUE_PLUGINS": "zone", "LIANXUE_BLOCK_PLUGINS": "zone"}
    assert _names(PluginHost(environ=env)) == [CORE_PLUGIN]


# -- failures name the plugin and its distribution --------------------------------------------------


def test_entry_point_that_fails_to_import(install_dist: InstallDist, plugin_env: dict[str, str]) -> None:
    install_dist("lianxue-broken", "0.3", {"broken": "lxt_broken"}, {"lxt_broken": "import no_such_module_xyz\n"})
    with pytest.raises(PluginError) as info:
        PluginHost(environ=plugin_env)
    assert str(info.value) == (
        "plugin \"broken\" (from lianxue-broken 0.3): error importing 'lxt_broken': "
        "ModuleNotFoundError: No module named 'no_such_module_xyz'"
    )
    assert info.value.plugin == "broken"
    assert info.value.distribution == "lianxue-broken 0.3"
    assert isinstance(info.value.__cause__, ImportError)


def test_entry_point_naming_a_missing_attribute(install_dist: InstallDist, plugin_env: dict[str, str]) -> None:
    install_dist("lianxue-typo", "1.0", {"typo": "lxt_typo:plugin"}, {"lxt_typo": "x = 1\n"})
    with pytest.raises(
        PluginError, match=r"plugin \"typo\" \(from lianxue-typo 1.0\): error importing 'lxt_typo:plugin'"
    ):
        PluginHost(environ=plugin_env)


def test_hook_that_raises_names_plugin_and_distribution(install_dist: InstallDist, plugin_env: dict[str, str]) -> None:
    source = """
    from lianxue_core import hookimpl

    @hookimpl
    def lianxue_tracks():
        raise KeyError("village")
    """
    install_dist("lianxue-raising", "2.0", {"raising": "lxt_raising"}, {"lxt_raising": source})
    h = PluginHost(environ=plugin_env)
    with pytest.raises(PluginError) as info:
        h.check()
    assert str(info.value) == (
        "plugin \"raising\" (from lianxue-raising 2.0): hook lianxue_tracks raised KeyError: 'village'"
    )
    assert isinstance(info.value.__cause__, KeyError)


def test_multi_line_exception_becomes_one_line() -> None:
    class Raising:
        @hookimpl
        def lianxue_catalogue(self) -> None:
            raise ValueError("first line\n  second line\n")

    with pytest.raises(PluginError) as info:
        host(("raising", Raising())).check()
    assert str(info.value) == 'plugin "raising": hook lianxue_catalogue raised ValueError: first line; second line'


def _conflict_sources(kind: str) -> tuple[str, str]:
    if kind == "track":
        return track_plugin_source("zone", ["zone.a"]), track_plugin_source("zone", ["zone.b"])
    return track_plugin_source("zone", ["zone.forum"]), track_plugin_source(
        None, ["zone.forum"], obligation_track="zone"
    )


@pytest.mark.parametrize("kind", ["track", "obligation"])
@pytest.mark.parametrize("reverse", [False, True], ids=["a-first", "b-first"])
def test_conflict_names_both_plugins_and_distributions(
    install_dist: InstallDist, plugin_env: dict[str, str], tmp_path: Path, kind: str, reverse: bool
) -> None:
    first, second = _conflict_sources(kind)
    dists = [
        ("dist-a", "1.0", {"alpha": "lxt_alpha"}, {"lxt_alpha": first}, tmp_path / "a"),
        ("dist-b", "2.0", {"beta": "lxt_beta"}, {"lxt_beta": second}, tmp_path / "b"),
    ]
    for name, version, eps, modules, root in reversed(dists) if reverse else dists:
        install_dist(name, version, eps, modules, root=root)
    with pytest.raises(PluginConflictError) as info:
        PluginHost(environ=plugin_env).check()
    key = "'zone'" if kind == "track" else "'zone.forum'"
    assert str(info.value) == (
        f'plugin "beta" (from dist-b 2.0): {kind} {key} is also registered by plugin "alpha" (from dist-a 1.0)'
    )
    assert info.value.plugins == (("alpha", "dist-a 1.0"), ("beta", "dist-b 2.0"))
    assert isinstance(info.value, PluginError)


def test_same_entry_point_name_in_two_distributions(
    install_dist: InstallDist, plugin_env: dict[str, str], tmp_path: Path
) -> None:
    install_dist("dist-a", "1.0", {"zone": "lxt_za"}, {"lxt_za": track_plugin_source("za")}, root=tmp_path / "a")
    install_dist("dist-b", "1.0", {"zone": "lxt_zb"}, {"lxt_zb": track_plugin_source("zb")}, root=tmp_path / "b")
    with pytest.raises(PluginConflictError, match=r"entry-point name 'zone' is also registered by plugin \"zone\""):
        PluginHost(environ=plugin_env)


def test_same_track_twice_from_one_plugin() -> None:
    class Twice:
        @hookimpl
        def lianxue_tracks(self) -> list[Track]:
            return [Track(key="zone", name="一"), Track(key="zone", name="二")]

    with pytest.raises(PluginError, match="returned track 'zone' twice"):
        host(("twice", Twice())).check()


def test_implementation_with_arguments_the_spec_lacks() -> None:
    class BadSignature:
        @hookimpl
        def lianxue_obligations(self, organization: Organization, season: str) -> list[Obligation]:
            return []

    with pytest.raises(PluginError) as info:
        host(("badsig", BadSignature()))
    assert str(info.value) == (
        "plugin \"badsig\": lianxue_obligations(organization, season) has argument(s) 'season' that the "
        "specification lianxue_obligations(organization, tree, year) does not have"
    )


def test_bad_signature_from_a_distribution(install_dist: InstallDist, plugin_env: dict[str, str]) -> None:
    source = """
    from lianxue_core import hookimpl

    @hookimpl
    def lianxue_workdays(year, county):
        return None
    """
    install_dist("lianxue-badsig", "0.1", {"badsig": "lxt_badsig"}, {"lxt_badsig": source})
    with pytest.raises(
        PluginError, match=r'^plugin "badsig" \(from lianxue-badsig 0.1\): lianxue_workdays\(year, county\)'
    ):
        PluginHost(environ=plugin_env)


def test_implementation_of_an_unknown_hook(install_dist: InstallDist, plugin_env: dict[str, str]) -> None:
    source = """
    from lianxue_core import hookimpl

    @hookimpl
    def lianxue_track():
        return []
    """
    install_dist("lianxue-typo", "0.1", {"typo": "lxt_typo2"}, {"lxt_typo2": source})
    with pytest.raises(PluginError) as info:
        PluginHost(environ=plugin_env)
    message = str(info.value)
    assert message.startswith(
        "plugin \"typo\" (from lianxue-typo 0.1): lianxue_track implements unknown hook 'lianxue_track' "
        "(did you mean lianxue_tracks? known hooks: lianxue_adjust_event, "
    )
    assert "\n" not in message


def test_unknown_hook_by_specname() -> None:
    class Renamed:
        @hookimpl(specname="lianxue_calendar")
        def calendar(self) -> None:
            return None

    with pytest.raises(PluginError, match="calendar implements unknown hook 'lianxue_calendar'"):
        host(("renamed", Renamed()))


def test_hook_wrappers_are_refused() -> None:
    class Wrapper:
        @hookimpl(wrapper=True)
        def lianxue_findings(self) -> Any:
            return (yield)

    with pytest.raises(PluginError, match="lianxue_findings is a hook wrapper"):
        host(("wrapper", Wrapper()))


def test_every_problem_is_listed() -> None:
    class Bad:
        @hookimpl
        def lianxue_tracks(self, county: str) -> list[Track]:
            return []

        @hookimpl
        def lianxue_finding(self) -> list[Finding]:
            return []

    assert [p.split(" ")[0] for p in implementation_problems(Bad())] == ["lianxue_finding", "lianxue_tracks(county)"]
    assert implementation_problems(devzone) == []


def test_a_name_can_be_registered_once() -> None:
    h = host(("devzone", devzone))
    with pytest.raises(PluginError, match='plugin "devzone": the name is already taken by plugin "devzone"'):
        h.register(Recorder("x", []), "devzone")
    with pytest.raises(PluginError, match='plugin "lianxue-core": the name is already taken'):
        h.register(Recorder("x", []), CORE_PLUGIN)


def test_obligation_of_an_unregistered_track() -> None:
    class Orphan:
        @hookimpl
        def lianxue_catalogue(self) -> list[Obligation]:
            return [obligation("ghost.meeting", track="ghost")]

    with pytest.raises(PluginError, match=r"obligation 'ghost\.meeting' names track 'ghost', which no plugin"):
        host(("orphan", Orphan()), ("devzone", devzone)).check()


# -- wrong return types --------------------------------------------------------------------------------


class _Returns:
    """A plugin whose hooks return whatever the test asks for."""

    def __init__(self, hook: str, value: object) -> None:
        self.hook = hook
        self.value = value

    @hookimpl
    def lianxue_tracks(self) -> object:
        return self.value if self.hook == "lianxue_tracks" else []

    @hookimpl
    def lianxue_catalogue(self) -> object:
        return self.value if self.hook == "lianxue_catalogue" else []

    @hookimpl
    def lianxue_obligations(self) -> object:
        return self.value if self.hook == "lianxue_obligations" else []

    @hookimpl
    def lianxue_options(self) -> object:
        return self.value if self.hook == "lianxue_options" else []

    @hookimpl
    def lianxue_workdays(self) -> object:
        return self.value if self.hook == "lianxue_workdays" else None

    @hookimpl
    def lianxue_adjust_event(self) -> object:
        return self.value if self.hook == "lianxue_adjust_event" else None

    @hookimpl
    def lianxue_findings(self) -> object:
        return self.value if self.hook == "lianxue_findings" else []


def _call_facade(h: PluginHost, hook: str) -> object:
    org = TREE["qiye"]
    calls = {
        "lianxue_tracks": lambda: h.tracks(),
        "lianxue_catalogue": lambda: h.catalogue(),
        "lianxue_obligations": lambda: h.obligations_for(org, TREE, YEAR),
        "lianxue_workdays": lambda: h.workdays(YEAR),
        "lianxue_adjust_event": lambda: h.adjust_event(event(), OCCURRENCE, org),
        "lianxue_findings": lambda: h.findings(org, TREE, YEAR, dt.date(YEAR, 6, 30), [OCCURRENCE], []),
        "lianxue_points_rules": lambda: h.points_rules(org, TREE, YEAR),
        "lianxue_options": lambda: h.option_specs(),
    }
    return calls[hook]()


def _gen() -> Any:
    yield Track(key="zone", name="区")
    raise RuntimeError("generator broke")


@pytest.mark.parametrize(
    ("hook", "value", "message"),
    [
        ("lianxue_tracks", "zone", "hook lianxue_tracks returned str, expected a sequence"),
        ("lianxue_tracks", [{"key": "zone"}], "hook lianxue_tracks returned a dict, expected Track"),
        ("lianxue_tracks", 42, "hook lianxue_tracks returned int, expected a sequence"),
        ("lianxue_tracks", _gen(), "hook lianxue_tracks raised RuntimeError: generator broke"),
        (
            "lianxue_catalogue",
            [Track(key="zone", name="区")],
            "hook lianxue_catalogue returned a Track, expected Obligation",
        ),
        ("lianxue_obligations", ["devzone.forum"], "hook lianxue_obligations returned a str, expected Obligation"),
        (
            "lianxue_workdays",
            {"year": 2026},
            "hook lianxue_workdays returned {'year': 2026}, expected a WorkdayCalendar",
        ),
        ("lianxue_workdays", WorkdayCalendar(year=2025), "expected a WorkdayCalendar for 2026"),
        ("lianxue_adjust_event", icalendar.Event(), "hook lianxue_adjust_event returned a Event; it must change"),
        ("lianxue_findings", [("qiye", "missing")], "hook lianxue_findings returned a tuple, expected Finding"),
        ("lianxue_options", [{"name": "x"}], "hook lianxue_options returned a dict, expected OptionSpec"),
    ],
)
def test_wrong_return_types_are_plugin_errors(hook: str, value: object, message: str) -> None:
    h = host(("devzone", devzone), ("returns", _Returns(hook, value)))
    with pytest.raises(PluginError) as info:
        _call_facade(h, hook)
    assert str(info.value).startswith('plugin "returns": ')
    assert message in str(info.value)


def test_none_is_an_empty_answer_for_collecting_hooks() -> None:
    h = host(("devzone", devzone), ("returns", _Returns("lianxue_findings", None)))
    assert [f.obligation for f in _call_facade(h, "lianxue_findings")] == ["devzone.forum"]  # type: ignore[attr-defined]


def test_adjust_event_must_not_change_the_uid() -> None:
    class Rewriter:
        @hookimpl
        def lianxue_adjust_event(self, event: icalendar.Event) -> None:
            event["UID"] = "new"

    with pytest.raises(PluginError, match='plugin "rewriter": hook lianxue_adjust_event changed the event\'s UID'):
        host(("rewriter", Rewriter())).adjust_event(event(), OCCURRENCE, TREE["qiye"])


# -- one test per hook, each through the facade (test_every_hook_has_a_test keeps this complete) ----


def test_hook_lianxue_tracks() -> None:
    class Zone:
        @hookimpl
        def lianxue_tracks(self) -> list[Track]:
            return [Track(key="zone", name="园区"), Track(key="alpha", name="甲")]

    tracks = host(("zone", Zone()), ("devzone", devzone)).tracks()
    assert list(tracks) == ["alpha", "devzone", "zone"]  # sorted by key
    assert tracks["zone"].name == "园区"


def test_hook_lianxue_catalogue() -> None:
    class Second:
        @hookimpl
        def lianxue_catalogue(self) -> list[Obligation]:
            return [obligation("devzone.z-last"), obligation("devzone.a-first")]

    h = host(("second", Second()), ("devzone", devzone))
    # plugin-name order ("devzone" < "second"), then each plugin's own (source) order
    assert [o.id for o in h.catalogue()] == ["devzone.forum", "devzone.study", "devzone.z-last", "devzone.a-first"]
    assert [o.id for o in h.catalogue("devzone")] == [o.id for o in h.catalogue()]
    assert h.catalogue("other") == ()
    assert h.provider_of("devzone.a-first") == "second"


def test_hook_lianxue_obligations() -> None:
    class ByOption:
        """Implements lianxue_obligations: decides per organization."""

        @hookimpl
        def lianxue_catalogue(self) -> list[Obligation]:
            return [obligation("devzone.salon"), obligation("devzone.visit")]

        @hookimpl
        def lianxue_obligations(self, organization: Organization, tree: object, year: int) -> list[Obligation]:
            assert year == YEAR
            if organization.option("salon"):
                return [obligation("devzone.salon", description="by option")]
            return []

    class CatalogueOnly:
        """Implements only lianxue_catalogue: contributes its applicable entries."""

        @hookimpl
        def lianxue_catalogue(self) -> list[Obligation]:
            return [obligation("devzone.patrol"), obligation("devzone.committee-only", applies_to=["committee"])]

    tree = (
        TreeBuilder()
        .org("a", track="devzone", salon=True)
        .org("b", track="devzone")
        .org("c", kind="working-committee", track="devzone")
        .build()
    )
    h = host(("devzone", devzone), ("catonly", CatalogueOnly()), ("byoption", ByOption()))
    ids = {org.id: [o.id for o in h.obligations_for(org, tree, YEAR)] for org in tree}
    # in catalogue order: byoption, catonly, devzone
    assert ids["a"] == ["devzone.salon", "devzone.patrol", "devzone.study"]
    assert ids["b"] == ["devzone.patrol", "devzone.study"]
    assert ids["c"] == ["devzone.patrol", "devzone.forum", "devzone.study"]
    assert h.obligations_for(tree["a"], tree, YEAR)[0].description == "by option"


def test_lianxue_obligations_outside_the_catalogue_is_an_error() -> None:
    class Foreign:
        @hookimpl
        def lianxue_obligations(self) -> list[Obligation]:
            return [devzone.CATALOGUE[0]]  # another plugin's obligation

    h = host(("devzone", devzone), ("foreign", Foreign()))
    with pytest.raises(PluginError) as info:
        h.obligations_for(TREE["qiye"], TREE, YEAR)
    assert str(info.value) == (
        "plugin \"foreign\": hook lianxue_obligations returned 'devzone.forum', which is not in its catalogue"
    )


def _calendar(name: str) -> WorkdayCalendar:
    return WorkdayCalendar(year=YEAR, holidays=frozenset({dt.date(YEAR, 3, 3)}), source=name)


def test_hook_lianxue_workdays() -> None:
    calls: list[str] = []

    class County:
        @hookimpl(tryfirst=True)
        def lianxue_workdays(self, year: int) -> WorkdayCalendar | None:
            calls.append("county")
            return _calendar("county") if year == YEAR else None

    class Aardvark:  # sorts first by name, but is not tryfirst
        @hookimpl
        def lianxue_workdays(self, year: int) -> WorkdayCalendar:
            calls.append("aardvark")
            return WorkdayCalendar(year=year, source="aardvark")

    h = host(("zz-county", County()), ("aardvark", Aardvark()))
    assert h.workdays(YEAR).source == "county"
    assert calls == ["county"]  # first result stops the call
    assert h.workdays(YEAR + 1).source == "aardvark"  # county answered None, the next provider answers
    assert calls == ["county", "county", "aardvark"]


def test_workdays_fall_back_to_the_core_provider() -> None:
    cal = host().workdays(YEAR)
    assert cal.year == YEAR
    assert dt.date(YEAR, 10, 1) in cal.holidays


def test_hook_lianxue_adjust_event() -> None:
    calls: list[tuple[str, str]] = []
    h = host(("zeta", Recorder("zeta", calls)), ("alpha", Recorder("alpha", calls)), ("devzone", devzone))
    ev = event()
    h.adjust_event(ev, OCCURRENCE, TREE["qiye"])
    assert calls == [("lianxue_adjust_event", "alpha"), ("lianxue_adjust_event", "zeta")]
    assert ev["URL"] == "https://dangjian.example.cn/org/qiye"
    assert [c.to_ical().decode() for c in ev["CATEGORIES"]] == ["alpha", "zeta"]


def test_hook_lianxue_findings() -> None:
    calls: list[tuple[str, str]] = []
    h = host(("zeta", Recorder("zeta", calls)), ("alpha", Recorder("alpha", calls)), ("devzone", devzone))
    found = h.findings(TREE["qiye"], TREE, YEAR, dt.date(YEAR, 12, 31), [OCCURRENCE], [])
    assert calls == [("lianxue_findings", "alpha"), ("lianxue_findings", "zeta")]
    assert [f.detail for f in found] == ["alpha", "未召开书记论坛", "zeta"]


def test_hook_lianxue_points_rules() -> None:
    from lianxue_core.supervision.points import DefaultPointsRules

    class Rules:
        @hookimpl
        def lianxue_points_rules(self, organization: Organization) -> DefaultPointsRules | None:
            return DefaultPointsRules(name="县积分办法") if organization.id == "qiye" else None

    rules = host(("rules", Rules())).points_rules(TREE["qiye"], TREE, YEAR)
    assert rules is not None
    assert rules.name == "县积分办法"
    assert host().points_rules(TREE["qiye"], TREE, YEAR) is None


def test_hook_lianxue_options() -> None:
    class Zone:
        @hookimpl
        def lianxue_options(self) -> list[OptionSpec]:
            return [
                OptionSpec("zone_inspector", OptionKind.STR, None, "专人督查的党员"),
                OptionSpec(
                    "forum_cadence", OptionKind.CHOICE, "quarterly", "书记论坛", choices=("monthly", "quarterly")
                ),
            ]

    class Other:
        @hookimpl
        def lianxue_options(self) -> list[OptionSpec]:  # the same name and type as Zone's: shared
            return [OptionSpec("zone_inspector", OptionKind.STR, None, "督查人")]

    specs = host(("zone", Zone()), ("other", Other())).option_specs()
    assert specs["zone_inspector"].declared_by == ("other", "zone")  # plugin-name order
    assert specs["forum_cadence"].declared_by == ("zone",)
    assert specs["meeting_time"].declared_by == (CORE_PLUGIN,)  # the core's own are always there
    assert list(specs)[-1] == "*.minutes"


def test_an_option_declared_with_two_types_names_both_plugins() -> None:
    class Zone:
        @hookimpl
        def lianxue_options(self) -> list[OptionSpec]:
            return [OptionSpec("four_x", OptionKind.BOOL, True, "“4+X”")]

    class Other:
        @hookimpl
        def lianxue_options(self) -> list[OptionSpec]:
            return [OptionSpec("four_x", OptionKind.CHOICE, "monthly", "“4+X”", choices=("monthly",))]

    h = host(("zone", Zone()), ("other", Other()))
    with pytest.raises(PluginConflictError) as info:
        h.check()
    assert str(info.value) == (
        'plugin "zone": option \'four_x\' is also declared by plugin "other" as "one of \'monthly\'"; '
        "this plugin declares it as 'true or false'"
    )
    assert info.value.plugins == (("other", None), ("zone", None))


def test_a_plugin_may_not_redeclare_a_core_option_with_another_type() -> None:
    class Evening:
        @hookimpl
        def lianxue_options(self) -> list[OptionSpec]:
            return [OptionSpec("evening", OptionKind.STR, "", "晚上")]

    with pytest.raises(
        PluginConflictError,
        match=r'^plugin "evening": option \'evening\' is also declared by plugin '
        r'"lianxue-core"',
    ):
        host(("evening", Evening())).option_specs()


def test_an_option_returned_twice_by_one_plugin() -> None:
    class Twice:
        @hookimpl
        def lianxue_options(self) -> list[OptionSpec]:
            return [OptionSpec("x", OptionKind.BOOL), OptionSpec("x", OptionKind.BOOL)]

    with pytest.raises(PluginError, match="hook lianxue_options returned option 'x' twice"):
        host(("twice", Twice())).option_specs()


# -- keeping the facade and the tests complete ---------------------------------------------------


class _Everything:
    """Implements every hook and records which were called."""

    def __init__(self) -> None:
        self.called: set[str] = set()

    @hookimpl
    def lianxue_tracks(self) -> list[Track]:
        self.called.add("lianxue_tracks")
        return [Track(key="devzone", name="开发区")]

    @hookimpl
    def lianxue_catalogue(self) -> list[Obligation]:
        self.called.add("lianxue_catalogue")
        return [obligation("devzone.all")]

    @hookimpl
    def lianxue_obligations(self) -> list[Obligation]:
        self.called.add("lianxue_obligations")
        return []

    @hookimpl(tryfirst=True)
    def lianxue_workdays(self) -> None:
        self.called.add("lianxue_workdays")

    @hookimpl
    def lianxue_adjust_event(self) -> None:
        self.called.add("lianxue_adjust_event")

    @hookimpl
    def lianxue_findings(self) -> Sequence[Finding]:
        self.called.add("lianxue_findings")
        return ()

    @hookimpl
    def lianxue_points_rules(self) -> None:
        self.called.add("lianxue_points_rules")

    @hookimpl
    def lianxue_options(self) -> list[OptionSpec]:
        self.called.add("lianxue_options")
        return []


def test_the_facade_reaches_every_hook() -> None:
    plugin = _Everything()
    h = host(("everything", plugin))
    assert set(HOOKS) == set(h.plugins()[0].hooks)
    for hook in HOOKS:
        _call_facade(h, hook)
    assert plugin.called == set(HOOKS)


def test_every_hook_has_a_test() -> None:
    """datasette's rule: a new hook in hookspecs.py needs ``test_hook_<name>`` here."""
    missing = [hook for hook in HOOKS if not callable(globals().get(f"test_hook_{hook}"))]
    assert missing == [], f"hooks without a test_hook_<name> test: {missing}"


def test_hooks_are_the_hookspecs_module() -> None:
    from lianxue_core import hookspecs

    assert list(HOOKS) == [n for n in vars(hookspecs) if n.startswith("lianxue_")]
    assert set(HOOKS) == set(host().manager.hook.__dict__)


def test_plugin_info_to_json() -> None:
    info = host(("devzone", devzone)).plugins()
    assert [i.name for i in info] == ["devzone", CORE_PLUGIN]
    assert info[0].to_json() == {
        "name": "devzone",
        "distribution": None,
        "version": None,
        "module": "plugin_fixtures.devzone",
        "hooks": [
            "lianxue_adjust_event",
            "lianxue_catalogue",
            "lianxue_findings",
            "lianxue_obligations",
            "lianxue_tracks",
        ],
        "tracks": ["devzone"],
        "obligations": 2,
    }
    assert info[1].hooks == ("lianxue_workdays",)
    assert info[1].distribution == "lianxue"
