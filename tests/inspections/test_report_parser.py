"""The report parser: every sample report, the 2023 seed, and each format rule on its own."""

import io
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfWriter

from inspections.models import Grade, JudgementArea
from inspections.report_parser import (
    ReportError,
    extract_text,
    grade_code,
    match_judgement_area,
    parse_report,
    report_lines,
)
from inspections.report_parser.ilacs import judgement_table

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT.parent / "shared" / "reports"
SEED_2023 = next((ROOT.parent / "shared" / "seeds").glob("001_*.txt"))
SAMPLES = sorted(p.stem for p in REPORTS.glob("*.json"))
# The same PDFs through pdftotext (Debian's poppler-utils) in each of its modes,
# made at test time: the texts are not committed.
PDFTOTEXT_MODES = {"layout": ["-layout"], "raw": ["-raw"], "plain": []}
MODES = [f"{stem}.{mode}" for stem in SAMPLES for mode in PDFTOTEXT_MODES]


@pytest.fixture(scope="session")
def pdftotext_texts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each sample PDF's text from pdftotext in each mode, in a temporary folder.

    A missing pdftotext fails these tests (CI installs poppler-utils): it never skips them.
    """
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed: apt-get install poppler-utils")
    folder = tmp_path_factory.mktemp("report_texts")
    for stem in SAMPLES:
        for mode, flags in PDFTOTEXT_MODES.items():
            out = folder / f"{stem}.{mode}.txt"
            pdf = str(REPORTS / f"{stem}.pdf")
            subprocess.run(["pdftotext", *flags, pdf, str(out)], check=True)
    return folder


def parse_file(path: Path):
    return parse_report(extract_text(path.read_bytes()))


def test_there_are_samples_to_check():
    assert len(SAMPLES) >= 5


@pytest.mark.parametrize("stem", SAMPLES)
@pytest.mark.parametrize("suffix", [".pdf", ".txt"])
def test_each_sample_gives_its_hand_checked_extraction(stem, suffix):
    expected = json.loads((REPORTS / f"{stem}.json").read_text())
    assert parse_file(REPORTS / f"{stem}{suffix}").to_expected_dict() == expected


@pytest.mark.parametrize("name", MODES)
def test_each_pdftotext_mode_gives_the_same_extraction(name, pdftotext_texts):
    stem, mode = name.split(".")
    expected = json.loads((REPORTS / f"{stem}.json").read_text())
    report = parse_file(pdftotext_texts / f"{name}.txt")
    assert report.to_expected_dict() == expected
    if mode != "plain":  # pdftotext's default mode drops line-end hyphens ("decisionmaking")
        assert report.paragraphs == parse_file(REPORTS / f"{stem}.pdf").paragraphs


@pytest.mark.parametrize("stem", [s for s in SAMPLES if "ilacs" in s])
def test_the_pdf_and_its_text_give_the_same_paragraphs(stem):
    from_pdf = parse_file(REPORTS / f"{stem}.pdf").paragraphs
    from_text = parse_file(REPORTS / f"{stem}.txt").paragraphs
    assert [p.number for p in from_pdf] == list(range(1, len(from_pdf) + 1))
    assert from_pdf == from_text


def test_paragraphs_carry_no_page_furniture_or_footnotes():
    report = parse_file(REPORTS / "redcar-and-cleveland-ilacs-2025-12.pdf")
    text = " ".join(p.text for p in report.paragraphs)
    assert "Inspection of Redcare" not in text  # the running header
    assert "1 to 12 December 2025" not in text  # its second line, with the page number
    assert "cross-referenced" not in text  # the footnote
    # Paragraph 12 runs over a page break; the pieces join with one space.
    assert "the use of family networks in being able to support" in report.paragraphs[11].text


def test_the_2023_seed_gives_the_fixtures_inspection():
    fixtures = json.loads((ROOT / "fixtures" / "inspections.json").read_text())
    inspection = next(
        o
        for o in fixtures
        if o["model"] == "inspections.inspection" and o["fields"]["start_date"] == "2023-03-13"
    )
    held = {
        "paragraphs": sorted(
            (o["fields"]["number"], o["fields"]["section"], o["fields"]["text"])
            for o in fixtures
            if o["model"] == "inspections.reportparagraph"
            and o["fields"]["inspection"] == inspection["pk"]
        ),
        "recommendations": [
            o["fields"]["text"]
            for o in sorted(fixtures, key=lambda o: o["fields"].get("order", 0))
            if o["model"] == "inspections.finding" and o["fields"]["inspection"] == inspection["pk"]
        ],
        "judgements": sorted(
            (o["fields"]["area"], o["fields"]["grade"])
            for o in fixtures
            if o["model"] == "inspections.judgement"
            and o["fields"]["inspection"] == inspection["pk"]
        ),
    }
    report = parse_file(SEED_2023)
    assert report.authority == "Middlesbrough"
    assert report.inspection_kind == inspection["fields"]["kind"] == "standard"
    assert (report.start_date, report.end_date) == (date(2023, 3, 13), date(2023, 3, 24))
    assert report.lead_inspector == inspection["fields"]["lead_inspector"] == "Louise Walker"
    assert sorted((p.number, p.section, p.text) for p in report.paragraphs) == held["paragraphs"]
    assert len(report.paragraphs) == 60
    assert report.recommendations == held["recommendations"]
    assert len(report.recommendations) == 6
    assert (
        sorted((match_judgement_area(a), grade_code(g)) for a, g in report.judgements)
        == held["judgements"]
    )


def test_grades_and_areas_map_to_the_stored_choices():
    # The ILACS vocabulary; the SIF and pre-2013 choices are the older formats' to read.
    grades = [g for g in Grade if g != Grade.ADEQUATE]
    areas = [a for a in JudgementArea if a not in ("looked_after", "adoption", "lscb", "other")]
    assert {grade_code(g.label) for g in grades} == set(grades)
    assert grade_code("requires improvement to be good.") == Grade.REQUIRES_IMPROVEMENT
    for area in areas:
        assert match_judgement_area(area.label) in JudgementArea.values
    assert {match_judgement_area(a.label) for a in areas} == set(areas)
    # The misprint in Redcar and Cleveland's 2025 table still finds its area.
    assert (
        match_judgement_area("The experiences and progress of children care leavers")
        == JudgementArea.CARE_LEAVERS
    )
    assert match_judgement_area("The quality of the school dinners") is None


# --- Each format rule, on a small report built here --------------------------

TABLE_2023 = """Judgement Grade
The impact of leaders on social work practice with children and families Good
The experiences and progress of children who need help and protection Good
The experiences and progress of children in care Requires improvement to be good
The experiences and progress of care leavers Good
Overall effectiveness Good"""

RECOMMENDATIONS = """What needs to improve?
◼ The response to children who go missing.
◼ The quality of extra-
familial risk assessments.
"""

BODY = """The experiences and progress of children who need help and protection: good
1. Help is timely.
2. Plans are clear.
The experiences and progress of children in care: requires improvement to be good
3. Homes are scarce.
The experiences and progress of care leavers: good
4. Personal advisers know young people well.
The impact of leaders on social work practice with children and families: good
5. Leaders know their services.
"""


def ilacs(table=TABLE_2023, recommendations=RECOMMENDATIONS, body=BODY, head=None):
    head = head or (
        "Inspection of Exampleshire local authority children’s services\n"
        "Inspection dates: 2 to 13 October 2023\n"
        "Lead inspector: Ann Example, His Majesty’s Inspector\n"
    )
    summary = "Leaders have improved services since the last inspection.\n"
    return f"{head}{table}\n{summary}{recommendations}{body}"


def table_rows(table: str) -> list[tuple[str, str]]:
    """The judgement table's rows as read, before the report's own checks."""
    return judgement_table(report_lines(ilacs(table=table.rstrip("\n")))[1])[0]


def test_the_small_report_parses():
    report = parse_report(ilacs())
    assert report.authority == "Exampleshire"
    assert report.type == "ilacs"
    assert (report.start_date, report.end_date) == (date(2023, 10, 2), date(2023, 10, 13))
    assert report.published_date is None
    assert report.lead_inspector == "Ann Example"
    assert dict(report.judgements)["Overall effectiveness"] == "Good"
    assert report.recommendations == [
        "The response to children who go missing.",
        "The quality of extra-familial risk assessments.",
    ]
    help_, in_care, leavers, leaders = (
        "The experiences and progress of children who need help and protection",
        "The experiences and progress of children in care",
        "The experiences and progress of care leavers",
        "The impact of leaders on social work practice with children and families",
    )
    assert [(p.number, p.section) for p in report.paragraphs] == [
        (1, help_),
        (2, help_),
        (3, in_care),
        (4, leavers),
        (5, leaders),
    ]
    assert [(s.grade, s.first_paragraph, s.last_paragraph) for s in report.sections] == [
        ("Good", 1, 2),
        ("Requires improvement to be good", 3, 3),
        ("Good", 4, 4),
        ("Good", 5, 5),
    ]


def test_the_april_2026_table_has_no_overall_effectiveness():
    table = TABLE_2023.replace("\nOverall effectiveness Good", "")
    head = (
        "Inspection of Exampleshire local authority children’s services\n"
        "Inspection dates: 27 April to 8 May 2026\n"
    )
    report = parse_report(ilacs(table=table, head=head))
    assert len(report.judgements) == 4
    assert "Overall effectiveness" not in dict(report.judgements)


def test_a_table_without_overall_effectiveness_before_2026_is_refused():
    table = TABLE_2023.replace("\nOverall effectiveness Good", "")
    with pytest.raises(ReportError, match="no overall effectiveness, but the inspection is before"):
        parse_report(ilacs(table=table))


def test_the_2018_table_with_its_combined_area_and_wrapped_rows():
    table = """Judgement Grade
