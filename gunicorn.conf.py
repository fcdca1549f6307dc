"""Gunicorn settings for production: `scripts/production.sh web`.

Chosen by measurement (README, Production; benchmarks/load/run.py on the
2-core machine): a process per core, 8 threads each. Pages are CPU-bound
Python (templates, ORM), so more processes than cores only take turns; threads
cover the time a request waits for PostgreSQL. Measured, 50 people: 2 x 8
served the most requests with the lowest p95, ahead of 3 x 4, 2 x 4 and 5 x 1.
Each setting can be changed from the environment without editing this file.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Processes: one per core.
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count())))
# Threads per process (the gthread worker). Each thread keeps its own database
# connection (CONN_MAX_AGE), so PostgreSQL sees up to workers x threads of them.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
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
