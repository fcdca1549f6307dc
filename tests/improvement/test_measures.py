"""Outcome measures: the rules the models keep, the services that write them, and the
pages (list, measure, measure form, a month's values), for each of the cast."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from improvement.choices import Impact
from improvement.models import Measure, MeasureValue
from improvement.services import (
    MeasureChanged,
    ValueEntry,
    measure_create,
    measure_edit,
    measure_record_values,
)
from tests.helpers import make_authority, make_finding, make_inspection, make_measure, make_value

TODAY = dt.date(2026, 12, 5)
OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Every test runs on 5 December 2026: November's values are the latest due."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def finding(authority):
    return make_finding(make_inspection(authority), text="Assessments are not timely.")


@pytest.fixture
def measure(authority, owner, finding):
    return make_measure(authority, owner, [finding], name="Assessments within 45 days")


def entry(measure, period=NOV, value="55", seen=None, **kw):
    return ValueEntry(measure=measure, period=period, value=D(value), seen=seen, **kw)


# The models' rules ----------------------------------------------------------------


def test_values_are_append_only(measure, owner):
    value = make_value(measure, OCT, 50, owner)
    value.value = D("51")
    with pytest.raises(ValidationError):
        value.save()
    with pytest.raises(ValidationError):
        value.delete()
    assert MeasureValue.objects.get().value == D("50")


def test_a_period_has_one_first_value_and_each_value_one_correction(measure, owner):
    first = make_value(measure, OCT, 50, owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_value(measure, OCT, 51, owner)
    make_value(measure, OCT, 52, owner, corrects=first, note="Late returns added")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_value(measure, OCT, 53, owner, corrects=first, note="Another")


def test_a_correction_needs_a_note(measure, owner):
    first = make_value(measure, OCT, 50, owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_value(measure, OCT, 52, owner, corrects=first)


def test_a_measure_links_only_to_its_own_authority(measure, outsider):
    elsewhere = make_finding(make_inspection(make_authority("Redcar and Cleveland")))
    with pytest.raises(ValidationError), transaction.atomic():
        measure.findings.add(elsewhere)
    with pytest.raises(ValidationError), transaction.atomic():
        elsewhere.measures.add(measure)
    with pytest.raises(ValidationError), transaction.atomic():
        make_measure(measure.authority, outsider, name="Owned by an outsider")


# Recording values -------------------------------------------------------------------


def test_the_owner_records_values_and_a_correction_keeps_the_old_one(measure, owner):
    assert measure_record_values(author=owner, entries=[entry(measure)]) == {
        "added": 1,
        "corrected": 0,
        "unchanged": 0,
    }
    first = MeasureValue.objects.get()
    same = measure_record_values(author=owner, entries=[entry(measure, seen=first.pk)])
    assert same["unchanged"] == 1
    with pytest.raises(ValidationError, match="say in the note why"):
        measure_record_values(author=owner, entries=[entry(measure, value="57", seen=first.pk)])
    measure_record_values(
        author=owner, entries=[entry(measure, value="57", seen=first.pk, note="Late returns")]
    )
    current = MeasureValue.objects.current().get()
    assert current.value == D("57") and current.corrects == first
    assert MeasureValue.objects.count() == 2


def test_a_figure_entered_meanwhile_is_not_overwritten(measure, owner, leader):
    measure_record_values(author=leader, entries=[entry(measure, value="60")])
    with pytest.raises(MeasureChanged):
        measure_record_values(author=owner, entries=[entry(measure, value="55", seen=None)])
    assert MeasureValue.objects.get().value == D("60")


def test_values_are_written_all_or_none(authority, measure, owner):
    other = make_measure(authority, owner, name="Re-referrals", direction="lower")
    with pytest.raises(ValidationError) as caught:
        measure_record_values(author=owner, entries=[entry(measure), entry(other, value="120")])
    assert "100 or less" in str(caught.value)
    assert not MeasureValue.objects.exists()


def test_a_period_that_has_not_ended_is_refused(measure, owner):
    with pytest.raises(ValidationError, match="has not ended yet"):
        measure_record_values(author=owner, entries=[entry(measure, period=DEC)])


def test_who_may_record_values(measure, owner, leader, other_manager, viewer, outsider):
    for person in (other_manager, viewer, outsider):
        with pytest.raises(PermissionDenied):
            measure_record_values(author=person, entries=[entry(measure)])
    measure_record_values(author=leader, entries=[entry(measure, period=OCT)])
    measure_record_values(author=owner, entries=[entry(measure, period=NOV)])
    assert MeasureValue.objects.count() == 2


# Setting up measures -----------------------------------------------------------------


def fields(owner, **kw):
    return {
        "name": "Care leavers in touch",
        "definition": "Care leavers aged 19-21 in touch, of all care leavers aged 19-21.",
        "unit": "percentage",
        "direction": "higher",
        "frequency": "quarterly",
        "target": D("90"),
        "target_date": dt.date(2027, 3, 31),
        "owner": owner,
    } | kw


def test_only_a_leader_sets_up_a_measure(authority, owner, leader, finding):
    with pytest.raises(PermissionDenied):
        measure_create(authority=authority, author=owner, **fields(owner))
    measure = measure_create(
        authority=authority,
        author=leader,
        findings=[finding],
        interim=[(dt.date(2026, 12, 31), D("85"))],
        **fields(owner),
    )
    assert list(measure.findings.all()) == [finding]
    assert [(t.date, t.value) for t in measure.interim_targets.all()] == [
        (dt.date(2026, 12, 31), D("85"))
    ]


def test_interim_targets_come_before_the_target(authority, owner, leader):
    with pytest.raises(ValidationError, match="not before the target date"):
        measure_create(
            authority=authority,
            author=leader,
            interim=[(dt.date(2027, 6, 30), D("85"))],
            **fields(owner),
        )
    assert not Measure.objects.exists()


def test_an_edit_over_a_newer_version_is_refused(measure, leader, owner):
    seen = measure.version
    measure_edit(
        measure=measure,
        editor=leader,
        expected_version=seen,
        findings=[],
        actions=[],
        interim=[],
        **fields(owner, name="Renamed"),
    )
    with pytest.raises(MeasureChanged):
        measure_edit(
            measure=measure,
            editor=leader,
            expected_version=seen,
            findings=[],
            actions=[],
            interim=[],
            **fields(owner, name="Lost update"),
        )
    assert Measure.objects.get().name == "Renamed"


# Pages -------------------------------------------------------------------------------


def pages(measure):
    slug = measure.authority.slug
    return [
        reverse("improvement:measure_list") + f"?authority={slug}",
        reverse("improvement:measure_detail", args=[measure.pk]),
        reverse("improvement:measure_values") + f"?authority={slug}",
        reverse("improvement:measure_add") + f"?authority={slug}",
        reverse("improvement:measure_edit", args=[measure.pk]),
    ]


def test_anonymous_people_are_sent_to_sign_in(client, measure):
    for url in pages(measure):
        assert client.get(url).status_code == 302


def test_outsiders_learn_nothing(client, measure, outsider):
    client.force_login(outsider)
    for url in pages(measure):
        assert client.get(url).status_code == 404, url


def test_viewers_read_but_do_not_write(client, measure, viewer):
    client.force_login(viewer)
    list_, detail, values, add, edit = pages(measure)
    assert client.get(list_).status_code == 200
    assert client.get(detail).status_code == 200
    for url in (values, add, edit):
        assert client.get(url).status_code == 403, url


def test_the_owner_enters_a_month_and_the_rating_follows(client, measure, owner, finding):
    make_value(measure, dt.date(2026, 1, 1), 50, owner)
    client.force_login(owner)
    url = reverse("improvement:measure_values") + f"?authority={measure.authority.slug}"
    page = client.get(url)
    assert b"Values for Nov 2026" in page.content
    response = client.post(url, {f"value_{measure.pk}": "48", f"seen_{measure.pk}": ""})
    assert response.status_code == 302
    assert MeasureValue.objects.current().get(period=NOV).value == D("48")
    finding_page = client.get(reverse("improvement:finding_detail", args=[finding.pk]))
    assert b"Impact: </span>" not in finding_page.content  # the tag shows words, not a code
    assert "Off track" in finding_page.content.decode()
    assert b'role="img"' in finding_page.content


def test_a_correction_in_the_form_needs_a_note(client, measure, owner):
    first = make_value(measure, NOV, 50, owner)
    client.force_login(owner)
    url = reverse("improvement:measure_values") + f"?authority={measure.authority.slug}"
    data = {f"value_{measure.pk}": "52", f"seen_{measure.pk}": str(first.pk)}
    response = client.post(url, data)
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b"why it changed" in response.content
    data[f"note_{measure.pk}"] = "Two assessments were recorded late."
    assert client.post(url, data).status_code == 302
    history = client.get(reverse("improvement:measure_detail", args=[measure.pk]))
    assert b"Replaced 50%" in history.content


def test_a_stale_form_is_refused_with_a_conflict(client, measure, owner, leader):
    client.force_login(owner)
    url = reverse("improvement:measure_values") + f"?authority={measure.authority.slug}"
    make_value(measure, NOV, 60, leader)
    response = client.post(url, {f"value_{measure.pk}": "55", f"seen_{measure.pk}": ""})
    assert response.status_code == 409
    assert MeasureValue.objects.get().value == D("60")


def test_hostile_values_give_errors_not_500s(client, measure, owner):
    client.force_login(owner)
    url = reverse("improvement:measure_values") + f"?authority={measure.authority.slug}"
    for bad in ("1e400", "NaN", "-5", "12345678901234", "62.555", "abc", "101"):
        response = client.post(url, {f"value_{measure.pk}": bad, f"seen_{measure.pk}": "x"})
        assert response.status_code == 200, bad
        assert b"govuk-error-summary" in response.content, bad
    assert not MeasureValue.objects.exists()
    assert client.get(url + "&period=not-a-month").status_code == 200


def test_a_quarterly_measure_is_entered_in_its_last_month(client, authority, owner):
    quarterly = make_measure(authority, owner, name="Care leavers in touch", frequency="quarterly")
    client.force_login(owner)
    base = reverse("improvement:measure_values") + f"?authority={authority.slug}"
    assert f"value_{quarterly.pk}" not in client.get(base + "&period=2026-11").content.decode()
    september = client.get(base + "&period=2026-09").content.decode()
    assert f"value_{quarterly.pk}" in september
    assert "Jul–Sep 2026" in september


def test_a_leader_adds_a_measure_in_the_browser(client, authority, leader, owner, finding):
    client.force_login(leader)
    url = reverse("improvement:measure_add") + f"?authority={authority.slug}&finding={finding.pk}"
    assert client.get(url).status_code == 200
    data = {
        "name": "Re-referrals within 12 months",
        "definition": "Referrals within 12 months of a previous one, of all referrals.",
        "unit": "percentage",
        "direction": "lower",
        "frequency": "monthly",
        "target": "18",
        "target_date": "2027-03-31",
        "interim_targets": "2026-12-31 20\nnot a line",
        "owner": owner.pk,
        "findings": [finding.pk],
    }
    response = client.post(url, data)
    assert b"line 2" in response.content and not Measure.objects.exists()
    data["interim_targets"] = "2026-12-31 20"
    response = client.post(url, data)
    measure = Measure.objects.get()
    assert response.status_code == 302
    assert list(measure.findings.all()) == [finding]
    assert measure.interim_targets.get().value == D("20")


def test_the_dashboard_shows_actions_and_impact_with_fixed_queries(
    client, authority, leader, owner
):
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    inspection = make_inspection(authority)
    findings = [make_finding(inspection, text=f"Finding {n}", order=n) for n in range(1, 4)]
    client.force_login(leader)
    url = reverse("improvement:dashboard") + f"?authority={authority.slug}"

    def count() -> int:
        caches["dashboard"].clear()  # the whole page drawn, each time
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add_measure(n: int) -> None:
        m = make_measure(authority, owner, findings[n % 3 : n % 3 + 1], name=f"M{n}")
        m.interim_targets.create(date=dt.date(2026, 6, 30), value=D("60"))
        make_value(m, dt.date(2026, 1, 1), 50, owner)
        make_value(m, dt.date(2026, 2, 1), 40, owner)

    add_measure(0)
    few = count()
    for n in range(1, 7):
        add_measure(n)
    assert count() == few
    page = client.get(url).content.decode()
    assert "Off track" in page


def test_the_rating_on_each_page_is_the_same(measure, owner):
    make_value(measure, dt.date(2026, 1, 1), 50, owner)
    make_value(measure, dt.date(2026, 6, 1), 70, owner)
    row = Measure.objects.with_values().get()
    assert row.rating().impact == Impact.ON_TRACK


def test_the_dashboard_counts_and_filters_findings_by_impact(client, authority, leader, owner):
    inspection = make_inspection(authority)
    behind = make_finding(inspection, text="Behind finding", order=1)
    ahead = make_finding(inspection, text="Ahead finding", order=2)
    make_finding(inspection, text="Unmeasured finding", order=3)
    for finding, latest in ((behind, 40), (ahead, 70)):
        m = make_measure(authority, owner, [finding], name=f"For {finding.text}")
        make_value(m, dt.date(2026, 1, 1), 50, owner)
        make_value(m, dt.date(2026, 2, 1), latest, owner)
    client.force_login(leader)
    url = reverse("improvement:dashboard") + f"?authority={authority.slug}"
    response = client.get(url)
    counts = {value: n for value, _, n in response.context["impact_counts"]}
    assert counts == {"off_track": 1, "close": 0, "on_track": 1, "not_yet": 0, "no_measures": 1}
    page = client.get(url + "&impact=off_track").content.decode()
    assert "Behind finding" in page
    assert "Ahead finding" not in page and "Unmeasured finding" not in page
