"""Self-checks on the parser's own output, run before a report is returned.

A check that fails raises ReportError saying what failed: better no import
than a wrong grade.
"""

from .model import ParsedReport


def validate(report: ParsedReport) -> None:
    """Raise ReportError if the report breaks a rule of its framework."""
