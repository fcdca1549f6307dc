"""Single inspection framework (2013-2018) and older reports: a placeholder.

The engineer on the ``sif`` branch replaces this file; keep these two names.
"""

from .model import ParsedReport, ReportError


def is_sif(lines: list[str]) -> bool:
    """Whether the cleaned lines are a SIF or pre-2013 report."""
    return False


def parse(lines: list[str], raw_lines: list[str]) -> ParsedReport:
    raise ReportError("Reports of the single inspection framework (2013-2018) cannot be read yet.")
