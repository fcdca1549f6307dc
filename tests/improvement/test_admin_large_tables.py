"""The admin's lists of the tables that grow with every plan: bounded counts, cheap deep pages."""

import datetime as dt

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from improvement.admin import LargeTablePaginator, _estimated_rows
from improvement.models import ProgressUpdate
from inspections.models import LocalAuthority
from tests.helpers import (
    make_action,
    make_authority,
    make_finding,
    make_inspection,
    make_update,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def updates(superuser):
    action = make_action()
    start = timezone.now() - dt.timedelta(days=30)
    return [
        make_update(action, superuser, created_at=start + dt.timedelta(days=n)) for n in range(12)
    ]


def test_a_deep_page_holds_the_same_rows_as_a_plain_slice(updates, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "KEYS_FIRST_FROM", 0)
    rows = ProgressUpdate.objects.order_by("-created_at", "-pk")
    paginator = LargeTablePaginator(rows, 5)

    pages = [list(paginator.page(n).object_list) for n in paginator.page_range]

    assert pages == [list(rows[0:5]), list(rows[5:10]), list(rows[10:12])]


def test_the_count_is_exact_off_postgresql_or_when_filtered(updates):
    assert _estimated_rows(ProgressUpdate.objects.filter(Q(note="x"))) is None
    assert LargeTablePaginator(ProgressUpdate.objects.all(), 5).count == 12


def test_the_updates_list_is_newest_first(client, superuser, updates):
    client.force_login(superuser)
    response = client.get(reverse("admin:improvement_progressupdate_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == updates[::-1]


def test_the_authority_filter_offers_only_authorities_with_actions(client, superuser):
    with_actions = [make_authority(name) for name in ("Leeds", "Middlesbrough")]
    for authority in with_actions:
        make_action([make_finding(make_inspection(authority))])
    client.force_login(superuser)
    response = client.get(reverse("admin:improvement_action_changelist"))

    authority_filter = next(
        f for f in response.context["cl"].filter_specs if f.field_path == "authority"
    )
    assert [pk for pk, _ in authority_filter.lookup_choices] == [a.pk for a in with_actions]
    assert LocalAuthority.objects.count() > 2
