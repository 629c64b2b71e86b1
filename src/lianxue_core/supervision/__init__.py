"""Records of what was held, and findings about what was due."""

from .findings import Finding, FindingStatus, Record

__all__ = ["Finding", "FindingStatus", "Record"]
