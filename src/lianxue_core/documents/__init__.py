"""Word documents a branch files: the 年度组织生活计划 (:func:`render_plan_docx`) and the 三会一课 台账
(:func:`render_ledger_docx`), A4 in 仿宋/宋体 with page numbers, byte-identical for the same input
(:func:`stamp`); :func:`write_bytes` writes one whole or not at all."""

from __future__ import annotations

from ._docx import stamp, write_bytes
from .ledger_docx import ledger_records, render_ledger_docx
from .plan_docx import plan_items, render_plan_docx

__all__ = ["ledger_records", "plan_items", "render_ledger_docx", "render_plan_docx", "stamp", "write_bytes"]
