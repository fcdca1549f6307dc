"""The app's pages, by feature. Each view fetches through an access helper (an
outsider gets a 404), calls a selector or a service, and renders."""

from .actions import (
    action_detail,
    action_list,
    action_rag_override,
    action_record_progress,
    action_review,
    actions_export,
    home,
    my_actions,
)
from .dashboard import dashboard, finding_detail, findings_export
from .evidence import evidence_accept_view, evidence_download, evidence_return_view
from .exports import export_download, export_list
from .measure_import import measure_import, measure_values_export
from .measures import (
    measure_add,
    measure_detail,
    measure_edit_view,
    measure_list,
    measure_values,
)
from .plan import (
    action_add,
    action_edit_view,
    action_findings,
    finding_state,
    inspection_plan_dates,
)
from .reports import (
    report_compare,
    report_detail,
    report_list,
    report_preview,
    report_save,
    report_withdraw,
)

__all__ = [
    "measure_add",
    "measure_detail",
    "measure_edit_view",
    "measure_list",
    "measure_values",
    "action_add",
    "action_detail",
    "action_edit_view",
    "action_findings",
    "action_review",
    "evidence_return_view",
    "finding_state",
    "home",
    "inspection_plan_dates",
    "measure_import",
    "measure_values_export",
    "action_list",
    "action_rag_override",
    "action_record_progress",
    "actions_export",
    "dashboard",
    "evidence_accept_view",
    "evidence_download",
    "export_download",
    "export_list",
    "finding_detail",
    "findings_export",
    "my_actions",
    "report_compare",
    "report_detail",
    "report_list",
    "report_preview",
    "report_save",
    "report_withdraw",
]
