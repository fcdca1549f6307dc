"""Single inspection framework (2013-18) and pre-2013 reports.

The real reports in ../shared/reports/corpus-sample were each checked by reading
the report itself; the synthetic texts test one format rule each.
"""

from datetime import date
from pathlib import Path

import pytest

from inspections.report_parser import (
    ReportError,
    extract_text,
    grade_code,
    match_judgement_area,
    parse_report,
)
from inspections.report_parser.sif import is_sif

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT.parent / "shared" / "reports" / "corpus-sample"

RI = "Requires improvement to be good"


def parse_sample(name: str):
    return parse_report(extract_text((SAMPLE / name).read_bytes()))


def sif_judgements(overall, help_, looked_after, adoption, leavers, leaders, lscb=None):
    rows = {
        "Overall effectiveness": overall,
        "Children who need help and protection": help_,
        "Children looked after and achieving permanence": looked_after,
        "Adoption performance": adoption,
        "Experiences and progress of care leavers": leavers,
        "Leadership, management and governance": leaders,
    }
    if lscb:
        rows["Local Safeguarding Children Board"] = lscb
    return rows


# name, authority, start, end, lead inspector, judgements, paragraph count,
# number of recommendations, first and last recommendation (verbatim).
SAMPLES = [
    (
        "sheffield-inspection-published-2014-02-21.pdf",
        "Sheffield",
        date(2013, 11, 19),  # "19 November-11 December 2013 and 28 – 30 January 2014"
        date(2014, 1, 30),
        "Sarah Urding",
        sif_judgements(RI, "Good", RI, RI, "Good", "Good", "Good"),
        102,  # the LSCB's review continues at 103
        13,  # 19-31; 18 is "There are no areas for priority or immediate action."
        "Ensure that current management strategies to improve the quality of recording of "
        "management oversight, casework, child protection plans and care plans are implemented "
        "with effective and regular review.",
        "Ensure that pathway plans for care leavers set out clear objectives for their futures, "
        "including education, training, employment, housing and provision of support to meet "
        "their emotional and social needs.",
    ),
    (
        "cambridgeshire-inspection-published-2014-08-08.pdf",
        "Cambridgeshire",
        date(2014, 6, 3),
        date(2014, 6, 25),
        "Helen Cawston",
        sif_judgements("Good", RI, "Good", "Good", "Good", "Good", "Good"),
        128,
        9,  # 13-21, after a numbered summary of findings (1-12)
        "Ensure that statutory child protection guidance is followed on all strategy discussions "
        "and section 47 enquiries leading to a comprehensive assessment of risk and effective "
        "information sharing.",
        "Ensure that social workers’ skills and development needs are sufficiently explored and "
        "translated into individual professional development plans.",
    ),
    (
        "darlington-inspection-published-2015-09-01.pdf",
        "Darlington",
        date(2015, 6, 23),
        date(2015, 7, 16),
        "Wendy Ghaffar",
        sif_judgements("Inadequate", "Inadequate", RI, "Good", "Good", "Inadequate", RI),
        113,
        18,
        "Ensure robust management oversight of the single assessment process at both first tier "
        "and senior management level, so that children and families are seen and risks "
        "evaluated within timescales that meet the child’s need.",
        "Ensure that reports are completed on fostering and adoption services every six months "
        "so that elected members, senior leaders and other stakeholders receive information "
        "about performance, standards, achievements and service developments in line with "
        "national minimum standards.",
    ),
    (
        "derby-inspection-published-2017-06-13.pdf",
        "Derby",  # "Derby City"
        date(2017, 3, 6),
        date(2017, 3, 30),
        "Karen Wareing",
        sif_judgements("Good", RI, "Good", "Good", "Good", "Good", "Outstanding"),
        88,
        11,
        "Reduce social work caseloads in the reception and locality social work teams to enable "
        "staff to carry out good-quality direct work with children.",
        "Ensure that the corporate parenting committee strengthens its oversight of children "
        "looked after with additional vulnerabilities and that children’s views help to shape "
        "services.",
    ),
    (
        "warwickshire-inspection-published-2017-07-14.pdf",
        "Warwickshire",
        date(2017, 5, 2),
        date(2017, 5, 25),
        "Peter McEntee",
        sif_judgements(RI, RI, RI, "Good", RI, RI, RI),
        111,
        12,
        "Ensure that all children and families have access to good-quality early help services "
        "as soon as they need them and that the early help strategy is fully understood and "
        "delivered in partnership with all agencies.",
        "Ensure that regular meetings between the agency decision-maker and the panel chair are "
        "embedded in practice to support accountability and discussions about the quality of "
        "the service.",
    ),
    (
        "north-east-lincolnshire-inspection-published-2017-09-25.pdf",
        "North East Lincolnshire",
        date(2017, 7, 10),
        date(2017, 8, 3),
        "Sheena Doyle",
        sif_judgements("Good", RI, "Good", "Good", "Good", "Good", RI),
        106,
        11,
        "Social work assessments of children and their families should be timely, and lead to "
        "clear plans and interventions which enable the extent of progress to be measured.",
        "Private fostering should be promoted so that all children who are privately fostered "
        "can be assessed and provided with support appropriate to their needs.",
    ),
    (
        "surrey-inspection-published-2018-05-16.pdf",  # a re-inspection, no LSCB review
        "Surrey",
        date(2018, 2, 26),
        date(2018, 3, 22),
        "Nick Stacey",
        sif_judgements("Inadequate", "Inadequate", RI, "Good", RI, "Inadequate"),
        110,
        18,
        "Leaders should urgently review the alignment of strategic and operational plans with "
        "improvement board objectives to ensure that these are streamlined and complementary. "
        "These efforts should aim to quicken the pace of providing consistently safe and "
        "effective services for the most vulnerable children.",
        "The workload of personal advisers in the leaving care service, and social workers in "
        "some parts of the children’s service, should be reduced. Caseloads should be "
        "manageable and allow time for frontline workers to regularly meet with children and "
        "young people and complete all the necessary work.",
    ),
]


@pytest.mark.parametrize(
    "name,authority,start,end,lead,judgements,paragraphs,count,first,last",
    SAMPLES,
    ids=[s[0].split("-inspection")[0] for s in SAMPLES],
)
def test_each_sif_sample_gives_what_the_report_says(
    name, authority, start, end, lead, judgements, paragraphs, count, first, last
):
    report = parse_sample(name)
    got = report.to_expected_dict()
    assert got["authority"] == authority
    assert got["type"] == "sif"
    assert (report.start_date, report.end_date) == (start, end)
    assert got["lead_inspector"] == lead
    assert got["judgements"] == judgements
    assert list(got["judgements"]) == list(judgements)  # page order: overall first, LSCB last
    assert got["paragraph_count"] == paragraphs
    assert [p.number for p in report.paragraphs] == list(range(1, paragraphs + 1))
    assert len(got["recommendations"]) == count
    assert got["recommendations"][0] == first
    assert got["recommendations"][-1] == last
    assert got["sections"] == []


def test_sheffields_item_with_sub_bullets_is_one_recommendation():
    recommendations = parse_sample("sheffield-inspection-published-2014-02-21.pdf").recommendations
    assert recommendations[8] == (
        "Improve the educational achievement of looked after children and young people by: "
        "targeting the pupil premium at looked after children with special educational needs "
        "monitoring pupil progress against clear targets in personal education plans and taking "
        "immediate action where children’s learning is compromised working with education "
        "providers to reduce fixed-term exclusions."
    )


def test_the_report_published_date_is_read_but_never_taken_for_the_visit():
    report = parse_sample("darlington-inspection-published-2015-09-01.pdf")
    assert report.published_date == date(2015, 9, 1)
    assert report.end_date == date(2015, 7, 16)


