"""Options are a schema: the core and every plugin declare their options, and ``lianxue validate`` checks them all
in one run, with the right spelling for an unknown one; an organization's own ``evening`` beats the county's
``meeting_time``."""

from __future__ import annotations

import importlib.metadata
import io
import json
from pathlib import Path

import pytest

from lianxue_core import (
    InputError,
    OptionKind,
    OptionSchema,
    OptionSpec,
    PluginHost,
    example_path,
    hookimpl,
    load,
    loads,
)
from lianxue_core.cli import main
from lianxue_core.orgoptions import meeting_options
from lianxue_core.testing import TreeBuilder

DATA = Path(__file__).parent / "data"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "county.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- validate: every problem, plugins' included, in one run ------------------------------------------


def test_a_typo_is_reported_with_the_right_spelling(tmp_path: Path) -> None:
    path = write(tmp_path, '[[org]]\nid = "zhuangcun"\nname = "庄村党支部"\noptions = { weekends = true }\n')
    code, out, err = run("validate", path)
    assert (code, out) == (2, "")
    assert err == (
        f"lianxue: error: {path}: org \"zhuangcun\" (line 1): key 'options.weekends': unknown option "
        "(did you mean 'allow_weekends'?); `lianxue obligations --options` lists every option\n"
    )


def test_bad_values_of_several_plugins_are_reported_together(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[defaults]\n"
        'supervision_cadence = "weekly"\n'  # organs, town, village, two-new
        "[[org]]\n"
        'id = "qiye"\n'
        'name = "某企业党支部"\n'
        'track = "two-new"\n'
        'options = { large_branch_members = 0, branch_committee = "yes", meeting_minutes = 0, evenin = true }\n',
    )
    code, _, err = run("validate", path)
    assert code == 2
    assert [line.removeprefix(f"lianxue: error: {path}: ") for line in err.splitlines()] == [
        "[defaults]: key 'supervision_cadence': must be one of 'monthly', 'quarterly', 'yearly', not 'weekly'",
        "org \"qiye\" (line 3): key 'options.meeting_minutes': 0 is not a whole number of minutes from 1 to 1440",
        "org \"qiye\" (line 3): key 'options.large_branch_members': must be a whole number of at least 1, not 0",
        "org \"qiye\" (line 3): key 'options.branch_committee': must be true or false, not 'yes'",
        "org \"qiye\" (line 3): key 'options.evenin': unknown option (did you mean 'evening'?); "
        "`lianxue obligations --options` lists every option",
    ]


@pytest.mark.skipif(
    "devzone" not in {ep.name for ep in importlib.metadata.entry_points(group="lianxue")},
    reason="lianxue-devzone is not installed",
)
def test_a_third_party_plugins_options_are_checked_with_the_rest(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[org]]\nid = "kaifaqu"\nname = "开发区党工委"\nkind = "working-committee"\n'
        'options = { forum_cadence = "weekly", zone_inspecter = "m-1", review_grades = "优秀" }\n',
    )
    code, _, err = run("validate", path)
    assert code == 2
    assert [line.split("key ", 1)[1] for line in err.splitlines()] == [
        "'options.forum_cadence': must be one of 'monthly', 'quarterly', 'yearly', not 'weekly'",
        "'options.zone_inspecter': unknown option (did you mean 'zone_inspector'?); "
        "`lianxue obligations --options` lists every option",
        "'options.review_grades': must be a list of at least two grade names, not '优秀'",
    ]
    # blocking the plugin: its options are no longer known, and are let through unchecked
    code, _, err = run("--block", "devzone", "validate", path)
    assert code == 2
    assert "zone_inspecter" not in err
    assert "forum_cadence" not in err
    assert "review_grades" in err


def test_the_example_county_validates_clean() -> None:
    code, out, err = run("validate", str(example_path()))
    assert (code, err) == (0, "")
    assert out.startswith(f"{example_path()}: OK\n")


def test_a_per_obligation_length_names_a_known_obligation(tmp_path: Path) -> None:
    text = '[[org]]\nid = "zhuangcun"\nname = "庄村党支部"\ntrack = "village"\n[org.options]\n'
    # written unquoted, TOML makes a table of it; lianxue reads it as the key the planner reads
    path = write(tmp_path, text + "monthly-study.minutes = 60\n")
    host = PluginHost()
    tree = load(path, tracks=host.tracks(), options=host.option_schema())
    assert tree["zhuangcun"].option("monthly-study.minutes") == 60
    path = write(tmp_path, text + '"montly-study.minutes" = 60\n')
    with pytest.raises(InputError) as info:
        load(path, tracks=host.tracks(), options=host.option_schema())
    (problem,) = info.value.problems
    assert problem.key == "options.montly-study.minutes"
    assert problem.message.startswith("no obligation 'montly-study' (did you mean 'monthly-study'?)")


