"""Serving-side performance settings: Argon2 with upgrade at sign-in, persistent
database connections, and SQLite in WAL mode with immediate transactions."""

import sqlite3

import pytest
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    make_password,
)
from django.db.backends.sqlite3.base import DatabaseWrapper

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


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path, django_db_blocker):
    options = project_settings.DATABASES["default"].get("OPTIONS", {})
    if project_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the tests run on PostgreSQL: the SQLite options are not in use")
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    # A real file database opened with the project's options.
    wrapper = DatabaseWrapper(
        {**project_settings.DATABASES["default"], "NAME": str(tmp_path / "db.sqlite3")}, "wal"
    )
    # pytest-django blocks every connection outside the test database; this one is ours.
    with django_db_blocker.unblock(), wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
    wrapper.close()


def test_with_wal_a_reader_does_not_wait_for_a_writer(tmp_path, django_db_blocker):
    if project_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the tests run on PostgreSQL: the SQLite options are not in use")
    settings_dict = {**project_settings.DATABASES["default"], "NAME": str(tmp_path / "db.sqlite3")}
    writer = DatabaseWrapper(settings_dict, "writer")
    with django_db_blocker.unblock():
        with writer.cursor() as cursor:
            cursor.execute("CREATE TABLE t (n INTEGER)")
            cursor.execute("INSERT INTO t VALUES (1)")
        writer.set_autocommit(False)
        with writer.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")  # holds the write lock, uncommitted
        reader = sqlite3.connect(tmp_path / "db.sqlite3", timeout=0)
        try:
            # No "database is locked" even with no timeout at all: WAL lets it read.
            assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 1
        finally:
            reader.close()
        writer.rollback()
        writer.close()