@pytest.mark.parametrize(
    "name",
    [
        "bromley-inspection-published-2012-08-17.pdf",
        "blackpool-inspection-published-2012-07-13.pdf",
    ],
)
def test_the_2012_files_are_web_pages_and_are_refused_saying_so(name):
    # The scraper saved Ofsted's "Report not found" page under a .pdf name.
    with pytest.raises(ReportError, match=r"web page \(“Report not found"):
        parse_sample(name)


@pytest.mark.parametrize(
    "name",
    [
        "calderdale-inspection-published-2018-12-19.pdf",
        "hampshire-inspection-published-2019-06-11.pdf",
        "derbyshire-focused-visit-published-2018-03-22.pdf",
    ],
)
def test_ilacs_reports_and_letters_are_not_taken_for_sif(name):
    from inspections.report_parser import report_lines

    lines, _ = report_lines(extract_text((SAMPLE / name).read_bytes()))
    assert not is_sif(lines)


# --- Synthetic reports: one format rule at a time --------------------------------


def sif_text(
    *,
    council="Metropolitan Borough of Barnsley Council",
    title="Inspection of services for children in need of help and\n"
    "protection, children looked after and care leavers\nand\n"
    "Review of the effectiveness of the Local Safeguarding Children\nBoard",
    dates="Inspection date: 4 November 2014 – 26 November 2014",
    overall="Children’s services in Barnsley require improvement to be good",
    table=(
        "1. Children who need help and protection Requires improvement\n"
        "2. Children looked after and achieving\npermanence\nGood\n"
        "2.1 Adoption performance Good\n"
        "2.2 Experiences and progress of care leavers Good\n"
        "3. Leadership, management and governance Requires improvement\n"
    ),
    lscb_line="The Local Safeguarding Children Board is good\n",
    recommendations=(
        "Recommendations\n"
        "1. Ensure that plans are specific.\n"
        "2. Improve the quality of\nassessments for children.\n"
    ),
    body=(
        "Summary for children and young people\n"
        "Children are helped.\n"
        "The experiences and progress of children who need help and protection\n"
        "3. Early help is good and\nwell coordinated.\n"
        "4. Thresholds are understood.\n"
    ),
    lscb=(
        "The Local Safeguarding Children Board (LSCB)\n"
        "The Local Safeguarding Children Board is good\n"
        "Recommendations\n"
        "\uf06e Improve the data set.\n"
        "5. The board is well chaired.\n"
        "6. Partners attend.\n"
    ),
    team="The inspection team\nLead inspector: John Mitchell, Senior HMI\n",
    published="Report published: 16 January 2015",
) -> str:
    return (
        f"{council}\n{title}\n{dates}\n{published}\n{overall}\n{table}"
        f"Executive summary\nServices are improving.\nContents\nRecommendations 8\n"
        f"{recommendations}{body}{lscb if lscb_line else ''}{team}"
    )


def test_a_synthetic_sif_report_is_read_whole():
    report = parse_report(sif_text())
    got = report.to_expected_dict()
    assert got["authority"] == "Barnsley"
    assert got["type"] == "sif"
    assert report.inspection_kind == "sif"
    assert (got["start_date"], got["end_date"]) == ("2014-11-04", "2014-11-26")
    assert got["lead_inspector"] == "John Mitchell"
    assert got["judgements"] == sif_judgements(RI, RI, "Good", "Good", "Good", RI, "Good")
    assert got["recommendations"] == [
        "Ensure that plans are specific.",
        "Improve the quality of assessments for children.",
    ]
    assert report.published_date == date(2015, 1, 16)


def test_lscb_paragraphs_that_continue_the_numbering_are_not_counted():
    report = parse_report(sif_text())
    assert report.to_expected_dict()["paragraph_count"] == 4
    assert report.paragraphs[-1].text == "Thresholds are understood."
    assert report.paragraphs[2].section == "Children who need help and protection"


