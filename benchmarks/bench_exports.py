"""Benchmark: exporting every authority's actions as an admin, at national scale.

Against a PostgreSQL database it creates (and drops first), fills with
synthetic data, then measures in a fresh process each (so that one run's peak
memory is not the next one's floor):

- CSV the old way (every row loaded, the whole file built in memory, as before issue 16)
- CSV streamed, through the actions list's download view, as a browser gets it
- CSV and XLSX written by the background task (ExportJob), as a large export is
- XLSX the old way (every row loaded, the workbook built in memory)
- the rows read, with their cells' values, and nothing written (rows-read)
- openpyxl alone: the same values, read beforehand, written in write-only mode
  with no style at all (xlsx-floor): the least an Excel file of them can take
- the findings download, streamed

and prints wall time, peak resident memory (VmHWM) and its growth over the
process before the export, the rows and the queries. Not a test: the numbers
depend on the machine.

Data: `generate_synthetic`'s `generate()` makes the authorities, owners,
inspections and findings; the actions (and their links to findings, every
tenth to two) are bulk-inserted here, as `generate()` saves actions one at a
time with their history, far too slowly for 100,000.

    .venv/bin/python benchmarks/bench_exports.py                  # 100,000 actions
    .venv/bin/python benchmarks/bench_exports.py --actions 20000 --only csv-stream xlsx-task
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench_postgres import recreate_postgres_database

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/wt_exports_bench"
AUTHORITIES, INSPECTIONS, FINDINGS = 150, 3, 6
MODES = [
    "csv-old",
    "csv-stream",
    "csv-task",
    "xlsx-old",
    "xlsx-task",
    "rows-read",
    "xlsx-floor",
    "findings-csv-stream",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--database-url", default=PG_URL)
    parser.add_argument("--only", nargs="+", choices=MODES, default=MODES)
    parser.add_argument("--keep-data", action="store_true", help="reuse the database as it is")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _django()
        result = setup(args.actions) if args.child == "setup" else measure(args.child)
        print(json.dumps(result))
        return

    env = {**os.environ, "DATABASE_URL": args.database_url, "DEBUG": "1", "LOG_LEVEL": "ERROR"}

    def child(mode: str) -> dict:
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--actions", str(args.actions)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    if not args.keep_data:
        made = child("setup")
        print(
            f"Data: {made['actions']:,} actions, {made['findings']:,} findings, "
            f"{made['authorities']} authorities ({made['seconds']:.0f} s to generate)."
        )
    results = {mode: child(mode) for mode in args.only}
    print(
        f"{'export':<22}{'seconds':>9}{'peak MB':>9}{'growth MB':>11}{'rows':>9}"
        f"{'queries':>9}{'file MB':>9}"
    )
    for mode, r in results.items():
        print(
            f"{mode:<22}{r['seconds']:>9.1f}{r['peak_mb']:>9.0f}{r['growth_mb']:>11.0f}"
            f"{r['rows']:>9,}{r['queries']:>9}{r['bytes'] / 1e6:>9.1f}"
        )
    if {"rows-read", "xlsx-floor", "xlsx-task"} <= results.keys():
        read, floor = results["rows-read"]["seconds"], results["xlsx-floor"]["seconds"]
        print(
            f"XLSX task: {results['xlsx-task']['seconds']:.1f} s; reading the rows alone "
            f"{read:.1f} s plus openpyxl alone {floor:.1f} s = {read + floor:.1f} s."
        )
    if "csv-old" in results and "csv-stream" in results:
        old, new = results["csv-old"], results["csv-stream"]
        print(
            f"CSV streamed vs the old way: {new['seconds'] / old['seconds']:.2f}x the time, "
            f"{new['peak_mb'] / old['peak_mb']:.2f}x the peak memory "
            f"({new['growth_mb'] / max(old['growth_mb'], 1):.2f}x the growth)."
        )


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def setup(actions: int) -> dict:
    import datetime as dt
    import random

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from improvement.management.commands.generate_synthetic import generate
    from improvement.models import Action, Status
    from inspections.models import Finding, LocalAuthority

    start = time.perf_counter()
    recreate_postgres_database()
    call_command("migrate", verbosity=0)
    rng = random.Random(16)
    generate(
        rng=rng,
        authorities=AUTHORITIES,
        inspections=INSPECTIONS,
        findings=FINDINGS,
        actions=0,
        updates=0,
    )
    get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    owners: dict[int, list[int]] = {}
    for user_id, authority_id in LocalAuthority.members.through.objects.values_list(
        "user_id", "localauthority_id"
    ):
        owners.setdefault(authority_id, []).append(user_id)
    findings = list(Finding.objects.values_list("pk", "inspection__authority_id", "order"))
    now = timezone.now()
    statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED, Status.COMPLETE]
    links = Action.findings.through
    batch = 5000
    for first in range(0, actions, batch):
        rows, picked = [], []
        for n in range(first, min(first + batch, actions)):
            finding_id, authority_id, order = findings[n % len(findings)]
            due = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
            status = rng.choice(statuses)
            rows.append(
                Action(
                    authority_id=authority_id,
                    title=f"Synthetic action {n + 1} for finding {order}",
                    description="Synthetic description of what will be done, and by when.",
                    owner_id=rng.choice(owners[authority_id]),
                    start_date=due - dt.timedelta(days=120),
                    original_due_date=due,
                    due_date=due,
                    status=status,
                    completed_date=due if status == Status.COMPLETE else None,
                    last_update_at=now - dt.timedelta(days=rng.randint(0, 300)),
                )
            )
            second = findings[(n + 1) % len(findings)]
            picked.append(
                [finding_id] + ([second[0]] if n % 10 == 0 and second[1] == authority_id else [])
            )
        made = Action.objects.bulk_create(rows)
        links.objects.bulk_create(
            links(action_id=a.pk, finding_id=f)
            for a, fs in zip(made, picked, strict=True)
            for f in fs
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "actions": Action.objects.count(),
        "findings": len(findings),
        "authorities": AUTHORITIES,
        "seconds": time.perf_counter() - start,
    }


def measure(mode: str) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from improvement.access import export_scope
    from improvement.choices import ExportKind
    from improvement.exports import ACTION_COLUMNS
    from improvement.models import Action, ExportJob
    from improvement.services.exports import export_write
    from improvement.tables import Column

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.EXPORT_INLINE_MAX_ROWS = 10**9  # the view sends it, however large
    admin = get_user_model().objects.get(username="bench")
    client = Client()
    client.force_login(admin)
    client.get("/actions/?authority=synthetic-000")  # warm up: templates, the ORM's caches
    queryset = Action.objects.visible_to(admin).for_list()  # as the export read it before
    # The columns as they were, read from model instances: the authority's, team's and
    # findings' names through them, Django's label lookups.
    old = {
        "Authority": lambda a: a.authority.name,
        "Team": lambda a: a.team.name if a.team else "",
        "Findings": lambda a: "\n".join(_old_finding_in_full(f) for f in a.findings.all()),
        "Status": lambda a: a.get_status_display(),
        "RAG": lambda a: a.get_rag_display(),
    }
    old_columns = [
        Column(c.header, old.get(c.header, c.value), c.kind, c.width) for c in ACTION_COLUMNS
    ]
    if mode == "xlsx-floor":
        # What openpyxl alone takes: the same rows' values, read beforehand (not timed),
        # written in write-only mode as plain values, with no style at all.
        values = _plain_values(admin)
    base = _rss_mb("VmRSS")
    size = rows = 0
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        if mode == "rows-read":  # reading the rows and their cells' values, nothing written
            rows = len(_plain_values(admin))
        elif mode == "xlsx-floor":
            content = _openpyxl_floor(values)
            size, rows = len(content), len(values)
        elif mode in ("csv-stream", "findings-csv-stream"):
            url = "/actions.csv" if mode == "csv-stream" else "/findings.csv"
            response = client.get(url)
            assert response.status_code == 200 and response.streaming
            for piece in response.streaming_content:
                size += len(piece)
                rows += piece.count(b"\r\n")
            rows -= 1  # the header
        elif mode in ("csv-old", "xlsx-old"):
            fmt = mode[:-4]
            content = _old_table_bytes(old_columns, queryset, fmt)
            size = len(content)
            rows = queryset.count()
        else:
            job = ExportJob.objects.create(
                requested_by=admin,
                kind=ExportKind.ACTIONS,
                fmt=mode[:-5],
                filename=f"bench.{mode[:-5]}",
            )
            job.authorities.set(export_scope(admin, ExportKind.ACTIONS))
            export_write(job=job)
            job.refresh_from_db()
            size, rows = job.file.size, job.row_count or 0
            job.file.delete(save=False)
            job.delete()
    seconds = time.perf_counter() - start
    peak = _rss_mb("VmHWM")
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "growth_mb": peak - base,
        "rows": rows,
        "queries": len(queries),
        "bytes": size,
    }


def _plain_values(admin) -> list[list]:
    """Each action's cells as the background export reads them (every authority's)."""
    from django.http import QueryDict

    from improvement.exports import export_queryset, export_table
    from improvement.tables import cells

    queryset = export_queryset("actions", admin, QueryDict(""))
    columns, rows = export_table("actions", queryset)
    return [cells(columns, row) for row in rows]


def _openpyxl_floor(values: list[list]) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    for row in values:
        sheet.append([v if v != "" else None for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _old_table_bytes(columns, rows, fmt: str) -> bytes:
    """improvement.tables.table_bytes as it was before issue 16: the queryset loaded
    whole (and its prefetches), the CSV built in one string, the XLSX in memory with
    an Alignment made for every cell."""
    import csv
    import io

    from openpyxl import Workbook

    from improvement.tables import _header_cell, cells, headers

    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers(columns))
        for row in rows:
            writer.writerow(["" if v is None else v for v in cells(columns, row)])
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append([_header_cell(sheet, c.header) for c in columns])
    for row in rows:
        sheet.append([_old_xlsx_cell(sheet, c, row) for c in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _old_finding_in_full(finding) -> str:
    inspection = finding.inspection
    when = f"{inspection.start_date:%B %Y}" if inspection.start_date else "date not known"
    return f"{inspection.get_kind_display()}, {when}, #{finding.order}: {finding.text}"


def _old_xlsx_cell(sheet, column, row):
    """improvement.tables._xlsx_cell before issue 16, as it was."""
    import datetime as dt

    from django.utils import timezone
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    from improvement import tables

    value = column.value(row)
    if value is None or value == "":
        return None
    number_format = None
    if column.kind == tables.DATETIME and isinstance(value, dt.datetime):
        value, number_format = timezone.localtime(value).replace(tzinfo=None), "dd/mm/yyyy hh:mm"
    elif isinstance(value, dt.date):
        number_format = "dd/mm/yyyy"
    elif isinstance(value, str):
        value = tables.formula_safe(tables.clean(value))
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    cell.alignment = Alignment(wrap_text=column.width >= tables.WRAP_FROM_WIDTH, vertical="top")
    return cell


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak so far) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


if __name__ == "__main__":
    main()
