"""Obligations turned into dated occurrences."""

from .occurrence import Occurrence
from .periods import Period, periods

__all__ = ["Occurrence", "Period", "periods"]