def test_the_lscb_grade_comes_last_and_only_when_the_report_reviews_it():
    keys = list(parse_report(sif_text()).to_expected_dict()["judgements"])
    assert keys[0] == "Overall effectiveness"
    assert keys[-1] == "Local Safeguarding Children Board"
    reinspection = parse_report(
        sif_text(
            title="Re-inspection of services for children in need of help and\n"
            "protection, children looked after and care leavers",
            lscb_line="",
        )
    )
    assert "Local Safeguarding Children Board" not in dict(reinspection.judgements)
    assert reinspection.type == "sif"
    assert reinspection.to_expected_dict()["paragraph_count"] == 4


@pytest.mark.parametrize(
    "line,start,end",
    [
        (
            "Inspection date: 4 November 2014 – 26 November 2014",
            date(2014, 11, 4),
            date(2014, 11, 26),
        ),
        (
            "Inspection date: 13 November 2017 to 24 November 2017",
            date(2017, 11, 13),
            date(2017, 11, 24),
        ),
        ("Inspection dates: 9–24 November 2017", date(2017, 11, 9), date(2017, 11, 24)),
        ("Inspection date: 30 September – 22 October 2014", date(2014, 9, 30), date(2014, 10, 22)),
        ("Inspection date: 18 Feb 2014 – 12 March 2014", date(2014, 2, 18), date(2014, 3, 12)),
        ("Inspection date: 12/09/2016 to 06/10/2016", date(2016, 9, 12), date(2016, 10, 6)),
        ("Inspection date: 28 July 2016", date(2016, 7, 28), date(2016, 7, 28)),
    ],
)
def test_inspection_dates_in_each_printed_form(line, start, end):
    report = parse_report(sif_text(dates=line, published="Report published: 1 March 2019"))
    assert (report.start_date, report.end_date) == (start, end)


def test_a_report_without_inspection_dates_is_refused():
    with pytest.raises(ReportError, match="inspection dates"):
        parse_report(sif_text(dates="Report date: unknown"))


@pytest.mark.parametrize(
    "overall,grade",
    [
        ("The overall judgement is that children’s services are good", "Good"),
        ("The overall judgement is that children’s services require\nimprovement", RI),
        ("The overall judgement is requires improvement", RI),
        ("Children’s services in Barnsley are inadequate", "Inadequate"),
        ("Children’s services require improvement to be good", RI),
    ],
)
def test_the_overall_line_gives_overall_effectiveness(overall, grade):
    report = parse_report(sif_text(overall=overall))
    assert report.judgements[0] == ("Overall effectiveness", grade)


def test_the_misprint_require_improvement_and_split_grades_become_requires_improvement():
    table = (
        "1. Children who need help and protection Require improvement\n"
        "2. Children looked after and achieving permanence Requires\nImprovement\n"
        "2.1 Adoption performance Good\n"
        "2.2 Experiences and progress of care leavers Good\n"
        "3. Leadership, management and governance Requires improvement2\n"
    )
    judgements = dict(parse_report(sif_text(table=table)).judgements)
    assert judgements["Children who need help and protection"] == RI
    assert judgements["Children looked after and achieving permanence"] == RI
    assert judgements["Leadership, management and governance"] == RI


def test_layout_text_with_a_grade_split_round_its_row():
    # pdftotext -layout: "Requires improvement to" above the row, "be good" below it.
    table = (
        "                                              Requires improvement to\n"
        "1. Children who need help and protection\n"
        "                                              be good\n"
        "                                              Requires\n"
        "2. Children looked after and achieving permanence\n"
        "                                              improvement\n"
        "2.1 Adoption performance                      Good\n"
        "2.2 Experiences and progress of care leavers  Good\n"
        "3. Leadership, management and governance      Good\n"
    )
    judgements = dict(parse_report(sif_text(table=table)).judgements)
    assert judgements["Children who need help and protection"] == RI
    assert judgements["Children looked after and achieving permanence"] == RI
    assert judgements["Adoption performance"] == "Good"


