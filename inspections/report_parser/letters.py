"""Letters: focused visits, monitoring visits and joint targeted area
inspections (JTAI). No judgements and no numbered paragraphs; the list of
what needs to improve, when the letter has one.
"""

from .details import front_matter, refuse_if_missing
from .model import ParsedReport

KINDS = ("focused_visit", "monitoring_visit", "jtai")


def parse(lines: list[str], raw_lines: list[str], kind: str) -> ParsedReport:
    report, missing, _ = front_matter(lines, raw_lines, kind)
    if kind == "focused_visit" and not report.recommendations:
        missing.append("the recommendations (the bullets under “What needs to improve”)")
    refuse_if_missing(missing)
    return report
