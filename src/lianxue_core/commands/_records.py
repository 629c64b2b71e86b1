"""Reading record files once for a command that uses them several times (``ledger``; ``check --split-by``):
the same reading and the same problems as :func:`lianxue_core.app.check_records`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..app import obligations_of
from ..errors import InputError
from ..model import OrganizationTree
from ..plugins import PluginHost
from ..supervision.findings import Record
from ..supervision.records import read_records

__all__ = ["read_record_files"]


def read_record_files(
    tree: OrganizationTree, host: PluginHost, paths: Sequence[Path], year: int
) -> tuple[tuple[Record, ...], tuple[str, ...]]:
    """The records in ``paths`` and the warnings about them (duplicates, cancelled events), checked against the
    organizations' obligations of ``year``.

    Raises:
        InputError: Every bad row of every file, with its file, line and column.
    """
    catalogue = {o.id: o for o in host.catalogue()}
    applies = {org: {o.id for o in obs} for org, obs in obligations_of(tree, host, year).items()}
    read = read_records(list(paths), tree, catalogue, applies)
    if read.problems:
        raise InputError(read.problems)
    return read.records, read.warnings
