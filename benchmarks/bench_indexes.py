"""Benchmark: the lists' queries at national scale, without and with the list indexes.

On a PostgreSQL database of 150 synthetic authorities (100,800 actions,
1,008,000 updates; made with `generate_synthetic` if the database does not
already hold them, and the time it took printed), each case is run twice in
the same process: first with migration improvement 0010 (the list indexes)
unapplied and the admin as it was before (Django's paginator, full counts, date hierarchies
on updates and evidence, which were ordered through their action, and the
actions' authority filter that collects every row's authority), then with both
back.
For each case it prints the median time of the page or selector, its query
count, and for its slowest query the plan's top nodes, the indexes it used,
whether a sort spilled to disk and the execution time from
EXPLAIN (ANALYZE, BUFFERS); then the ratio before/after. Not a test: numbers
depend on the machine.

    .venv/bin/python benchmarks/bench_indexes.py
    .venv/bin/python benchmarks/bench_indexes.py --url postgres://postgres@127.0.0.1:5432/NAME --runs 5
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ofsted_bench_indexes"
SCALE = {"authorities": 150, "inspections": 4, "findings": 28, "actions": 6, "updates": 10}
MIGRATION = ("improvement", "0010_list_indexes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    _create_database_if_missing(args.url)
    os.environ["DATABASE_URL"] = args.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    _generate_if_missing()

    cases = _cases()
    print(f"{'case':<44}{'':>7}{'ms':>9}{'queries':>8}  slowest query: plan, indexes, ms")
    with _before():
        before = {label: _measure(run, args.runs) for label, run in cases}
    after = {label: _measure(run, args.runs) for label, run in cases}
    for label, _ in cases:
        b, a = before[label], after[label]
        _print_row(label, "before", b)
        _print_row("", "after", a)
        print(f"{'':<44}{'ratio':>7}{b['ms'] / a['ms']:>9.1f}x")


def _create_database_if_missing(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server.replace("postgres://", "postgresql://"), autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            c.execute(f'CREATE DATABASE "{name}"')


def _generate_if_missing() -> None:
    from django.core.management import call_command

    from improvement.models import Action

    wanted = SCALE["authorities"] * SCALE["inspections"] * SCALE["findings"] * SCALE["actions"]
    have = Action.objects.filter(authority__name__startswith="Synthetic authority").count()
    if have >= wanted:
        print(f"Reusing {have} synthetic actions.")
        return
    start = time.perf_counter()
    call_command("generate_synthetic", *[f"--{k}={v}" for k, v in SCALE.items()], verbosity=0)
    print(f"generate_synthetic {SCALE}: {time.perf_counter() - start:.0f} s")


def _cases() -> list[tuple[str, Callable[[], object]]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from improvement import selectors
    from improvement.models import Action
    from inspections.models import Finding, LocalAuthority, Theme

    User = get_user_model()
    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_superuser("bench-admin", "bench@example.org", "x")
    national = Client()
    national.force_login(admin)
    authority = LocalAuthority.objects.get(slug="synthetic-075")
    member = authority.members.order_by("pk").first()
    assert member is not None
    leader = Client()
    leader.force_login(member)
    theme = Theme.objects.filter(name__startswith="Synthetic").order_by("pk").first()
    assert theme is not None
    owner_pk = Action.objects.filter(authority=authority).values_list("owner", flat=True)[0]
    inspection_pk = authority.inspections.order_by("pk").values_list("pk", flat=True)[0]
    updates_pages = 4000
    action_pages = -(-Action.objects.count() // 100)
    evidence_pages = -(-Action.objects.filter(evidence__isnull=False).count() // 100)
    findings = Finding.objects.filter(inspection__authority=authority)

    def get(client, url: str, **data):
        def run():
            response = client.get(url, data)
            assert response.status_code == 200, (url, data, response.status_code)

        return run

    a = "synthetic-075"
    return [
        ("actions list, national", get(national, "/actions/")),
        ("actions list, national, page 40", get(national, "/actions/", page=40)),
        ("actions list, national, status", get(national, "/actions/", status="blocked")),
        ("actions list, national, overdue", get(national, "/actions/", overdue="yes")),
        ("actions list, national, due in 30 days", get(national, "/actions/", due_within=30)),
        ("actions list, national, theme", get(national, "/actions/", theme=theme.slug)),
        ("actions list, one authority", get(national, "/actions/", authority=a)),
        ("actions list, one authority, status", get(national, "/actions/", authority=a,
                                                    status="in_progress")),
        ("actions list, one authority, overdue", get(national, "/actions/", authority=a,
                                                     overdue="yes")),
        ("actions list, one authority, owner", get(national, "/actions/", authority=a,
                                                   owner=owner_pk)),
        ("actions list, one authority, inspection", get(national, "/actions/", authority=a,
                                                        inspection=inspection_pk)),
        ("actions list, a member's", get(leader, "/actions/")),
        ("my actions (overdue first)", get(leader, "/my-actions/")),
        ("overdue first, national, 25", lambda: list(Action.objects.overdue_first()[:25])),
        ("status by theme", lambda: selectors.status_by_theme(authority)),
        ("progress by month", lambda: selectors.progress_by_month(authority)),
        ("plan actions (dashboard)", lambda: selectors.plan_actions(findings)),
        ("dashboard, one authority", get(national, "/", authority=a)),
        ("admin actions, page 1", get(national, "/admin/improvement/action/")),
        (f"admin actions, page {action_pages} (last)",
         get(national, "/admin/improvement/action/", p=action_pages)),
        ("admin actions, status filter", get(national, "/admin/improvement/action/",
                                             status__exact="blocked")),
        ("admin updates, page 1", get(national, "/admin/improvement/progressupdate/")),
        (f"admin updates, page {updates_pages}",
         get(national, "/admin/improvement/progressupdate/", p=updates_pages)),
        ("admin evidence, page 1", get(national, "/admin/improvement/evidence/")),
        (f"admin evidence, page {evidence_pages} (last)",
         get(national, "/admin/improvement/evidence/", p=evidence_pages)),
    ]  # fmt: skip


def _measure(run: Callable[[], object], runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run()  # warm up caches and templates
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        run()
    plans = [_explain(q["sql"]) for q in captured if q["sql"].lstrip().startswith("SELECT")]
    slowest = max(plans, key=lambda p: p["ms"], default=None)
    return {"ms": statistics.median(times), "queries": len(captured), "slowest": slowest}


def _explain(sql: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    nodes = list(_nodes(plan["Plan"]))
    return {
        "ms": plan["Execution Time"],
        "top": " > ".join(n["Node Type"] for n in _spine(plan["Plan"])[:3]),
        "indexes": sorted({n["Index Name"] for n in nodes if "Index Name" in n}),
        "seq_scans": sorted({n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"}),
        "disk_sort": any(n.get("Sort Space Type") == "Disk" for n in nodes),
        "sql": sql[:120],
    }


def _nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _spine(node: dict) -> list[dict]:
    """The root node and, below it, each node's most expensive child."""
    spine = [node]
    while node.get("Plans"):
        node = max(node["Plans"], key=lambda n: n["Actual Total Time"] * n["Actual Loops"])
        spine.append(node)
    return spine


