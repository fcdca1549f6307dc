"""Sign-in throttling (django-axes): lock-out per username and per address, the
lock-out page, unlocking by an admin, and the end of the cool-off."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from config.signin import client_ip
from tests.helpers import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"


@pytest.fixture
def person():
    user = make_user("olive")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def _signed_in(client: Client) -> bool:
    return client.get(reverse("improvement:dashboard")).status_code == 200


def _fail(client: Client, times: int, username: str = "olive", address: str = "10.0.0.1"):
    return [_sign_in(client, username, "wrong password", address) for _ in range(times)]


def test_the_limit_is_five_failures_and_the_cool_off_fifteen_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_four_failures_still_let_the_right_password_in(client, person):
    responses = _fail(client, 4)
    assert [r.status_code for r in responses] == [200] * 4
    assert "Please enter a correct username and password" in responses[-1].content.decode()
    response = _sign_in(client, "olive", PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_a_success_clears_the_count(client, person):
    _fail(client, 4)
    _sign_in(client, "olive", PASSWORD)
    client.logout()
    assert _fail(client, 4)[-1].status_code == 200
    assert _sign_in(client, "olive", PASSWORD).status_code == 302


def test_the_fifth_failure_locks_the_account_with_a_clear_message(client, person):
    responses = _fail(client, 5)
    locked = responses[-1]
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "<title>Error: Sign in" in html
    assert "govuk-error-summary" in html
    assert "too many failed attempts to sign in" in html
    assert "Wait 15 minutes and try again, or ask an administrator" in html
    # The form is still there, with the username kept.
    assert 'value="olive"' in html
    assert 'name="password"' in html


def test_the_right_password_is_refused_while_locked_out(client, person):
    _fail(client, 5)
    response = _sign_in(client, "olive", PASSWORD)
    assert response.status_code == 429
    assert "too many failed attempts" in response.content.decode()
    assert not _signed_in(client)


def test_the_lock_is_per_username_whatever_the_address(client, person):
    for n in range(5):
        _fail(client, 1, address=f"10.0.1.{n}")
    response = _sign_in(client, "olive", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert not _signed_in(client)


def test_the_lock_is_per_address_whatever_the_username(client, person):
    for name in ["a", "b", "c", "d", "e"]:
        _fail(client, 1, username=name, address="10.0.0.66")
    # Someone else, from that address, with the right password: refused.
    refused = _sign_in(client, "olive", PASSWORD, address="10.0.0.66")
    assert refused.status_code == 429
    assert not _signed_in(client)
    # From another address, they sign in.
    assert _sign_in(client, "olive", PASSWORD, address="10.0.0.67").status_code == 302
    assert _signed_in(client)


def test_it_works_again_after_the_cool_off(client, person):
    _fail(client, 5)
    assert _sign_in(client, "olive", PASSWORD).status_code == 429
    # Fifteen minutes and a moment later (the attempts are dated in the database).
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - dt.timedelta(minutes=15, seconds=1)
    )
    assert _sign_in(client, "olive", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_trying_while_locked_out_does_not_extend_the_cool_off(client, person):
    _fail(client, 5)
    _fail(client, 3)
    attempt = AccessAttempt.objects.get()
    AccessAttempt.objects.update(
        attempt_time=attempt.attempt_time - dt.timedelta(minutes=15, seconds=1)
    )
    assert _sign_in(client, "olive", PASSWORD).status_code == 302


def test_an_admin_unlocks_the_account_in_the_admin(client, person):
    _fail(client, 5)
    attempt = AccessAttempt.objects.get(username="olive")
    admin = Client()
    admin.force_login(make_user("admin", is_staff=True, is_superuser=True))
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "olive" in listing.content.decode()
    response = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert _sign_in(client, "olive", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_reset_command_unlocks_a_username(client, person):
    _fail(client, 5)
    call_command("axes_reset_username", "olive", verbosity=0)
    assert _sign_in(client, "olive", PASSWORD).status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, person):
    person.is_staff = True
    person.save()
    _fail(client, 5)
    response = client.post(
        reverse("admin:login"), {"username": "olive", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert not _signed_in(client)


def test_passwords_are_not_kept_in_the_attempt_log(client, person):
    _fail(client, 1)
    assert "wrong password" not in AccessAttempt.objects.get().post_data


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),
    ],
)
def test_the_address_behind_trusted_proxies(rf, settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_people_are_throttled_by_their_own_address(client, person, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for name in ["a", "b", "c", "d", "e"]:
        _sign_in(client, name, "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    # Same proxy, another person's address: not locked.
    response = _sign_in(
        client, "olive", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert response.status_code == 302


def test_a_success_after_failures_deletes_them(client, person):
    _fail(client, 2)
    assert AccessAttempt.objects.filter(username="olive").exists()
    assert _sign_in(client, "olive", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="olive").exists()


def test_a_clean_sign_in_only_reads_the_attempts_and_is_logged(client, person):
    """No failures on record: the sign-in spares axes' clean-ups (config.signin.
    SignInRecords), writes its AccessLog, and leaves expired attempts to the next
    failed sign-in, which deletes them as axes does."""
    from axes.models import AccessLog
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    expired = AccessAttempt.objects.create(
        username="someone.else", ip_address="10.9.9.9", failures_since_start=1
    )
    old = timezone.now() - dt.timedelta(hours=2)  # attempt_time is set on creation
    AccessAttempt.objects.filter(pk=expired.pk).update(attempt_time=old)
    with CaptureQueriesContext(connection) as queries:
        assert _sign_in(client, "olive", PASSWORD).status_code == 302
    touching = [q["sql"] for q in queries if "axes_accessattempt" in q["sql"]]
    assert len(touching) == 2 and all(sql.startswith("SELECT SUM") for sql in touching)
    assert AccessLog.objects.filter(username="olive").count() == 1
    assert AccessAttempt.objects.filter(username="someone.else").exists()

    client.logout()
    _fail(client, 1)
    assert not AccessAttempt.objects.filter(username="someone.else").exists()
    assert AccessAttempt.objects.filter(username="olive").count() == 1
