"""Work is signed off by a leader other than its owner, or returned with a comment."""

import datetime as dt

import pytest
from django.urls import reverse

from improvement.models import Evidence, Status
from tests.helpers import make_evidence


@pytest.fixture
def ready(action, owner):
    """The owner has asked for sign-off, with evidence."""
    make_evidence(action, owner)
    action.status = Status.READY
    action.save()
    return action


def _review(client, action, decision, comment=""):
    return client.post(
        reverse("improvement:action_review", args=[action.pk]),
        {"version": action.version, "decision": decision, "comment": comment},
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("viewer", 403), ("owner", 403), ("teammate", 403)],
)
def test_only_a_leader_other_than_the_owner_reviews(client, request, ready, who, status):
    client.force_login(request.getfixturevalue(who))
    assert _review(client, ready, "sign_off").status_code == status
    ready.refresh_from_db()
    assert ready.status == Status.READY


def test_anonymous_is_sent_to_sign_in(client, ready):
    response = _review(client, ready, "sign_off")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_leader_who_owns_the_action_cannot_sign_it_off(client, leader, ready):
    ready.owner = leader
    ready.save()
    client.force_login(leader)
    assert _review(client, ready, "sign_off").status_code == 403


def test_returned_then_signed_off_each_step_in_the_history(client, leader, owner, ready):
    client.force_login(leader)
    response = _review(client, ready, "return", "")
    assert "Say what is still needed" in response.content.decode()

    assert _review(client, ready, "return", "Add the audit results.").status_code == 302
    ready.refresh_from_db()
    assert (ready.status, ready.rag != "blue") == (Status.IN_PROGRESS, True)

    client.force_login(owner)
    client.post(
        reverse("improvement:action_progress", args=[ready.pk]),
        {
            "version": ready.version,
            "status": Status.READY,
            "note": "Audit results added.",
            "due_date": ready.due_date.isoformat(),
        },
    )
    ready.refresh_from_db()
    assert ready.status == Status.READY

    client.force_login(leader)
    assert _review(client, ready, "sign_off").status_code == 302
    ready.refresh_from_db()
    assert ready.status == Status.COMPLETE
    assert ready.rag == "blue"
    assert ready.completed_date is not None
    kinds = list(ready.updates.order_by("created_at", "pk").values_list("kind", "note"))
    assert kinds == [
        ("returned", "Add the audit results."),
        ("ready", "Audit results added."),
        ("signed_off", "Signed off."),
    ]


def test_only_ready_work_is_signed_off(client, leader, action):
    client.force_login(leader)
    response = _review(client, action, "sign_off")
    assert "Only an action ready for sign-off" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Status.NOT_STARTED


def test_the_action_page_offers_the_review_to_a_leader_only(client, leader, owner, ready):
    client.force_login(leader)
    assert "Sign off or return" not in client.get(ready.get_absolute_url()).content.decode()
    assert "review_form" in client.get(ready.get_absolute_url()).context
    client.force_login(owner)
    body = client.get(ready.get_absolute_url()).content.decode()
    assert "Waiting for a leader to sign this off" in body
    assert "review_form" not in client.get(ready.get_absolute_url()).context


def _return_url(evidence):
    return reverse("improvement:evidence_return", args=[evidence.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("viewer", 403), ("owner", 403), ("leader", 200)],
)
def test_who_may_return_evidence(client, request, action, owner, who, status):
    evidence = make_evidence(action, owner)
    client.force_login(request.getfixturevalue(who))
    assert client.get(_return_url(evidence)).status_code == status


def test_a_leader_returns_evidence_with_a_comment(client, leader, owner, action):
    evidence = make_evidence(action, owner)
    client.force_login(leader)
    response = client.post(_return_url(evidence), {"comment": ""})
    assert "Say what the evidence is missing" in response.content.decode()
    response = client.post(_return_url(evidence), {"comment": "It has no dates."})
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.review_state, evidence.return_comment) == ("returned", "It has no dates.")
    body = client.get(action.get_absolute_url()).content.decode()
    assert "It has no dates." in body

    # Returned evidence no longer counts towards asking for sign-off.
    client.force_login(owner)
    response = client.post(
        reverse("improvement:action_progress", args=[action.pk]),
        {
            "version": action.version,
            "status": Status.READY,
            "note": "Done.",
            "due_date": action.due_date.isoformat(),
        },
    )
    assert "Add evidence, or say why there is none" in response.content.decode()


def test_a_leader_cannot_accept_evidence_on_their_own_action(client, leader, action):
    action.owner = leader
    action.save()
    evidence = make_evidence(action, leader)
    client.force_login(leader)
    response = client.post(reverse("improvement:evidence_accept", args=[evidence.pk]))
    assert response.status_code == 403
    assert Evidence.objects.get().accepted_by is None


def test_a_file_cannot_make_an_action_complete(action):
    from improvement.bulk import export_actions, parse_actions
    from improvement.models import Action

    data = export_actions(Action.objects.all(), "csv").decode("utf-8-sig")
    data = data.replace(",Not started,", ",Complete,")
    result = parse_actions(data.replace(",,1\r\n", f",{dt.date.today()},1\r\n").encode(), "x.csv")
    assert not result.is_valid
    assert any("only when a leader signs it off" in e for e in result.errors), result.errors


def test_the_admin_form_cannot_make_an_action_complete(action):
    from improvement.admin import ActionAdminForm

    fields = ActionAdminForm.Meta.fields
    data = {name: getattr(action, name) for name in fields if name != "findings"}
    data |= {
        "authority": action.authority_id,
        "owner": action.owner_id,
        "team": action.team_id or "",
        "findings": [f.pk for f in action.findings.all()],
        "seen_version": action.version,
        "status": Status.COMPLETE,
        "completed_date": dt.date.today(),
    }
    form = ActionAdminForm({k: ("" if v is None else v) for k, v in data.items()}, instance=action)
    assert not form.is_valid()
    assert "only when a leader signs it off" in str(form.errors["status"])
