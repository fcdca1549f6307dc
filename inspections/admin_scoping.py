"""The admin shows a staff user who is not a superuser only their own authorities' records.

A ModelAdmin names the path from its model to the authority (`authority_path`);
lists, change pages, autocompletes (which use the target admin's queryset) and
the choices of foreign keys and many-to-many fields are narrowed the same way.
"""

from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.auth import get_user_model

from .models import Finding, Inspection, LocalAuthority, ReportParagraph


class AuthorityScopedAdmin(admin.ModelAdmin):
    authority_path = "authority"  # "" when the model is the authority itself
    # For the choices of related fields: each model's path to its authority.
    scoped_models: ClassVar[dict[Any, str]] = {
        LocalAuthority: "",
        Inspection: "authority",
        Finding: "inspection__authority",
        ReportParagraph: "inspection__authority",
    }

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), self.authority_path, request.user)

    def _scoped_choices(self, db_field, request, kwargs) -> None:
        model = db_field.related_model
        if model is get_user_model():
            mine = LocalAuthority.objects.administered_by(request.user)
            if not (request.user.is_active and request.user.is_superuser):
                kwargs["queryset"] = model.objects.filter(authorities__in=mine).distinct()
        elif model in self.scoped_models:
            base = kwargs.get("queryset", model.objects.all())
            kwargs["queryset"] = scoped(base, self.scoped_models[model], request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def scoped(queryset, path: str, user):
    """The rows of `queryset` whose authority (`path` away) the user administers."""
    if user.is_active and user.is_superuser:
        return queryset
    mine = LocalAuthority.objects.administered_by(user)
    if not path:
        return queryset.filter(pk__in=mine.values("pk"))
    return queryset.filter(**{f"{path}__in": mine}).distinct()
