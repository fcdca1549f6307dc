"""Helpers the views share: fetching what a person may see, paging, query strings."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from inspections.models import LocalAuthority

from ..models import Action

PAGE_SIZE = 25


def get_action_for_user(request: HttpRequest, pk: int) -> Action:
    """The action if the user may see it; a 404 otherwise, so outsiders learn nothing."""
    return get_object_or_404(
        Action.objects.visible_to(request.user).select_related("owner", "team", "authority"),
        pk=pk,
    )


def chosen_authority(
    request: HttpRequest, authorities: QuerySet[LocalAuthority] | Sequence[Any]
) -> Any:
    """The authority `?authority=<slug>` names (a 404 if it is not one of `authorities`),
    or the first of them. `authorities` may be a list already fetched (of anything
    with a `slug`)."""
    slug = request.GET.get("authority")
    if not isinstance(authorities, QuerySet):
        if not slug:
            return authorities[0] if authorities else None
        found = next((a for a in authorities if a.slug == slug), None)
        if found is None:
            raise Http404
        return found
    if slug:
        return get_object_or_404(authorities, slug=slug)
    return authorities.first()


def paginate(request: HttpRequest, queryset) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def querystring_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form, against the field it names where there is one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


def back_link(request: HttpRequest, default: str, label: str) -> tuple[str, str]:
    """Where "Back" goes: the page the person came from (with its filters), if it is ours."""
    back = request.GET.get("back", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back, "Back"
    return default, label


def filter_summary(
    form: Form, request: HttpRequest, *, ignore=("authority", "page"), defaults=None
) -> str:
    """The filters a person chose, in words: "Theme: Contingency planning; RAG: Red".

    A filter left at its default (`defaults`, by name) is not a choice worth saying.
    """
    defaults = defaults or {}
    parts = []
    if not form.is_valid():
        return ""
    for name, field in form.fields.items():
        if name in ignore or not request.GET.get(name):
            continue
        value = form.cleaned_data.get(name)
        if value in (None, "") or defaults.get(name) == value:
            continue
        if hasattr(field, "label_from_instance"):  # a model chosen: named as its option
            shown = field.label_from_instance(value)
        else:
            shown = dict(getattr(field, "choices", []) or []).get(value, value)
        parts.append(f"{field.label}: {shown}")
    return "; ".join(str(p) for p in parts)
