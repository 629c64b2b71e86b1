"""Properties of the planner over random small trees, obligation sets and years (2025, 2026, 2027)."""

from __future__ import annotations

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianxue_core.model import OrganizationTree
from lianxue_core.obligations import ActivityKind, Cadence, CadenceKind
from lianxue_core.scheduling import make_plan
from strategies_planning import Inputs, activity_days, obligation, plan_problems, planning_inputs, trees

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(planning_inputs())
def test_plan_keeps_every_promise(inputs: Inputs) -> None:
    plan = make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar)
    assert plan_problems(inputs, plan) == []
    assert plan.provisional == inputs.calendar.provisional
    assert len(plan.warnings) == (1 if plan.provisional else 0)


@SETTINGS
@given(planning_inputs())
def test_same_input_same_plan(inputs: Inputs) -> None:
    first = make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar)
    second = make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar)
    assert first == second
    assert first.to_json() == second.to_json()


def _join(a: OrganizationTree, b: OrganizationTree) -> OrganizationTree:
    return OrganizationTree([*a, *b], [*a.members, *b.members])


@SETTINGS
@given(planning_inputs(prefix="a-"), st.data())
def test_an_unrelated_organization_moves_nobody(inputs: Inputs, data: st.DataObject) -> None:
    """Organizations that share no person with A, planned before or after A, leave A's plan unchanged."""
    other = data.draw(trees(prefix="b-"))
    pool = sorted({o for obs in inputs.obligations.values() for o in obs}, key=lambda o: o.id)
    obligations = {**inputs.obligations, **{org.id: tuple(pool) for org in other}}
    alone = make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar)
    for tree in (_join(inputs.tree, other), _join(other, inputs.tree)):
        plan = make_plan(tree, obligations, inputs.year, inputs.calendar)
        mine = tuple(o for o in plan.occurrences if o.org.startswith("a-"))
        assert mine == alone.occurrences
        assert tuple(u for u in plan.unplaced if u.org.startswith("a-")) == alone.unplaced


@SETTINGS
@given(planning_inputs(), st.data())
def test_planning_some_organizations_matches_the_full_plan(inputs: Inputs, data: st.DataObject) -> None:
    """``orgs=`` returns a subset; each chosen organization's occurrences match the full plan's."""
    chosen = data.draw(st.sampled_from([o.id for o in inputs.tree]))
    full = make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar)
    part = make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar, orgs=[chosen])
    assert part.occurrences == full.for_org(chosen)
    assert part.unplaced == tuple(u for u in full.unplaced if u.org == chosen)


@st.composite
def fixed_day_inputs(draw: st.DrawFn) -> Inputs:
    """Random trees whose organizations all hold a monthly activity on the fixed day, with random rules,
    beside a random pool of other obligations (combining with it, following it, attending linked ones)."""
    inputs = draw(planning_inputs())
    tree = inputs.tree
    rules = {org.id: draw(st.one_of(st.none(), activity_days())) for org in tree}
    orgs = [
        attrs.evolve(org, options={**org.options, "activity_day": rules[org.id]})
        if rules[org.id]
        else attrs.evolve(org, options={k: v for k, v in org.options.items() if k != "activity_day"})
        for org in tree
    ]
    tree = OrganizationTree(orgs, tree.members)
    theme_day = obligation("theme-day", Cadence.monthly(), fixed_day=True)
    study = obligation("study", Cadence.monthly(), ActivityKind.STUDY, fixed_day=True, combines_with=("t.theme-day",))
    extra = (study,) if draw(st.booleans()) else ()
    obligations = {k: (*extra, theme_day, *v) for k, v in inputs.obligations.items()}
    return Inputs(tree, obligations, inputs.year)


