"""Error pages in the app's own style.

Django's default 400 and CSRF-failure views render without the request, so
base.html would have no CSP nonce (its scripts would be blocked) and no user.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