def _print_row(label: str, phase: str, m: dict) -> None:
    s = m["slowest"]
    detail = ""
    if s:
        used = ", ".join(s["indexes"]) or "no index"
        seq = f"; seq scan {', '.join(s['seq_scans'])}" if s["seq_scans"] else ""
        disk = "; SORT SPILLED TO DISK" if s["disk_sort"] else ""
        detail = f"{s['top']}; {used}{seq}{disk}; {s['ms']:.1f} ms"
    print(f"{label:<44}{phase:>7}{m['ms']:>9.1f}{m['queries']:>8}  {detail}")


class _before:
    """The schema without migration 0010's indexes, and the admin as it was before them."""

    def __enter__(self) -> None:
        from django.contrib import admin
        from django.core.paginator import Paginator

        from improvement.models import Action, Evidence, ProgressUpdate

        related_only = admin.RelatedOnlyFieldListFilter
        before = {
            Action: {
                "list_filter": ["status", "priority", ("authority", related_only), "team"],
            },
            ProgressUpdate: {
                "list_filter": ["status_after", "action__team"],
                "date_hierarchy": "created_at",
            },
            Evidence: {
                "list_filter": [
                    f for f in admin.site._registry[Evidence].list_filter if f != "added_at"
                ],
                "date_hierarchy": "added_at",
            },
        }
        self.saved = []
        for model, changed in before.items():
            model_admin = admin.site._registry[model]
            old = {
                "paginator": Paginator,
                "show_full_result_count": True,
                "ordering": None,
                **changed,
            }
            self.saved.append((model_admin, {k: getattr(model_admin, k) for k in old}))
            for name, value in old.items():
                setattr(model_admin, name, value)
        self._migrate(backwards=True)

    def __exit__(self, *exc) -> None:
        for model_admin, values in self.saved:
            for name, value in values.items():
                setattr(model_admin, name, value)
        self._migrate(backwards=False)

    @staticmethod
    def _migrate(*, backwards: bool) -> None:
        """Unapply or reapply the migration's operations, leaving its record alone."""
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        loader = MigrationExecutor(connection).loader
        migration = loader.get_migration(*MIGRATION)
        start = time.perf_counter()
        with connection.schema_editor(atomic=True) as editor:
            if backwards:
                migration.unapply(loader.project_state(MIGRATION, at_end=True), editor)
            else:
                migration.apply(loader.project_state(MIGRATION, at_end=False), editor)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        what = "unapplied" if backwards else "reapplied"
        print(f"{MIGRATION[1]} {what} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
