"""Sign-in throttling hooks for django-axes: the client's address and the lock-out page."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class ThrottlingBackend(AxesStandaloneBackend):
    """django-axes' check, for sign-ins over the web only.

    A sign-in from code (a management command, a shell, a test's authenticate())
    has no request and no address to throttle; axes would refuse it outright.
    """

    def authenticate(self, request: HttpRequest | None, *args: object, **kwargs: object) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)  # type: ignore[arg-type]


class SignInRecords(AxesDatabaseHandler):
    """django-axes' database handler, sparing a clean sign-in its clean-ups.

    On every successful sign-in axes deletes the expired failed attempts (everyone's)
    and the person's own, in three reads and three transactions, whether or not
    there are any: a third of a sign-in's queries. When the check before the
    password found no failures for the name or the address (`get_failures`, within
    the cool-off), there are none of theirs to reset, so a sign-in skips both.
    Expired attempts are still deleted, as axes does, at every failed sign-in, and
    the sign-in is still logged (AccessLog).
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        request.axes_failures_before = failures
        return failures

    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        request.axes_nothing_to_reset = getattr(request, "axes_failures_before", None) == 0
        super().user_logged_in(sender, request, user, **kwargs)

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        if getattr(request, "axes_nothing_to_reset", False):
            return 0
        return super().clean_expired_user_attempts(request, credentials)

    def reset_user_attempts(self, request, credentials=None) -> int:
        if getattr(request, "axes_nothing_to_reset", False):
            return 0
        return super().reset_user_attempts(request, credentials)


class RolesBackend(ModelBackend):
    """Django's password backend, loading a signed-in person's roles with them.

    Every page asks for the person's roles (the navigation does); read in the
    query that loads the person, they cost no query of their own.
    """

    def get_user(self, user_id: Any):  # type: ignore[override]
        from improvement.access import role_names_of, with_roles

        user = with_roles(get_user_model()._default_manager.filter(pk=user_id)).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        return role_names_of(user)


def client_ip(request: HttpRequest) -> str:
    """The address sign-in failures are counted against.

    REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies stand in front: then the
    address the outermost trusted proxy saw, counted from the right of
    X-Forwarded-For (the left part is whatever the client sent, so it proves nothing).
    """
    count: int = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return str(request.META.get("REMOTE_ADDR", ""))


def lockout_message() -> str:
    cool_off = get_cool_off()
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    then = f"Wait {minutes} minutes and try again, or ask" if minutes else "Ask"
    return (
        "There have been too many failed attempts to sign in to this account or from "
        f"this network, so signing in is blocked for now. {then} an administrator to "
        "unlock it."
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The sign-in page again, with the lock-out in its error summary (HTTP 429).

    Given on the attempt that reaches the limit and on every attempt while locked
    out, whatever the password: the page never says whether the password was right.
    """
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": request.POST.get("next", ""),
        "lockout": lockout_message(),
    }
    return render(request, "registration/login.html", context, status=429)
