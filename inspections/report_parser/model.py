"""What the parser returns: the grades vocabulary, ParsedReport and ReportError.

Nothing here reads text; ``text`` and the format modules fill these in.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any


class ReportError(Exception):
    """The file cannot be read as an Ofsted report; the message says why."""


# --- Grades and judgement areas -------------------------------------------

GRADES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires improvement to be good": "Requires improvement to be good",
    "inadequate": "Inadequate",
}
# sif branch: the pre-2013 four-point scale has "Adequate" where later ones have
# "Requires improvement to be good"; only pre-2013 reports ("other") use it.
OLDER_GRADES = {**GRADES, "adequate": "Adequate"}
REQUIRES_IMPROVEMENT = "requires improvement to be good"
GRADE_PATTERN = r"outstanding|good|requires improvement to be good|inadequate"

# Canonical grade labels to inspections.models.Grade values.
GRADE_CODES = {
    "Outstanding": "outstanding",
    "Good": "good",
    "Requires improvement to be good": "requires_improvement",
    "Inadequate": "inadequate",
    "Adequate": "adequate",  # sif branch: the pre-2013 four-point scale
}


def canonical_grade(text: str) -> str | None:
    """A grade as printed in canonical form; "Requires improvement" (the 2018-19
    short form, and the misprint "Require improvement") is "Requires improvement to be good"."""
    key = (
        " ".join(text.split())
        .rstrip(".")
        .lower()
        .replace("require improvement", "requires improvement")
    )
    if key == "requires improvement":
        key = REQUIRES_IMPROVEMENT
    return GRADES.get(key)


def grade_code(label: str) -> str:
    """The stored value (inspections.models.Grade) for a grade as printed."""
    return GRADE_CODES[OLDER_GRADES[" ".join(label.split()).rstrip(".").lower()]]


def match_judgement_area(text: str, kind: str | None = None) -> str | None:
    """The stored area (inspections.models.JudgementArea) for an area as printed.

    Matches on the words that tell the areas apart, so the 2018-22 combined
    area, the 2023+ areas and printing slips ("children care leavers") all map.
    ``kind`` is the report's inspection_kind: pre-2013 rows ("other") are all "other".
    """
    t = " ".join(text.split()).lower()
    # sif branch: pre-2013 rows, and the SIF (2013-18) rows that differ from ILACS's.
    if kind == "other":
        return "other"
    if "local safeguarding children board" in t:
        return "lscb"
    if t.startswith("leadership, management and governance"):
        return "leadership"
    if t.startswith("adoption performance"):
        return "adoption"
    if "achieving permanence" in t:
        return "looked_after"
    if t.startswith("overall effectiveness"):
        return "overall"
    if "leaders" in t and "children and families" in t:
        return "leadership"
    if "help and protection" in t:
        return "help_and_protection"
    if "children in care and care leavers" in t:
        return "in_care_and_care_leavers"
    if "care leavers" in t:
        return "care_leavers"
    if "children in care" in t:
        return "in_care"
    return None


# --- Results ---------------------------------------------------------------


@dataclass
class ParsedParagraph:
    number: int
    section: str
    text: str


@dataclass
class ParsedSection:
    title: str
    grade: str
    first_paragraph: int | None = None
    last_paragraph: int | None = None


@dataclass
class ParsedReport:
    authority: str
    inspection_kind: str  # standard, short, focused_visit, monitoring_visit, jtai
    start_date: date | None
    end_date: date | None
    published_date: date | None = None
    lead_inspector: str | None = None
    # Letters: every inspector the letter names, lead first where it says so.
    inspectors: list[str] = field(default_factory=list)
    judgements: list[tuple[str, str]] = field(default_factory=list)  # (area as printed, grade)
    recommendations: list[str] = field(default_factory=list)
    paragraphs: list[ParsedParagraph] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    # Letters: the "Areas for priority action" bullets, which are not recommendations.
    priority_actions: list[str] = field(default_factory=list)
    # False when a letter has no list of what needs to improve (a valid letter that
    # found nothing new to improve): recommendations is then [] on purpose.
    improvements_listed: bool = True
    # What the importer should tell the person importing, e.g. that nothing is listed.
    notes: list[str] = field(default_factory=list)

    @property
    def type(self) -> str:
        """The report type as the reports' README names it: ILACS for both kinds."""
        return "ilacs" if self.inspection_kind in ("standard", "short") else self.inspection_kind

    def to_expected_dict(self) -> dict[str, Any]:
        """The extraction in the shape of the hand-checked JSON files."""
        return {
            "authority": self.authority,
            "type": self.type,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "lead_inspector": self.lead_inspector,
            "judgements": dict(self.judgements),
            "recommendations": self.recommendations,
            "paragraph_count": len(self.paragraphs),
            "sections": [
                {
                    "title": s.title,
                    "grade": s.grade,
                    "first_paragraph": s.first_paragraph,
                    "last_paragraph": s.last_paragraph,
                }
                for s in self.sections
            ],
        }
