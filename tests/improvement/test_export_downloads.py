"""Your downloads: the list of a person's background exports, and fetching one."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from improvement.models import ExportJob, ExportKind, ExportStatus

DOWNLOADS = reverse("improvement:export_list")


def _job(user, authority, *, status=ExportStatus.READY, **fields) -> ExportJob:
    job = ExportJob.objects.create(
        requested_by=user,
        kind=fields.pop("kind", ExportKind.ACTIONS),
        fmt="csv",
        filename="middlesbrough-actions-2026-12-01.csv",
        querystring=fields.pop("querystring", "status=blocked"),
        **fields,
    )
    job.authorities.set([authority])
    if status == ExportStatus.READY:
        job.file.save(f"{job.pk}-{job.filename}", ContentFile(b"\xef\xbb\xbfAuthority\r\n"))
        job.status, job.row_count = status, 0
        job.save()
    else:
        ExportJob.objects.filter(pk=job.pk).update(status=status)
    return job


@pytest.fixture
def job(leader, authority):
    return _job(leader, authority)


def _url(job: ExportJob) -> str:
    return reverse("improvement:export_download", args=[job.pk])


def test_anonymous_are_sent_to_sign_in(client, job):
    for url in (DOWNLOADS, _url(job)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_requester_downloads_the_file(client, leader, job):
    client.force_login(leader)
    response = client.get(_url(job))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xef\xbb\xbfAuthority\r\n"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="middlesbrough-actions-2026-12-01.csv"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_colleague_of_the_same_authority_gets_a_404(client, viewer, job):
    client.force_login(viewer)
    assert client.get(_url(job)).status_code == 404


def test_an_outsider_gets_a_404(client, outsider, job):
    client.force_login(outsider)
    assert client.get(_url(job)).status_code == 404


def test_someone_who_has_left_the_authority_can_no_longer_download(client, leader, authority, job):
    authority.members.remove(leader)
    client.force_login(leader)
    assert client.get(_url(job)).status_code == 404


def test_an_export_not_ready_yet_cannot_be_downloaded(client, leader, authority):
    waiting = _job(leader, authority, status=ExportStatus.QUEUED)
    client.force_login(leader)
    assert client.get(_url(waiting)).status_code == 404


def test_the_admins_file_for_import_needs_the_admin_still(client, leader, authority):
    leader.is_staff = leader.is_superuser = True
    leader.save()
    for_import = _job(leader, authority, kind=ExportKind.ACTIONS_FOR_IMPORT)
    client.force_login(leader)
    assert client.get(_url(for_import)).status_code == 200
    leader.is_staff = leader.is_superuser = False
    leader.save()
    assert client.get(_url(for_import)).status_code == 404


def test_the_list_shows_only_your_downloads_with_their_status(
    client, leader, viewer, authority, job
):
    _job(leader, authority, status=ExportStatus.RUNNING, querystring="")
    _job(viewer, authority, querystring="status=theirs")
    client.force_login(leader)
    response = client.get(DOWNLOADS)
    assert response.status_code == 200
    assert list(response.context["jobs"]) == list(ExportJob.objects.filter(requested_by=leader))
    page = response.content.decode()
    assert "Your downloads" in page
    assert _url(job) in page
    assert "status: blocked" in page
    assert "Being written" in page
    assert "status: theirs" not in page
    assert f'href="{DOWNLOADS}"' in page  # Refresh


def test_the_lists_queries_do_not_grow_with_the_downloads(client, leader, authority, job):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(leader)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            client.get(DOWNLOADS)
        counts.append(len(captured))
        _job(leader, authority)
        _job(leader, authority, status=ExportStatus.FAILED)
    assert counts[0] == counts[1]


def test_the_list_says_when_there_is_nothing(client, viewer):
    client.force_login(viewer)
    assert "You have no downloads waiting." in client.get(DOWNLOADS).content.decode()


def test_old_exports_and_their_files_are_deleted(leader, authority, export_files, settings):
    settings.EXPORT_KEEP_DAYS = 7
    old = _job(leader, authority)
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=7, minutes=1)
    )
    recent = _job(leader, authority)
    failed = _job(leader, authority, status=ExportStatus.FAILED)
    ExportJob.objects.filter(pk=failed.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    out = io.StringIO()
    call_command("clean_exports", stdout=out)
    assert "Deleted 2 exports older than 7 days." in out.getvalue()
    assert list(ExportJob.objects.all()) == [recent]
    assert not export_files.exists(old.file.name)
    assert export_files.exists(recent.file.name)


def test_only_superusers_see_the_jobs_in_the_admin(client, leader, authority, db):
    from django.contrib.auth import get_user_model

    failed = _job(leader, authority, status=ExportStatus.FAILED)
    ExportJob.objects.filter(pk=failed.pk).update(error="OSError('disk full')")
    url = reverse("admin:improvement_exportjob_change", args=[failed.pk])
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x"))
    assert "disk full" in client.get(url).content.decode()
    client.force_login(get_user_model().objects.create_user("clerk", is_staff=True))
    assert client.get(url).status_code == 403
