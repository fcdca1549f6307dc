"""The admin's "Import a report": register authorities, and a confirm step for re-imports."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.admin import PENDING_KEY
from inspections.models import Finding, Inspection, LocalAuthority
from tests.helpers import make_user

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT.parent / "shared" / "reports"
STOCKTON = (REPORTS / "stockton-on-tees-ilacs-2019-05.txt").read_text()
CORRECTED = STOCKTON.replace("Timeliness in delivering", "Timeliness of delivering")
URL = "admin:inspections_inspection_import_report"

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _upload(client, text: str, name: str = "report.txt", **data):
    upload = SimpleUploadedFile(name, text.encode())
    return client.post(reverse(URL), {"file": upload, **data})


def test_the_admin_upload_imports_a_report(client, root):
    pdf = (REPORTS / "middlesbrough-focused_visit-2024-07.pdf").read_bytes()
    response = client.post(reverse(URL), {"file": SimpleUploadedFile("visit.pdf", pdf)})
    assert response.status_code == 200
    assert "Imported" in response.content.decode()
    inspection = Inspection.objects.get()
    assert inspection.findings.count() == 3
    assert inspection.authority == LocalAuthority.objects.get(ons_code="E06000002")


def test_the_admin_upload_says_what_was_wrong(client, root):
    response = _upload(client, "Shopping list: eggs", "notes.txt")
    assert "Nothing was imported." in response.content.decode()
    assert Inspection.objects.count() == 0
    response = client.post(reverse(URL), {})
    assert "Choose a report file" in response.content.decode()


def test_the_admin_upload_needs_staff_with_permission(client):
    assert client.get(reverse(URL)).status_code == 302
    client.force_login(make_user("clerk", is_staff=True))
    assert client.get(reverse(URL)).status_code == 403


def test_the_authority_is_picked_from_the_register_and_those_without_members_are_marked(
    client, root
):
    LocalAuthority.objects.get(name="Kent").members.add(root)
    page = client.get(reverse(URL)).content.decode()
    assert page.count("<option") == LocalAuthority.objects.count() + 1
    assert '<option value="" selected>The one the report names</option>' in page
    assert ">Kent</option>" in page
    assert ">Stockton-on-Tees (no members yet)</option>" in page

    hartlepool = LocalAuthority.objects.get(name="Hartlepool")
    response = _upload(client, STOCKTON, authority=hartlepool.pk)
    assert Inspection.objects.get().authority == hartlepool
    assert "Hartlepool has no members yet" in response.content.decode()


def test_an_authority_not_in_the_list_is_refused(client, root):
    response = _upload(client, STOCKTON, authority="999999")
    assert "Select a valid choice" in response.content.decode()
    assert Inspection.objects.count() == 0


def test_a_report_naming_an_unknown_authority_says_so(client, root):
    text = STOCKTON.replace("Stockton-on-Tees\nInspection of", "Gondor\nInspection of")
    response = _upload(client, text)
    assert "“Gondor” is not a local authority in the register" in response.content.decode()
    assert Inspection.objects.count() == 0


def test_a_re_import_that_changes_something_waits_for_confirmation(client, root):
    _upload(client, STOCKTON)
    response = _upload(client, CORRECTED, "corrected.txt")
    page = response.content.decode()
    assert "Confirm the changes to Stockton-on-Tees" in page
    assert "<td>finding 1 text</td><td>Timeliness in delivering" in page
    assert "<td>Timeliness of delivering" in page
    assert Finding.objects.get(order=1).text.startswith("Timeliness in delivering")

    # The form carries only a token; the upload waits in the session.
    token = response.context["confirm_token"]
    assert f'name="confirm" value="{token}"' in page
    assert "Timeliness of delivering" not in page.split('name="confirm"')[1].split("</form>")[0]
    assert client.session[PENDING_KEY]["text"] == CORRECTED

    response = client.post(reverse(URL), {"confirm": token})
    assert "Imported" in response.content.decode()
    finding = Finding.objects.get(order=1)
    assert finding.text.startswith("Timeliness of delivering")
    assert finding.history.first().history_change_reason == "Re-imported from corrected.txt"
    assert PENDING_KEY not in client.session


def test_a_confirmation_is_used_once_and_must_match(client, root):
    _upload(client, STOCKTON)
    token = _upload(client, CORRECTED).context["confirm_token"]
    response = client.post(reverse(URL), {"confirm": "forged"})
    assert "expired or was done already" in response.content.decode()
    response = client.post(reverse(URL), {"confirm": token})
    assert "expired or was done already" in response.content.decode()
    assert Finding.objects.get(order=1).text.startswith("Timeliness in delivering")


def test_a_confirmation_of_changes_that_have_since_moved_asks_again(client, root):
    _upload(client, STOCKTON)
    token = _upload(client, CORRECTED).context["confirm_token"]
    finding = Finding.objects.get(order=2)
    finding.text = "Edited by someone else meanwhile."
    finding.save()

    response = client.post(reverse(URL), {"confirm": token})
    page = response.content.decode()
    assert "no longer what you were shown" in page
    assert "<td>finding 2 text</td><td>Edited by someone else meanwhile.</td>" in page
    assert Finding.objects.get(order=1).text.startswith("Timeliness in delivering")


def test_staff_without_permission_cannot_confirm(client, root):
    _upload(client, STOCKTON)
    token = _upload(client, CORRECTED).context["confirm_token"]
    pending = client.session[PENDING_KEY]

    clerk = make_user("clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_inspection"))
    client.force_login(clerk)
    session = client.session
    session[PENDING_KEY] = pending  # even holding the pending upload
    session.save()
    assert client.post(reverse(URL), {"confirm": token}).status_code == 403
    assert Finding.objects.get(order=1).text.startswith("Timeliness in delivering")


def test_a_dry_run_of_a_re_import_shows_the_changes_and_keeps_nothing(client, root):
    _upload(client, STOCKTON)
    response = _upload(client, CORRECTED, dry_run="on")
    page = response.content.decode()
    assert "Dry run: nothing was written" in page
    assert "Timeliness of delivering" in page
    assert "confirm_token" not in response.context or not response.context["confirm_token"]
    assert PENDING_KEY not in client.session


def test_the_history_of_a_re_imported_inspection_shows_in_the_admin(client, root):
    _upload(client, STOCKTON)
    moved = STOCKTON.replace("20 May 2019 to 24 May 2019", "21 May 2019 to 24 May 2019")
    token = _upload(client, moved, "moved.txt").context["confirm_token"]
    client.post(reverse(URL), {"confirm": token})
    inspection = Inspection.objects.get()
    url = reverse("admin:inspections_inspection_history", args=[inspection.pk])
    page = client.get(url).content.decode()
    assert "Re-imported from moved.txt" in page
    assert "Imported from report.txt" in page