The impact of leaders on social work practice with children
and families
Inadequate
The experiences and progress of children in care and care
leavers
Requires improvement
to be good
Overall effectiveness
Requires improvement to
be good"""
    assert table_rows(table) == [
        ("The impact of leaders on social work practice with children and families", "Inadequate"),
        (
            "The experiences and progress of children in care and care leavers",
            "Requires improvement to be good",
        ),
        ("Overall effectiveness", "Requires improvement to be good"),
    ]


def test_a_layout_mode_table_with_the_grade_on_the_middle_line():
    table = (
        " Judgement                                                     Grade\n"
        " The experiences and progress of children who need help and\n"
        "                                                               Outstanding\n"
        " protection\n"
        " Overall effectiveness                                         Good\n"
    )
    assert table_rows(table) == [
        ("The experiences and progress of children who need help and protection", "Outstanding"),
        ("Overall effectiveness", "Good"),
    ]


def test_a_table_row_without_a_grade_is_an_error():
    table = (
        "Judgement Grade\nThe experiences and progress of care leavers\nOverall effectiveness Good"
    )
    with pytest.raises(ReportError, match="no grade for “The experiences and progress of care"):
        parse_report(ilacs(table=table))


@pytest.mark.parametrize(
    "heading",
    [
        "What needs to improve",
        "What needs to improve?1",
        "What needs to improve?\n1",
        "What needs to improve in this area of social work practice?",
        "What needs to improve in this area of social work practice",
    ],
)
def test_recommendation_heading_variants(heading):
    recommendations = RECOMMENDATIONS.replace("What needs to improve?", heading)
    assert len(parse_report(ilacs(recommendations=recommendations)).recommendations) == 2


@pytest.mark.parametrize("glyph", ["◼", "•", "▪", "-", "\uf0b7", "●"])
def test_bullet_glyphs_are_removed(glyph):
    recommendations = RECOMMENDATIONS.replace("◼", glyph)
    assert parse_report(ilacs(recommendations=recommendations)).recommendations[0] == (
        "The response to children who go missing."
    )


def test_a_glyph_on_its_own_line_and_a_last_bullet_without_a_full_stop():
    recommendations = (
        "What needs to improve?\n◼\nThe response to children who go missing.\n"
        "◼\nThe quality of extra-\nfamilial risk assessments\n"
    )
    report = parse_report(ilacs(recommendations=recommendations))
    assert report.recommendations == [
        "The response to children who go missing.",
        "The quality of extra-familial risk assessments",
    ]
    assert report.sections[0].first_paragraph == 1


def test_the_lead_inspector_is_not_taken_from_a_sentence_about_them():
    letter = LETTER.replace(
        "Headline findings",
        "Headline findings\nThe director of children’s services and the\n"
        "lead inspector agreed arrangements for the visit.",
    )
    assert parse_report(letter).lead_inspector == "Kim Able"
    assert parse_report(letter.split("Yours sincerely")[0]).lead_inspector is None


def test_the_intro_sentence_and_wrapped_bullets():
    recommendations = (
        "What needs to improve in this area of social work practice\n"
        "In addition to the weaknesses identified at the last inspection, the following\n"
        "areas for improvement were identified at this visit:\n"
        "◼ Management oversight and actions to ensure that children in care, including\n"
        "those with special educational needs and/or disabilities\n"
        "(SEND), receive their full educational entitlement.\n"
        "◼ Consistency in the recording of contingency plans. (outcome 2, national\n"
        "framework)\n"
    )
    assert parse_report(ilacs(recommendations=recommendations)).recommendations == [
        "Management oversight and actions to ensure that children in care, including those "
        "with special educational needs and/or disabilities (SEND), receive their full "
        "educational entitlement.",
        "Consistency in the recording of contingency plans. (outcome 2, national framework)",
    ]


def test_numbers_standing_on_their_own_line():
    body = BODY.replace("1. Help is timely.", "1.\nHelp is timely.").replace(
        "3. Homes are scarce.", "3\nHomes are scarce."
    )
    report = parse_report(ilacs(body=body))
    assert [(p.number, p.text) for p in report.paragraphs[:3]] == [
        (1, "Help is timely."),
        (2, "Plans are clear."),
        (3, "Homes are scarce."),
    ]


def test_section_headings_wrapped_over_two_lines():
    body = BODY.replace(
        "who need help and protection: good", "who need help and\nprotection: good"
    ).replace("children in care: requires", "children in care:\nrequires")
    report = parse_report(ilacs(body=body))
    assert [s.title for s in report.sections][:2] == [
        "The experiences and progress of children who need help and protection",
        "The experiences and progress of children in care",
    ]
    assert report.paragraphs[1].text == "Plans are clear."


def test_page_furniture_and_a_footnote_mid_paragraph():
    header = "Inspection of Exampleshire local authority children’s services\n"
    header += "2 to 13 October 2023 {}"
    body = (
        "The experiences and progress of children who need help and protection: good\n"
        "1. Help is timely. Early help2 is\n"
        "offered to\n"
        "2\n"
        "Early help is support before statutory services are needed.\n"
        "\f" + header.format(3) + "\n"
        "families across the area, and it\n"
        "is well received.\n"
        "2. Plans are clear.\n"
        "\f" + header.format(4) + "\n"
        "3. Homes are scarce.\n"
        "4. Personal advisers know young people well.\n"
        "5\n"
        "\f" + header.format(5) + "\n"
        "5. Leaders know their services.\n"
    )
    recommendations = RECOMMENDATIONS.replace("What needs to improve?", "What needs to improve?1")
    first_page = ilacs(recommendations=recommendations, body="")
    text = first_page + "1\nCross-referenced to the national framework.\n\f" + body
    report = parse_report(text)
    assert report.paragraphs[0].text == (
        "Help is timely. Early help2 is offered to families across the area, "
        "and it is well received."
    )
    assert [p.text for p in report.paragraphs[1:]] == [
        "Plans are clear.",
        "Homes are scarce.",
        "Personal advisers know young people well.",
        "Leaders know their services.",
    ]
    assert report.recommendations[-1] == "The quality of extra-familial risk assessments."


def test_the_old_title_with_the_council_name_and_her_majestys_inspector():
    head = (
        "Stockton-on-Tees Borough Council\n"
        "Inspection of children’s social care services\n"
        "Inspection dates: 20 May 2019 to 24 May 2019\n"
        "Lead inspector: Matt Reed\n"
        "Her Majesty’s Inspector\n"
    )
    report = parse_report(ilacs(head=head))
    assert report.authority == "Stockton-on-Tees"
    assert report.lead_inspector == "Matt Reed"
    assert (report.start_date, report.end_date) == (date(2019, 5, 20), date(2019, 5, 24))


def test_a_split_inspection_runs_from_its_first_day_to_its_last():
    head = (
        "Inspection of Exampleshire local authority children’s services\n"
        "Inspection dates: 30 September to 4 October and 14 to 18 October\n"
        "2024\n"
    )
    report = parse_report(ilacs(head=head))
    assert (report.start_date, report.end_date) == (date(2024, 9, 30), date(2024, 10, 18))
    assert report.lead_inspector is None


def test_a_short_inspection_is_told_from_a_standard_one():
    head = (
        "Inspection of Exampleshire local authority children’s services\n"
        "Inspection dates: 2 to 6 October 2023\n"
        "This was a short inspection.\n"
    )
    report = parse_report(ilacs(head=head))
    assert report.inspection_kind == "short"
    assert report.type == "ilacs"
    earlier = head.replace("This was a short inspection.", "At the last short inspection, in 2019,")
    assert parse_report(ilacs(head=earlier)).inspection_kind == "standard"


def test_windows_line_ends():
    assert len(parse_report(ilacs().replace("\n", "\r\n")).paragraphs) == 5


LETTER = """Piccadilly Gate     T 0300 123 1231
Store Street        enquiries@ofsted.gov.uk
3 March 2022
Jo Bloggs
Director of Children’s Services
Dear Jo Bloggs
Monitoring visit to Exampleshire children’s services
This letter summarises the findings of the monitoring visit to Exampleshire children’s
services on 8 and 9 February 2022. This was the second monitoring visit since the local
authority was judged inadequate. His Majesty’s Inspectors for this visit were Kim Able
and Lee Baker.
Areas covered by the visit
◼ the response to children at the front door.
Headline findings
Progress has been made.
Yours sincerely
Kim Able
His Majesty’s Inspector
"""


def test_a_monitoring_visit_letter():
    report = parse_report(LETTER)
    assert report.type == "monitoring_visit"
    assert report.authority == "Exampleshire"
    assert (report.start_date, report.end_date) == (date(2022, 2, 8), date(2022, 2, 9))
    assert report.published_date == date(2022, 3, 3)
    assert report.lead_inspector == "Kim Able"
    assert report.recommendations == []  # areas covered are not recommendations
    assert report.judgements == [] and report.paragraphs == []


def test_a_joint_targeted_area_inspection_letter():
    letter = LETTER.replace(
        "Monitoring visit to Exampleshire children’s services",
        "Joint targeted area inspection of the multi-agency response to children\n"
        "and families who need help in Exampleshire",
    ).replace("monitoring visit to Exampleshire children’s\nservices", "inspection")
    report = parse_report(letter)
    assert report.type == "jtai"
    assert report.authority == "Exampleshire"
    assert report.start_date == date(2022, 2, 8)


def test_a_focused_visit_letter_without_a_signature_has_no_lead_inspector():
    letter = (
        LETTER.replace("Monitoring visit", "Focused visit")
        .replace("monitoring visit to", "focused visit to")
        .replace("Areas covered by the visit", "What needs to improve in this area of practice?")
        .replace("the response to children", "The response to children")
        .split("Yours sincerely")[0]
    )
    report = parse_report(letter)
    assert report.type == "focused_visit"
    assert report.lead_inspector is None
    assert report.recommendations == ["The response to children at the front door."]


# --- What is not a report, or not a whole one -----------------------------------


def test_an_empty_file():
    with pytest.raises(ReportError, match="empty"):
        extract_text(b"  \n")


def test_a_binary_file_that_is_not_a_pdf():
    with pytest.raises(ReportError, match="neither a PDF nor a text file"):
        extract_text(b"MZ\x90\x00\x03\x00\x00\x00")


def test_text_that_is_not_utf8():
    with pytest.raises(ReportError, match="UTF-8"):
        extract_text("Inspection of Exampleshire café".encode("latin-1"))


def test_text_that_is_not_an_ofsted_report():
    with pytest.raises(ReportError, match="does not look like an Ofsted report"):
        parse_report("Minutes of the parish council meeting.\nApologies were received.\n")


def _pdf(encrypt: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if encrypt:
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_encrypted_pdf():
    with pytest.raises(ReportError, match="encrypted"):
        extract_text(_pdf(encrypt=True))


def test_a_pdf_without_text():
    with pytest.raises(ReportError, match="no text in it"):
        extract_text(_pdf())


def test_a_damaged_pdf():
    data = (REPORTS / "middlesbrough-focused_visit-2024-07.pdf").read_bytes()
    with pytest.raises(ReportError, match="cannot be read"):
        extract_text(data[:2000])


def test_a_report_without_its_judgement_table_says_so():
    with pytest.raises(ReportError, match=r"Could not find the judgement table"):
        parse_report(ilacs(table=""))


def test_a_report_without_recommendations_says_so():
    with pytest.raises(ReportError, match="Could not find the recommendations"):
        parse_report(ilacs(recommendations=""))


def test_everything_missing_is_named_at_once():
    with pytest.raises(ReportError) as excinfo:
        parse_report(ilacs(table="", recommendations="", body=""))
    message = str(excinfo.value)
    for part in ("judgement table", "numbered paragraphs", "recommendations"):
        assert part in message


def test_a_report_without_dates_says_so():
    head = "Inspection of Exampleshire local authority children’s services\n"
    with pytest.raises(ReportError, match="dates"):
        parse_report(ilacs(head=head))
