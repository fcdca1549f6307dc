"""The synthetic data generator: clearly labelled, and consistent with the app's rules."""

import pytest
from django.core.management import call_command

from improvement.management.commands.generate_synthetic import status_path
from improvement.models import Action, Evidence, ProgressUpdate, Status, UpdateKind
from inspections.models import Finding, LocalAuthority

pytestmark = pytest.mark.django_db

SMALL = ["--authorities=2", "--inspections=2", "--findings=3", "--actions=2"]


def test_it_makes_the_scale_asked_for_with_synthetic_names():
    call_command("generate_synthetic", *SMALL, "--updates-per-action=4", verbosity=0)

    authorities = LocalAuthority.objects.filter(name__startswith="Synthetic authority")
    assert sorted(authorities.values_list("name", flat=True)) == [
        "Synthetic authority 000",
        "Synthetic authority 001",
    ]
    assert Finding.objects.filter(inspection__authority__in=authorities).count() == 12
    assert Action.objects.count() == 24
    assert ProgressUpdate.objects.count() == 96
    assert all(a.findings.count() == 1 for a in Action.objects.all())
    assert Evidence.objects.count() > 0


def test_a_second_run_adds_new_authorities():
    call_command("generate_synthetic", *SMALL, verbosity=0)
    call_command("generate_synthetic", *SMALL, verbosity=0)

    assert LocalAuthority.objects.filter(name__startswith="Synthetic authority").count() == 4


def test_each_action_s_updates_walk_to_its_status():
    call_command("generate_synthetic", *SMALL, "--updates=3", verbosity=0)

    for action in Action.objects.prefetch_related("updates"):
        updates = sorted(action.updates.all(), key=lambda u: u.created_at)
        assert updates[0].status_before == Status.NOT_STARTED
        for earlier, later in zip(updates, updates[1:], strict=False):
            assert earlier.status_after == later.status_before
        assert updates[-1].status_after == action.status
        assert action.last_update_at == updates[-1].created_at
        assert action.owner.authorities.filter(pk=action.authority_id).exists()
        if action.status == Status.COMPLETE:
            assert updates[-1].kind == UpdateKind.SIGNED_OFF
            assert updates[-1].author != action.owner
            assert action.completed_date is not None
        else:
            assert action.completed_date is None


@pytest.mark.parametrize(
    "status, updates, path",
    [
        (Status.COMPLETE, 3, ["not_started", "in_progress", "ready_for_sign_off", "complete"]),
        (Status.COMPLETE, 1, ["not_started", "complete"]),
        (Status.BLOCKED, 2, ["not_started", "in_progress", "blocked"]),
        (Status.NOT_STARTED, 2, ["not_started", "not_started", "not_started"]),
        (Status.IN_PROGRESS, 0, ["not_started"]),
    ],
)
def test_status_path(status, updates, path):
    assert status_path(status, updates) == path
