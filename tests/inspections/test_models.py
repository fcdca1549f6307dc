import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inspections.models import Grade, Inspection, Judgement, JudgementArea
from tests.helpers import make_authority, make_inspection, make_paragraph, make_recommendation

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
    recommendation = make_recommendation()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_recommendation(recommendation.inspection, order=recommendation.order)


def test_finding_history_records_each_change():
    recommendation = make_recommendation()
    recommendation.text = "Corrected text."
    recommendation.save()
    assert [h.text for h in recommendation.history.all()] == [
        "Corrected text.",
        "The quality of contingency planning.",
    ]
