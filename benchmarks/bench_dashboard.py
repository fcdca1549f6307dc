"""Benchmark: the leaders' dashboard and the actions list at three scales.

Prints, for each database and scale, the median and 95th-percentile render
time and the query count of the dashboard and the actions list, next to a
trivial page of the same app (the sign-in page), and the ratio between them.
Not a test: numbers depend on the machine.

    .venv/bin/python benchmarks/bench_dashboard.py            # SQLite, and PostgreSQL if reachable
    .venv/bin/python benchmarks/bench_dashboard.py --runs 30 --scales 1 15 150
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/ofsted_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 15, 150])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
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
        f"{'database':<11}{'authorities':>12}{'page':>14}{'median ms':>11}{'p95 ms':>9}"
        f"{'queries':>9}{'x trivial':>11}"
    )
    for name, url in targets:
        for scale in args.scales:
            # A fresh process per run keeps one database's settings out of the next.
            env = {**os.environ, "DATABASE_URL": url.format(tmp=tempfile.mkdtemp()), "DEBUG": "1"}
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

    from improvement.management.commands.generate_synthetic import generate

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    scale = args.scales[0]
    if connection.vendor == "postgresql":
        _recreate_postgres_database()
    call_command("migrate", verbosity=0)
    generate(
        rng=random.Random(scale), authorities=scale, inspections=3, findings=6, actions=3, updates=3
    )

    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    client = Client()
    trivial = _measure(client, "/accounts/login/", args.runs)
    client.force_login(admin)
    pages = {
        "dashboard": _measure(client, "/?authority=synthetic-000", args.runs),
        "actions list": _measure(client, "/actions/?authority=synthetic-000", args.runs),
        "sign-in page": trivial,
    }
    for page, (median, p95, queries) in pages.items():
        print(
            f"{args.child:<11}{scale:>12}{page:>14}{median:>11.1f}{p95:>9.1f}{queries:>9}"
            f"{median / trivial[0]:>11.1f}"
        )


def _measure(client, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up caches and templates
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(queries)


def _recreate_postgres_database() -> None:
    import psycopg
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.close()
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
