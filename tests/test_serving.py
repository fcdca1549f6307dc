"""Serving safely: private caching, the app's own error pages, bounded request bodies,
the admin under the CSP, and the production static files and deploy checks."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from config.storage import StaticFilesStorage
from improvement.models import Role
from tests.helpers import make_action, make_authority, make_evidence, make_user

BASE_DIR = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.7\n%%EOF\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader():
    user = make_user("leader")
    user.groups.add(Group.objects.get(name=Role.LEADER.value))
    make_authority().members.add(user)
    return user


@pytest.fixture
def action(leader):
    return make_action(owner=leader)


class RecordingInput(io.BytesIO):
    """A wsgi.input that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


# Cache-Control


@pytest.mark.parametrize(
    "url",
    [
        reverse("improvement:dashboard"),
        reverse("improvement:action_list"),
        reverse("improvement:actions_export", args=["csv"]),
        reverse("improvement:actions_export", args=["xlsx"]),
    ],
)
def test_pages_and_exports_for_a_signed_in_person_are_never_stored(client, leader, action, url):
    client.force_login(leader)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert not response.has_header("Expires")


def test_evidence_downloads_are_never_stored(client, leader, action, evidence_storage):
    evidence = make_evidence(action, leader, url="", file=ContentFile(PDF, name="audit.pdf"))
    client.force_login(leader)
    response = client.get(reverse("improvement:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_the_action_page_and_a_404_for_a_signed_in_person_are_never_stored(client, leader, action):
    client.force_login(leader)
    assert client.get(reverse("improvement:action_detail", args=[action.pk]))["Cache-Control"] == (
        "private, no-store"
    )
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert missing["Cache-Control"] == "private, no-store"


def test_anonymous_responses_are_left_alone(client):
    response = client.get(reverse("improvement:dashboard"))
    assert response.status_code == 302
    assert not response.has_header("Cache-Control")


# Error pages


def test_a_bad_request_gets_the_apps_400_page(client):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sorry, there is a problem with the request" in html
    assert "govuk-template" in html
    # Rendered with the request, so the page's scripts carry the CSP nonce.
    assert 'nonce=""' not in html
    assert 'nonce="' in html


def test_a_failed_csrf_check_gets_the_apps_page(leader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    response = client.post(reverse("improvement:dashboard"), {"anything": "1"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert "Nothing has been saved" in html
    assert "govuk-template" in html
    assert 'nonce=""' not in html
    # Signed in: the navigation is there, as on every other page.
    assert "Sign out" in html


# Request bodies


def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(client, leader, action):
    client.force_login(leader)
    body = RecordingInput(b"x" * 1000)
    response = client.generic(
        "POST",
        reverse("improvement:action_progress", args=[action.pk]),
        b"x" * 1000,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(400 * 1024 * 1024),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert body.bytes_read == 0
    html = response.content.decode()
    assert "The file is too large" in html
    assert "The largest file you can upload is 20.0\xa0MB" in html


def test_the_limit_is_the_evidence_limit_plus_a_margin(settings):
    assert settings.REQUEST_MAX_BODY_BYTES > settings.EVIDENCE_MAX_UPLOAD_BYTES
    assert settings.REQUEST_MAX_BODY_BYTES <= settings.EVIDENCE_MAX_UPLOAD_BYTES + 2 * 1024 * 1024


def test_a_real_upload_over_the_limit_gets_413_and_changes_nothing(
    client, leader, action, settings, evidence_storage
):
    settings.REQUEST_MAX_BODY_BYTES = 10_000
    client.force_login(leader)
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 20_000, "application/pdf")
    response = client.post(
        reverse("improvement:action_progress", args=[action.pk]),
        {"version": action.version, "status": "in_progress", "note": "n", "evidence_file": big},
    )
    assert response.status_code == 413
    assert action.updates.count() == 0


def test_a_body_under_the_limit_goes_through(client, leader, action):
    client.force_login(leader)
    response = client.post(reverse("improvement:action_progress", args=[action.pk]), {})
    assert response.status_code != 413


def test_a_negative_or_garbled_length_is_a_400(client):
    for length in ("-5", "lots"):
        response = client.generic("POST", "/accounts/login/", b"", CONTENT_LENGTH=length)
        assert response.status_code == 400


def _chunked(client, path: str, body: bytes, **extra):
    stream = RecordingInput(body)
    response = client.generic(
        "POST",
        path,
        b"",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream, "wsgi.input_terminated": True},
        **extra,
    )
    return response, stream


def test_a_chunked_body_over_the_limit_is_read_no_further_than_the_limit(client, settings):
    settings.REQUEST_MAX_BODY_BYTES = 100_000
    response, stream = _chunked(client, "/accounts/login/", b"a" * 5_000_000)
    assert response.status_code == 413
    assert stream.bytes_read == 100_001


def test_a_chunked_body_under_the_limit_is_read_whole(client, leader):
    leader.set_password("correct horse battery staple")
    leader.save()
    body = b"username=leader&password=correct+horse+battery+staple"
    response, stream = _chunked(client, "/accounts/login/", body)
    assert stream.bytes_read == len(body)
    # The sign-in form saw the fields: it signed the person in.
    assert response.status_code == 302
    assert client.get(reverse("improvement:dashboard")).status_code == 200


# The admin under the Content Security Policy


def test_the_admin_history_page_has_no_inline_style(client, action):
    admin = make_user("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    action.title = "Audit every contingency plan"
    action.save()
    response = client.get(reverse("admin:improvement_action_history", args=[action.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Audit every contingency plan" in html
    assert "style=" not in html
    assert "<style" not in html
    assert "css/admin-history.css" in html
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "style-src 'self'" in policy


# Production: static files and the deploy checks


class _HashingOnly(StaticFilesStorage):
    """The production storage without the (slow) compression step."""

    def compress_files(self, paths):
        return []


def test_collectstatic_hashes_every_file_for_production(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": f"{__name__}._HashingOnly"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = {p.name for p in (tmp_path / "govuk").iterdir()}
    assert any(n.startswith("govuk-frontend.min.") and n.endswith(".css") for n in hashed)
    init = next((tmp_path / "js").glob("init.*.js")).read_text()
    # init.js imports the hashed GOV.UK Frontend, so a new version is a new URL.
    assert "govuk-frontend.min.js" not in init
    assert "../govuk/govuk-frontend.min." in init


def _production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DJANGO_"))}
    env.update(
        DEBUG="0",
        SECRET_KEY="a-long-random-test-key-" + "x" * 40,
        ALLOWED_HOSTS="tracker.example.gov.uk",
        **overrides,
    )
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _check_deploy(_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_turning_https_off_is_reported_by_check_deploy():
    result = _check_deploy(_production_env(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0"))
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout
