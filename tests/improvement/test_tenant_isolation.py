"""An action's owner and findings belong to its authority, whoever writes it.

And a staff user who is not a superuser reads and changes only their own
authorities' records in the admin and the bulk import.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from improvement.bulk import apply_import, export_actions, parse_actions
from improvement.models import Action, Evidence
from tests.helpers import (
    make_authority,
    make_evidence,
    make_finding,
    make_inspection,
    make_user,
    streamed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def redcar():
    return make_authority("Redcar and Cleveland")


@pytest.fixture
def their_finding(redcar):
    return make_finding(make_inspection(redcar, start_date=dt.date(2025, 12, 1)))


def test_an_action_cannot_be_linked_to_another_authoritys_finding(action, their_finding):
    # Each in its own savepoint, as a caller that goes on after the refusal would be.
    refused = pytest.raises(ValidationError, match="Findings of Redcar and Cleveland cannot be")
    with refused, transaction.atomic():
        action.findings.add(their_finding)
    with pytest.raises(ValidationError, match="another authority"), transaction.atomic():
        their_finding.actions.add(action)
    assert list(action.findings.values_list("inspection__authority__name", flat=True)) == [
        "Middlesbrough"
    ]


def test_an_action_cannot_be_owned_by_someone_outside_its_authority(action, outsider):
    action.owner = outsider
    with pytest.raises(ValidationError, match="outsider is not a member of Middlesbrough"):
        action.save()
    action.refresh_from_db()
    assert action.owner.username == "owner"


def test_bulk_import_refuses_outsiders_and_other_authorities_findings(action, outsider, redcar):
    make_finding(make_inspection(redcar, start_date=dt.date(2025, 12, 1)))
    header, row = export_actions(Action.objects.all(), "csv").decode("utf-8-sig").splitlines()
    result = parse_actions(f"{header}\n{row.replace(',owner,', ',outsider,')}".encode(), "x.csv")
    assert not result.is_valid
    assert "Row 2, owner: outsider is not a member of Middlesbrough." in result.errors


@pytest.fixture
def their_staff(redcar):
    """A staff user of another authority with every permission on actions and evidence."""
    user = make_user("redcar.admin", is_staff=True)
    redcar.members.add(user)
    codenames = [
        f"{verb}_{model}" for verb in ("view", "add", "change") for model in ("action", "evidence")
    ]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_another_authoritys_staff_sees_none_of_this_plan_in_the_admin(
    client, action, owner, their_staff
):
    evidence = make_evidence(action, owner)
    client.force_login(their_staff)
    listing = client.get(reverse("admin:improvement_action_changelist"))
    assert listing.status_code == 200
    assert "Audit contingency plans" not in listing.content.decode()
    assert client.get(reverse("admin:improvement_action_change", args=[action.pk])).status_code in (
        302,
        404,
    )
    assert client.get(
        reverse("admin:improvement_evidence_change", args=[evidence.pk])
    ).status_code in (
        302,
        404,
    )
    export = client.get(reverse("admin:improvement_action_export", args=["csv"]))
    assert "Audit contingency plans" not in streamed(export).decode("utf-8-sig")


def test_another_authoritys_staff_cannot_choose_this_authority_in_the_admin(
    client, authority, their_staff
):
    client.force_login(their_staff)
    form = client.get(reverse("admin:improvement_action_add")).context["adminform"].form
    assert list(form.fields["authority"].queryset.values_list("name", flat=True)) == [
        "Redcar and Cleveland"
    ]
    assert not form.fields["findings"].queryset.filter(inspection__authority=authority).exists()
    assert (
        not form.fields["owner"]
        .queryset.filter(authorities=authority)
        .exclude(authorities__name="Redcar and Cleveland")
        .exists()
    )


def test_another_authoritys_staff_cannot_import_into_this_plan(client, action, their_staff):
    data = export_actions(Action.objects.all(), "csv").decode("utf-8-sig")
    data = data.replace("Audit contingency plans", "Taken over")
    client.force_login(their_staff)
    response = client.post(
        reverse("admin:improvement_action_import"),
        {"file": SimpleUploadedFile("a.csv", data.encode())},
    )
    body = response.content.decode()
    assert "no local authority called" in body
    action.refresh_from_db()
    assert action.title == "Audit contingency plans"


def test_a_stale_admin_form_is_refused_and_a_fresh_one_saves(client, action, owner):
    admin_user = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:improvement_action_change", args=[action.pk])
    form = client.get(url).context["adminform"].form
    post = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    post["findings"] = [f.pk for f in action.findings.all()]
    for prefix in ("updates", "evidence"):
        post.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    # Someone records progress after the admin opened the page.
    client.force_login(owner)
    client.post(
        reverse("improvement:action_progress", args=[action.pk]),
        {
            "version": action.version,
            "status": "blocked",
            "note": "No auditors.",
            "due_date": action.due_date.isoformat(),
        },
    )
    client.force_login(admin_user)
    response = client.post(url, post)
    assert response.status_code == 200
    assert "Someone changed this action after you opened this page" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "blocked"

    fresh = client.get(url).context["adminform"].form
    post["seen_version"] = fresh["seen_version"].value()
    post["status"] = "blocked"
    post["title"] = "Audit every contingency plan"
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:3000]
    action.refresh_from_db()
    assert (action.title, action.status) == ("Audit every contingency plan", "blocked")


def test_a_bulk_import_over_a_newer_version_is_refused(action, owner):
    data = export_actions(Action.objects.all(), "csv")
    action.status = "in_progress"
    action.save()
    result = parse_actions(data, "x.csv")
    assert not result.is_valid
    assert any("has changed since this file was exported" in e for e in result.errors)


def test_a_bulk_import_checked_before_a_write_is_not_applied_after_it(action):
    data = export_actions(Action.objects.all(), "csv").decode("utf-8-sig")
    result = parse_actions(data.replace("Audit contingency plans", "Renamed").encode(), "x.csv")
    assert result.is_valid
    Action.objects.get(pk=action.pk).save()  # someone writes after the check
    from improvement.services import ActionChanged

    with pytest.raises(ActionChanged):
        apply_import(result)
    action.refresh_from_db()
    assert action.title == "Audit contingency plans"
    assert Evidence.objects.count() == 0


@pytest.fixture
def their_inspections_staff(redcar):
    """A staff user of another authority who may view and change inspections and findings."""
    user = make_user("redcar.records", is_staff=True)
    redcar.members.add(user)
    codenames = [
        f"{verb}_{model}"
        for verb in ("view", "add", "change")
        for model in ("inspection", "finding", "judgement", "reportparagraph", "localauthority")
    ]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_another_authoritys_staff_sees_none_of_its_inspections_or_findings(
    client, action, their_inspections_staff
):
    finding = action.findings.get()
    client.force_login(their_inspections_staff)
    for name in ("inspection", "finding"):
        listing = client.get(reverse(f"admin:inspections_{name}_changelist"))
        assert listing.status_code == 200
        assert "Middlesbrough" not in listing.content.decode()
    change = client.get(reverse("admin:inspections_finding_change", args=[finding.pk]))
    assert change.status_code in (302, 404)
    # The autocomplete the action form uses answers from the finding admin's own rows.
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "improvement",
            "model_name": "action",
            "field_name": "findings",
            "term": "contingency",
        },
    )
    assert found.status_code == 200
    assert "contingency planning" not in found.content.decode().lower()
    authorities = client.get(reverse("admin:inspections_localauthority_changelist"))
    assert "Middlesbrough" not in authorities.content.decode()


def test_another_authoritys_staff_cannot_import_this_authoritys_report(
    client, their_inspections_staff, authority
):
    from pathlib import Path

    from inspections.models import Inspection

    report = Path(__file__).parents[2].parent / "shared" / "reports"
    data = (report / "middlesbrough-focused_visit-2024-07.txt").read_bytes()
    client.force_login(their_inspections_staff)
    response = client.post(
        reverse("admin:inspections_inspection_import_report"),
        {"file": SimpleUploadedFile("report.txt", data)},
    )
    assert response.status_code == 200
    assert "which you do not administer" in response.content.decode()
    assert not Inspection.objects.filter(authority__name="Middlesbrough").exists()