def test_paragraph_numbers_on_a_line_of_their_own_are_joined_to_their_text():
    recommendations = "Recommendations\n1.\nEnsure that plans are specific.\n2.\nImprove records.\n"
    report = parse_report(sif_text(recommendations=recommendations))
    assert report.recommendations == ["Ensure that plans are specific.", "Improve records."]
    assert report.to_expected_dict()["paragraph_count"] == 4


def test_a_row_not_judged_is_left_out():
    table = (
        "1. Children who need help and protection Good\n"
        "2. Children looked after and achieving permanence Good\n"
        "2.1 Adoption performance Not judged\n"
        "2.2 Experiences and progress of care leavers Good\n"
        "3. Leadership, management and governance Good\n"
    )
    judgements = dict(parse_report(sif_text(table=table)).judgements)
    assert "Adoption performance" not in judgements
    assert len(judgements) == 6


def test_a_table_missing_a_row_is_refused():
    table = (
        "1. Children who need help and protection Good\n"
        "2. Children looked after and achieving permanence Good\n"
        "3. Leadership, management and governance Good\n"
    )
    with pytest.raises(ReportError, match="five numbered rows"):
        parse_report(sif_text(table=table))


def test_rows_out_of_the_frameworks_order_are_refused():
    table = (
        "1. Leadership, management and governance Good\n"
        "2. Children looked after and achieving permanence Good\n"
        "2.1 Adoption performance Good\n"
        "2.2 Experiences and progress of care leavers Good\n"
        "3. Children who need help and protection Good\n"
    )
    with pytest.raises(ReportError, match="rows in order"):
        parse_report(sif_text(table=table))


def test_the_lscb_grade_is_its_statement_not_a_sentence_that_starts_alike():
    text = sif_text(
        overall="Children’s services in Barnsley are good\nThe LSCB is good at sharing data.",
    ).replace("The Local Safeguarding Children Board is good\n", "The LSCB is inadequate.\n")
    assert dict(parse_report(text).judgements)["Local Safeguarding Children Board"] == "Inadequate"


def test_lscb_grade_missing_from_a_report_that_reviews_the_lscb_is_refused():
    text = sif_text().replace("The Local Safeguarding Children Board is good\n", "")
    with pytest.raises(ReportError, match="Local Safeguarding Children Board"):
        parse_report(text)


def test_priority_and_areas_for_improvement_items_count_and_topic_headings_do_not():
    recommendations = (
        "What does the local authority need to improve?\n"
        "Priority and immediate action\n"
        "Capacity\n"
        "1. Ensure that service managers have sufficient capacity to undertake their full\n"
        "role, including supporting and monitoring the work of team managers.\n"
        "Areas for improvement\n"
        "Quality of practice\n"
        "2. Further improve the quality and consistency of social work assessment.\n"
        "Management, quality assurance, partnership and governance\n"
        "3. Enhance the skills and capacity of front-line managers.\n"
        "The local authority’s strengths\n"
        "4. The partnership is strong.\n"
    )
    body = (
        "The experiences and progress of children who need help and protection\n"
        "5. Early help is good.\n"
    )
    report = parse_report(sif_text(recommendations=recommendations, body=body))
    assert report.recommendations == [
        "Ensure that service managers have sufficient capacity to undertake their full role, "
        "including supporting and monitoring the work of team managers.",
        "Further improve the quality and consistency of social work assessment.",
        "Enhance the skills and capacity of front-line managers.",
    ]
    assert report.to_expected_dict()["paragraph_count"] == 5


