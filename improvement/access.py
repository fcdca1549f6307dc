"""Who may see and do what: the one place for access rules.

A person sees an authority's plan only if they are one of its members and hold
a role; admins (active superusers) see every authority. Anyone else gets a 404
from the views, never the data. Services call these functions themselves, so a
new caller cannot skip a check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from inspections.models import Finding, LocalAuthority

from .choices import ExportKind, Role

if TYPE_CHECKING:
    from .models import Action, ExportJob

# Anyone a request may carry: a signed-in user or AnonymousUser.
User = Any


def has_role(user: User, role: Role) -> bool:
    """True if the user is in the role's group. Cached per request on the user object
    (loaded with the user itself when a request's user comes through `with_roles`)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return role.value in user._role_names


def with_roles(users: QuerySet) -> QuerySet:
    """Users with their roles read in the same query; `has_role` then asks nothing more.

    Call `role_names_of` on each user fetched. Plain SQL: this runs on every page,
    and the same subqueries built from the ORM cost more to compile than the
    query they save.
    """
    through = users.model.groups.through._meta
    group = through.get_field("group").related_model._meta
    when = " ".join(f"WHEN %s THEN {1 << number}" for number, _ in enumerate(Role))
    # Only table names from the models go into the text; the role names are parameters.
    sql = (
        f'SELECT COALESCE(SUM(CASE g."name" {when} ELSE 0 END), 0) '  # noqa: S608
        f'FROM "{through.db_table}" ug JOIN "{group.db_table}" g ON g."id" = ug."group_id" '
        f'WHERE ug."user_id" = "{users.model._meta.db_table}"."id"'
    )
    return users.annotate(_roles=RawSQL(sql, [role.value for role in Role]))  # noqa: S611


def role_names_of(user: Any) -> Any:
    """Give a user fetched through `with_roles` the role set `has_role` reads."""
    user._role_names = {
        role.value for number, role in enumerate(Role) if user._roles & (1 << number)
    }
    return user


def has_any_role(user: User) -> bool:
    return any(has_role(user, role) for role in Role)


def is_admin(user: User) -> bool:
    return user.is_active and user.is_superuser


def authorities_visible_to(user: User) -> QuerySet[LocalAuthority]:
    """The authorities whose plans the user may see: those they work for, if they hold a role."""
    if is_admin(user):
        return LocalAuthority.objects.all()
    if not has_any_role(user):
        return LocalAuthority.objects.none()
    return LocalAuthority.objects.filter(members=user)


def findings_visible_to(user: User) -> QuerySet[Finding]:
    return Finding.objects.filter(inspection__authority__in=authorities_visible_to(user))


def can_lead(user: User, authority: LocalAuthority) -> bool:
    """Leaders of an authority (and admins) accept evidence, override RAG and save reports."""
    if is_admin(user):
        return True
    return has_role(user, Role.LEADER) and authority.members.filter(pk=user.pk).exists()


def assignable_owners(authority: LocalAuthority) -> QuerySet:
    """Who may own an action of the authority: its members who lead or manage."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            authorities=authority,
            groups__name__in=[Role.LEADER.value, Role.MANAGER.value],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def can_sign_off(user: User, action: Action) -> bool:
    """A leader of the authority signs off (or returns) work, but never their own."""
    return can_lead(user, action.authority) and action.owner_id != user.pk


def plan_errors(
    *,
    authority: LocalAuthority,
    owner: User | None = None,
    findings: Iterable[Finding] = (),
) -> dict[str, str]:
    """Why an action's owner or findings would tie it to another authority, by field.

    An action belongs to one authority: its owner must be one of that authority's
    members and its findings must come from that authority's inspections, or its
    title, notes and evidence would show on another authority's pages.
    """
    errors = {}
    if owner is not None and not authority.members.filter(pk=owner.pk).exists():
        errors["owner"] = f"{owner.get_username()} is not a member of {authority}."
    others = sorted(
        {str(f.inspection.authority) for f in findings if f.inspection.authority_id != authority.pk}
    )
    if others:
        errors["findings"] = (
            f"Findings of {', '.join(others)} cannot be linked to an action of {authority}."
        )
    return errors


def authorities_administered_by(user: User) -> QuerySet[LocalAuthority]:
    """The authorities whose records a staff user may see and change in the admin."""
    return LocalAuthority.objects.administered_by(user)


def can_update(user: User, action: Action) -> bool:
    """Leaders update any action of their authorities; managers theirs or their team's."""
    from .models import Action

    return Action.objects.updatable_by(user).filter(pk=action.pk).exists()


def export_scope(user: User, kind: str) -> QuerySet[LocalAuthority]:
    """The authorities a download of this kind may hold for the user: the admin's file
    for import those they administer, the other downloads those whose plans they see."""
    if kind == ExportKind.ACTIONS_FOR_IMPORT:
        return authorities_administered_by(user)
    return authorities_visible_to(user)


def can_download(user: User, job: ExportJob) -> bool:
    """Only the person who asked for a download may fetch it, and only while they still
    see every authority it holds: someone who has left an authority loses its exports."""
    if job.requested_by_id != user.pk:
        return False
    if job.kind == ExportKind.ACTIONS_FOR_IMPORT and not (
        user.is_staff and user.has_perm("improvement.view_action")
    ):
        return False
    return not job.authorities.exclude(pk__in=export_scope(user, job.kind)).exists()
