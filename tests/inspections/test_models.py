import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inspections.importer import KINDS
from inspections.models import Grade, Inspection, Judgement, JudgementArea
from inspections.report_parser import GRADE_CODES, match_judgement_area
from tests.helpers import make_authority, make_finding, make_inspection, make_paragraph

pytestmark = pytest.mark.django_db


def test_a_second_judgement_for_the_same_area_is_refused_with_a_clear_message():
    inspection = make_inspection()
    Judgement.objects.create(inspection=inspection, area=JudgementArea.LEADERSHIP, grade=Grade.GOOD)
    duplicate = Judgement(
        inspection=inspection, area=JudgementArea.LEADERSHIP, grade=Grade.INADEQUATE
    )

    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "This inspection already has a judgement for this area." in str(excinfo.value)

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_the_same_area_can_be_judged_in_another_inspection():
    first = make_inspection()
    second = make_inspection(first.authority, start_date=dt.date(2019, 11, 25))
    for inspection in (first, second):
        Judgement.objects.create(
            inspection=inspection, area=JudgementArea.OVERALL, grade=Grade.INADEQUATE
        )
    assert Judgement.objects.count() == 2


def test_an_inspection_cannot_end_before_it_starts():
    inspection = Inspection(
        authority=make_authority(),
        kind=Inspection.Kind.STANDARD,
        start_date=dt.date(2023, 3, 6),
        end_date=dt.date(2023, 3, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        inspection.full_clean()
    assert "The end date cannot be before the start date." in str(excinfo.value)


def test_an_authority_cannot_have_two_inspections_of_one_type_starting_the_same_day():
    inspection = make_inspection()
    twin = Inspection(
        authority=inspection.authority, kind=inspection.kind, start_date=inspection.start_date
    )
    with pytest.raises(ValidationError) as excinfo:
        twin.full_clean()
    assert "already has an inspection of this type starting that day" in str(excinfo.value)


def test_paragraph_numbers_are_unique_within_a_report():
    inspection = make_inspection()
    make_paragraph(inspection, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_paragraph(inspection, 1)
    make_paragraph(make_inspection(start_date=dt.date(2021, 5, 26)), 1)


def test_findings_keep_their_order_unique_within_an_inspection():
    recommendation = make_finding()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_finding(recommendation.inspection, order=recommendation.order)


def test_finding_history_records_each_change():
    recommendation = make_finding()
    recommendation.text = "Corrected text."
    recommendation.save()
    assert [h.text for h in recommendation.history.all()] == [
        "Corrected text.",
        "The quality of contingency planning.",
    ]


# --- The vocabulary of older reports ---------------------------------------------------


def test_an_inspection_may_have_several_other_rows_each_with_its_own_label():
    inspection = make_inspection(kind=Inspection.Kind.OTHER)
    for label in ("Being healthy", "Staying safe"):
        Judgement.objects.create(
            inspection=inspection, area=JudgementArea.OTHER, area_label=label, grade=Grade.ADEQUATE
        )
    twin = Judgement(
        inspection=inspection, area=JudgementArea.OTHER, area_label="Staying safe", grade="good"
    )
    with pytest.raises(ValidationError) as excinfo:
        twin.full_clean()
    assert "This inspection already has a judgement with this label." in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert [str(j) for j in inspection.judgements.all()] == [
        "Being healthy: Adequate",
        "Staying safe: Adequate",
    ]


def test_an_other_row_must_say_what_it_was():
    judgement = Judgement(
        inspection=make_inspection(kind=Inspection.Kind.OTHER),
        area=JudgementArea.OTHER,
        grade=Grade.GOOD,
    )
    with pytest.raises(ValidationError) as excinfo:
        judgement.full_clean()
    assert "An “other” judgement needs its area as printed." in str(excinfo.value)


def test_sif_areas_and_kinds_are_stored():
    inspection = make_inspection(kind=Inspection.Kind.SIF, start_date=dt.date(2017, 11, 13))
    for area in (JudgementArea.LOOKED_AFTER, JudgementArea.ADOPTION, JudgementArea.LSCB):
        judgement = Judgement(inspection=inspection, area=area, grade=Grade.REQUIRES_IMPROVEMENT)
        judgement.full_clean()
        judgement.save()
    assert str(inspection) == "Middlesbrough: Single inspection framework, November 2017"
    assert str(inspection.judgements.get(area="lscb")) == (
        "Local Safeguarding Children Board: Requires improvement to be good"
    )


def test_the_parsers_codes_are_the_models_choices():
    """What the parser exposes today (GRADE_CODES, match_judgement_area) stays in step."""
    for label, code in GRADE_CODES.items():
        assert Grade(code).label == label
    for area in JudgementArea:
        assert match_judgement_area(area.label) in (None, *JudgementArea.values)
    for kind in ("standard", "short", "focused_visit", "monitoring_visit", "jtai", "sif", "other"):
        assert KINDS[kind] in Inspection.Kind.values


def test_the_vocabulary_agreed_for_older_reports():
    assert {"sif", "other"} <= set(Inspection.Kind.values)
    assert Grade.ADEQUATE.label == "Adequate"
    assert {
        JudgementArea.LOOKED_AFTER.label,
        JudgementArea.ADOPTION.label,
        JudgementArea.LSCB.label,
    } == {
        "Children looked after and achieving permanence",
        "Adoption performance",
        "Local Safeguarding Children Board",
    }
    assert "other" in JudgementArea.values