def test_an_item_with_sub_bullets_is_one_recommendation_glyphs_removed():
    recommendations = (
        "Recommendations\n"
        "1. Improve the response to children who go missing, by:\n"
        "\uf06e ensuring that risks are routinely\nassessed\n"
        "\uf02d developing return interviews.\n"
        "2. Ensure that plans are specific.\n"
    )
    report = parse_report(sif_text(recommendations=recommendations))
    assert report.recommendations == [
        "Improve the response to children who go missing, by: ensuring that risks are "
        "routinely assessed developing return interviews.",
        "Ensure that plans are specific.",
    ]


def test_the_first_reports_bulleted_recommendations_and_no_numbered_paragraphs():
    recommendations = (
        "What does the Local Authority need to improve?\n"
        "Areas for improvement\n"
        "\uf06e Ensure that management oversight is\nrecorded.\n"
        "\uf06e Develop systems for gathering feedback.\n"
        "Information about this inspection\n"
    )
    body = (
        "The experiences and progress of children who need help and protection\n"
        "\uf06e Safeguarding issues are responded to in a timely manner.\n"
    )
    title = "Inspection of services for children in need of help and\nprotection, children"
    report = parse_report(
        sif_text(title=title, recommendations=recommendations, body=body, lscb_line="")
    )
    assert report.recommendations == [
        "Ensure that management oversight is recorded.",
        "Develop systems for gathering feedback.",
    ]
    assert report.to_expected_dict()["paragraph_count"] == 0


def test_a_missing_recommendations_heading_still_gives_the_items_from_paragraph_1():
    # A heading that tops several pages can be taken off as a running header.
    report = parse_report(sif_text(recommendations=sif_text.__kwdefaults__["recommendations"][16:]))
    assert report.recommendations == [
        "Ensure that plans are specific.",
        "Improve the quality of assessments for children.",
    ]


def test_a_gap_in_the_paragraph_numbers_is_refused_not_guessed():
    body = (
        "The experiences and progress of children who need help and protection\n"
        "3. Early help is good.\n"
        "5. Thresholds are understood.\n"
    )
    with pytest.raises(ReportError, match="stop at 3, but paragraph 5 comes later"):
        parse_report(sif_text(body=body))


@pytest.mark.parametrize(
    "council,authority",
    [
        ("Norfolk Council", "Norfolk"),
        ("London Borough of Waltham Forest", "Waltham Forest"),
        ("Isle of Wight Council", "Isle of Wight"),
        ("Kent County Council", "Kent"),
        ("Royal Borough of Windsor and Maidenhead", "Windsor and Maidenhead"),
        ("Bradford Children and Families Trust", "Bradford"),
        ("City of Bradford Metropolitan District\nCouncil", "Bradford"),
        ("Wakefield District Metropolitan Council", "Wakefield"),
        ("Leicester City", "Leicester"),
        ("Telford & Wrekin Council", "Telford and Wrekin"),
        ("Cheshire East Unitary Authority", "Cheshire East"),
        ("1\nKingston upon Hull", "Kingston upon Hull"),
    ],
)
def test_the_authority_is_the_registers_short_name(council, authority):
    assert parse_report(sif_text(council=council)).authority == authority


def test_an_authority_the_register_does_not_know_is_refused():
    with pytest.raises(ReportError, match="--authority"):
        parse_report(sif_text(council="Atlantis Borough Council"))


def test_a_review_of_the_lscb_alone_is_refused_saying_so():
    text = (
        "Surrey Safeguarding Children Board\n"
        "Review of the effectiveness of the Local Safeguarding Children\nBoard\n"
        "Inspection date: 15 June 2015 – 17 June 2015\n"
        "The Local Safeguarding Children Board requires improvement\n"
    )
    with pytest.raises(ReportError, match="Local Safeguarding Children Board on its own"):
        parse_report(text)


def test_dates_after_publication_are_refused():
    with pytest.raises(ReportError, match="after the report.s date"):
        parse_report(sif_text(dates="Inspection date: 4 November 2015 – 26 November 2015"))


# --- Pre-2013 reports -------------------------------------------------------------

