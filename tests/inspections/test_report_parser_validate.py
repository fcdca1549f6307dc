"""The parser's self-checks (validate.py), authority names, wrapped grades, letters."""

from dataclasses import replace
from datetime import date

import pytest

from inspections.report_parser import ParsedReport, ReportError, parse_report
from inspections.report_parser.authorities import canonical_name
from inspections.report_parser.model import ParsedSection
from inspections.report_parser.validate import CHECKS, problems, register, validate

from .test_report_parser import BODY, LETTER, RECOMMENDATIONS, TABLE_2023, ilacs

RI = "Requires improvement to be good"


def good_report() -> ParsedReport:
    return parse_report(ilacs())


def test_the_small_report_passes_every_check():
    assert problems(good_report()) == []


def test_a_grade_outside_the_framework_is_refused():
    report = good_report()
    report.judgements[0] = (report.judgements[0][0], "Adequate")
    with pytest.raises(ReportError, match="“Adequate” for .* is not an ILACS grade"):
        validate(report)


def test_areas_must_be_exactly_one_frameworks():
    report = good_report()
    report.judgements.append(("The experiences and progress of children in care", "Good"))
    assert "names an area twice" in " ".join(problems(report))
    report = good_report()
    report.judgements = report.judgements[1:]  # the 2023 set without leaders
    assert "not those of any ILACS framework" in " ".join(problems(report))
    report = good_report()
    report.judgements.append(("The quality of the school dinners", "Good"))
    assert "no ILACS area (“The quality of the school dinners”)" in " ".join(problems(report))


def test_paragraph_numbers_must_run_without_a_gap():
    report = good_report()
    report.paragraphs[2] = replace(report.paragraphs[2], number=7)
    assert "3 is missing" in " ".join(problems(report))


def test_sections_must_cover_every_paragraph_with_the_tables_grade():
    report = good_report()
    report.sections[0].grade = "Outstanding"
    assert "is graded Outstanding, the judgement table says Good" in " ".join(problems(report))
    report = good_report()
    report.sections[1] = ParsedSection(report.sections[1].title, RI, 4, 4)
    assert "paragraph 3 falls under no section" in " ".join(problems(report))
    report = good_report()
    report.sections[-1].last_paragraph = 4
    assert "paragraphs 5 onwards fall under no section" in " ".join(problems(report))


def test_dates_must_be_in_order_and_before_the_letter():
    report = good_report()
    report.start_date, report.end_date = date(2023, 10, 13), date(2023, 10, 2)
    assert "ends (2023-10-02) before it starts" in " ".join(problems(report))
    letter = parse_report(LETTER)
    letter.published_date = date(2022, 2, 1)
    assert "after the report's date" in " ".join(problems(letter))
    letter = parse_report(LETTER)
    letter.start_date = date(2021, 2, 8)  # "24 October 2022 to 25 October 2023" (sic)
    assert "longer than any such visit" in " ".join(problems(letter))


@pytest.mark.parametrize(
    "furniture",
    [
        "Piccadilly Gate",
        "www.gov.uk/ofsted",
        "enquiries@ofsted.gov.uk",
        "Inspection of Exampleshire local authority children’s services",
        "Page 4 of 12",
        "\uf0b7",
        "planning. 12",
    ],
)
def test_recommendations_must_hold_no_page_furniture(furniture):
    report = good_report()
    report.recommendations[0] = f"The response to children {furniture}"
    with pytest.raises(ReportError, match="page furniture"):
        validate(report)


def test_letters_have_no_judgements():
    letter = parse_report(LETTER)
    letter.judgements = [("Overall effectiveness", "Good")]
    assert "a letter has no judgements" in " ".join(problems(letter))


def test_a_check_registered_for_a_type_runs_on_that_type_only():
    calls = []

    @register("jtai")
    def _jtai_only(report: ParsedReport) -> str | None:
        calls.append(report.type)
        return "a JTAI rule failed"

    try:
        assert problems(good_report()) == []
        assert problems(parse_report(LETTER)) == []
        jtai = replace(parse_report(LETTER), inspection_kind="jtai")
        assert problems(jtai) == ["a JTAI rule failed"]
        assert calls == ["jtai"]
    finally:
        CHECKS["jtai"].remove(_jtai_only)


