"""Helpers the views share: fetching what a person may see, paging, query strings."""

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.forms import Form
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ..models import Action

PAGE_SIZE = 25


def get_action_for_user(request: HttpRequest, pk: int) -> Action:
    """The action if the user may see it; a 404 otherwise, so outsiders learn nothing."""
    return get_object_or_404(
        Action.objects.visible_to(request.user).select_related("owner", "team", "authority"),
        pk=pk,
    )


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
