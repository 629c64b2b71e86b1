"""Obligations turned into dated occurrences: periods, placement, the plan."""

from .occurrence import HeldAt, Occurrence, Occurrences
from .periods import Period, periods
from .planner import Combined, Plan, Unplaced, fixed_days, make_plan, merge_plans, shards

__all__ = [
    "Combined",
    "HeldAt",
    "Occurrence",
    "Occurrences",
    "Period",
    "Plan",
    "Unplaced",
    "fixed_days",
    "make_plan",
    "merge_plans",
    "periods",
    "shards",
]