def test_parse_report_refuses_what_fails_its_checks():
    # Section heading says good, the table says requires improvement: never a guess.
    body = BODY.replace(
        "children in care: requires improvement to be good", "children in care: good"
    )
    with pytest.raises(ReportError, match="the judgement table says Requires improvement"):
        parse_report(ilacs(body=body))


# --- Wrapped grades: never "good" out of "Requires improvement to be good" ---------


@pytest.mark.parametrize(
    "overall",
    [
        "Overall effectiveness Requires improvement to be good",
        "Overall effectiveness Requires improvement to be\ngood",
        "Overall effectiveness Requires improvement to\nbe good",
        "Overall effectiveness Requires improvement\nto be good",
        "Overall effectiveness\nRequires improvement to be\ngood",
        "Overall effectiveness Requires improvement",
    ],
)
def test_a_wrapped_requires_improvement_is_never_good(overall):
    table = TABLE_2023.replace("Overall effectiveness Good", overall)
    report = parse_report(ilacs(table=table))
    assert dict(report.judgements)["Overall effectiveness"] == RI


def test_a_layout_table_whose_grade_half_comes_before_its_row():
    table = (
        " Judgement                                                     Grade\n"
        " The impact of leaders on social work practice with children   Good\n"
        " and families\n"
        " The experiences and progress of children who need help and    Good\n"
        " protection\n"
        " The experiences and progress of children in care              Requires improvement\n"
        "                                                               to be good\n"
        " The experiences and progress of care leavers                  Good\n"
        "                                                               Requires improvement\n"
        " Overall effectiveness\n"
        "                                                               to be good"
    )
    report = parse_report(ilacs(table=table))
    assert dict(report.judgements)["Overall effectiveness"] == RI
    assert dict(report.judgements)["The experiences and progress of care leavers"] == "Good"


# --- Authority names ----------------------------------------------------------------


@pytest.mark.parametrize(
    "printed,short",
    [
        ("Kent County Council", "Kent"),
        ("Bradford Children and Families Trust", "Bradford"),
        ("Royal Borough of Windsor and Maidenhead", "Windsor and Maidenhead"),
        ("the Royal Borough of Kensington and Chelsea", "Kensington and Chelsea"),
        ("London Borough of Barking and Dagenham", "Barking and Dagenham"),
        ("Telford & Wrekin", "Telford and Wrekin"),
        ("Isle of Wight Council", "Isle of Wight"),
        ("the Isle of Wight", "Isle of Wight"),
        ("Doncaster Metropolitan Borough Council", "Doncaster"),
        ("Tameside metropolitan borough", "Tameside"),
        ("Middlesbrough Borough Council", "Middlesbrough"),
        ("City of York Council", "York"),
        ("Bristol City Council", "Bristol"),
        ("Kingston-upon-Hull", "Kingston upon Hull"),
        ("Sandwell Children’s Trust", "Sandwell"),
        ("Durham’s", "Durham"),
        ("Exampleshire", "Exampleshire"),  # not in the register: kept as printed
    ],
)
def test_authority_names_come_out_short(printed, short):
    assert canonical_name(printed) == short


@pytest.mark.parametrize(
    "title",
    [
        "Inspection of Kent County Council\nchildren’s services",
        "Inspection of the Royal Borough of\nKent local authority children’s services",
        "Inspection of Kent Children and\nFamilies Trust",
        "Kent County Council\nInspection of local authority children’s services",
        "Kent County\nCouncil\nInspection of children’s social care services",
    ],
)
def test_titles_naming_a_council_or_trust(title):
    head = f"{title}\nInspection dates: 2 to 13 October 2023\nLead inspector: Ann Example\n"
    assert parse_report(ilacs(head=head)).authority == "Kent"


# --- Letters ----------------------------------------------------------------------


def focused(letter: str) -> str:
    return letter.replace("Monitoring visit", "Focused visit").replace(
        "monitoring visit to", "focused visit to"
    )


def test_a_focused_visit_letter_with_nothing_to_improve_is_valid():
    letter = focused(LETTER).replace(
        "Areas covered by the visit\n◼ the response to children at the front door.\n", ""
    )
    report = parse_report(letter)
    assert report.recommendations == []
    assert report.improvements_listed is False
    assert report.notes


