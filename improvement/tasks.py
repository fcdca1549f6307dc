"""Background tasks (django.tasks), run by `manage.py db_worker` (see the README)."""

from django.tasks import task

from .models import ExportJob
from .services.exports import export_mark_stalled, export_remove_expired, export_write


@task
def export_write_task(job_id: int) -> None:
    """Write a large download, then tidy up: delete the exports whose time is up, and
    mark as failed those a stopped worker left unfinished."""
    export_write(job=ExportJob.objects.select_related("requested_by").get(pk=job_id))
    export_remove_expired()
    export_mark_stalled()
