"""Outcome measures: the list, a measure's page, a leader's measure form, and the
owner's form for a month's values."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from inspections.models import LocalAuthority

from .. import charts, impact, selectors
from ..access import authorities_visible_to, can_lead
from ..choices import Frequency
from ..forms import MeasureForm, MonthValuesForm
from ..models import Measure
from ..services import (
    MEASURE_FIELDS,
    MeasureChanged,
    ValueEntry,
    measure_create,
    measure_edit,
    measure_record_values,
)
from .common import add_service_errors, chosen_authority

# How many ended months the values form offers to choose from.
MONTHS_OFFERED = 12


def _authority(request: HttpRequest) -> LocalAuthority:
    """The authority named by ?authority=, else the first the user may see (404 if none)."""
    authority = chosen_authority(request, authorities_visible_to(request.user))
    if authority is None:
        raise Http404
    return authority


def _measure(request: HttpRequest, pk: int) -> Measure:
    return get_object_or_404(
        selectors.measures_with_values()
        .filter(pk__in=Measure.objects.visible_to(request.user).values("pk"))
        .select_related("authority"),
        pk=pk,
    )


@login_required
def measure_list(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    rows = selectors.measure_rows(selectors.measures_with_values().filter(authority=authority))
    return render(
        request,
        "improvement/measure_list.html",
        {
            "authority": authority,
            "authorities": authorities_visible_to(request.user),
            "rows": rows,
            "can_lead": can_lead(request.user, authority),
            "can_enter": Measure.objects.enterable_by(request.user)
            .filter(authority=authority)
            .exists(),
        },
    )


@login_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    row = selectors.measure_rows([measure])[0]
    return render(
        request,
        "improvement/measure_detail.html",
        {
            "measure": measure,
            "row": row,
            "chart": charts.measure_chart(row),
            "history": selectors.value_history(measure),
            "findings": measure.findings.select_related("inspection").order_by("pk"),
            "actions": measure.actions.order_by("due_date", "pk"),
            "neighbours": measure.authority.neighbours().order_by("name"),
            "can_lead": measure.can_lead(request.user),
            "can_enter": measure.can_enter_values(request.user),
        },
    )


def _leader_authority(request: HttpRequest) -> LocalAuthority:
    authority = _authority(request)
    if not can_lead(request.user, authority):
        raise PermissionDenied
    return authority


def _measure_fields(data: dict) -> dict:
    return {
        "findings": list(data["findings"]),
        "actions": list(data["actions"]),
        "interim": data["interim_targets"],
        **{name: data[name] for name in MEASURE_FIELDS},
    }


@login_required
def measure_add(request: HttpRequest) -> HttpResponse:
    authority = _leader_authority(request)
    initial = {}
    if finding := request.GET.get("finding", ""):
        initial["findings"] = [finding] if finding.isdigit() else []
    form = MeasureForm(request.POST or None, authority=authority, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            measure = measure_create(
                authority=authority, author=request.user, **_measure_fields(form.cleaned_data)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Measure added to the plan.")
            return redirect("improvement:measure_detail", pk=measure.pk)
    return render(request, "improvement/measure_form.html", {"form": form, "authority": authority})


@login_required
def measure_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    if not measure.can_lead(request.user):
        raise PermissionDenied
    form = MeasureForm(request.POST or None, authority=measure.authority, measure=measure)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            measure_edit(
                measure=measure,
                editor=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                **_measure_fields(form.cleaned_data),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except MeasureChanged as exc:
            conflict = str(exc)
            form.add_error(None, conflict)
        else:
            messages.success(request, "Measure saved.")
            return redirect("improvement:measure_detail", pk=measure.pk)
    return render(
        request,
        "improvement/measure_form.html",
        {"form": form, "authority": measure.authority, "measure": measure},
        status=409 if conflict else 200,
    )


def _month(request: HttpRequest, today: dt.date) -> dt.date:
    """The month asked for (?period=YYYY-MM) if it has ended, else the last ended month."""
    latest = impact.last_ended_period(Frequency.MONTHLY, today)
    asked = impact.parse_period(request.GET.get("period", ""), Frequency.MONTHLY)
    return asked if asked and asked <= latest else latest


def _due_in_month(measures: list[Measure], month: dt.date) -> dict[int, dt.date]:
    """Each measure's period that ends with the month: monthly ones, and quarterly ones
    in a quarter's last month."""
    month_end = impact.period_end(Frequency.MONTHLY, month)
    periods = {}
    for measure in measures:
        start = impact.period_start(measure.frequency, month)
        if impact.period_end(measure.frequency, start) == month_end:
            periods[measure.pk] = start
    return periods


