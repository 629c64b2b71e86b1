"""What a re-plan keeps: the items of the year's first plan pinned where they are, held or missed.

:func:`lianxue_core.scheduling.replan` sorts every item of the plan people subscribed to by what the records
say, then plans the year again with these :class:`Pins`: the planner gives a pinned item back where it is
instead of placing it, and places everything else from :attr:`Pins.as_of` on, by the same rules as the first
plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from .occurrence import Occurrence

__all__ = ["Key", "Pins", "key_of"]

#: An item's identity across plans: organization, obligation, period and slot (what its calendar UID is made of).
Key = tuple[str, str, str, str]


def key_of(occ: Occurrence) -> Key:
    """The identity of ``occ`` across plans of the same year."""
    return (occ.org, occ.obligation, occ.period, occ.slot)


@attrs.frozen
class Pins:
    """The items a re-plan does not place again.

    Args:
        as_of: The day the re-plan starts from: nothing new is placed before it.
        held: Items the records show as held, at the day (and time) they were held.
        missed: Items whose window closed before ``as_of`` unheld, as they were planned. They stay out of the
            new plan (their events are cancelled) but still order what must follow them.
        kept: Items planned from ``as_of`` on that no record touches: they stay where they are unless a
            constraint forces a move (a predecessor placed after them, a person now busy then).
    """

    as_of: dt.date
    held: Mapping[Key, Occurrence] = attrs.field(factory=dict)
    missed: Mapping[Key, Occurrence] = attrs.field(factory=dict)
    kept: Mapping[Key, Occurrence] = attrs.field(factory=dict)
