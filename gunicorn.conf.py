"""Gunicorn settings for production: `scripts/production.sh web`.

Chosen by measurement (README, Production; benchmarks/load/run.py on the
2-core machine, 50 people): two processes per core, 2 threads each. Pages are
CPU-bound Python (templates, ORM) and each process runs one thread's Python at
a time, so with many threads a short page waits behind others' long ones (and
each database query gives the lock away, to wait for it again). Measured in
alternate runs on 6 December 2026, 4 x 2 gave the pages a p95 of 190 to 330 ms
in the server where 2 x 8 (the previous setting) gave 355 to 680 ms, and sign-in
180 to 250 ms against 340 to 440 ms, with the same requests per second. The
processes share the dashboard's cache on disk (settings: DASHBOARD_CACHE_DIR),
with which the pages' p95 was 140 to 220 ms.
Each setting can be changed from the environment without editing this file.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Processes: two per core.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * multiprocessing.cpu_count())))
# Threads per process (the gthread worker): one can wait for PostgreSQL while the
# other runs. Each thread keeps its own database connection (CONN_MAX_AGE), so
# PostgreSQL sees up to workers x threads of them.
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A request taking longer than this is killed and its worker restarted. The
# slowest pages (board reports, Excel exports) take well under a second.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Behind a proxy that keeps connections open to us.
keepalive = 5
# Recycle workers now and then, so slow leaks cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Access log to stdout, errors to stderr: let the service manager keep them.
# GUNICORN_ACCESS_LOG=off for none (the load benchmark).
accesslog = None if os.environ.get("GUNICORN_ACCESS_LOG") == "off" else "-"
errorlog = "-"
# Request line and headers are bounded by gunicorn's defaults; the body by
# config.middleware.RequestBodyLimitMiddleware.