OLD = """Inspection of looked after children
services
Kent County Council
Inspection dates: 15 – 19 July 2013
Reporting inspector Helen Cawston HMI
Age group: All
Published: 23 August 2013
© Crown copyright 2013
Contents
About this inspection 2
Record of main findings 19
About this inspection
1. The purpose of the inspection is to evaluate services.
2. The evidence evaluated by inspectors included case files.
Overall effectiveness of services for looked after
children and young people
Grade 3 (Adequate)
3. The overall effectiveness of services is adequate.
Areas for improvement
4. In order to improve the quality of provision, the local authority should take the
following action.
Immediately:
\uf0b7 improve the quality of supervision and management oversight in
casework
\uf0b7 ensure that the voice of the child contributes effectively.
Within three months:
\uf0b7 improve the timeliness of care proceedings.
Within six months:
\uf0b7 ensure there is sufficient and suitable accommodation available for
care leavers.
Outcomes for looked after children and young
people
Grade 3 (Adequate)
5. Health outcomes have improved.
Record of main findings
Services for looked after children
Overall effectiveness Adequate
Capacity to improve Good
Outcomes for looked after children and
young people
Adequate
Leadership and management Grade 2 Good
"""


def test_a_pre_2013_report_is_type_other_with_grades_as_printed():
    report = parse_report(OLD)
    got = report.to_expected_dict()
    assert got["type"] == "other"
    assert got["authority"] == "Kent"
    assert (got["start_date"], got["end_date"]) == ("2013-07-15", "2013-07-19")
    assert got["lead_inspector"] == "Helen Cawston"
    assert got["judgements"] == {
        "Overall effectiveness": "Adequate",
        "Capacity to improve": "Good",
        "Outcomes for looked after children and young people": "Adequate",
        "Leadership and management": "Good",
    }
    assert got["recommendations"] == [
        "improve the quality of supervision and management oversight in casework",
        "ensure that the voice of the child contributes effectively.",
        "improve the timeliness of care proceedings.",
        "ensure there is sufficient and suitable accommodation available for care leavers.",
    ]
    assert got["paragraph_count"] == 5
    assert got["sections"] == []


def test_a_safeguarding_and_looked_after_report_gives_both_lists_in_order():
    title = "Inspection of safeguarding and looked\nafter children services"
    second_list = (
        "5. Health outcomes have improved.\n"
        "Leadership and management\nGrade 3 (Adequate)\n"
        "Areas for improvement\n6. The local authority should take the following action.\n"
        "Within three months:\n\uf0b7 ensure that care leavers have pathway plans.\n"
        "Record of main findings\n"
    )
    text = OLD.replace("Inspection of looked after children\nservices", title).replace(
        "5. Health outcomes have improved.\nRecord of main findings\n", second_list
    )
    report = parse_report(text)
    assert report.type == "other"
    assert report.recommendations[-1] == "ensure that care leavers have pathway plans."
    assert len(report.recommendations) == 5
    assert report.to_expected_dict()["paragraph_count"] == 6


def test_a_pre_2013_report_without_its_record_of_main_findings_is_refused():
    with pytest.raises(ReportError, match="record of main findings"):
        parse_report(OLD.split("Record of main findings\nServices")[0])


def test_the_vocabulary_knows_adequate_and_the_sif_areas():
    assert grade_code("Adequate") == "adequate"
    assert grade_code("Requires improvement to be good") == "requires_improvement"
    assert match_judgement_area("Children looked after and achieving permanence") == "looked_after"
    assert match_judgement_area("Adoption performance") == "adoption"
    assert match_judgement_area("Experiences and progress of care leavers") == "care_leavers"
    assert match_judgement_area("Leadership, management and governance") == "leadership"
    assert match_judgement_area("Local Safeguarding Children Board") == "lscb"
    assert match_judgement_area("Children who need help and protection") == "help_and_protection"
    assert match_judgement_area("Overall effectiveness") == "overall"
    assert match_judgement_area("Capacity to improve", kind="other") == "other"
