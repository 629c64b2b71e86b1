"""lianxue: study-education rules of party grassroots organizations as schedules, calendars and reports.

The public API. Plugin authors use only the names in ``__all__``; anything else may change without
notice. See ``docs/index.md``.
"""

import importlib.metadata as _metadata

from .app import CheckOutcome, check_records, feed, feeds, load_county, obligations_of, plan_year, workday_calendar
from .errors import InputError, LianxueError, PluginConflictError, PluginError, Problem
from .examples import example_path
from .model import Member, MemberFlag, MemberRole, Organization, OrganizationTree, OrgKind
from .obligations import ActivityKind, Audience, Cadence, CadenceKind, Obligation, Source, Track, applicable
from .optionspec import OptionKind, OptionSchema, OptionSpec
from .orgfile import dumps, load, loads
from .plugins import ENTRY_POINT_GROUP, PluginHost, PluginInfo, hookimpl
from .scheduling import Occurrence, Plan
from .supervision import Finding, FindingStatus, Record
from .workdays import WorkdayCalendar

try:  # one place for the version: pyproject.toml, as installed
    __version__ = _metadata.version("lianxue")
except _metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "ENTRY_POINT_GROUP",
    "ActivityKind",
    "Audience",
    "Cadence",
    "CadenceKind",
    "CheckOutcome",
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
    "check_records",
    "dumps",
    "example_path",
    "feed",
    "feeds",
    "hookimpl",
    "load",
    "load_county",
    "loads",
    "obligations_of",
    "plan_year",
    "workday_calendar",
]