@SETTINGS
@given(fixed_day_inputs())
def test_fixed_days_one_room_at_a_time_nothing_held_twice(inputs: Inputs) -> None:
    """Every monthly activity is on its rule's day (or the next day the organization may meet), nobody is
    in two rooms at once, and nothing both fulfilled by a combined meeting and held again."""
    plan = make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar)
    assert plan_problems(inputs, plan) == []
    for org in inputs.tree:
        monthly = [o for o in plan.for_org(org.id) if o.obligation in ("t.theme-day", "t.study") and not o.slot]
        combined = [c for c in plan.combined if c.org == org.id and c.obligation == "t.theme-day"]
        # one activity a month, holding the theme day whether or not the study is its host
        months = sorted({o.period for o in monthly} | {c.period for c in combined})
        assert len(monthly) + len([u for u in plan.unplaced if u.org == org.id and u.obligation == "t.theme-day"]) >= 12
        assert len(months) <= 12


@SETTINGS
@given(planning_inputs())
def test_streamed_json_is_the_json_of_the_plan(inputs: Inputs) -> None:
    """``lianxue plan --format json`` writes item by item: the same text as dumping the whole plan."""
    import json

    from lianxue_core.scheduling.render import render_plan_json

    plan = make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar)
    assert render_plan_json(plan) == json.dumps(plan.to_json(), ensure_ascii=False, indent=2) + "\n"
    empty = attrs.evolve(plan, occurrences=(), unplaced=(), combined=(), warnings=())
    assert render_plan_json(empty) == json.dumps(empty.to_json(), ensure_ascii=False, indent=2) + "\n"


def test_a_fixed_day_duty_after_a_weekly_meeting_says_why_it_moved() -> None:
    """Found by the property above: a monthly fixed-day duty that must follow a weekly meeting has no Monday
    left in the month (it meets on Mondays only); it goes to the first working day after the meeting and the
    note says why, instead of a silent month-end marker."""
    from lianxue_core.testing import TreeBuilder
    from strategies_planning import obligation

    theme_day = obligation("theme-day", Cadence.monthly(), fixed_day=True)
    weekly = obligation("o0", Cadence.weekly())
    duty = obligation("o2", Cadence.monthly(), ActivityKind.DUTY, fixed_day=True, after=("t.o0",))
    tree = TreeBuilder().org("o0", kind="committee", weekdays=[1], activity_day="每月第一个星期一").build()
    inputs = Inputs(tree, {"o0": (theme_day, weekly, duty)}, 2025)
    plan = make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar)
    assert plan_problems(inputs, plan) == []
    moved = [o for o in plan.for_org("o0") if o.obligation == "t.o2" and "前序步骤" in o.note]
    assert moved, [o.note for o in plan.for_org("o0") if o.obligation == "t.o2"]


def test_a_visiting_lecture_fulfils_no_per_member_item_of_its_host() -> None:
    """Found by the property above: a leader's 党课 held in a linked branch's fixed-day meeting counts for that
    branch's own 党课, but never for a per-member item there (each member's own talk): the meeting must not
    say it fulfils what no combined period records."""
    from lianxue_core.obligations import Audience
    from lianxue_core.testing import TreeBuilder
    from strategies_planning import obligation

    theme_day = obligation("theme-day", Cadence.monthly(), fixed_day=True)
    per_member = obligation("o0", Cadence.per_member(CadenceKind.YEARLY), attend_links=True)
    lecture = obligation(
        "o3",
        Cadence.weekly(),
        ActivityKind.LECTURE,
        leads=Audience.COMMITTEE,
        combines_with=("t.o0",),
        attend_links=True,
    )
    b = TreeBuilder().org("o0", kind="committee").org("o1", parent="o0").org("o2", parent="o0")
    b.member("m1-1", "党员m1-1", "o1", roles=["deputy-secretary"], links=["o0"])
    b.member("m2-0", "党员m2-0", "o2")
    inputs = Inputs(
        b.build(), {"o0": (theme_day, per_member), "o1": (theme_day, lecture), "o2": (theme_day, per_member)}, 2025
    )
    plan = make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar)
    assert plan_problems(inputs, plan) == []
    hosts = [o for o in plan.occurrences if any("党课：" in a for a in o.agenda)]
    assert hosts  # the lecture was held at a branch's fixed-day meeting
    assert all("t.o0" not in o.also_fulfils for o in hosts)