@login_required
def measure_values(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    enterable = Measure.objects.enterable_by(request.user).filter(authority=authority)
    if not enterable.exists():
        raise PermissionDenied
    show_all = request.GET.get("all") == "1" and can_lead(request.user, authority)
    chosen = enterable if show_all else enterable.filter(owner=request.user.pk)
    today = timezone.localdate()
    month = _month(request, today)
    candidates = list(chosen.order_by("name", "pk"))
    periods = _due_in_month(candidates, month)
    measures = [m for m in candidates if m.pk in periods]

    def build(data=None) -> MonthValuesForm:
        current = selectors.current_values_for(periods)
        return MonthValuesForm(data, measures=measures, periods=periods, current=current)

    form = build(request.POST or None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        entries = _entries(form)
        if not entries:
            form.add_error(None, "Enter at least one value")
        else:
            try:
                counts = measure_record_values(author=request.user, entries=entries)
            except ValidationError as exc:
                _add_entry_errors(form, exc)
            except MeasureChanged as exc:
                conflict = str(exc)
                form = build(_resubmitted(request.POST, periods))
                form.is_valid()
                form.add_error(None, conflict)
            else:
                messages.success(
                    request,
                    f"Saved: {counts['added']} added, {counts['corrected']} corrected, "
                    f"{counts['unchanged']} unchanged.",
                )
                return redirect(request.get_full_path())
    months = [impact.last_ended_period(Frequency.MONTHLY, today)]
    while len(months) < MONTHS_OFFERED:
        months.append(impact.period_start(Frequency.MONTHLY, months[-1] - dt.timedelta(days=1)))
    return render(
        request,
        "improvement/measure_values.html",
        {
            "authority": authority,
            "form": form,
            "month": month,
            "month_label": impact.period_label(Frequency.MONTHLY, month),
            "months": [(m, impact.period_label(Frequency.MONTHLY, m)) for m in months],
            "not_due": [m for m in candidates if m.pk not in periods],
            "show_all": show_all,
            "can_show_all": can_lead(request.user, authority),
            "measures_url": reverse("improvement:measure_list") + f"?authority={authority.slug}",
        },
        status=409 if conflict else 200,
    )


def _entries(form: MonthValuesForm) -> list[ValueEntry]:
    data = form.cleaned_data
    return [
        ValueEntry(
            measure=m,
            period=form.periods[m.pk],
            value=data[f"value_{m.pk}"],
            england_average=data[f"england_{m.pk}"],
            neighbours_average=data[f"neighbours_{m.pk}"],
            note=data[f"note_{m.pk}"] or "",
            seen=data[f"seen_{m.pk}"],
        )
        for m in form.measures
        if data.get(f"value_{m.pk}") is not None
    ]


# The form's field for each field a service's problem is about (a period's problem
# shows against the value).
ENTRY_FIELDS = {
    "value": "value",
    "period": "value",
    "england_average": "england",
    "neighbours_average": "neighbours",
    "note": "note",
}


def _add_entry_errors(form: MonthValuesForm, exc: ValidationError) -> None:
    """The service's problems (keyed "measure:period:field"), against their fields."""
    names = {str(m.pk): m.name for m in form.measures}
    for key, problems in exc.message_dict.items():
        pk, _, about = key.split(":")
        field = f"{ENTRY_FIELDS.get(about, 'value')}_{pk}"
        for problem in problems:
            text = f"{names[pk]}: {problem}" if pk in names else problem
            form.add_error(field if field in form.fields else None, text[0].upper() + text[1:])


def _resubmitted(data, periods: dict[int, dt.date]):
    """What the person typed, against the values there now: they check and save again."""
    post = data.copy()
    current = selectors.current_values_for(periods)
    for pk in periods:
        was = current.get(pk)
        post[f"seen_{pk}"] = str(was.pk) if was else ""
    return post
