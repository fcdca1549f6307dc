"""Serving-side performance settings: Argon2 with upgrade at sign-in, persistent
database connections, and SQLite in WAL mode with immediate transactions."""

import json
import os
import re
import sqlite3
import subprocess
import sys

import dj_database_url
import pytest
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    make_password,
)
from django.db.backends.sqlite3.base import DatabaseWrapper

from config import release
from config import settings as project_settings
from config.hashers import Argon2Hasher
from tests.helpers import make_user

PASSWORD = "correct horse battery staple"


class QuickPBKDF2(PBKDF2PasswordHasher):
    """Django's PBKDF2 (same algorithm name, so it reads the same hashes), fewer rounds."""

    iterations = 1000


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = [
        project_settings.PASSWORD_HASHERS[0],
        f"{__name__}.QuickPBKDF2",
    ]


def test_argon2_is_the_first_hasher_and_the_old_ones_still_verify():
    hashers = project_settings.PASSWORD_HASHERS
    assert hashers[0] == "config.hashers.Argon2Hasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers
    hashed = Argon2Hasher().encode(PASSWORD, Argon2Hasher().salt())
    assert hashed.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.django_db
def test_a_hash_with_djangos_argon2_settings_is_brought_to_ours(client, production_hashers):
    user = make_user("olive")
    user.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    user.save()
    assert "m=102400" in user.password
    assert (
        client.post("/accounts/login/", {"username": "olive", "password": PASSWORD}).status_code
        == 302
    )
    user.refresh_from_db()
    assert "m=19456,t=2,p=1" in user.password


@pytest.mark.django_db
def test_an_old_pbkdf2_hash_becomes_argon2_at_sign_in(client, production_hashers):
    user = make_user("olive")
    # As stored before this change: PBKDF2, Django's default.
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    assert user.password.startswith("pbkdf2_sha256$")

    response = client.post("/accounts/login/", {"username": "olive", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_wrong_password_leaves_the_old_hash_alone(client, production_hashers):
    user = make_user("olive")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    client.post("/accounts/login/", {"username": "olive", "password": "wrong"})
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")


def test_connections_are_kept_and_health_checked():
    database = project_settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    # DEBUG is on when the tests import settings (no DEBUG in the environment):
    # development opens a connection per request, production keeps them (see settings).
    assert database["CONN_MAX_AGE"] == (0 if project_settings.DEBUG else 60)


def _sqlite(path) -> dict:
    """A SQLite database with the project's options (whichever database the tests use)."""
    return {
        **dj_database_url.parse(f"sqlite:///{path}"),
        "OPTIONS": project_settings.SQLITE_OPTIONS,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TIME_ZONE": None,
    }


def test_the_default_sqlite_database_gets_the_options():
    if project_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        options = project_settings.DATABASES["default"]["OPTIONS"]
        assert options.items() >= project_settings.SQLITE_OPTIONS.items()
    assert project_settings.SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert project_settings.SQLITE_OPTIONS["timeout"] >= 5


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path, django_db_blocker):
    wrapper = DatabaseWrapper(_sqlite(tmp_path / "db.sqlite3"), "wal")
    # pytest-django blocks every connection outside the test database; this one is ours.
    with django_db_blocker.unblock(), wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
    wrapper.close()


def test_with_wal_a_writer_commits_while_someone_is_reading(tmp_path, django_db_blocker):
    """Without WAL, a commit waits for every open read to finish (and fails after
    the timeout); with it, the commit goes through and the reader keeps its snapshot."""
    settings_dict = _sqlite(tmp_path / "db.sqlite3")
    settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], "timeout": 0.5}
    writer = DatabaseWrapper(settings_dict, "writer")
    with django_db_blocker.unblock():
        with writer.cursor() as cursor:
            cursor.execute("CREATE TABLE t (n INTEGER)")
            cursor.execute("INSERT INTO t VALUES (1)")
        reader = sqlite3.connect(tmp_path / "db.sqlite3", timeout=0, isolation_level=None)
        try:
            reader.execute("BEGIN")
            assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 1
            with writer.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (2)")  # autocommit: commits here
            assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 1
            reader.execute("COMMIT")
            assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 2
        finally:
            reader.close()
            writer.close()


def _dashboard_cache(**env) -> dict:
    """CACHES["dashboard"] as settings make it in a fresh process with `env`."""
    code = (
        "import json; from config import settings; "
        "print(json.dumps(settings.CACHES['dashboard'], default=str))"
    )
    environ = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DASHBOARD_CACHE_DIR")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**environ, "SECRET_KEY": "test-only", **env},
        cwd=project_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_production_keeps_dashboards_on_disk_for_all_its_processes():
    cache = _dashboard_cache(DEBUG="0")
    assert cache["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert cache["LOCATION"] == str(project_settings.BASE_DIR / "var" / "cache" / "dashboard")
    # Keys start with the running code's fingerprint (config/release.py).
    assert re.fullmatch(r"[0-9a-f]{16}", cache["KEY_PREFIX"])
    moved = _dashboard_cache(DEBUG="0", DASHBOARD_CACHE_DIR="/srv/tracker/cache")
    assert moved["LOCATION"] == "/srv/tracker/cache"
    assert moved["KEY_PREFIX"] == cache["KEY_PREFIX"]
    # Off disk: each process its own, in memory (development and tests by default).
    for env in ({"DEBUG": "0", "DASHBOARD_CACHE_DIR": ""}, {}):
        assert _dashboard_cache(**env)["BACKEND"] == (
            "django.core.cache.backends.locmem.LocMemCache"
        )


def test_the_release_fingerprint_follows_the_code_and_nothing_else(tmp_path):
    code = tmp_path / "app"
    (code / "templates").mkdir(parents=True)
    (code / "views.py").write_text("def view(): ...\n")
    (code / "templates" / "page.html").write_text("<p>{{ figure }}</p>\n")
    manifest = tmp_path / "staticfiles.json"
    manifest.write_text('{"paths": {"app.css": "app.1a2b.css"}}')

    def now() -> str:
        return release.fingerprint([code], [manifest, tmp_path / "absent.json"])

    first = now()
    assert now() == first  # the same code, the same fingerprint, in every process
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "views.cpython-312.pyc").write_bytes(b"\0compiled")
    (code / "notes.txt").write_text("not code")
    assert now() == first
    for path, text in (
        (code / "templates" / "page.html", "<p>{{ figure }}%</p>\n"),
        (code / "views.py", "def view(): return 1\n"),
        (manifest, '{"paths": {"app.css": "app.3c4d.css"}}'),
    ):
        before = now()
        path.write_text(text)
        assert now() != before, path.name
