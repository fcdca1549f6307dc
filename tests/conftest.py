"""Fixtures shared by every test: a fixed cast of users and fast hashing."""

import pytest


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Tasks run at once, in the test, rather than waiting for a db_worker."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_dashboard_cache():
    """Each test starts with no cached dashboards: a rolled-back test can reuse a plan
    version number (SQLite's ids roll back with it), which production never does."""
    from django.core.cache import caches

    caches["dashboard"].clear()


@pytest.fixture
def evidence_storage(settings, tmp_path):
    """Evidence files go to a temporary folder for the test (Django resets the storage)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


@pytest.fixture(autouse=True)
def export_files(tmp_path, monkeypatch):
    """Exports written in the background go to a temporary folder for the test.

    The file field holds its storage from start-up, so it is swapped here rather
    than through STORAGES."""
    from django.core.files.storage import FileSystemStorage

    from improvement.models import ExportJob

    storage = FileSystemStorage(location=tmp_path / "exports")
    monkeypatch.setattr(ExportJob._meta.get_field("file"), "storage", storage)
    return storage