def test_a_letter_whose_areas_for_improvement_still_stand():
    letter = focused(LETTER).replace(
        "Areas covered by the visit\n◼ the response to children at the front door.\n",
        "What needs to improve in this area of social work practice?\n"
        "The areas for improvement set at the last focused visit in February 2020 remain.\n"
        "There are no additional areas for improvement.\n",
    )
    assert parse_report(letter).recommendations == []


def test_priority_actions_are_kept_apart_from_recommendations():
    letter = focused(LETTER).replace(
        "Areas covered by the visit\n◼ the response to children at the front door.\n",
        "Areas for priority action\n◼ The timeliness of strategy meetings.\n"
        "What needs to improve in this area of social work practice?\n"
        "◼ The quality of plans.\n◼ Supervision.\n",
    )
    report = parse_report(letter)
    assert report.priority_actions == ["The timeliness of strategy meetings."]
    assert report.recommendations == ["The quality of plans.", "Supervision."]


def test_a_bullet_whose_sentence_ends_mid_bullet_keeps_its_next_sentence():
    recs = (
        "What needs to improve?\n"
        "◼ High caseloads limit the time offered to young people.\n"
        "Services are therefore crisis led.\n"
        "◼ The quality of plans.\n"
    )
    report = parse_report(ilacs(recommendations=recs))
    assert report.recommendations == [
        "High caseloads limit the time offered to young people. Services are therefore crisis led.",
        "The quality of plans.",
    ]


@pytest.mark.parametrize(
    "sentence,dates",
    [
        ("on 30 and 31 January.", (date(2022, 1, 30), date(2022, 1, 31))),
        ("on the 15 and 16 of February 2022.", (date(2022, 2, 15), date(2022, 2, 16))),
        (
            "on 29 and 30 December, and 1 January 2022.",
            (date(2021, 12, 29), date(2022, 1, 1)),
        ),
        ("on 15, 16 and 21 February 2022.", (date(2022, 2, 15), date(2022, 2, 21))),
    ],
)
def test_letter_dates_that_were_being_lost(sentence, dates):
    letter = LETTER.replace("services on 8 and 9 February 2022.", f"services {sentence}")
    report = parse_report(letter)
    assert (report.start_date, report.end_date) == dates


def test_inspectors_named_in_a_letter():
    letter = LETTER.replace(
        "His Majesty’s Inspectors for this visit were Kim Able\nand Lee Baker.",
        "The visit was carried out by Kim Able and Lee Baker, two of His Majesty’s Inspectors.",
    )
    assert parse_report(letter).inspectors == ["Kim Able", "Lee Baker"]


def test_two_lead_inspectors_give_the_first():
    head = (
        "Inspection of Exampleshire local authority children’s services\n"
        "Inspection dates: 2 to 13 October 2023\n"
        "Lead inspectors: Ann Example, His Majesty’s Inspector, and Bob Other,\n"
        "His Majesty’s Inspector\n"
    )
    assert parse_report(ilacs(head=head)).lead_inspector == "Ann Example"


def test_an_outstanding_report_may_list_nothing_to_improve():
    table = "\n".join(
        line.rsplit(" ", 1)[0] + " Outstanding"
        if " Good" in line or "improvement" in line
        else line
        for line in TABLE_2023.splitlines()
    )
    body = BODY.replace(": good", ": outstanding").replace(
        ": requires improvement to be good", ": outstanding"
    )
    report = parse_report(ilacs(table=table, body=body, recommendations=""))
    assert report.recommendations == [] and report.improvements_listed is False
    assert RECOMMENDATIONS  # a graded report below outstanding still needs its list:
    with pytest.raises(ReportError, match="Could not find the recommendations"):
        parse_report(ilacs(recommendations=""))


# --- Where the peer scraper's CSV disagrees, the report's layout shows it wrong -----
# (Synthetic texts reproducing each report's layout as PDFium gives it; the
# reports themselves are in the benchmark's corpus, not in the repository.)


