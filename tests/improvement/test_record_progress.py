import datetime as dt
import io
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement.models import Action, Evidence, ProgressUpdate, Status

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _url(action) -> str:
    return reverse("improvement:action_progress", args=[action.pk])


def _post(client, action, **fields):
    data = {
        "version": action.version,
        "status": Status.IN_PROGRESS,
        "note": "Audited 40 contingency plans; 31 were clear.",
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "due_date_reason": "",
        "evidence_title": "",
        "evidence_kind": "",
        "evidence_url": "",
    }
    data.update(fields)
    return client.post(_url(action), data)


@pytest.fixture(autouse=True)
def _evidence_root(evidence_storage):
    return evidence_storage


def test_it_redirects_anonymous_to_sign_in(client, action):
    response = client.get(_url(action))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_outsider_gets_404(client, outsider, action):
    client.force_login(outsider)
    assert client.get(_url(action)).status_code == 404
    assert _post(client, action).status_code == 404
    assert ProgressUpdate.objects.count() == 0


@pytest.mark.parametrize("who", ["viewer", "other_manager"])
def test_people_who_may_only_read_get_403(client, request, action, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(action)).status_code == 403
    assert _post(client, action).status_code == 403
    assert ProgressUpdate.objects.count() == 0


@pytest.mark.parametrize("who", ["owner", "teammate", "leader"])
def test_owner_team_and_leaders_record_progress(client, request, action, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(_url(action)).status_code == 200

    response = _post(client, action)

    assert response.status_code == 302
    assert response["Location"] == action.get_absolute_url()
    update = ProgressUpdate.objects.get()
    assert update.author == user
    assert (update.status_before, update.status_after) == (Status.NOT_STARTED, Status.IN_PROGRESS)
    action.refresh_from_db()
    assert action.status == Status.IN_PROGRESS
    assert action.last_update_at == update.created_at


def test_a_note_is_required_and_shown_in_an_error_summary(client, owner, action):
    client.force_login(owner)
    response = _post(client, action, note="")
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Enter a note about the progress made" in body
    assert ProgressUpdate.objects.count() == 0


def test_moving_the_due_date_needs_a_reason_and_keeps_the_original(client, owner, action):
    original = action.due_date
    new_date = original + dt.timedelta(days=60)
    client.force_login(owner)

    response = _post(client, action, due_date=new_date.isoformat())
    assert "Enter why the due date has moved" in response.content.decode()
    assert ProgressUpdate.objects.count() == 0

    response = _post(
        client, action, due_date=new_date.isoformat(), due_date_reason="Staff shortages."
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_date == new_date
    assert action.original_due_date == original
    update = ProgressUpdate.objects.get()
    assert (update.due_date_before, update.due_date_after) == (original, new_date)
    assert update.due_date_reason == "Staff shortages."


def test_an_owner_cannot_mark_an_action_complete(client, owner, action):
    client.force_login(owner)
    response = _post(client, action, status=Status.COMPLETE)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Status.NOT_STARTED
    assert action.completed_date is None


def test_ready_for_sign_off_needs_evidence_or_a_reason(client, owner, action):
    client.force_login(owner)
    response = _post(client, action, status=Status.READY)
    assert "Add evidence, or say why there is none" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Status.NOT_STARTED

    response = _post(
        client, action, status=Status.READY, no_evidence_reason="The audit is in the case files."
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Status.READY
    update = action.updates.get()
    assert update.kind == "ready"
    assert "No evidence: The audit is in the case files." in update.note


def test_an_open_action_keeps_a_due_date_and_it_never_moves_into_the_past(client, owner, action):
    client.force_login(owner)
    response = _post(client, action, due_date="", due_date_reason="Not needed.")
    assert "An open action needs a due date" in response.content.decode()
    response = _post(client, action, due_date="2020-01-01", due_date_reason="Oops.")
    assert "A due date cannot be moved into the past" in response.content.decode()
    action.refresh_from_db()
    assert action.due_date > dt.date.today()
    assert ProgressUpdate.objects.count() == 0


def test_evidence_file_is_saved_with_the_update(client, owner, action):
    client.force_login(owner)
    upload = SimpleUploadedFile("../../Audit summary (v2).pdf", PDF, "application/pdf")
    response = client.post(
        _url(action),
        {
            "version": action.version,
            "status": Status.IN_PROGRESS,
            "note": "Audit done.",
            "due_date": action.due_date.isoformat(),
            "evidence_title": "Audit summary",
            "evidence_kind": Evidence.Kind.CASE_AUDIT,
            "evidence_file": upload,
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.added_by == owner
    assert evidence.file.name.startswith("evidence/")
    assert evidence.file.name.endswith("Audit-summary-v2.pdf")
    assert ".." not in evidence.file.name
    assert evidence.file.read() == PDF


def test_evidence_link_is_saved_with_the_update(client, owner, action):
    client.force_login(owner)
    response = _post(
        client,
        action,
        evidence_title="Performance report",
        evidence_kind=Evidence.Kind.PERFORMANCE_DATA,
        evidence_url="https://reports.example.org/q3",
    )
    assert response.status_code == 302
    assert Evidence.objects.get().url == "https://reports.example.org/q3"


def _upload(client, action, upload):
    return client.post(
        _url(action),
        {
            "version": action.version,
            "status": Status.IN_PROGRESS,
            "note": "With a file.",
            "due_date": action.due_date.isoformat(),
            "evidence_title": "File",
            "evidence_kind": Evidence.Kind.DOCUMENT,
            "evidence_file": upload,
        },
    )


def _assert_refused(response, message: str):
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert ProgressUpdate.objects.count() == 0
    assert Evidence.objects.count() == 0
    assert Action.objects.get().status == Status.NOT_STARTED


def test_a_file_over_the_size_limit_is_refused(client, owner, action, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    client.force_login(owner)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2000, "application/pdf")
    _assert_refused(_upload(client, action, big), "The file must be smaller than 1.0")


def test_a_file_of_the_wrong_type_is_refused(client, owner, action):
    client.force_login(owner)
    script = SimpleUploadedFile("run.sh", b"#!/bin/sh\nrm -rf /\n", "text/x-sh")
    _assert_refused(_upload(client, action, script), "The file must be a PDF, Word")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100),
        ("photo.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 100),
        ("minutes.docx", b"PK\x03\x04not really a zip"),
        ("notes.txt", b"MZ\x90\x00\x03\x00\x00\x00"),
    ],
)
def test_a_renamed_executable_is_refused(client, owner, action, name, content):
    client.force_login(owner)
    upload = SimpleUploadedFile(name, content, "application/octet-stream")
    _assert_refused(_upload(client, action, upload), "is not a real")


def test_a_real_word_document_is_accepted(client, owner, action):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    client.force_login(owner)
    response = _upload(client, action, SimpleUploadedFile("minutes.docx", buffer.getvalue()))
    assert response.status_code == 302
    assert Evidence.objects.get().file.name.endswith("minutes.docx")


def test_the_update_is_atomic_when_saving_evidence_fails(client, owner, action, tmp_path):
    client.force_login(owner)
    upload = SimpleUploadedFile("audit.pdf", PDF, "application/pdf")
    with (
        mock.patch.object(Evidence, "save", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        _upload(client, action, upload)
    assert ProgressUpdate.objects.count() == 0
    action.refresh_from_db()
    assert action.status == Status.NOT_STARTED
    assert action.last_update_at is None
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_stale_form_is_refused_showing_what_changed_and_keeping_the_note(
    client, owner, leader, action
):
    stale_version = action.version
    client.force_login(leader)
    _post(client, action, status=Status.BLOCKED, note="Blocked: no auditors this month.")

    client.force_login(owner)
    response = _post(client, action, version=stale_version, note="My careful note.")

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this action while you were writing" in body
    assert "Not started → Blocked" in body
    assert "Blocked: no auditors this month." in body
    assert "My careful note." in body
    assert ProgressUpdate.objects.count() == 1
    action.refresh_from_db()
    assert action.status == Status.BLOCKED

    # Saving again from the refreshed form goes through.
    response = _post(client, action, note="My careful note.")
    assert response.status_code == 302
    assert ProgressUpdate.objects.count() == 2
