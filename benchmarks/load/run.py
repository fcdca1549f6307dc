"""Load benchmark: gunicorn with production settings on PostgreSQL, driven by locust.

Makes its own database (150 synthetic authorities plus the demo accounts),
then for each gunicorn configuration (processes x threads) starts gunicorn on
127.0.0.1 with gunicorn.conf.py, runs locust headless for a warm-up (15 s by
default, not counted), then again, measured (50 people, all signing in within
the first 5 s, for 60 s; see locustfile.py), prints requests per second, the
median and 95th percentile per endpoint and the errors, then the pages' times in
the server while the people sign in against afterwards (does a crowd signing in
starve the rest?), and stops everything it started. Not a test: numbers depend on the machine, and locust shares its CPUs.

    .venv/bin/python benchmarks/load/run.py                       # 4x2 (the default) and 2x8
    .venv/bin/python benchmarks/load/run.py --configs 3x4 --users 50 --duration 60
    .venv/bin/python benchmarks/load/run.py --reuse-database      # skip building the data
        # (each run adds its recorded progress to the demo actions, so pages that list
        # it grow run after run: build afresh for figures to compare)
    .venv/bin/python benchmarks/load/run.py --warmup 0            # from a cold start
    .venv/bin/python benchmarks/load/run.py --spawn-rate 1        # one person a second
"""

import argparse
import csv
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
ENDPOINTS = [
    "dashboard",
    "actions list",
    "action detail",
    "progress form",
    "record progress",
    "sign-in page",
    "sign in",
    "sign out",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["4x2", "2x8"])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument(
        "--spawn-rate", type=float, help="people starting a second (default: all within 5 s)"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=15,
        help="seconds of the same load first, not counted (0: measure from a cold start)",
    )
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--port", type=int, default=18766)
    parser.add_argument("--database", default="ofsted_load")
    parser.add_argument("--reuse-database", action="store_true")
    args = parser.parse_args()

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        # Plain HTTP on 127.0.0.1 (no TLS proxy here); the cost of HTTPS is the proxy's.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "0",
        "BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_ACCESS_LOG": "off",
        "LOG_LEVEL": "ERROR",
    }
    with tempfile.TemporaryDirectory() as evidence:
        env["EVIDENCE_ROOT"] = evidence
        accounts = prepare(args, env)
        env["LOAD_ACCOUNTS"] = ",".join(f"{u}:{p}" for u, p in accounts)
        results = {}
        for config in args.configs:
            results[config] = measure(config, args, env)
        report(results, args)
    return 0


def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def prepare(args: argparse.Namespace, env: dict[str, str]) -> list[tuple[str, str]]:
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    if not args.reuse_database:
        print(f"Building {args.database}: {args.authorities} synthetic authorities ...", flush=True)
        run(["dropdb", *pg, "--if-exists", args.database], env)
        run(["createdb", *pg, args.database], env)
        run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    # The demo first: its fixtures have fixed keys, which synthetic rows would take.
    run([PY, "manage.py", "load_demo"], env)
    if not args.reuse_database:
        run([PY, "manage.py", "generate_synthetic", "--authorities", str(args.authorities)], env)
    run([PY, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)
    # One account per simulated person, as 50 people signing in would have: leaders
    # of the demo authority (they may record progress on any of its actions).
    accounts = [(f"load.leader{n:02}", secrets.token_urlsafe(12)) for n in range(args.users)]
    run([PY, "manage.py", "shell", "-c", MAKE_ACCOUNTS.format(accounts=accounts)], env)
    return accounts


# Run in `manage.py shell`: the accounts, made or reset, each a leader of the demo
# authority (the authority demo.leader leads).
MAKE_ACCOUNTS = """
from django.contrib.auth.models import Group, User
from improvement.choices import Role
leaders = Group.objects.get(name=Role.LEADER)
demo = User.objects.get(username="demo.leader").authorities.all()
for username, password in {accounts!r}:
    user, _ = User.objects.get_or_create(username=username)
    user.first_name, user.last_name = "Load", username[-2:]
    user.set_password(password)
    user.save()
    user.groups.set([leaders])
    user.authorities.set(demo)
"""


def measure(config: str, args: argparse.Namespace, env: dict[str, str]) -> dict[str, dict]:
    workers, threads = config.split("x")
    # Production's dashboard cache on disk, empty at the start of each configuration's run.
    cache = tempfile.mkdtemp()
    env = {
        **env,
        "WEB_CONCURRENCY": workers,
        "GUNICORN_THREADS": threads,
        "DASHBOARD_CACHE_DIR": cache,
    }
    url = f"http://127.0.0.1:{args.port}"
    print(
        f"gunicorn {workers} processes x {threads} threads: {args.users} users for "
        f"{args.duration} s ...",
        flush=True,
    )
    access_log = Path(tempfile.mkdtemp()) / "access.log"
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--config",
            "gunicorn.conf.py",
            # Each request's method, path, status and time taken in the server (ms).
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(M)s",
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_up(url + "/accounts/login/", gunicorn)
        # A server that has just started compiles its templates, opens a database
        # connection per thread and imports lazily on its first requests: a warm-up
        # run takes that cost, so the measured run (whose people all sign in again,
        # at once) sees a server as it runs all day.
        if args.warmup:
            locust(url, args, env, args.warmup)
        measured_from = access_log.stat().st_size if access_log.exists() else 0
        results = locust(url, args, env, args.duration)
        with open(access_log, encoding="utf-8") as log:
            log.seek(measured_from)
            results["server"], results["pages"] = server_times(log, args.users)
        return results
    finally:
        if gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=60)
        shutil.rmtree(cache, ignore_errors=True)


