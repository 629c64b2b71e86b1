"""Hypothesis strategies for lianxue's organization trees and organization-file text.

``organization_trees()`` draws random *valid* trees: every id well-formed and unique, parents
forming a forest, supervisors and parents never forming a cycle, links and member organizations
naming organizations of the tree, member counts no smaller than the members listed, and options
that pass the organization-file checks. ``tomlish_text()`` draws text that looks like an
organization file but mostly is not one, for the property that loading never fails any other way
than with an :class:`~lianxue_core.errors.InputError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from lianxue_core.model import Member, MemberFlag, MemberRole, Organization, OrganizationTree, OrgKind

__all__ = [
    "BUILTIN_TRACKS",
    "chinese_names",
    "ids",
    "option_tables",
    "organization_trees",
    "tomlish_text",
]

#: The track keys of the built-in plugins (plans 1-4 of 德组通〔2016〕18号).
BUILTIN_TRACKS = ("organs", "town", "village", "community", "two-new")

#: Ids as the organization file allows them: lower-case letters, digits and '-'.
_ID_START = "abcdefghijklmnopqrstuvwxyz0123456789"
ids = st.builds(str.__add__, st.sampled_from(_ID_START), st.text(alphabet=_ID_START + "-", max_size=15))

_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_NAME_EXTRAS = st.sampled_from(list("（）·、\"\\' -ABC123"))
_SUFFIXES = ("党委", "党工委", "党组", "党总支", "党支部", "党小组", "机关党支部", "村党支部", "")

#: Chinese names with no spaces at either end (the file reader strips them), sometimes with
#: quotes, backslashes and ASCII mixed in to exercise the TOML writer's escaping.
chinese_names = st.builds(
    lambda head, rest, suffix: (head + rest + suffix).strip() or head,
    _HAN,
    st.text(alphabet=st.one_of(_HAN, _NAME_EXTRAS), max_size=10),
    st.sampled_from(_SUFFIXES),
)

_VALIDATED_OPTIONS = {
    "timezone",
    "meeting_time",
    "meeting_minutes",
    "location",
    "weekdays",
    "evening",
    "allow_weekends",
    "activity_day",
    "talk_minutes",
    "talks_per_day",
}
_option_keys = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True).filter(lambda k: k not in _VALIDATED_OPTIONS)
_scalars: st.SearchStrategy[Any] = st.one_of(
    st.text(max_size=12),  # any characters, control characters included
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False),
    st.dates(),
    st.times(),
)
_option_values: st.SearchStrategy[Any] = st.one_of(
    _scalars,
    st.lists(_scalars, max_size=4),
    st.dictionaries(_option_keys, _scalars, max_size=3),
    st.sampled_from(["每月第一个星期五", "每月15日", "镇党群服务中心", "村文化礼堂"]),
)

#: Option tables that pass the organization file's checks.
option_tables: st.SearchStrategy[dict[str, Any]] = st.builds(
    lambda free, fixed: {**free, **fixed},
    st.dictionaries(_option_keys, _option_values, max_size=4),
    st.fixed_dictionaries(
        {},
        optional={
            "timezone": st.sampled_from(["Asia/Shanghai", "Asia/Urumqi", "UTC"]),
            "meeting_time": st.one_of(
                st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59)),
                st.builds(dt.time, st.integers(0, 23), st.integers(0, 59)),
            ),
            "meeting_minutes": st.integers(1, 24 * 60),
            "location": chinese_names,
            "weekdays": st.lists(st.integers(1, 7), unique=True, min_size=1, max_size=7),
            "evening": st.booleans(),
            "allow_weekends": st.booleans(),
            "activity_day": st.sampled_from(["每月第一个星期五", "每月最后一个周三", "每月15日", "每月1号"]),
            "talk_minutes": st.integers(5, 480),
            "talks_per_day": st.integers(1, 48),
        },
    ),
)


@st.composite
def organization_trees(
    draw: st.DrawFn,
    *,
    tracks: Sequence[str] = BUILTIN_TRACKS,
    max_orgs: int = 10,
    max_members: int = 12,
    options: st.SearchStrategy[dict[str, Any]] = option_tables,
) -> OrganizationTree:
    """A random valid :class:`OrganizationTree`, its organizations in a random file order.

    Args:
        tracks: The track keys to draw from; empty for no tracks at all.
        max_orgs: At most this many organizations (at least one).
        max_members: At most this many listed members.
        options: The organizations' option tables (``st.just({})`` when they do not matter: faster).
    """
    org_ids = draw(st.lists(ids, min_size=1, max_size=max_orgs, unique=True))
    member_ids = draw(st.lists(ids, max_size=max_members, unique=True))
    members = [
        Member(
            id=member_id,
            name=draw(chinese_names),
            org=draw(st.sampled_from(org_ids)),
            roles=draw(st.frozensets(st.sampled_from(list(MemberRole)))),
            flags=draw(st.frozensets(st.sampled_from(list(MemberFlag)))),
            links=draw(st.lists(st.sampled_from(org_ids), unique=True, max_size=3)),
        )
        for member_id in member_ids
    ]
    orgs = []
    for i, org_id in enumerate(org_ids):
        # Parents and supervisors come earlier in ``org_ids``, so neither can form a cycle.
        earlier = org_ids[:i]
        others = [o for o in org_ids if o != org_id]
        listed = sum(1 for m in members if m.org == org_id)
        count = draw(st.none() | st.integers(listed, listed + 500))
        orgs.append(
            Organization(
                id=org_id,
                name=draw(chinese_names),
                kind=draw(st.sampled_from(list(OrgKind))),
                track=draw(st.none() | st.sampled_from(list(tracks))) if tracks else None,
                parent=draw(st.none() | st.sampled_from(earlier)) if earlier else None,
                supervisor=draw(st.none() | st.sampled_from(earlier)) if earlier else None,
                links=draw(st.lists(st.sampled_from(others), unique=True, max_size=3)) if others else (),
                members=count,
                households=draw(st.none() | st.integers(0, 5000)),
                options=draw(options),
            )
        )
    return OrganizationTree(draw(st.permutations(orgs)), members)


_FRAGMENTS = (
    "[[org]]\n",
    "[[member]]\n",
    "[defaults]\n",
    "[org]\n",
    'id = "xinshi"\n',
    'id = "zhuangcun"\n',
    'name = "新市镇党委"\n',
    "id = ",
    "name = ",
    "kind = ",
    "track = ",
    "parent = ",
    "supervisor = ",
    "links = ",
    "members = ",
    "households = ",
    "options = ",
    "org = ",
    "roles = ",
    "flags = ",
    "timezone = ",
    "meeting_time = ",
    "meeting_minutes = ",
    '"xinshi"',
    '"zhuangcun"',
    '"Asia/Shanghai"',
    '"Asia"',
    '"14:30"',
    '"committee"',
    '"village"',
    '"secretary"',
    '"elderly"',
    '""',
    "14:30:00",
    "1979-05-27",
    "1979-05-27T07:32:00Z",
    "-1",
    "0",
    "45",
    "1e3",
    "nan",
    "true",
    "[",
    "]",
    "{",
    "}",
    ",",
    "=",
    ".",
    '"',
    "'",
    "'''",
    "\\",
    "#",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x7f",
    "\ufeff",
)

#: Text built from organization-file fragments, with some arbitrary text mixed in.
tomlish_text = st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=4), max_size=40).map("".join)
