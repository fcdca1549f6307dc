import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _run() -> dict[str, str]:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    pairs = [line.split() for line in out.getvalue().splitlines() if line.startswith("  demo.")]
    return dict(pairs)


def test_it_prints_fresh_random_passwords_that_work(evidence_storage):
    first = _run()
    assert len(first) == 6
    assert authenticate(username="demo.leader", password=first["demo.leader"]) is not None
    second = _run()
    assert first["demo.leader"] != second["demo.leader"]
    assert authenticate(username="demo.leader", password=first["demo.leader"]) is None
    assert (evidence_storage / "demo" / "supervision-policy-demo.txt").is_file()
