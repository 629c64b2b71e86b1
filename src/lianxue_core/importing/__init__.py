"""Roster spreadsheets to an organization file: ``lianxue import`` (see ``docs/import.md``).

Files become rows (:mod:`.reading`), headings become canonical columns (:mod:`.headings`), rows
become organizations (:mod:`.organizations`) and members (:mod:`.members`); :mod:`.roster` puts them
together and :mod:`.command` is the command line.
"""

from .problems import Decision
from .roster import ImportOptions, ImportResult, Override, import_roster, read_mapping

__all__ = ["Decision", "ImportOptions", "ImportResult", "Override", "import_roster", "read_mapping"]
