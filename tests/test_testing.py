"""``lianxue_core.testing``: TreeBuilder, the fixtures, and the plugin contract check."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lianxue_core import MemberFlag, MemberRole, OrgKind, PluginHost, Track, hookimpl
from lianxue_core.plugins import CORE_PLUGIN
from lianxue_core.testing import TreeBuilder, check_plugin_contract, contract_problems
from plugin_fixtures import devzone, sloppy

# -- TreeBuilder ------------------------------------------------------------------------------------------


def test_tree_builder() -> None:
    tree = (
        TreeBuilder()
        .org("xinshi", "新市镇党委", kind="committee", track="town", meeting_time="14:30")
        .org("zhuangcun", "庄村党支部", track="village", parent="xinshi", members=30, households=420, links=["xinshi"])
        .org("qiye", supervisor="xinshi")
        .member("m1", "张三", "zhuangcun", roles=["secretary"], flags=["elderly"], links=["xinshi"])
        .member("m2", "李四", "zhuangcun")
        .build()
    )
    assert [o.id for o in tree] == ["xinshi", "zhuangcun", "qiye"]
    assert tree["xinshi"].kind is OrgKind.COMMITTEE
    assert tree["xinshi"].option("meeting_time") == "14:30"
    assert tree["zhuangcun"].parent == "xinshi"
    assert (tree["zhuangcun"].members, tree["zhuangcun"].households) == (30, 420)
    assert tree["zhuangcun"].links == ("xinshi",)
    assert tree["qiye"].name == "qiye党组织"  # a default name
    assert tree["qiye"].kind is OrgKind.BRANCH
    assert tree["qiye"].supervisor == "xinshi"
    m1 = tree.member("m1")
    assert m1.roles == frozenset({MemberRole.SECRETARY})
    assert m1.flags == frozenset({MemberFlag.ELDERLY})
    assert [m.id for m in tree.members_of("zhuangcun")] == ["m1", "m2"]


def test_tree_builder_rejects_what_the_tree_rejects() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        TreeBuilder().org("a").org("a").build()
    with pytest.raises(ValueError, match="'nope'"):
        TreeBuilder().org("a", kind="nope")


# -- fixtures -------------------------------------------------------------------------------------------


def test_lianxue_host_fixture(lianxue_host: PluginHost) -> None:
    assert isinstance(lianxue_host, PluginHost)
    assert CORE_PLUGIN in [p.name for p in lianxue_host.plugins()]


def test_lianxue_host_is_fresh_each_test_1(lianxue_host: PluginHost) -> None:
    lianxue_host.register(devzone, "test-devzone")  # must not leak into the next test


def test_lianxue_host_is_fresh_each_test_2(lianxue_host: PluginHost) -> None:
    assert "test-devzone" not in [p.name for p in lianxue_host.plugins()]


def test_lianxue_host_factory(lianxue_host_factory: Callable[..., PluginHost]) -> None:
    host = lianxue_host_factory(("devzone", devzone))
    assert [p.name for p in host.plugins()] == ["devzone", CORE_PLUGIN]
    assert list(host.tracks()) == ["devzone"]
    other = lianxue_host_factory()
    assert [p.name for p in other.plugins()] == [CORE_PLUGIN]
    assert host is not other


def test_lianxue_host_factory_ignores_the_environment(
    lianxue_host_factory: Callable[..., PluginHost], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIANXUE_PLUGINS", "no-such-plugin")
    monkeypatch.setenv("LIANXUE_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert [p.name for p in lianxue_host_factory().plugins()] == [CORE_PLUGIN]


def test_lianxue_host_factory_with_autoload(
    lianxue_host_factory: Callable[..., PluginHost], install_dist: object
) -> None:
    from conftest import builtin_plugin_names
    from plugin_fixtures import track_plugin_source

    assert callable(install_dist)
    blocked = builtin_plugin_names()  # what was installed before this test's own distribution
    install_dist("lianxue-zone", "1.0", {"zone": "lxt_fx_zone"}, {"lxt_fx_zone": track_plugin_source("zone")})
    host = lianxue_host_factory(("devzone", devzone), autoload=True, blocked=blocked)
    assert [p.name for p in host.plugins()] == ["devzone", CORE_PLUGIN, "zone"]
    host = lianxue_host_factory(autoload=True, blocked=[*blocked, "zone"])
    assert [p.name for p in host.plugins()] == [CORE_PLUGIN]


def test_the_plugin_works_for_plugin_authors(pytester: pytest.Pytester) -> None:
    """A plugin's own test suite opts in with ``pytest_plugins`` and gets the fixtures."""
    pytester.makeconftest('pytest_plugins = ["lianxue_core.testing"]')
    pytester.makepyfile(
        """
        from lianxue_core import Track, hookimpl
        from lianxue_core.testing import check_plugin_contract

        class Zone:
            @hookimpl
            def lianxue_tracks(self):
                return [Track(key="zone", name="园区")]

        def test_factory(lianxue_host_factory):
            host = lianxue_host_factory(("zone", Zone()))
            assert list(host.tracks()) == ["zone"]

        def test_host(lianxue_host):
            assert lianxue_host.plugins()

        def test_contract():
            check_plugin_contract(Zone(), "zone", autoload=False)
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


# -- the contract check ------------------------------------------------------------------------------


def test_a_good_plugin_keeps_the_contract() -> None:
    assert contract_problems(devzone, "devzone", autoload=False) == []
    check_plugin_contract(devzone, "devzone", autoload=False)


def test_a_plugin_using_another_plugins_track() -> None:
    class Extra:
        @hookimpl
        def lianxue_catalogue(self) -> tuple[object, ...]:
            return ()

    problems = contract_problems(Extra(), "extra", autoload=False, plugins=[("devzone", devzone)])
    assert problems == []


def test_every_problem_of_a_sloppy_plugin_is_listed() -> None:
    problems = contract_problems(sloppy, "sloppy", autoload=False)
    assert problems == [
        "lianxue_findings looks like a hook implementation but is not marked @hookimpl, so lianxue never calls it",
        "obligation 'other.meeting': the id must start with its track 'sloppy.'",
        "obligation 'other.meeting': the source needs a document, a section and the verbatim quote",
        "obligation 'sloppy.study': empty title",
        "obligation 'sloppy.study': 'after' names 'sloppy.missing', which no plugin defines",
        "obligation 'sloppy.study': 'combines_with' names 'nowhere.meeting', which no plugin defines",
        "plugin \"sloppy\": hook lianxue_obligations returned 'sloppy.extra', which is not in its catalogue",
    ]
    with pytest.raises(AssertionError) as info:
        check_plugin_contract(sloppy, "sloppy", autoload=False)
    message = str(info.value)
    assert message.startswith("plugin 'sloppy' breaks the lianxue contract:\n- ")
    assert all(f"- {p}" in message for p in problems)


def test_signature_problems_are_all_listed() -> None:
    class Bad:
        @hookimpl
        def lianxue_tracks(self, county: str) -> list[Track]:
            return []

        @hookimpl
        def lianxue_holiday(self) -> None:
            return None

        def lianxue_catalogue(self) -> list[object]:
            return []

    problems = contract_problems(Bad(), "bad", autoload=False)
    assert [p.split(" ")[0] for p in problems] == ["lianxue_holiday", "lianxue_tracks(county)", "lianxue_catalogue"]


def test_a_plugin_with_no_hooks() -> None:
    assert contract_problems(object(), "empty", autoload=False) == ["plugin 'empty' implements no lianxue hook"]


def test_failing_hooks_are_probed() -> None:
    class Failing:
        @hookimpl
        def lianxue_tracks(self) -> list[Track]:
            return [Track(key="fail", name="失败")]

        @hookimpl
        def lianxue_workdays(self, year: int) -> object:
            return "every day"

        @hookimpl
        def lianxue_adjust_event(self, event: dict[str, str]) -> None:
            event["UID"] = "changed"

        @hookimpl
        def lianxue_findings(self, organization: object) -> list[object]:
            raise ZeroDivisionError("division by zero")

    problems = contract_problems(Failing(), "failing", autoload=False)
    assert problems == [
        "plugin \"failing\": hook lianxue_workdays returned 'every day', expected a WorkdayCalendar for 2026",
        'plugin "failing": hook lianxue_adjust_event changed the event\'s UID from '
        "vText(b'probe/fail.probe/2026@lianxue.invalid') to 'changed'; subscribers rely on it staying the same",
        'plugin "failing": hook lianxue_findings raised ZeroDivisionError: division by zero',
    ]


def test_conflicts_are_contract_problems() -> None:
    class Copycat:
        @hookimpl
        def lianxue_tracks(self) -> list[Track]:
            return [Track(key="devzone", name="抄")]

    problems = contract_problems(Copycat(), "copycat", autoload=False, plugins=[("devzone", devzone)])
    assert problems == [
        'plugin "devzone": track \'devzone\' is also registered by plugin "copycat"',
    ]


def test_installed_plugin_of_the_same_name_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import builtin_plugin_names

    monkeypatch.setenv("LIANXUE_BLOCK_PLUGINS", ",".join(builtin_plugin_names()))
    assert contract_problems(devzone, "devzone") == []
