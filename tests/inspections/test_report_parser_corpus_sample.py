"""The parser on real PDFs of the national corpus (../shared/reports/corpus-sample).

Each expectation was checked by reading the report itself. The SIF and pre-2013
reports in the sample are the sif parser's (tests/inspections/test_sif*.py).
"""

from datetime import date
from pathlib import Path

import pytest

from inspections.report_parser import ParsedReport, extract_text, parse_report

SAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "reports" / "corpus-sample"
RI = "Requires improvement to be good"
LEADERS = "The impact of leaders on social work practice with children and families"
HELP = "The experiences and progress of children who need help and protection"
CARE_2018 = "The experiences and progress of children in care and care leavers"
IN_CARE = "The experiences and progress of children in care"
LEAVERS = "The experiences and progress of care leavers"
OVERALL = "Overall effectiveness"


def parse(name: str) -> ParsedReport:
    return parse_report(extract_text((SAMPLE / f"{name}.pdf").read_bytes()))


# (file, authority, start, end, lead inspector, judgements, paragraphs, recommendations)
INSPECTIONS = [
    # Grades printed whole in a layout column; children in care and care leavers together.
    (
        "blackpool-inspection-published-2023-02-01",
        "Blackpool",
        date(2022, 12, 5),
        date(2022, 12, 16),
        "Lisa Summers",
        {LEADERS: RI, HELP: RI, CARE_2018: "Good", OVERALL: RI},
        47,
        4,
    ),
    # The title names the council: "Inspection of Buckinghamshire Council children's services".
    (
        "buckinghamshire-inspection-published-2022-02-11",
        "Buckinghamshire",
        date(2021, 12, 6),
        date(2021, 12, 17),
        "Nick Stacey",
        {LEADERS: RI, HELP: RI, CARE_2018: RI, OVERALL: RI},
        51,
        7,
    ),
    # "Durham County Council" above the title; the short "Requires improvement" grades;
    # 2018-19 section headings ("… is good").
    (
        "durham-inspection-published-2019-10-21",
        "Durham",
        date(2019, 9, 9),
        date(2019, 9, 20),
        "Rachel Holden",
        {LEADERS: RI, HELP: RI, CARE_2018: "Good", OVERALL: RI},
        50,
        6,
    ),
    (
        "calderdale-inspection-published-2018-12-19",
        "Calderdale",
        date(2018, 11, 12),
        date(2018, 11, 23),
        "Lisa Summers",
        {LEADERS: "Good", HELP: RI, CARE_2018: "Outstanding", OVERALL: "Good"},
        38,
        3,
    ),
    # The 2023 areas: children in care and care leavers graded apart.
    (
        "hounslow-inspection-published-2023-12-01",
        "Hounslow",
        date(2023, 10, 16),
        date(2023, 10, 20),
        "Nick Bennison",
        {LEADERS: "Outstanding", HELP: "Good", IN_CARE: "Good", LEAVERS: "Good", OVERALL: "Good"},
        55,
        4,
    ),
    (
        "milton-keynes-inspection-published-2024-12-17",
        "Milton Keynes",
        date(2024, 10, 28),
        date(2024, 11, 8),
        "Brenda McLaughlin",
        {
            LEADERS: "Good",
            HELP: "Good",
            IN_CARE: "Good",
            LEAVERS: "Outstanding",
            OVERALL: "Good",
        },
        40,
        3,
    ),
    (
        "nottinghamshire-inspection-published-2019-12-19",
        "Nottinghamshire",
        date(2019, 10, 7),
        date(2019, 10, 18),
        "Margaret Burke",
        {LEADERS: "Good", HELP: RI, CARE_2018: "Good", OVERALL: "Good"},
        49,
        4,
    ),
]


@pytest.mark.parametrize(
    "name,authority,start,end,lead,judgements,paragraphs,recommendations", INSPECTIONS
)
def test_ilacs_reports_of_the_corpus(
    name, authority, start, end, lead, judgements, paragraphs, recommendations
):
    report = parse(name)
    assert report.type == "ilacs"
    assert report.authority == authority
    assert (report.start_date, report.end_date) == (start, end)
    assert report.lead_inspector == lead
    assert dict(report.judgements) == judgements
    assert len(report.paragraphs) == paragraphs
    assert len(report.recommendations) == recommendations
    # Every graded section carries its area's grade from the table.
    for section in report.sections:
        assert section.grade == judgements[section.title]


def test_a_wrapped_grade_is_never_read_as_good():
    """Blackpool 2023: PDFium gives the overall grade as one line, "Requires
    improvement to be good"; the old parser read its last word."""
    report = parse("blackpool-inspection-published-2023-02-01")
    assert dict(report.judgements)[OVERALL] == RI


def test_the_first_and_last_recommendations_of_an_ilacs_report():
    report = parse("hounslow-inspection-published-2023-12-01")
    assert report.recommendations[0].startswith(
        "Promotion of the rights and entitlements for care leavers"
    )
    assert report.recommendations[-1] == "The timely assessments of children requiring early help."


