"""Every admin page renders for a superuser; progress updates stay read-only."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from improvement.models import (
    BoardReport,
    ExportJob,
    ExportKind,
    MeasureValue,
    ProgressUpdate,
    ReminderSent,
)
from inspections.models import Grade, JudgementArea, LocalAuthority, ThemeRule
from tests.helpers import (
    make_action,
    make_evidence,
    make_finding,
    make_judgement,
    make_measure,
    make_paragraph,
    make_team,
    make_theme,
    make_update,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db

# Our apps' models (auth, axes and the task queue bring their own admin).
MODELS = [m for m in admin.site._registry if m._meta.app_label in ("inspections", "improvement")]
READ_ONLY = [ProgressUpdate, BoardReport, ReminderSent, MeasureValue, ExportJob]


@pytest.fixture
def superuser():
    return make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def one_of_everything(superuser):
    recommendation = make_finding()
    inspection = recommendation.inspection
    LocalAuthority.objects.exclude(pk=inspection.authority_id).delete()  # the rest of the register
    make_judgement(inspection, JudgementArea.OVERALL, Grade.REQUIRES_IMPROVEMENT)
    recommendation.paragraphs.add(make_paragraph(inspection, 1, section="Leaders"))
    theme = make_theme()
    recommendation.themes.add(theme)
    ThemeRule.objects.create(theme=theme, phrase="contingency plan")
    inspection.authority.members.add(superuser)  # an action's owner works for its authority
    action = make_action([recommendation], owner=superuser, team=make_team())
    make_update(action, superuser)
    make_evidence(action, superuser)
    measure = make_measure(action.authority, superuser, [recommendation])
    measure.actions.add(action)
    measure.interim_targets.create(date=dt.date(2026, 6, 30), value=60)
    make_value(measure, dt.date(2026, 1, 1), 50, superuser)
    BoardReport.objects.create(
        authority=action.authority,
        title="Board Q1",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 3, 31),
        data={},
        created_by=superuser,
        created_at=timezone.now(),
    )
    ReminderSent.objects.create(
        recipient=superuser,
        kind="owner_digest",
        sent_on=dt.date(2024, 1, 1),
        sent_at=timezone.now(),
    )
    ExportJob.objects.create(
        requested_by=superuser, kind=ExportKind.ACTIONS, fmt="csv", filename="actions.csv"
    )


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_the_app_models_are_all_registered():
    names = {m._meta.label for m in MODELS}
    assert names == {
        "inspections.LocalAuthority",
        "inspections.Inspection",
        "inspections.Judgement",
        "inspections.ReportParagraph",
        "inspections.Theme",
        "inspections.ThemeRule",
        "inspections.Finding",
        "improvement.Team",
        "improvement.Action",
        "improvement.ProgressUpdate",
        "improvement.Evidence",
        "improvement.BoardReport",
        "improvement.ReminderSent",
        "improvement.Measure",
        "improvement.MeasureValue",
        "improvement.ExportJob",
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_and_change_pages_render(client, superuser, one_of_everything, model):
    client.force_login(superuser)
    response = client.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1

    response = client.get(_url(model, "changelist"), {"q": "zzz-no-match"})
    assert response.status_code == 200

    obj = model.objects.get()
    response = client.get(_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "model",
    [m for m in MODELS if m not in READ_ONLY],
    ids=lambda m: m._meta.label,
)
def test_add_pages_render(client, superuser, model):
    client.force_login(superuser)
    assert client.get(_url(model, "add")).status_code == 200


def test_progress_updates_cannot_be_added_edited_or_deleted_in_admin(
    client, superuser, one_of_everything
):
    client.force_login(superuser)
    update = ProgressUpdate.objects.get()

    assert client.get(_url(ProgressUpdate, "add")).status_code == 403
    response = client.post(
        _url(ProgressUpdate, "change", update.pk), {"note": "Rewritten.", "status_after": "blocked"}
    )
    assert response.status_code == 403
    assert (
        client.post(_url(ProgressUpdate, "delete", update.pk), {"post": "yes"}).status_code == 403
    )

    update.refresh_from_db()
    assert update.note == "Audit started."


def test_the_action_page_shows_its_updates_read_only(client, superuser, one_of_everything):
    client.force_login(superuser)
    action = ProgressUpdate.objects.get().action
    response = client.get(_url(type(action), "change", action.pk))
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.opts.model is ProgressUpdate
    )
    assert formset.has_add_permission is False
    assert formset.has_delete_permission is False
    assert "Audit started." in response.content.decode()
    assert 'name="updates-0-note"' not in response.content.decode()


def test_admin_requires_staff(client):
    client.force_login(make_user())
    response = client.get(reverse("admin:improvement_action_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model", [BoardReport, ReminderSent], ids=lambda m: m._meta.label)
def test_records_the_app_writes_are_read_only_in_admin(client, superuser, one_of_everything, model):
    client.force_login(superuser)
    obj = model.objects.get()
    assert client.get(_url(model, "add")).status_code == 403
    assert client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
