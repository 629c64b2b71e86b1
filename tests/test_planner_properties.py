"""Properties of the planner over random small trees, obligation sets and years (2025, 2026, 2027)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianxue_core.model import OrganizationTree
from lianxue_core.scheduling import make_plan
from strategies_planning import Inputs, plan_problems, planning_inputs, trees

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
