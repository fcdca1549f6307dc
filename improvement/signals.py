"""Record which authority's plan each write changes (see models/versions.py).

Connected in ImprovementConfig.ready(). Each receiver names the authority the
row belongs to; when that cannot be found (a row whose parents went in the
same delete), every plan is marked changed: a spare recomputation, never a
stale page. Each names the scope too: progress (`Scope.PROGRESS`) for the rows
of `PROGRESS_ROWS` and an action saved with the owner it had, and all of the
dashboard otherwise; when in doubt, all.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from inspections.models import Finding, Inspection, Judgement, LocalAuthority, Theme

from .models import (
    Action,
    Evidence,
    FindingStateRecord,
    Measure,
    MeasureTarget,
    MeasureValue,
    ProgressUpdate,
)
from .models.versions import Scope, plan_changed

# Each model whose rows a dashboard shows, and the path from a row to its authority's id.
AUTHORITY_OF = {
    Action: "authority_id",
    ProgressUpdate: "action.authority_id",
    Evidence: "action.authority_id",
    FindingStateRecord: "finding.inspection.authority_id",
    Measure: "authority_id",
    MeasureTarget: "measure.authority_id",
    MeasureValue: "measure.authority_id",
    Inspection: "authority_id",
    Judgement: "inspection.authority_id",
    Finding: "inspection.authority_id",
    LocalAuthority: "pk",
}


# Rows that change the plan's progress only: not the inspections, findings, themes
# or the list of people who own actions (an Action is decided by `_scope`).
PROGRESS_ROWS = (ProgressUpdate, Evidence, Measure, MeasureTarget, MeasureValue)


def _scope(instance, created: bool = False, deleted: bool = False) -> Scope:
    if isinstance(instance, PROGRESS_ROWS):
        return Scope.PROGRESS
    if isinstance(instance, Action) and not (created or deleted):
        return Scope.PROGRESS if instance.keeps_stored_owner() else Scope.ALL
    return Scope.ALL


def _authority_id(instance):
    value = instance
    try:
        for name in AUTHORITY_OF[type(instance)].split("."):
            value = getattr(value, name)
    except Exception:  # a parent already deleted: say every plan changed
        return None
    return value


def _changed(instance, scope: Scope) -> None:
    """Record a change to the plan of the authority the row belongs to."""
    pk = _authority_id(instance)
    plan_changed(None if pk is None else [pk], scope)


def _row_saved(sender, instance, created=False, **kwargs) -> None:
    _changed(instance, _scope(instance, created=created))


def _row_deleted(sender, instance, **kwargs) -> None:
    _changed(instance, _scope(instance, deleted=True))


def _theme_changed(sender, instance, **kwargs) -> None:
    plan_changed(None)  # themes are shared by every authority's findings


def _person_changed(sender, instance, **kwargs) -> None:
    """A person's name shows as an owner on their authorities' dashboards."""
    if kwargs.get("update_fields") and set(kwargs["update_fields"]) <= {"last_login", "password"}:
        return  # signing in changes nothing a dashboard shows
    plan_changed(instance.authorities.values_list("pk", flat=True))


def _links_changed(sender, instance, action, **kwargs) -> None:
    """A link added or removed: the plan of the row on either end (a theme: every plan)."""
    if not action.startswith("post_"):
        return
    if isinstance(instance, Theme):
        plan_changed(None)
    elif sender is Finding.themes.through:
        _changed(instance, Scope.ALL)  # a finding's themes: the recurring themes
    else:
        _changed(instance, Scope.PROGRESS)  # an action's findings, a measure's links


def connect() -> None:
    for model in AUTHORITY_OF:
        post_save.connect(_row_saved, sender=model, dispatch_uid=f"plan-{model.__name__}-save")
        post_delete.connect(_row_deleted, sender=model, dispatch_uid=f"plan-{model.__name__}-del")
    post_save.connect(_theme_changed, sender=Theme, dispatch_uid="plan-theme-save")
    post_delete.connect(_theme_changed, sender=Theme, dispatch_uid="plan-theme-del")
    post_save.connect(_person_changed, sender=get_user_model(), dispatch_uid="plan-person")
    for through in (
        Action.findings.through,
        Finding.themes.through,
        Measure.findings.through,
        Measure.actions.through,
    ):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"plan-{through.__name__}")
