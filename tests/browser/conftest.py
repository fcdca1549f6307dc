"""Browser tests: pytest-playwright driving Debian's Chromium against a live server.

`playwright install` cannot download a browser here, so Chromium comes from
Debian (`apt-get install chromium`). Without it these tests are skipped on a
developer's machine, and fail in CI (REQUIRE_BROWSER=1 or CI=true).
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group

from improvement.models import Role
from tests.helpers import make_authority, make_user

# live_server runs Django in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1" or os.environ.get("CI") == "true":
            pytest.fail(message + ": browser tests must run in CI.")
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def member(db):
    """Make a user with a role in an authority, who can sign in with PASSWORD."""

    def make(username: str, role: Role, authority_name: str = "Middlesbrough", **fields):
        user = make_user(username, **fields)
        user.set_password(PASSWORD)
        user.save()
        # get_or_create: live_server tests flush the tables after each test, taking
        # the roles made by the data migration with them.
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
        make_authority(authority_name).members.add(user)
        return user

    return make


@pytest.fixture
def sign_in(live_server):
    def sign_in(page, user, next_url: str = "/"):
        page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

    return sign_in


@pytest.fixture
def csp_errors(page):
    """Collect console messages about Content Security Policy violations."""
    errors = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return errors


_axe = Axe()


def assert_accessible(page) -> None:
    """No serious or critical axe-core violations on the page as it is now."""
    results = _axe.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}:\n" + "\n".join(bad)
