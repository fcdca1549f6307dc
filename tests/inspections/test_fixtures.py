"""The fixtures load on an empty database and hold exactly what the documents state."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from improvement.models import (
    Action,
    Evidence,
    Frequency,
    Impact,
    Measure,
    MeasureTarget,
    MeasureValue,
    Status,
)
from inspections.models import Finding, Inspection, LocalAuthority
from inspections.register import read_register

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspections():
    call_command("loaddata", str(FIXTURES / "inspections.json"), verbosity=0)


@pytest.fixture
def plan(inspections):
    call_command("loaddata", str(FIXTURES / "demo_plan.json"), verbosity=0)


def test_the_fixtures_use_the_registers_middlesbrough(inspections):
    middlesbrough = LocalAuthority.objects.get(name="Middlesbrough")
    assert (middlesbrough.code, middlesbrough.ons_code) == ("806", "E06000002")
    assert middlesbrough.region == "North East"
    assert middlesbrough.statistical_neighbours[:2] == ["890", "805"]  # Blackpool, Hartlepool
    assert LocalAuthority.objects.count() == len(read_register())
    assert set(Inspection.objects.values_list("authority", flat=True)) == {middlesbrough.pk}


def test_the_fixtures_load_on_an_empty_table_too():
    LocalAuthority.objects.all().delete()
    call_command("loaddata", str(FIXTURES / "inspections.json"), verbosity=0)
    call_command("loaddata", str(FIXTURES / "demo_plan.json"), verbosity=0)
    assert LocalAuthority.objects.get().ons_code == "E06000002"
    assert Inspection.objects.count() == 6


def test_loading_the_demo_twice_duplicates_nothing(plan):
    call_command("loaddata", str(FIXTURES / "inspections.json"), verbosity=0)
    call_command("loaddata", str(FIXTURES / "demo_plan.json"), verbosity=0)
    assert LocalAuthority.objects.filter(name="Middlesbrough").count() == 1
    assert LocalAuthority.objects.get(name="Middlesbrough").members.count() == 6
    assert Inspection.objects.count() == 6
    assert (Measure.objects.count(), MeasureTarget.objects.count()) == (5, 4)
    assert MeasureValue.objects.count() == 3 * 12 + 2 * 3


def test_the_2023_inspection_is_complete(inspections):
    inspection = Inspection.objects.get(start_date="2023-03-13")
    assert inspection.end_date.isoformat() == "2023-03-24"
    assert inspection.lead_inspector == "Louise Walker"
    assert inspection.judgements.count() == 5
    assert set(inspection.judgements.values_list("grade", flat=True)) == {"requires_improvement"}
    assert inspection.findings.count() == 6
    assert inspection.paragraphs.count() == 60
    assert list(inspection.paragraphs.values_list("number", flat=True)) == list(range(1, 61))
    assert not inspection.paragraphs.filter(section="").exists()
    assert inspection.findings.get(order=1).text == (
        "The consistency of planning for children, including the quality of written children's "
        "plans, contingency planning and evidence of challenge when plans do not progress."
    )


def test_paragraphs_are_joined_across_page_breaks(inspections):
    paragraph = Inspection.objects.get(start_date="2023-03-13").paragraphs.get(number=3)
    assert (
        "speak with older children directly when appropriate. Parental consent is considered"
        in paragraph.text
    )
    assert paragraph.text.endswith("to enable timely and effective outcomes.")
    assert paragraph.section == (
        "The experiences and progress of children who need help and protection"
    )
    last = Inspection.objects.get(start_date="2023-03-13").paragraphs.get(number=60)
    assert last.section.startswith("The impact of leaders")
    assert "Office for Standards" not in last.text


def test_every_finding_has_a_theme(inspections):
    assert not Finding.objects.filter(themes__isnull=True).exists()


def test_the_visits_hold_only_what_the_documents_state(inspections):
    visit_2021 = Inspection.objects.get(start_date="2021-05-26")
    assert visit_2021.kind == Inspection.Kind.FOCUSED_VISIT
    assert visit_2021.findings.count() == 2
    monitoring_2020 = Inspection.objects.get(start_date="2020-09-23")
    assert monitoring_2020.kind == Inspection.Kind.MONITORING_VISIT
    assert monitoring_2020.lead_inspector == ""
    undated = Inspection.objects.filter(start_date__isnull=True)
    assert sorted(undated.values_list("kind", flat=True)) == ["focused_visit", "monitoring_visit"]
    assert Inspection.objects.count() == 6


def test_contingency_planning_and_management_oversight_recur(inspections):
    for slug in ("contingency-planning", "management-oversight"):
        raised = Inspection.objects.filter(findings__themes__slug=slug).distinct()
        assert raised.count() >= 3, slug


def test_the_demo_plan_loads_and_is_consistent(plan):
    for finding in Inspection.objects.get(start_date="2023-03-13").findings.all():
        assert 2 <= finding.actions.count() <= 4, finding
    for action in Action.objects.all():
        updates = list(action.updates.order_by("created_at"))
        status = Status.NOT_STARTED
        for update in updates:
            assert update.status_before == status
            status = update.status_after
            if update.due_date_changed:
                assert update.due_date_reason
        assert status == action.status
        if updates:
            assert action.due_date == updates[-1].due_date_after
            assert action.original_due_date == updates[0].due_date_before
    for evidence in Evidence.objects.all():
        assert evidence.file or evidence.url
        if evidence.file:
            assert (FIXTURES / "evidence_files" / Path(evidence.file.name).name).is_file()


# What build_fixtures.py's MEASURES says each demo measure's latest value is rated.
DEMO_RATINGS = {
    "Children's plans audited as good or better": Impact.ON_TRACK,
    "Children's records showing supervision at the expected frequency": Impact.CLOSE,
    "Agency social workers": Impact.OFF_TRACK,
    "Children who had three or more social workers in 12 months": Impact.ON_TRACK,
    "Care leavers aged 21 to 25 in touch with a personal adviser": Impact.CLOSE,
}


def test_the_demo_measures_are_rated_as_claimed(plan):
    measures = Measure.objects.with_values()
    assert {m.name: m.rating().impact for m in measures} == DEMO_RATINGS
    for measure in measures:
        # The same rating from the values as the rule is given them, by rating_of.
        assert measure.rating_of(measure.current_values).impact == DEMO_RATINGS[measure.name]
        assert measure.interim_targets.count() <= 1


def test_the_demo_measures_are_clearly_illustrative(plan):
    assert set(Measure.objects.values_list("source", flat=True)) == {"Illustrative demo data"}
    assert set(MeasureValue.objects.values_list("via", flat=True)) == {MeasureValue.Via.DEMO}
    assert set(MeasureValue.objects.values_list("note", flat=True)) == {
        "Illustrative figure for the demo, not published data"
    }


def test_the_demo_measures_link_only_to_the_demo_authoritys_open_findings(plan):
    middlesbrough = LocalAuthority.objects.get(name="Middlesbrough")
    for measure in Measure.objects.all():
        assert measure.authority == middlesbrough
        findings = measure.findings.select_related("inspection", "plan_state")
        assert findings, measure
        for finding in findings:
            assert finding.inspection.authority == middlesbrough
            assert not hasattr(finding, "plan_state"), "linked to a finding out of the plan"
        assert all(a.authority == middlesbrough for a in measure.actions.all())
    assert Measure.objects.in_current_plan().count() == Measure.objects.count()
    workforce = Finding.objects.get(pk=603)  # stability of the workforce
    assert set(workforce.measures.values_list("name", flat=True)) == {
        "Agency social workers",
        "Children who had three or more social workers in 12 months",
    }


def test_the_demo_measures_run_from_november_2025_to_october_2026(plan):
    for measure in Measure.objects.with_values():
        periods = [v.period for v in measure.current_values]
        if measure.frequency == Frequency.MONTHLY:
            assert (periods[0].isoformat(), len(periods)) == ("2025-11-01", 12)
        else:
            assert (periods[0].isoformat(), len(periods)) == ("2026-01-01", 3)
        assert measure.period_label(periods[-1]) in ("Oct 2026", "Jul–Sep 2026")


def test_a_demo_manager_owns_at_least_two_monthly_measures_to_enter_november_for(
    plan, django_user_model
):
    from improvement.selectors import missing_values

    manager = django_user_model.objects.get(username="demo.manager.workforce")
    assert manager.groups.filter(name="Managers").exists()
    owned = Measure.objects.enterable_by(manager)
    assert owned.filter(frequency=Frequency.MONTHLY).count() >= 2
    owed = missing_values(owned, dt.date(2026, 12, 5))
    assert {m.label for m in owed} == {"Nov 2026"}
    assert {
        m.measure.owner for m in missing_values(Measure.objects.all(), dt.date(2026, 12, 5))
    } == {
        manager,
        django_user_model.objects.get(username="demo.manager.planning"),
    }


def test_demo_accounts_have_no_usable_password(plan, django_user_model):
    users = django_user_model.objects.filter(username__startswith="demo.")
    assert users.count() == 6
    assert not any(u.has_usable_password() for u in users)


def test_the_fixtures_match_their_generator():
    result = subprocess.run(
        [sys.executable, str(FIXTURES / "build_fixtures.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
