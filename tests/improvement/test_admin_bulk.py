import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement.bulk import export_actions
from improvement.models import Action
from tests.helpers import make_action, make_finding, make_inspection, make_user

IMPORT = reverse("admin:improvement_action_import")


@pytest.fixture
def admin_user(db):
    return make_user("root", is_staff=True, is_superuser=True)


@pytest.fixture
def existing(owner):
    finding = make_finding(make_inspection(start_date=dt.date(2023, 3, 13)))
    return make_action([finding], title="Audit plans", owner=owner)


def _upload(client, data: bytes, name: str = "actions.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def test_anonymous_and_non_staff_are_sent_to_the_admin_login(client, owner):
    assert client.get(IMPORT).status_code == 302
    client.force_login(owner)
    response = client.get(IMPORT)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_permission_are_refused(client, db):
    client.force_login(make_user("clerk", is_staff=True))
    assert client.get(IMPORT).status_code == 403
    assert client.get(reverse("admin:improvement_action_export", args=["csv"])).status_code == 403


def test_preview_writes_nothing_and_confirm_writes(client, admin_user, existing):
    data = export_actions(Action.objects.all(), "csv").decode("utf-8-sig")
    data = data.replace("Audit plans", "Audit all plans")
    client.force_login(admin_user)

    response = _upload(client, data.encode())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Preview of actions.csv" in body
    assert "0 to create, 1 to update, 0 unchanged" in body
    assert Action.objects.get().title == "Audit plans"

    response = client.post(IMPORT, {"confirm": "1"})
    assert response.status_code == 302
    assert Action.objects.get().title == "Audit all plans"


def test_errors_are_listed_and_nothing_is_written(client, admin_user, existing):
    header, row = export_actions(Action.objects.all(), "csv").decode("utf-8-sig").splitlines()
    data = (
        header + "\n" + row.replace("Audit plans", "Audit all plans").replace(",owner,", ",nobody,")
    )
    client.force_login(admin_user)
    response = _upload(client, data.encode())
    body = response.content.decode()
    assert "Nothing was imported" in body
    assert "Row 2, owner: no user called &#x27;nobody&#x27;" in body
    assert client.post(IMPORT, {"confirm": "1"}).status_code == 302
    assert Action.objects.get().title == "Audit plans"


def test_export_all_from_the_changelist(client, admin_user, existing):
    client.force_login(admin_user)
    response = client.get(reverse("admin:improvement_action_export", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="all-authorities-actions-for-import-{dt.date.today()}.xlsx"'
    )
    changelist = client.get(reverse("admin:improvement_action_changelist")).content.decode()
    assert "Import actions" in changelist
