"""The dashboard is cached, and no kind of write ever leaves a stale copy showing.

These tests commit for real (transactional_db), as production does, so the plan
version each write records is visible to the next request exactly as it would be.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from improvement import services
from improvement.bulk import apply_import, export_actions, parse_actions
from improvement.choices import Frequency
from improvement.impact import last_ended_period
from improvement.models import Action, Evidence, Measure, PlanChange, Status
from improvement.models.versions import KEPT_FOR, Scope, plan_version
from improvement.services import ValueEntry
from inspections.models import Finding, Theme
from tests.helpers import make_evidence, make_measure, make_theme, make_value

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(client, leader, action):
    """GET the dashboard; returns (html, recomputed): recomputed is False for a cached copy."""
    client.force_login(leader)
    url = reverse("improvement:dashboard") + f"?authority={action.authority.slug}"

    def get():
        response = client.get(url)
        assert response.status_code == 200
        recomputed = response.context is not None and "headline" in response.context
        return response.content.decode(), recomputed

    return get


def test_a_repeat_view_is_the_cached_copy(page):
    first, recomputed = page()
    assert recomputed
    again, recomputed = page()
    assert not recomputed
    assert _main(again) == _main(first)


def test_the_cache_can_be_turned_off(page, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    page()
    assert page()[1]


def _main(html: str) -> str:
    """The page's main content: outside it, each response has its own nonce and token."""
    return re.search(r"<main.*</main>", html, re.S).group(0)


def _count(n: int, words: str) -> str:
    """How the headline figures read to a screen reader: "1 actions blocked"."""
    return f'{n}<span class="govuk-visually-hidden"> {words}</span>'


def _progress(action, owner, leader):
    services.action_record_update(
        action=action,
        author=owner,
        expected_version=action.version,
        status=Status.BLOCKED,
        note="Waiting for the health partner.",
        due_date=action.due_date,
    )
    return _count(1, "actions blocked")


def _sign_off(action, owner, leader):
    services.action_record_update(
        action=action,
        author=owner,
        expected_version=action.version,
        status=Status.READY,
        note="Done.",
        due_date=action.due_date,
        no_evidence_reason="The audit is on the shared drive.",
    )
    action.refresh_from_db()
    services.action_sign_off(action=action, leader=leader, expected_version=action.version)
    return "findings not yet complete, of 1"


def _evidence_accepted(action, owner, leader):
    evidence = make_evidence(action, owner)
    services.evidence_accept(evidence=Evidence.objects.get(pk=evidence.pk), leader=leader)
    return 'data-label="Evidence">1</td>'


def _new_action(action, owner, leader):
    services.action_create(
        finding=action.findings.get(),
        author=leader,
        title="A second action",
        due_date=timezone.localdate() - dt.timedelta(days=1) + dt.timedelta(days=400),
        owner=owner,
    )
    return "2</span> actions in all"


def _edited_action(action, owner, leader):
    services.action_edit(
        action=action, editor=leader, expected_version=action.version, owner=leader
    )
    return "Lee Leader"


def _rag_override(action, owner, leader):
    services.action_override_rag(
        action=action,
        leader=leader,
        rag="red",
        reason="Partner delays.",
        expected_version=action.version,
    )
    return _count(1, "actions rated Red")


def _finding_closed(action, owner, leader):
    services.finding_set_state(
        finding=action.findings.get(), leader=leader, state="closed", reason="Met."
    )
    return "0</span> findings not yet complete, of 0"


def _measure_value(action, owner, leader):
    measure = make_measure(action.authority, owner, [action.findings.get()], target=Decimal(90))
    last = last_ended_period(Frequency.MONTHLY, timezone.localdate())
    first = last_ended_period(Frequency.MONTHLY, last - dt.timedelta(days=1))
    make_value(measure, first, 50, owner)
    services.measure_record_values(
        author=owner, entries=[ValueEntry(measure=measure, period=last, value=Decimal(10))]
    )
    return _count(1, "findings off track")


def _measure_renamed(action, owner, leader):
    _measure_value(action, owner, leader)
    measure = Measure.objects.get()
    measure.target = Decimal(5)
    measure.save()
    return _count(1, "findings on track")


def _any_writer(action, owner, leader):
    """A write that goes through no service (the admin, a shell): still recorded."""
    action = Action.objects.get(pk=action.pk)
    action.status = Status.BLOCKED
    action.save()
    return _count(1, "actions blocked")


def _finding_text(action, owner, leader):
    finding = Finding.objects.get(pk=action.findings.get().pk)
    finding.text = "The quality of contingency planning, as corrected."
    finding.save()
    return "as corrected"


def _theme_renamed(action, owner, leader):
    theme = make_theme("Contingency planning")
    action.findings.get().themes.add(theme)
    theme = Theme.objects.get(pk=theme.pk)
    theme.name = "Contingency and permanence planning"
    theme.save()
    return "Contingency and permanence planning"


def _owner_renamed(action, owner, leader):
    owner.first_name = "Olivia"
    owner.save()
    return "Olivia Owner"


def _bulk_import(action, owner, leader):
    data = export_actions(Action.objects.filter(pk=action.pk), "csv").decode()
    data = data.replace(",Not started,", ",Blocked,")
    result = parse_actions(data.encode(), "actions.csv")
    assert result.is_valid, result.errors
    apply_import(result)
    return _count(1, "actions blocked")


