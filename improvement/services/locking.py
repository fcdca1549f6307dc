"""One lock for every write to an action, and what to tell the person whose write is refused."""

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.db import models

from ..models import Action, ProgressUpdate

# Fields whose change another person should be told about before they save.
WATCHED_FIELDS = ["status", "due_date", "owner", "team", "title", "rag_override"]


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


class ActionChanged(Exception):
    """The action changed after the form was opened; nothing was saved."""

    def __init__(
        self, current: Action, changes: list[FieldChange], updates_since: list[ProgressUpdate]
    ):
        self.current = current
        self.changes = changes
        self.updates_since = updates_since
        super().__init__("This action was changed by someone else after you opened the form.")


def lock_action(pk: int, expected_version: int) -> Action:
    """The action, locked until the transaction ends, if it is still at expected_version.

    Every write to an action goes through here, so a write from a form (or a
    file) opened on an older version is refused with what changed, never applied.
    """
    current = Action.objects.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise changes_since(current, expected_version)
    return current


def history_reason(text: str) -> str:
    """A change reason that fits simple-history's column (the full text is kept elsewhere)."""
    limit = 100
    return text if len(text) <= limit else text[: limit - 1] + "…"


def changes_since(current: Action, expected_version: int) -> ActionChanged:
    """Say what changed between the version the person saw and now."""
    seen = current.history.filter(version=expected_version).order_by("-history_date").first()
    changes = []
    updates_since: list[ProgressUpdate] = []
    if seen is not None:
        for name in WATCHED_FIELDS:
            field = cast(models.Field, Action._meta.get_field(name))
            before = getattr(seen, field.attname)
            after = getattr(current, field.attname)
            if before != after:
                changes.append(
                    FieldChange(
                        str(field.verbose_name).capitalize(),
                        _display(field, before),
                        _display(field, after),
                    )
                )
        updates_since = list(
            current.updates.filter(created_at__gt=seen.history_date).select_related("author")
        )
    return ActionChanged(current, changes, updates_since)


def _display(field, value) -> str:
    if value in (None, ""):
        return "(none)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(field.related_model.objects.filter(pk=value).first() or value)
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    return str(value)
