"""Settings for the Ofsted improvement tracker.

One file, read from environment variables. With nothing set, it runs on
SQLite in debug mode so one can check out the code and it works; production
sets SECRET_KEY, DEBUG=0, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from config import release

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


DEBUG = envbool("DEBUG", "1")
# The fallback key is only for local development; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("Set SECRET_KEY when DEBUG is off.")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks_db",
    "inspections",
    "improvement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads the body (the CSRF check reads request.POST).
    "config.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivateCacheControlMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default; PostgreSQL (psycopg 3) with DATABASE_URL=postgres://user@host:5432/name.
# Connections are kept for CONN_MAX_AGE seconds (opening one costs a few ms on
# PostgreSQL, on every request otherwise) and checked before reuse, so a database
# restart costs one failed check rather than one failed request.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", "0" if DEBUG else "60"),
        conn_health_checks=True,
    )
}
SQLITE_OPTIONS = {
    # Take the write lock when a transaction starts, so two people saving the
    # same action are serialised rather than one failing half-way.
    "transaction_mode": "IMMEDIATE",
    # WAL: readers never wait for a writer, nor a writer for readers; only
    # writers queue, one at a time. synchronous=NORMAL is safe with WAL (a
    # power cut may lose the last commits, never corrupt the file).
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    # Seconds a writer waits for the lock before "database is locked":
    # a burst of saves queues rather than fails (each write takes milliseconds).
    "timeout": envint("SQLITE_TIMEOUT", "20"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new passwords, and old PBKDF2 ones at their next sign-in, are
# stored with it (Django re-hashes on a successful check). At the settings in
# config/hashers.py a check costs ~30 ms of CPU, against ~750 ms for Django's
# PBKDF2 default, and stays memory-hard. The others stay so old hashes verify.
PASSWORD_HASHERS = [
    "config.hashers.Argon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "improvement:home"  # each role lands on its natural page

# Sign-in throttling (django-axes): after SIGNIN_FAILURE_LIMIT failed sign-ins
# for one username (from anywhere), or from one address (for any username),
# further attempts are refused, even with the right password, for
# SIGNIN_COOLOFF_MINUTES after the last failure. An admin can unlock at once
# (Admin > Axes > Access attempts: delete the rows; or `manage.py axes_reset_username`).
AUTHENTICATION_BACKENDS = [
    "config.signin.ThrottlingBackend",
    # Django's ModelBackend, loading the person's roles with them (config/signin.py).
    # A session signed in under the plain ModelBackend signs in again, once.
    "config.signin.RolesBackend",
]
AXES_FAILURE_LIMIT = envint("SIGNIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("SIGNIN_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Trying again while locked out does not restart the cool-off, so the page can
# say when to try again (and someone else cannot keep a person locked out for ever).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# axes' database handler, without its clean-ups on a sign-in with no failures to clean.
AXES_HANDLER = "config.signin.SignInRecords"
AXES_LOCKOUT_CALLABLE = "config.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.signin.client_ip"
# Behind a reverse proxy every request comes from the proxy's address: set
# TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For,
# so the address throttled is the person's, not the proxy's.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
# No log line per failed sign-in: Admin > Axes > Access attempts lists them
# (with the username and address; passwords are never stored).
AXES_VERBOSE = False

# Background tasks (django.tasks), kept in the database and run by
# `manage.py db_worker` (see the README). Tests swap in the immediate backend.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Evidence files live outside STATIC_ROOT and have no public URL: they are
    # only ever sent by a permission-checked download view.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("EVIDENCE_ROOT", BASE_DIR / "var" / "evidence")},
    },
    # Exports written in the background: like evidence, no public URL; only sent by
    # a view that checks the person asking is the one who asked (see ExportJob).
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("EXPORT_ROOT", BASE_DIR / "var" / "exports")},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "config.storage.StaticFilesStorage"
        )
    },
}
# Rendered dashboards are kept for DASHBOARD_CACHE_SECONDS, keyed on the
# authority's plan version, which every write bumps (improvement/models/versions.py):
# a saved change shows at once. 0 turns the cache off.
DASHBOARD_CACHE_SECONDS = envint("DASHBOARD_CACHE_SECONDS", "600")
# In production they are kept on disk in DASHBOARD_CACHE_DIR, shared by gunicorn's
# processes: each write is then drawn again once, not once per process (measured
# with benchmarks/load/run.py, see README). The files are private to the app's user,
# and their keys start with the running release's fingerprint (config/release.py).
# In development and tests ("" or DEBUG on), each process keeps its own in memory.
DASHBOARD_CACHE_DIR = os.environ.get(
    "DASHBOARD_CACHE_DIR", "" if DEBUG else str(BASE_DIR / "var" / "cache" / "dashboard")
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "dashboard": (
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": DASHBOARD_CACHE_DIR,
            "KEY_PREFIX": release.fingerprint(
                [BASE_DIR / name for name in ("config", "improvement", "inspections", "templates")],
                [STATIC_ROOT / "staticfiles.json"],
            ),
            "OPTIONS": {"MAX_ENTRIES": 200},
        }
        if DASHBOARD_CACHE_DIR
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dashboard",
            "OPTIONS": {"MAX_ENTRIES": 200},
        }
    ),
}

# Largest evidence upload accepted, in bytes.
EVIDENCE_MAX_UPLOAD_BYTES = envint("EVIDENCE_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))
# Largest request body read at all: the largest upload (evidence, or a 20 MB
# Ofsted report in the admin) plus 1 MB for the form's other fields and the
# multipart framing. Bigger requests get 413 before their body is read.
REQUEST_MAX_BODY_BYTES = max(EVIDENCE_MAX_UPLOAD_BYTES, 20 * 1024 * 1024) + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A download of more rows than this is written by the task worker, and the person
# fetches it from "Your downloads" when it is ready; smaller ones are sent at once.
# Measured (benchmarks/bench_exports.py, README "Scale"): 100,000 actions took
# 8 s as streamed CSV and 25 s as Excel, so 20,000 take about 2 s and 5 s: well
# inside gunicorn's 30 s timeout, even on a busy machine.
EXPORT_INLINE_MAX_ROWS = envint("EXPORT_INLINE_MAX_ROWS", "20000")
# Exports written in the background are deleted, with their files, after this many days.
EXPORT_KEEP_DAYS = envint("EXPORT_KEEP_DAYS", "7")
# A background download still waiting, or still being written, this many minutes
# after it was asked for (or started) is taken to have stopped (no worker running,
# or the worker killed mid-way) and shown as failed, so the person asks again
# rather than waiting for ever. The largest measured took 25 s.
EXPORT_STALLED_MINUTES = envint("EXPORT_STALLED_MINUTES", "30")
# How many background downloads one person may have waiting or being written at once.
EXPORT_QUEUE_LIMIT = envint("EXPORT_QUEUE_LIMIT", "3")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", "0" if DEBUG else "1")
# HTTPS only when DEBUG is off: plain HTTP is redirected, and browsers are told
# (HSTS) to use HTTPS for a year. Override only to try the app on plain HTTP.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1")
# "preload" only matters if the domain is submitted to the browsers' preload
# list (gov.uk already is); it does no harm otherwise.
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "1")
# Behind a proxy that terminates TLS and says so in a header, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https. Only set this if the
# proxy always sets (or strips) that header: otherwise a client could claim HTTPS.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _header, _, _value = os.environ["SECURE_PROXY_SSL_HEADER"].partition(",")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip() or "https")
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

# Console in development; SMTP in production, configured from the environment.
if envbool("EMAIL_SMTP", "0" if DEBUG else "1"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", "25"),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", "0"),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# Where the app is served, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "improvement-plan@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
