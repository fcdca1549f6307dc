"""Benchmark: the leaders' dashboard and the actions list at three scales.

Prints, for each database and scale, the median and 95th-percentile time and
the query count of: the dashboard seen again (its cached copy); the dashboard
first seen after progress (what a progress update, evidence or a measure's
value records: the page is drawn again but for its parts drawn from the
inspections, findings and owners); the dashboard first seen after a change to
everything (an import, a finding's text: all of it drawn afresh); the actions
list; and a trivial page of the same app (the sign-in page), with each one's
ratio to the trivial page, all measured in the same run.
Production settings (DEBUG off, persistent connections). Not a test: numbers
depend on the machine.

    .venv/bin/python benchmarks/bench_dashboard.py            # SQLite, and PostgreSQL if reachable
    .venv/bin/python benchmarks/bench_dashboard.py --runs 30 --scales 1 15 150
    .venv/bin/python benchmarks/bench_dashboard.py --database postgres --big
        # 150 authorities with 100,800 actions and 1,008,000 updates
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_postgres import recreate_postgres_database

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/ofsted_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 15, 150])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--big", action="store_true", help="150 authorities, 100,800 actions, 1,008,000 updates"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        run_child(args)
        return
    targets = []
    if args.database in ("sqlite", "both"):
        targets.append(("SQLite", "sqlite:///{tmp}/bench.sqlite3"))
    if args.database in ("postgres", "both"):
        if _postgres_ready():
            targets.append(("PostgreSQL", PG_URL))
        else:
            print("PostgreSQL not reachable at 127.0.0.1:5432: skipped.")
    print(
        f"{'database':<11}{'actions':>9}{'page':>26}{'median ms':>11}{'p95 ms':>9}"
        f"{'queries':>9}{'x trivial':>11}"
    )
    if args.big:
        args.scales = [150]
    for name, url in targets:
        for scale in args.scales:
            # A fresh process per run keeps one database's settings out of the next.
            env = {
                **os.environ,
                "DATABASE_URL": url.format(tmp=tempfile.mkdtemp()),
                "DEBUG": "0",
                "SECRET_KEY": "bench-only",
                "SECURE_SSL_REDIRECT": "0",
                "SECURE_COOKIES": "0",
                "CONN_MAX_AGE": "60",
                # Production's cache on disk, in a folder of the run's own.
                "DASHBOARD_CACHE_DIR": tempfile.mkdtemp(),
            }
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    name,
                    "--runs",
                    str(args.runs),
                    "--scales",
                    str(scale),
                    *(["--big"] if args.big else []),
                ],
                env=env,
                check=True,
                cwd=ROOT,
            )


def _postgres_ready() -> bool:
    return (
        subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False
        ).returncode
        == 0
    )


def run_child(args) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import random

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from improvement.management.commands.generate_synthetic import analyze, generate
    from improvement.models.versions import Scope, plan_changed
    from inspections.models import LocalAuthority

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("collectstatic", "--noinput", verbosity=0)  # as production serves them
    scale = args.scales[0]
    if connection.vendor == "postgresql":
        recreate_postgres_database()
    call_command("migrate", verbosity=0)
    size = (
        {"inspections": 4, "findings": 28, "actions": 6, "updates": 10}
        if args.big
        else {"inspections": 3, "findings": 6, "actions": 3, "updates": 3}
    )
    made = generate(rng=random.Random(scale), authorities=scale, **size)
    if connection.vendor == "postgresql":
        analyze()

    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    authority = LocalAuthority.objects.get(slug="synthetic-000")
    client = Client()
    trivial = _measure(client, "/accounts/login/", args.runs)
    client.force_login(admin)
    dashboard = "/?authority=synthetic-000"

    def progress() -> None:
        plan_changed([authority.pk], Scope.PROGRESS)  # as a progress update records

    def change() -> None:
        plan_changed([authority.pk])  # as an import or a finding's edit records

    pages = {
        "dashboard, seen again": _measure(client, dashboard, args.runs),
        "dashboard, after progress": _measure(client, dashboard, args.runs, before=progress),
        "dashboard, after change": _measure(client, dashboard, args.runs, before=change),
        "actions list": _measure(client, "/actions/?authority=synthetic-000", args.runs),
        "sign-in page": trivial,
    }
    for page, (median, p95, queries) in pages.items():
        print(
            f"{args.child:<11}{made['actions']:>9}{page:>26}{median:>11.1f}{p95:>9.1f}"
            f"{queries:>9}{median / trivial[0]:>11.1f}"
        )


def _measure(client, url: str, runs: int, before=None) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up caches and templates
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(queries)


if __name__ == "__main__":
    main()
