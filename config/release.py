"""What code is running: a fingerprint of it, for caches that outlive a process.

The dashboard's cache is kept on disk in production, shared by gunicorn's
processes (settings: CACHES["dashboard"]), so it survives a restart. A page
rendered by the last release must never be served by the next: its markup, its
figures' rules and its static files' hashed names may all have changed. The
fingerprint is the cache's key prefix, so a new release starts with no pages.
"""

import hashlib
from collections.abc import Iterable
from pathlib import Path

import django

# What a rendered page depends on: the code and templates, and the static files'
# hashed names (collectstatic's manifest), and Django itself.
CODE_SUFFIXES = (".py", ".html")


def fingerprint(roots: Iterable[Path], extra_files: Iterable[Path] = ()) -> str:
    """A short hash of every code file under `roots` (path and content) and of
    `extra_files` that exist. The same code gives the same fingerprint in every
    process; a change to any file's content gives another."""
    digest = hashlib.sha256(django.__version__.encode())
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES):
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(root.parent)).encode() + b"\0")
            digest.update(path.read_bytes())
    for path in extra_files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
