"""Occurrences → iCalendar feeds: text written by hand, checked by real parsers."""

from .feeds import FeedOptions, PreviousFeed, build_events, render_feed, stamp_from_environment, to_calendar, uid_for
from .writer import FeedSet, WrittenFeed, atomic_write, build_feeds, write_feeds

__all__ = [
    "FeedOptions",
    "FeedSet",
    "PreviousFeed",
    "WrittenFeed",
    "atomic_write",
    "build_events",
    "build_feeds",
    "render_feed",
    "stamp_from_environment",
    "to_calendar",
    "uid_for",
    "write_feeds",
]
