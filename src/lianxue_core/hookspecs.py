"""The ``lianxue_*`` hook specifications: what a plugin can implement.

A plugin is a module (or any object) with functions marked ``@lianxue_core.hookimpl`` whose names are
the hook names below; it is found through the ``lianxue`` entry-point group. An implementation may
accept any subset of a hook's arguments, always by name. The core calls hooks only through
:class:`lianxue_core.plugins.PluginHost`, one plugin at a time in plugin-name order, so that output
never depends on install order and every failure names the plugin at fault.

The hook reference in ``docs/hooks.md`` shows one heading per hook with its exact signature; a test
keeps it in step with this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

from .model import Organization, OrganizationTree
from .obligations import Obligation, Track
from .optionspec import OptionSpec
from .scheduling.occurrence import Occurrence
from .supervision.findings import Finding, Record
from .workdays import WorkdayCalendar

if TYPE_CHECKING:  # for the signatures only: icalendar and the points module load when used
    import icalendar

    from .supervision.points import PointsRules

PROJECT = "lianxue"
hookspec = pluggy.HookspecMarker(PROJECT)

# -- tracks and obligations -------------------------------------------------------------------------


@hookspec
def lianxue_tracks() -> Sequence[Track]:
    """Register the tracks (kinds of organization) this plugin provides.

    Called once per host, before any other hook, the first time the host needs its tracks. Two
    plugins must not register the same track key: the host refuses to start and names both.

    :return: The tracks, e.g. ``[Track(key="village", name="农村", plan=3)]``; every item must be a
        :class:`~lianxue_core.Track`.

    Example::

        @hookimpl
        def lianxue_tracks():
            return [Track(key="zone", name="开发区", description="开发区党工委")]
    """
    raise NotImplementedError


@hookspec
def lianxue_catalogue() -> Sequence[Obligation]:
    """Return every obligation this plugin can contribute, whatever the organization.

    Called once per host, right after :func:`lianxue_tracks`. This is the catalogue ``lianxue
    obligations`` lists and the docs render. Obligation ids are unique across all plugins; a
    duplicate stops the host and names both plugins. Each obligation's track must be registered by
    some plugin.

    :return: The plugin's obligations, in the order of the source text; every item must be an
        :class:`~lianxue_core.Obligation`.

    Example::

        @hookimpl
        def lianxue_catalogue():
            return CATALOGUE  # a tuple of Obligation records
    """
    raise NotImplementedError


@hookspec
def lianxue_obligations(organization: Organization, tree: OrganizationTree, year: int) -> Sequence[Obligation]:
    """Return the obligations this plugin gives ``organization`` in ``year``.

    Called for every organization of the tree, for each year planned. Optional: a plugin that
    implements only :func:`lianxue_catalogue` contributes the catalogue's
    obligations that apply to the organization (its track and kind; see
    :func:`lianxue_core.applicable`). Implement this hook to decide per organization, for example to
    read the organization's options. Every id returned must be in the plugin's catalogue (an
    obligation may be returned with changed fields, e.g. a cadence set by an option).

    :param organization: The organization being planned.
    :param tree: The whole organization tree, for parents, links and members.
    :param year: The calendar year being planned.
    :return: The obligations, or an empty sequence.

    Example::

        @hookimpl
        def lianxue_obligations(organization, year):
            obligations = applicable(CATALOGUE, organization)
            if organization.option("lecture_per_link", False):
                ...
            return obligations
    """
    raise NotImplementedError


# -- options -----------------------------------------------------------------------------------------


@hookspec
def lianxue_options() -> Sequence[OptionSpec]:
    """Declare the organization options this plugin reads, so ``lianxue validate`` checks them.

    Called once per host, when an organization file is read (every command that reads one) and by
    ``lianxue obligations --options``. Every option the plugin reads from ``Organization.options``
    belongs here: a key no plugin and not the core declares is an unknown option, reported with the
    nearest known name. Two plugins may declare the same name only with the same type (the same
    :meth:`~lianxue_core.OptionSpec.describe`); otherwise the host refuses to start and names both.
    The host fills in ``declared_by``.

    :return: The options, e.g. ``[OptionSpec("forum_cadence", OptionKind.CHOICE, "quarterly", "书记论坛周期",
        choices=("monthly", "quarterly"))]``; every item must be an :class:`~lianxue_core.OptionSpec`.

    Example::

        @hookimpl
        def lianxue_options():
            return [OptionSpec("zone_inspector", OptionKind.STR, None, "专人督查的党员 (member id)")]
    """
    raise NotImplementedError


# -- working days ------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def lianxue_workdays(year: int) -> WorkdayCalendar | None:
    """Return the working-day calendar (statutory holidays and 调休 working days) for ``year``.

    Called whenever the scheduler needs a year's working days. Stops at first non-None result. The
    built-in provider (registered last) answers from ``chinese_calendar``; a county plugin can answer
    first to replace or extend it.

    :param year: The calendar year.
    :return: A :class:`~lianxue_core.WorkdayCalendar`, or ``None`` to let the next provider answer.

    Example::

        @hookimpl(tryfirst=True)
        def lianxue_workdays(year):
            if year == 2027:
                return WorkdayCalendar(year=2027, holidays=frozenset(OFFICIAL_2027), source="国办发明电")
            return None
    """
    raise NotImplementedError


# -- calendars ---------------------------------------------------------------------------------------


@hookspec
def lianxue_adjust_event(event: icalendar.Event, occurrence: Occurrence, organization: Organization) -> None:
    """Adjust a calendar event in place before it is written.

    Called for every event of every feed, one plugin after another in plugin-name order. Change
    properties with the icalendar API; do not change the UID, which subscribers rely on (the host
    refuses a changed UID).

    :param event: The event about to be written.
    :param occurrence: The occurrence it was built from.
    :param organization: The organization whose feed it belongs to.
    :return: ``None``; the change is made in place (returning anything else is an error).

    Example::

        @hookimpl
        def lianxue_adjust_event(event, organization):
            event["URL"] = f"https://dangjian.example.cn/org/{organization.id}"
    """
    raise NotImplementedError


# -- supervision -------------------------------------------------------------------------------------


@hookspec
def lianxue_findings(
    organization: Organization,
    tree: OrganizationTree,
    year: int,
    as_of: dt.date,
    occurrences: Sequence[Occurrence],
    records: Sequence[Record],
) -> Sequence[Finding]:
    """Contribute findings to a compliance check of ``organization``.

    Called once per organization checked, one plugin after another in plugin-name order, after the
    core's own checks; the findings are added in that order.

    :param organization: The organization being checked.
    :param tree: The whole organization tree.
    :param year: The year checked.
    :param as_of: The day of the check; periods not ended by then are "due", not "missing".
    :param occurrences: The organization's planned occurrences for the year.
    :param records: The organization's records for the year.
    :return: Findings beyond the core's own checks, or an empty sequence.

    Example::

        @hookimpl
        def lianxue_findings(organization, records):
            if not any(r.obligation == "zone.forum" for r in records):
                return [Finding(organization.id, "zone.forum", "2026", FindingStatus.MISSING, "未召开书记论坛")]
            return []
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def lianxue_points_rules(organization: Organization, tree: OrganizationTree, year: int) -> PointsRules | None:
    """Return the study-points rules (学习教育积分) for ``organization``, replacing lianxue's defaults.

    Called once per organization whose records are scored, when a check builds its reports.
    Stops at first non-None result. When no plugin answers, organizations with an obligation that ``keeps_points``
    (plans 1 and 4) are scored with :class:`~lianxue_core.supervision.points.DefaultPointsRules` and
    others are not scored; rules returned here switch points on for any organization.

    :param organization: The organization whose members are scored.
    :param tree: The whole organization tree.
    :param year: The year checked.
    :return: An object with a ``name`` and an ``awards(record, obligation, tree)`` method returning
        :class:`~lianxue_core.supervision.points.Award` values, or ``None`` to let the next plugin (or
        the default) decide.

    Example::

        @hookimpl
        def lianxue_points_rules(organization):
            if organization.track == "two-new":
                return DefaultPointsRules(name="某开发区积分办法", lecture=5.0)
            return None
    """
    raise NotImplementedError
