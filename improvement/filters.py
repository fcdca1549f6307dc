"""Filters for the findings table and the actions list. State lives in the query string."""

from collections.abc import Callable, Sequence

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django_filters.constants import EMPTY_VALUES

from inspections.models import Inspection, JudgementArea, LocalAuthority, Theme

from .access import authorities_visible_to
from .choices import RAG, FindingState, FindingStatus, Impact, Status
from .models import Action
from .people import PERSON_FIELDS, Person, display_name
from .selectors import (
    actions_where_rag,
    findings_in_state,
    findings_where,
    findings_where_impact,
)

YES_NO = [("yes", "Yes")]
ALL = "All"
# A finding's state in the plan; the dashboard shows the current plan unless asked.
STATE_CHOICES = [*FindingState.choices, ("all", "Any state")]


# The filters' options are read as plain rows, one query of the columns they show:
# a list of every authority, inspection or owner would otherwise be built into
# model instances, through a server-side cursor on PostgreSQL (three round trips),
# for each page that shows it.


class PlainOptions(django_filters.fields.ModelChoiceIterator):
    """A model choice field's options from `option_fields` (the value first), each
    labelled by `option_label(row)`, in the queryset's order."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for row in self.queryset.values_list(*self.field.option_fields):
            yield (row[0], self.field.option_label(row))


class PlainOptionsField(django_filters.fields.ModelChoiceField):
    """A ModelChoiceField whose <select> options are plain rows (PlainOptions). What
    it checks and cleans a choice to is unchanged: the chosen model instance."""

    iterator = PlainOptions

    def __init__(
        self,
        *args,
        option_fields: Sequence[str],
        option_label: Callable[[tuple], str],
        instance_label: Callable[[object], str] = str,
        **kwargs,
    ):
        self.option_fields = option_fields
        self.option_label = option_label
        self.instance_label = instance_label
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return self.instance_label(obj)


class PlainOptionsFilter(django_filters.ModelChoiceFilter):
    field_class = PlainOptionsField


def _authorities(request):
    if request is None:
        return LocalAuthority.objects.none()
    return authorities_visible_to(request.user)


def _inspections(request, authority_slug: str = ""):
    if request is None:
        return Inspection.objects.none()
    inspections = Inspection.objects.filter(authority__in=authorities_visible_to(request.user))
    if authority_slug:
        inspections = inspections.filter(authority__slug=authority_slug)
    return inspections.order_by("authority__name", "-start_date")


def _owners(request, authority_slug: str = ""):
    if request is None:
        return get_user_model().objects.none()
    # One filter() call, so both conditions hold for the same action.
    owned: dict[str, object] = {
        "owned_actions__authority__in": authorities_visible_to(request.user)
    }
    if authority_slug:
        owned["owned_actions__authority__slug"] = authority_slug
    return (
        get_user_model()
        .objects.filter(**owned)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class OwnerChoiceFilter(PlainOptionsFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", _owners)
        kwargs.setdefault("empty_label", ALL)
        super().__init__(
            *args,
            option_fields=PERSON_FIELDS,
            option_label=lambda row: display_name(Person(*row)),
            instance_label=display_name,
            **kwargs,
        )


def _authority_filter(field_name: str):
    return PlainOptionsFilter(
        label="Local authority",
        queryset=_authorities,
        to_field_name="slug",
        field_name=field_name,
        empty_label=ALL,
        option_fields=("slug", "name"),
        option_label=lambda row: row[1],
    )


class SemiJoinMixin:
    """Keeps the rows with a matching related row through `pk IN (...)`, not a join.

    A join to a many-to-many repeats a row for each match, so it needs DISTINCT,
    and counting DISTINCT whole actions over the national plan takes hundreds of
    milliseconds; the semi-join repeats nothing and stops at the first match.
    """

    field_name: str
    lookup_expr: str

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        matching = qs.model._default_manager.filter(
            **{f"{self.field_name}__{self.lookup_expr}": value}
        )
        return qs.filter(pk__in=matching.values("pk"))


class SemiJoinModelChoiceFilter(SemiJoinMixin, PlainOptionsFilter):
    pass


class SemiJoinChoiceFilter(SemiJoinMixin, django_filters.ChoiceFilter):
    pass


def _inspection_filter(field_name: str):
    return SemiJoinModelChoiceFilter(
        label="Inspection",
        queryset=_inspections,
        field_name=field_name,
        empty_label=ALL,
        option_fields=("pk", "authority__name", "kind", "start_date"),
        option_label=lambda row: f"{row[1]}: {Inspection.describe(*row[2:])}",
    )


def _theme_filter(field_name: str):
    return SemiJoinModelChoiceFilter(
        label="Theme",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        field_name=field_name,
        empty_label=ALL,
        option_fields=("slug", "name"),
        option_label=lambda row: row[1],
    )


def _area_filter(field_name: str):
    return SemiJoinChoiceFilter(
        label="Judgement area",
        choices=JudgementArea.choices,
        field_name=field_name,
        empty_label=ALL,
    )


def _overdue_filter():
    return django_filters.ChoiceFilter(
        label="Overdue only", choices=YES_NO, method="filter_overdue", empty_label=ALL
    )


def _search(queryset, value: str, *fields: str):
    """Rows where any of the fields contains the words typed, as typed."""
    if not value.strip():
        return queryset
    matches = Q()
    for name in fields:
        matches |= Q(**{f"{name}__icontains": value})
    return queryset.filter(matches).distinct()


class AuthorityScopedFilterSet(django_filters.FilterSet):
    """Once an authority is chosen, the inspection and owner lists offer only its own.

    Without this, a person who sees many authorities (a national alliance) would
    get every authority's inspections and owners in those lists.
    """

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        slug = self.data.get("authority", "") if self.data else ""
        if slug and self.request is not None:
            self.filters["inspection"].queryset = _inspections(self.request, slug)
            self.filters["owner"].queryset = _owners(self.request, slug)


class FindingFilter(AuthorityScopedFilterSet):
    """Ofsted findings, filtered by what they are and by the state of their actions."""

    authority = _authority_filter("inspection__authority")
    inspection = _inspection_filter("inspection")
    theme = _theme_filter("themes")
    judgement_area = _area_filter("judgement_area")
    owner = OwnerChoiceFilter(label="Owner", field_name="actions__owner", distinct=True)
    state = django_filters.ChoiceFilter(
        label="State",
        choices=STATE_CHOICES,
        method="filter_state",
        empty_label=None,
        null_label=None,
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=FindingStatus.choices, method="filter_status", empty_label=ALL
    )
    open = django_filters.ChoiceFilter(
        label="Open findings only", choices=YES_NO, method="filter_open", empty_label=ALL
    )
    rag = django_filters.ChoiceFilter(
        label="RAG", choices=RAG.choices, method="filter_rag", empty_label=ALL
    )
    impact = django_filters.ChoiceFilter(
        label="Impact", choices=Impact.choices, method="filter_impact", empty_label=ALL
    )
    overdue = _overdue_filter()
    q = django_filters.CharFilter(label="Search", method="search")

    # The current plan, unless asked otherwise.
    DEFAULTS = {"state": FindingState.OPEN.value}

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("state"):
            data = data.copy()
            data["state"] = self.DEFAULTS["state"]
        super().__init__(data, *args, **kwargs)

    def filter_state(self, queryset, name, value):
        return queryset if value == "all" else findings_in_state(queryset, value)

    def filter_overdue(self, queryset, name, value):
        if value != "yes":
            return queryset
        return queryset.filter(actions__in=Action.objects.overdue()).distinct()

    def search(self, queryset, name, value):
        return _search(queryset, value, "text", "actions__title", "themes__name")

    # Status and RAG are worked out in Python from the actions, as everywhere else.
    def filter_status(self, queryset, name, value):
        return findings_where(queryset, lambda rollup: rollup[0] == value)

    def filter_open(self, queryset, name, value):
        if value != "yes":
            return queryset
        return findings_where(queryset, lambda rollup: rollup[0] != FindingStatus.COMPLETE)

    def filter_rag(self, queryset, name, value):
        return findings_where(queryset, lambda rollup: rollup[1] == value)

    def filter_impact(self, queryset, name, value):
        return findings_where_impact(queryset, value)


class ActionFilter(AuthorityScopedFilterSet):
    """Improvement plan actions."""

    authority = _authority_filter("authority")
    inspection = _inspection_filter("findings__inspection")
    theme = _theme_filter("findings__themes")
    judgement_area = _area_filter("findings__judgement_area")
    owner = OwnerChoiceFilter(label="Owner")
    status = django_filters.ChoiceFilter(label="Status", choices=Status.choices, empty_label=ALL)
    rag = django_filters.ChoiceFilter(
        label="RAG", choices=RAG.choices, method="filter_rag", empty_label=ALL
    )
    overdue = _overdue_filter()
    due_within = django_filters.NumberFilter(
        label="Due within (days)", method="filter_due_within", min_value=0, max_value=3660
    )
    q = django_filters.CharFilter(label="Search", method="search")

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value == "yes" else queryset

    def filter_due_within(self, queryset, name, value):
        return queryset.due_within(int(value))

    def search(self, queryset, name, value):
        return _search(queryset, value, "title", "description", "findings__text")

    def filter_rag(self, queryset, name, value):
        return actions_where_rag(queryset, value)