def test_without_a_schema_only_the_core_options_are_checked() -> None:
    text = '[[org]]\nid = "a"\nname = "甲"\noptions = { whatever = 1, weekdays = [9] }\n'
    with pytest.raises(InputError) as info:
        loads(text)
    assert [p.key for p in info.value.problems] == ["options.weekdays"]


# -- a plugin declares its options through the hook --------------------------------------------------


class Zone:
    @hookimpl
    def lianxue_options(self) -> list[OptionSpec]:
        return [
            OptionSpec(
                "forum_cadence", OptionKind.CHOICE, "quarterly", "书记论坛周期", choices=("monthly", "quarterly")
            ),
            OptionSpec("zone_inspector", OptionKind.STR, None, "专人督查的党员"),
        ]


def test_a_plugin_declares_an_option_through_the_hook() -> None:
    host = PluginHost(autoload=False, plugins=[("zone", Zone())], environ={})
    schema = OptionSchema(host.option_specs())  # strict: every plugin of this host is loaded
    text = '[[org]]\nid = "a"\nname = "甲"\noptions = { forum_cadence = "yearly", zone_inspektor = "m-1" }\n'
    with pytest.raises(InputError) as info:
        loads(text, filename="f.toml", options=schema)
    assert [str(p) for p in info.value.problems] == [
        "f.toml: org \"a\" (line 1): key 'options.forum_cadence': must be one of 'monthly', 'quarterly', not 'yearly'",
        "f.toml: org \"a\" (line 1): key 'options.zone_inspektor': unknown option (did you mean 'zone_inspector'?); "
        "`lianxue obligations --options` lists every option",
    ]
    assert host.option_specs()["forum_cadence"].declared_by == ("zone",)
    # a host that left plugins out cannot know every option: unknown names are let through
    assert host.option_schema().strict is False


def test_a_built_in_option_fails_at_plan_time_with_the_same_message() -> None:
    from lianxue_tracks._common import option

    org = TreeBuilder().org("a", "甲", supervision_cadence="weekly").build()["a"]
    with pytest.raises(ValueError, match=r"^organization 'a': option 'supervision_cadence' must be one of"):
        option(org, "supervision_cadence")


# -- listing them ------------------------------------------------------------------------------------


def test_obligations_lists_the_options() -> None:
    code, out, _ = run("obligations", "--options")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert "lianxue-core" in lines["allow_weekends"]
    assert "organs, town, two-new, village" in lines["supervision_cadence"]
    assert "<obligation>.minutes" in lines
    code, out, _ = run("obligations", "--options", "--format", "json")
    doc = {o["name"]: o for o in json.loads(out)}
    assert doc["review_grades"]["default"] == ["优秀", "合格", "基本合格", "不合格"]
    assert doc["review_grades"]["type"] == "a list of at least two grade names"
    assert doc["meeting_time"] == {
        "name": "meeting_time",
        "type": "a time of day as 'HH:MM'",
        "kind": "time",
        "default": "14:30",
        "meaning": "会议开始时间 the usual start of a meeting (24-hour; `evening` makes the default 19:00)",
        "declared_by": ["lianxue-core"],
    }


def test_the_docs_list_every_option() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "orgfile.md").read_text(encoding="utf-8")
    for name in PluginHost().option_specs():
        assert f"| `{name.replace('*.', '<obligation>.')}` |" in docs, name


# -- an organization's own evening beats the county's meeting time -----------------------------------

COUNTY = """
[defaults]
meeting_time = "14:30"

[[org]]
id = "zhuangcun"
name = "庄村党支部"
options = { evening = true }

[[org]]
id = "shangbai"
name = "上柏村党支部"
options = { evening = true, meeting_time = "19:30" }

[[org]]
id = "xinshi"
name = "新市镇党委"
"""


def test_an_organizations_evening_beats_the_defaults_meeting_time() -> None:
    tree = loads(COUNTY)
    times = {o.id: meeting_options(o.options)[0].time.strftime("%H:%M") for o in tree}
    assert times == {"zhuangcun": "19:00", "shangbai": "19:30", "xinshi": "14:30"}
    assert "meeting_time" not in tree["zhuangcun"].options


def test_evening_in_the_defaults_does_not_beat_the_defaults_meeting_time() -> None:
    tree = loads('[defaults]\nevening = true\nmeeting_time = "18:00"\n[[org]]\nid = "a"\nname = "甲"\n')
    assert meeting_options(tree["a"].options)[0].time.strftime("%H:%M") == "18:00"
