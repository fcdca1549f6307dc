"""Writes that touch several models, each in one transaction; each checks permission itself."""

from .evidence import EvidenceAlreadyAccepted, evidence_accept, evidence_return
from .locking import ActionChanged, FieldChange, changes_since, history_reason, lock_action
from .measures import (
    MEASURE_FIELDS,
    MeasureChanged,
    ValueEntry,
    measure_create,
    measure_edit,
    measure_record_values,
)
from .plan import (
    EDITABLE_FIELDS,
    action_create,
    action_edit,
    action_override_rag,
    action_set_findings,
    finding_set_state,
    inspection_set_plan_dates,
)
from .progress import NewEvidence, action_record_update, action_return, action_sign_off
from .reports import ReportExists, board_report_save, board_report_withdraw

__all__ = [
    "MEASURE_FIELDS",
    "MeasureChanged",
    "ValueEntry",
    "measure_create",
    "measure_edit",
    "measure_record_values",
    "EDITABLE_FIELDS",
    "ActionChanged",
    "EvidenceAlreadyAccepted",
    "FieldChange",
    "NewEvidence",
    "action_create",
    "action_edit",
    "action_override_rag",
    "action_record_update",
    "action_return",
    "action_set_findings",
    "action_sign_off",
    "ReportExists",
    "board_report_save",
    "board_report_withdraw",
    "changes_since",
    "evidence_accept",
    "evidence_return",
    "finding_set_state",
    "history_reason",
    "inspection_set_plan_dates",
    "lock_action",
]
