"""What the council does about it: actions, their progress and evidence, where each
finding stands, board reports and reminders. One module per concern, imported here."""

from ..choices import (
    RAG,
    Direction,
    ExportKind,
    ExportStatus,
    FindingState,
    FindingStatus,
    Frequency,
    Impact,
    Role,
    Status,
    Unit,
    UpdateKind,
)
from .actions import Action, ActionQuerySet, Evidence, ProgressUpdate, Team
from .exports import ExportJob, ExportJobQuerySet
from .findings import FindingStateRecord
from .measures import Measure, MeasureQuerySet, MeasureTarget, MeasureValue
from .reporting import BoardReport, BoardReportQuerySet, ReminderSent, UnreadableReport
from .versions import PlanChange

__all__ = [
    # The vocabularies, re-exported so that callers import models from one place.
    "RAG",
    "FindingState",
    "FindingStatus",
    "FindingStateRecord",
    "UpdateKind",
    "Role",
    "Status",
    "Team",
    "Action",
    "ActionQuerySet",
    "ProgressUpdate",
    "Evidence",
    "BoardReport",
    "BoardReportQuerySet",
    "UnreadableReport",
    "ReminderSent",
    "Direction",
    "Frequency",
    "Impact",
    "Unit",
    "Measure",
    "MeasureQuerySet",
    "MeasureTarget",
    "MeasureValue",
    "PlanChange",
    "ExportKind",
    "ExportStatus",
    "ExportJob",
    "ExportJobQuerySet",
]
