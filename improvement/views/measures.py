"""Placeholders for the measures' pages, so that links to them reverse on this branch.

Replaced on merge by the measures' views being built alongside.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def measure_values(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


@login_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")
