"""The fixtures load on an empty database and hold exactly what the documents state."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from improvement.models import Action, Evidence, Status
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
