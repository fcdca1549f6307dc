"""The app's forms: they validate and normalise, nothing more. One module per feature."""

from .fields import DateInput, TextField, finding_label, plausible_date, resubmitted
from .measure_import import MeasureImportForm
from .measures import MeasureForm, MonthValuesForm
from .plan import ActionForm, FindingsForm, FindingStateForm, PlanDatesForm
from .progress import EvidenceReturnForm, ProgressForm, RagOverrideForm, ReviewForm
from .reports import CompareReportsForm, ReportPeriodForm, SaveReportForm, WithdrawReportForm

__all__ = [
    "ActionForm",
    "CompareReportsForm",
    "DateInput",
    "EvidenceReturnForm",
    "FindingStateForm",
    "MeasureImportForm",
    "FindingsForm",
    "MeasureForm",
    "MonthValuesForm",
    "PlanDatesForm",
    "ProgressForm",
    "RagOverrideForm",
    "ReportPeriodForm",
    "ReviewForm",
    "SaveReportForm",
    "TextField",
    "WithdrawReportForm",
    "finding_label",
    "plausible_date",
    "resubmitted",
]