LETTERS = [
    # (file, authority, start, end, lead inspector, inspectors, recommendations)
    (
        "birmingham-focused-visit-published-2020-03-13",
        "Birmingham",
        date(2020, 2, 19),
        date(2020, 2, 20),
        "John Roughton",
        ["John Roughton", "Andy Waugh"],
        4,
    ),
    # Private-use bullet glyphs (U+F0B7); the inspectors as "Caroline Walsh, HMI, and …".
    (
        "derbyshire-focused-visit-published-2018-03-22",
        "Derbyshire",
        date(2018, 2, 27),
        date(2018, 2, 28),
        "Caroline Walsh",
        ["Caroline Walsh", "Ian Young"],
        3,
    ),
    # "Focused visit to the Royal Borough of Greenwich"; signed "Your sincerely" (sic).
    (
        "greenwich-focused-visit-published-2021-08-23",
        "Greenwich",
        date(2021, 7, 13),
        date(2021, 7, 14),
        "Steve Lowe",
        ["Steve Lowe", "Tracey Ledder"],
        3,
    ),
    # "Focused visit to London Borough of Islington"; later "Inspection of Local
    # Authority Children's Services framework" is no title.
    (
        "islington-focused-visit-published-2018-05-11",
        "Islington",
        date(2018, 4, 17),
        date(2018, 4, 18),
        "Andy Whippey",
        ["Andy Whippey", "Kate Malleson"],
        2,
    ),
    (
        "kingston-upon-hull-focused-visit-published-2018-03-01",
        "Kingston upon Hull",
        date(2018, 2, 6),
        date(2018, 2, 7),
        "Graham Reiter",
        ["Graham Reiter", "Matt Reed"],
        4,
    ),
    (
        "north-east-lincolnshire-focused-visit-published-2019-12-18",
        "North East Lincolnshire",
        date(2019, 10, 22),
        date(2019, 10, 23),
        "Rachel Holden",
        ["Rachel Holden", "Jan Edwards"],
        4,
    ),
    # "Focused visit to Sandwell Children's Trust": a trust, and one recommendation.
    (
        "sandwell-focused-visit-published-2024-11-29",
        "Sandwell",
        date(2024, 10, 30),
        date(2024, 10, 31),
        "Russel Breyer",
        ["Russel Breyer", "Monique Lindsay"],
        1,
    ),
    # Letters with nothing to improve: valid, with no recommendations.
    (
        "lincolnshire-focused-visit-published-2022-04-22",
        "Lincolnshire",
        date(2022, 3, 16),
        date(2022, 3, 17),
        "Neil Penswick",
        ["Neil Penswick", "Lisa Walsh"],
        0,
    ),
    (
        "north-tyneside-focused-visit-published-2022-06-06",
        "North Tyneside",
        date(2022, 4, 27),
        date(2022, 4, 28),
        "Louise Walker",
        ["Louise Walker", "Matt Reed"],
        0,
    ),
    (
        "worcestershire-focused-visit-published-2025-01-13",
        "Worcestershire",
        date(2024, 12, 3),
        date(2024, 12, 4),
        "Rebecca Quested",
        ["Rebecca Quested", "Matthew Hedges"],
        0,
    ),
]


@pytest.mark.parametrize("name,authority,start,end,lead,inspectors,recommendations", LETTERS)
def test_focused_visit_letters_of_the_corpus(
    name, authority, start, end, lead, inspectors, recommendations
):
    report = parse(name)
    assert report.type == "focused_visit"
    assert report.authority == authority
    assert (report.start_date, report.end_date) == (start, end)
    assert report.published_date == date.fromisoformat(name[-10:])
    assert report.lead_inspector == lead
    assert report.inspectors == inspectors
    assert len(report.recommendations) == recommendations
    assert report.improvements_listed is (recommendations > 0)
    assert report.judgements == [] and report.paragraphs == [] and report.sections == []


def test_a_letter_with_nothing_to_improve_says_so():
    report = parse("worcestershire-focused-visit-published-2025-01-13")
    assert report.recommendations == []
    assert report.to_expected_dict()["recommendations"] == []
    assert any("nothing to improve" in note for note in report.notes)


def test_private_use_bullets_are_removed_and_wrapped_lines_joined():
    report = parse("derbyshire-focused-visit-published-2018-03-22")
    first = report.recommendations[0]
    assert first.startswith("The quality of child protection planning is too variable. Risk")
    assert "improving children’s circumstances." in first
    assert not any("\ue000" <= ch <= "\uf8ff" for text in report.recommendations for ch in text)


def test_one_recommendation_then_main_findings():
    report = parse("sandwell-focused-visit-published-2024-11-29")
    assert report.recommendations == [
        "Regularity and quality of supervision of social workers, and oversight of "
        "children’s casework."
    ]