WRITES = [
    _progress,
    _sign_off,
    _evidence_accepted,
    _new_action,
    _edited_action,
    _rag_override,
    _finding_closed,
    _measure_value,
    _measure_renamed,
    _any_writer,
    _finding_text,
    _theme_renamed,
    _owner_renamed,
    _bulk_import,
]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_no_stale_page_after_a_write(page, action, owner, leader, write):
    before, _ = page()
    assert not page()[1]  # cached
    marker = write(Action.objects.get(pk=action.pk), owner, leader)
    after, recomputed = page()
    assert recomputed
    assert after != before
    assert marker in after
    # Each part cached apart is as a page drawn afresh would show it.
    caches["dashboard"].clear()
    fresh, _ = page()
    assert _main(after) == _main(fresh)


def test_a_write_to_another_authority_keeps_this_copy(page, outsider):
    from tests.helpers import make_action, make_finding, make_inspection

    page()
    elsewhere = outsider.authorities.get()
    make_action([make_finding(make_inspection(elsewhere))], title="Elsewhere")
    assert not page()[1]


def test_changes_an_hour_old_are_pruned_after_commit_keeping_the_newest(action, owner):
    def write(status):
        saved = Action.objects.get(pk=action.pk)
        saved.status = status
        saved.save()

    PlanChange.objects.all().delete()  # the fixtures' own
    write(Status.IN_PROGRESS)
    write(Status.BLOCKED)
    mine = PlanChange.objects.filter(authority=action.authority_id)
    assert mine.count() == 2  # under an hour old: kept
    mine.update(at=timezone.now() - KEPT_FOR - dt.timedelta(minutes=1))
    write(Status.IN_PROGRESS)
    assert list(mine.values_list("scope", flat=True)) == [Scope.PROGRESS]


def test_a_change_committed_late_still_moves_the_version(action):
    """Ids are taken in one order and committed in another: a change with a smaller
    id, committed after a larger one was read, must still retire the page."""
    authority = action.authority_id
    base = PlanChange.objects.aggregate(Max("id"))["id__max"] or 0
    PlanChange.objects.create(id=base + 1_000_000, authority=authority)  # committed first
    seen = plan_version(authority)
    PlanChange.objects.create(id=base + 500_000, authority=authority)  # taken earlier
    assert plan_version(authority) != seen


def test_progress_keeps_the_ofsted_parts_and_an_owner_change_redraws_them(
    client, leader, owner, action
):
    client.force_login(leader)
    url = reverse("improvement:dashboard") + f"?authority={action.authority.slug}"

    def drawn():
        response = client.get(url)
        context = response.context or {}
        return "headline" in context, "recurring" in context

    assert drawn() == (True, True)
    assert drawn() == (False, False)
    _progress(Action.objects.get(pk=action.pk), owner, leader)
    assert drawn() == (True, False)
    _edited_action(Action.objects.get(pk=action.pk), owner, leader)  # a new owner
    assert drawn() == (True, True)
    assert "Lee Leader</option>" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "write, scope",
    [
        (_progress, Scope.PROGRESS),
        (_evidence_accepted, Scope.PROGRESS),
        (_measure_value, Scope.PROGRESS),
        (_rag_override, Scope.PROGRESS),
        (_new_action, Scope.ALL),
        (_edited_action, Scope.ALL),
        (_finding_closed, Scope.ALL),
        (_finding_text, Scope.ALL),
        (_owner_renamed, Scope.ALL),
    ],
    ids=lambda w: getattr(w, "__name__", str(w)).strip("_"),
)
def test_each_write_records_its_scope(action, owner, leader, write, scope):
    PlanChange.objects.all().delete()
    write(Action.objects.get(pk=action.pk), owner, leader)
    assert scope in set(
        PlanChange.objects.filter(authority=action.authority_id).values_list("scope", flat=True)
    )
    if scope == Scope.PROGRESS:
        assert not PlanChange.objects.filter(scope=Scope.ALL).exists()


def _cache_on_disk(settings, folder) -> None:
    """The dashboard cached as production does (settings: DASHBOARD_CACHE_DIR), in `folder`."""
    settings.CACHES = {
        **settings.CACHES,
        "dashboard": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(folder),
            "KEY_PREFIX": "release",
        },
    }


def test_production_keeps_its_copies_on_disk_private_and_shared_by_its_processes(
    page, settings, tmp_path, action, owner, leader
):
    """Production's cache (settings: DASHBOARD_CACHE_DIR): a page drawn by one gunicorn
    process is served by the others, the files are the app's user's alone, and a
    write still retires the copy at once."""
    from django.core.cache.backends import locmem

    folder = tmp_path / "cache" / "dashboard"
    _cache_on_disk(settings, folder)
    first, recomputed = page()
    assert recomputed
    files = list(folder.iterdir())
    assert files  # the page and its Ofsted parts
    assert folder.stat().st_mode & 0o777 == 0o700
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)

    # Another process: a cache of its own over the same folder, and nothing in its
    # memory (a process-local cache would draw the page again here).
    settings.CACHES = {**settings.CACHES}
    locmem._caches.clear()
    again, recomputed = page()
    assert not recomputed
    assert _main(again) == _main(first)

    marker = _progress(Action.objects.get(pk=action.pk), owner, leader)
    after, recomputed = page()
    assert recomputed
    assert marker in after
    caches["dashboard"].clear()
    assert _main(page()[0]) == _main(after)


def test_a_cache_that_cannot_be_written_costs_speed_not_the_page(page, settings, tmp_path, caplog):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    _cache_on_disk(settings, blocked / "dashboard")
    first, recomputed = page()
    assert recomputed
    assert "The quality of contingency planning." in first
    assert "could not be" in caplog.text
    again, recomputed = page()
    assert recomputed  # nothing kept: drawn again, and the same
    assert _main(again) == _main(first)
