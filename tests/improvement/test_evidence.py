import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from improvement.models import Evidence
from tests.helpers import make_evidence

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def evidence(action, owner, evidence_storage):
    item = make_evidence(
        action, owner, title="Audit summary", url="", file=ContentFile(PDF, name="audit.pdf")
    )
    return item


def _download(evidence) -> str:
    return reverse("improvement:evidence_download", args=[evidence.pk])


def _accept(evidence) -> str:
    return reverse("improvement:evidence_accept", args=[evidence.pk])


def test_download_redirects_anonymous_to_sign_in(client, evidence):
    response = client.get(_download(evidence))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_outsider_cannot_fetch_evidence(client, outsider, evidence):
    client.force_login(outsider)
    response = client.get(_download(evidence))
    assert response.status_code == 404
    assert PDF not in b"".join(getattr(response, "streaming_content", [response.content]))


@pytest.mark.parametrize("who", ["owner", "teammate", "other_manager", "leader", "viewer"])
def test_members_download_it_as_an_attachment(client, request, evidence, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_download(evidence))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF


def test_evidence_files_have_no_public_url(client, evidence, settings):
    media_like = "/" + evidence.file.name
    assert client.get(media_like).status_code == 404
    assert client.get(settings.STATIC_URL + evidence.file.name).status_code == 404
    assert str(settings.STATIC_ROOT) not in evidence.file.path


def test_a_missing_file_gives_404(client, owner, evidence):
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(owner)
    assert client.get(_download(evidence)).status_code == 404


def test_a_leader_accepts_evidence(client, leader, evidence):
    client.force_login(leader)
    response = client.post(_accept(evidence))
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.accepted_by == leader
    assert evidence.accepted_at is not None


@pytest.mark.parametrize("who", ["owner", "viewer", "outsider"])
def test_others_cannot_accept_evidence(client, request, evidence, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(_accept(evidence))
    assert response.status_code == (404 if who == "outsider" else 403)
    assert Evidence.objects.get().accepted_at is None


def test_accepting_needs_post(client, leader, evidence):
    client.force_login(leader)
    assert client.get(_accept(evidence)).status_code == 405
