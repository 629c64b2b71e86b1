"""Obligations turned into dated occurrences: periods, placement, the plan."""

from .occurrence import Occurrence
from .periods import Period, periods
from .planner import Combined, Plan, Unplaced, make_plan, merge_plans, shards

__all__ = ["Combined", "Occurrence", "Period", "Plan", "Unplaced", "make_plan", "merge_plans", "periods", "shards"]
