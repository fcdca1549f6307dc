"""Recording progress on an action, and a leader's review of it."""

from django import forms
from django.utils import timezone

from .. import rules
from ..choices import OWNER_STATUSES
from ..models import RAG, Action, Evidence, Status
from ..uploads import validate_evidence_file
from .fields import PlanDateField, TextField, resubmitted


class ProgressForm(forms.Form):
    """Record progress on an action: new status, a note, maybe a new due date and evidence."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label="Status",
        choices=[(s.value, s.label) for s in OWNER_STATUSES],
        widget=forms.RadioSelect,
        help_text="When the work is done, choose “Ready for sign-off”: a leader signs it off.",
    )
    note = TextField(
        label="What has happened since the last update?",
        help_text="Say what was done, what it changed for children, and what comes next.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a note about the progress made"},
    )
    due_date = PlanDateField(
        label="Due date",
        required=False,
        help_text="Change this only if the due date has moved. The original date is kept.",
        invalid="Enter the due date as a real date",
    )
    due_date_reason = TextField(
        label="Why has the due date moved?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_title = TextField(label="Evidence title", required=False, max_length=200)
    evidence_kind = forms.ChoiceField(
        label="Kind of evidence",
        required=False,
        choices=[("", "Choose a kind")] + list(Evidence.Kind.choices),
    )
    evidence_file = forms.FileField(
        label="Upload a file",
        required=False,
        validators=[validate_evidence_file],
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text or an image.",
    )
    evidence_url = forms.URLField(
        label="Or give a link", required=False, assume_scheme="https", max_length=500
    )
    no_evidence_reason = TextField(
        label="If there is no evidence, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to ask for sign-off without evidence.",
    )

    def __init__(self, *args, action: Action, **kwargs):
        self.action = action
        kwargs.setdefault(
            "initial",
            {"version": action.version, "status": action.status, "due_date": action.due_date},
        )
        super().__init__(*args, **kwargs)

    @classmethod
    def after_conflict(cls, data, *, action: Action) -> "ProgressForm":
        """The form again against the action as it is now, keeping everything typed.

        Bound and checked, so the person sees it as they left it, and can save it
        again against the new version once they have read what changed.
        """
        form = cls(resubmitted(data, action), action=action)
        form.is_valid()
        return form

    def clean(self):
        super().clean()
        data = self.cleaned_data
        moved = "due_date" in data and data["due_date"] != self.action.due_date
        if moved and not data.get("due_date_reason", "").strip():
            self.add_error("due_date_reason", "Enter why the due date has moved")
        if "due_date" in data and data.get("status"):
            problems = rules.due_date_errors(
                status=data["status"],
                start_date=self.action.start_date,
                due_before=self.action.due_date,
                due_after=data["due_date"],
                today=timezone.localdate(),
            )
            for name, message in problems.items():
                self.add_error(name, message)
        has_evidence = any(
            data.get(k) for k in ("evidence_title", "evidence_file", "evidence_url")
        ) or self.errors.get("evidence_file")
        if has_evidence:
            if not data.get("evidence_title"):
                self.add_error("evidence_title", "Enter a title for the evidence")
            if not data.get("evidence_kind"):
                self.add_error("evidence_kind", "Choose what kind of evidence this is")
            given = data.get("evidence_file") or data.get("evidence_url")
            refused = "evidence_file" in self.errors or "evidence_url" in self.errors
            if not given and not refused:
                self.add_error("evidence_file", "Upload a file or give a link")
            if data.get("evidence_file") and data.get("evidence_url"):
                self.add_error("evidence_url", "Give a file or a link, not both")
        if data.get("status") == Status.READY and not has_evidence:
            problems = rules.ready_errors(
                has_evidence=self.action.evidence.filter(returned_at__isnull=True).exists(),
                no_evidence_reason=data.get("no_evidence_reason", ""),
            )
            for name, message in problems.items():
                self.add_error(name, message)
        return data


class RagOverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rag = forms.ChoiceField(
        label="RAG rating",
        required=False,
        choices=[("", "Use the computed rating")] + list(RAG.choices),
        widget=forms.RadioSelect,
    )
    reason = TextField(label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("rag") and not data.get("reason", "").strip():
            self.add_error("reason", "Enter why you are overriding the RAG rating")
        return data

    @classmethod
    def for_action(cls, action: Action, data=None) -> "RagOverrideForm":
        """The form for an action, bound to `data` (kept as typed, at the action's version)."""
        if data is None:
            initial = {
                "version": action.version,
                "rag": action.rag_override,
                "reason": action.rag_override_reason,
            }
            return cls(initial=initial)
        return cls(resubmitted(data, action))


class ReviewForm(forms.Form):
    """A leader signs off work that is ready, or returns it saying what is still needed."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("sign_off", "Sign it off: the action is complete"), ("return", "Return it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to sign it off or return it"},
    )
    comment = TextField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you return it: say what is still needed.",
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error("comment", "Say what is still needed")
        return data


class EvidenceReturnForm(forms.Form):
    comment = TextField(
        label="What is the evidence missing?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the evidence is missing"},
    )