# The server's own view of each endpoint: (method, path pattern) as the access log has them.
SERVER_ENDPOINTS = [
    ("dashboard", "GET", re.compile(r"/$")),
    ("actions list", "GET", re.compile(r"/actions/$")),
    ("action detail", "GET", re.compile(r"/actions/\d+/$")),
    ("progress form", "GET", re.compile(r"/actions/\d+/progress/$")),
    ("record progress", "POST", re.compile(r"/actions/\d+/progress/$")),
    ("sign-in page", "GET", re.compile(r"/accounts/login/$")),
    ("sign in", "POST", re.compile(r"/accounts/login/$")),
    ("sign out", "POST", re.compile(r"/accounts/logout/$")),
]


# The pages people use once signed in (not signing in or out).
PAGES = ("dashboard", "actions list", "action detail", "progress form", "record progress")


def server_times(log, users: int) -> tuple[dict[str, tuple[int, int]], dict[str, list[int]]]:
    """The median and 95th percentile (ms) the server took for each endpoint, from its
    access log: locust's own figures add the time its process took to notice each
    response, which grows when it is busy (starting people, on the same CPUs).

    Also the pages' times split in two (the log is in the order requests finished):
    "while signing in", until the `users`-th sign-in, when every person of the
    measured run has signed in (all at once, at its start); and "afterwards". If
    sign-ins starved the other pages, the first would be far slower than the second.
    """
    times: dict[str, list[int]] = {}
    pages: dict[str, list[int]] = {"while signing in": [], "afterwards": []}
    sign_ins = 0
    for line in log:
        method, path, _status, ms = line.split()
        for name, wanted, pattern in SERVER_ENDPOINTS:
            if method == wanted and pattern.match(path):
                times.setdefault(name, []).append(int(ms))
                if name == "sign in":
                    sign_ins += 1
                elif name in PAGES:
                    pages["while signing in" if sign_ins < users else "afterwards"].append(int(ms))
    return {name: _median_p95(found) for name, found in times.items()}, pages


def _median_p95(times: list[int]) -> tuple[int, int]:
    return statistics.median(times), sorted(times)[round(0.95 * (len(times) - 1))]


def locust(url: str, args: argparse.Namespace, env: dict[str, str], seconds: int) -> dict:
    """Run locust headless for `seconds`: its figures by endpoint."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                str(Path(__file__).parent / "locustfile.py"),
                "--headless",
                "--host",
                url,
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate or max(1, args.users // 5)),
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "5",
                "--csv",
                f"{out}/load",
                "--only-summary",
                "--loglevel",
                "ERROR",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        with open(f"{out}/load_stats.csv", newline="") as f:
            return {row["Name"]: row for row in csv.DictReader(f)}


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    for _ in range(120):
        if process.poll() is not None:
            raise SystemExit("gunicorn exited at start")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (127.0.0.1)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer")


def report(results: dict[str, dict[str, dict]], args: argparse.Namespace) -> None:
    print()
    print(
        f"{args.users} users, {args.duration} s after {args.warmup} s of warm-up, "
        f"{os.cpu_count()} CPUs (shared with locust and PostgreSQL), "
        f"{args.authorities} authorities; 'server' is the time gunicorn took"
    )
    print(
        f"{'gunicorn':10} {'endpoint':16} {'requests':>8} {'req/s':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'errors':>6} {'server p50':>10} {'server p95':>10}"
    )
    for config, rows in results.items():
        server = rows.get("server", {})
        for name in [*ENDPOINTS, "Aggregated"]:
            row = rows.get(name)
            if not row:
                continue
            p50, p95 = server.get(name, ("", ""))
            print(
                f"{config:10} {name:16} {row['Request Count']:>8} "
                f"{float(row['Requests/s']):7.1f} {row['50%']:>7} {row['95%']:>7} "
                f"{row['Failure Count']:>6} {p50:>10} {p95:>10}"
            )
    print()
    print(
        f"Pages ({', '.join(PAGES)}) in the server, while the {args.users} people signed in and afterwards"
    )
    print(f"{'gunicorn':10} {'':18} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for config, rows in results.items():
        for phase, times in rows.get("pages", {}).items():
            if times:
                p50, p95 = _median_p95(times)
                print(f"{config:10} {phase:18} {len(times):>8} {p50:>7} {p95:>7}")
        split = [_median_p95(t)[1] for t in rows.get("pages", {}).values() if t]
        if len(split) == 2 and split[1]:
            print(f"{config:10} {'p95 ratio':18} {'':>8} {'':>7} {split[0] / split[1]:7.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