def test_split_grades_on_lines_of_their_own_stay_with_their_rows():
    """Oxfordshire and Rochdale 2018: the peer gives children in care "requires
    improvement", taking the split grade of the row above; the table says Good."""
    table = (
        "Judgement Grade\n"
        "The impact of leaders on social work practice with\nchildren and families\nGood\n"
        "The experiences and progress of children who need\nhelp and protection\n"
        "Requires improvement to\nbe good\n"
        "The experiences and progress of children in care and\ncare leavers\nGood\n"
        "Overall effectiveness Requires improvement to\nbe good"
    )
    rows = dict(parse_report(ilacs(table=table, body=BODY_2018)).judgements)
    assert rows[CARE_2018] == "Good"
    assert rows["The experiences and progress of children who need help and protection"] == RI
    assert rows["Overall effectiveness"] == RI


def test_the_2019_split_grade_gives_requires_improvement_overall():
    """Nottingham 2019 and Southend 2019: the peer leaves overall effectiveness blank
    and reads help and protection as "to requires improvement"."""
    table = (
        "Judgement Grade\n"
        "The impact of leaders on social work practice with children\nand families\n"
        "Requires improvement\nto be good\n"
        "The experiences and progress of children who need help\nand protection\n"
        "Requires improvement\nto be good\n"
        "The experiences and progress of children in care and care\nleavers\n"
        "Requires improvement\nto be good\n"
        "Overall effectiveness Requires improvement\nto be good"
    )
    rows = parse_report(ilacs(table=table, body=BODY_2018_RI)).judgements
    assert [grade for _, grade in rows] == [RI, RI, RI, RI]


def test_each_2023_row_keeps_its_own_grade():
    """St Helens 2023: the peer shifts the grades by a row (help and protection
    good, children in care requires improvement, care leavers good)."""
    table = (
        "Judgement Grade\n"
        "The impact of leaders on social work\npractice with children and families\nGood\n"
        "The experiences and progress of\nchildren who need help and protection\n"
        "Requires improvement to be good\n"
        "The experiences and progress of\nchildren in care\nGood\n"
        "The experiences and progress of care\nleavers\nOutstanding\n"
        "Overall effectiveness Good"
    )
    body = (
        BODY.replace(
            "help and protection: good", "help and protection: requires improvement to be good"
        )
        .replace("children in care: requires improvement to be good", "children in care: good")
        .replace("care leavers: good", "care leavers: outstanding")
    )
    rows = dict(parse_report(ilacs(table=table, body=body)).judgements)
    assert rows["The experiences and progress of children who need help and protection"] == RI
    assert rows["The experiences and progress of children in care"] == "Good"
    assert rows["The experiences and progress of care leavers"] == "Outstanding"


def test_a_split_inspection_ends_on_its_last_day():
    """Derbyshire 2019, South Tyneside 2023, Devon 2025: the peer's end date is the
    end of the first part; the README's convention is the last day on site."""
    head = (
        "Inspection of Exampleshire local authority children’s services\n"
        "Inspection dates: 5 to 9 December 2022 and 14 to 15 February 2023\n"
        "Lead inspector: Ann Example, His Majesty’s Inspector\n"
    )
    report = parse_report(ilacs(head=head))
    assert (report.start_date, report.end_date) == (date(2022, 12, 5), date(2023, 2, 15))


def test_a_hyphenated_name_keeps_its_hyphen():
    """Oldham, Rochdale, Trafford, Wirral 2018-19; Lambeth and others 2025-26: the
    peer writes "Paula Thomson -Jones", "Jenny -ellen Scotland"."""
    head = (
        "Inspection of Exampleshire local authority children’s services\n"
        "Inspection dates: 2 to 13 October 2023\n"
        "Lead inspector: Paula Thomson-Jones, Her Majesty’s Inspector\n"
    )
    assert parse_report(ilacs(head=head)).lead_inspector == "Paula Thomson-Jones"


CARE_2018 = "The experiences and progress of children in care and care leavers"
BODY_2018 = """The experiences and progress of children who need help and
protection requires improvement to be good
1. Help is not always timely.
The experiences and progress of children in care and care leavers is
good.
2. Homes are stable.
The impact of leaders on social work practice with children and families
is good.
3. Leaders know their services.
"""
BODY_2018_RI = BODY_2018.replace(
    "leavers is\ngood.", "leavers requires\nimprovement to be good"
).replace("families\nis good.", "families requires improvement to be good")
