"""Drive a running production server (gunicorn, DEBUG=0) with Chromium, as a person would.

Run by .ci/run against `scripts/production.sh web`, with the demo data loaded:

    .venv/bin/python scripts/smoke_production.py --url http://127.0.0.1:8765 \\
        --username demo.leader --password ...

The server is reached over plain HTTP on 127.0.0.1 but sees every request as
HTTPS, as behind a TLS-terminating proxy: the browser sends
`X-Forwarded-Proto: https` (gunicorn trusts it from 127.0.0.1, and Django
through SECURE_PROXY_SSL_HEADER). So HSTS, the SSL redirect and secure cookies
are on, as in production. Exits non-zero, saying why, at the first failure.
"""

import argparse
import csv
import re
import shutil
import sys
import urllib.error
import urllib.request

from playwright.sync_api import Page, Response, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
NOTE = "Production smoke test: progress recorded through gunicorn."


class SmokeFailure(AssertionError):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)
    print(f"  ok  {message}")


def expect_status(response: Response | None, status: int, what: str) -> Response:
    check(response is not None, f"{what}: a response")
    assert response is not None
    check(response.status == status, f"{what}: HTTP {status} (got {response.status})")
    return response


def plain_http_is_redirected_to_https(url: str) -> None:
    """Without the proxy's header the request is plain HTTP: it must be sent to HTTPS."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url + "/accounts/login/", timeout=10)  # noqa: S310 (our own 127.0.0.1 URL)
        status, location = 200, ""
    except urllib.error.HTTPError as error:
        status, location = error.code, error.headers.get("Location", "")
    check(status == 301, f"plain HTTP gets 301 (got {status})")
    check(location.startswith("https://"), f"and is redirected to HTTPS ({location})")


def run(page: Page, base: str, username: str, password: str) -> None:
    failures: list[str] = []
    page.on(
        "response",
        lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None,
    )
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    static: list[Response] = []
    page.on("response", lambda r: static.append(r) if "/static/" in r.url else None)

    print("Sign-in page")
    response = expect_status(page.goto(base + "/"), 200, "/ leads to the sign-in page")
    check("/accounts/login/" in page.url, "anonymous people are sent to sign in")
    headers = response.headers
    check("max-age=31536000" in headers.get("strict-transport-security", ""), "HSTS is sent")
    check("script-src 'self' 'nonce-" in headers.get("content-security-policy", ""), "CSP is sent")
    check(page.locator("h1").inner_text() == "Sign in", "the page says Sign in")
    page.wait_for_load_state("networkidle")
    check(static, "static files were requested")
    check(all(r.status == 200 for r in static), "every static file is served (200)")
    check(
        any(re.search(r"govuk-frontend\.min\.[0-9a-f]{12}\.css$", r.url) for r in static),
        "the CSS has its hashed name (manifest storage)",
    )
    check(
        all("max-age=315360000" in r.headers.get("cache-control", "") for r in static),
        "hashed static files are cached for ever",
    )
    check(
        page.evaluate("document.body.classList.contains('govuk-frontend-supported')"),
        "GOV.UK Frontend's script ran under the CSP",
    )

    print("Signing in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    cookies = {c["name"]: c for c in page.context.cookies()}
    check("sessionid" in cookies, "signed in: a session cookie")
    check(
        cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"],
        "it is Secure, HttpOnly",
    )

    print("Dashboard")
    response = expect_status(page.goto(base + "/"), 200, "the dashboard")
    check(response.headers.get("cache-control") == "private, no-store", "it is never stored")
    check(page.locator("h1").inner_text().strip() == "Middlesbrough", "it shows Middlesbrough")
    check(page.get_by_role("table").count() > 0, "with its tables")

    print("Recording progress")
    expect_status(page.goto(base + "/actions/"), 200, "the actions list")
    first = page.locator("main table a[href^='/actions/']").first
    # The list's links carry ?back=… so that the action page's back link keeps the filters.
    action_url = (first.get_attribute("href") or "").split("?")[0]
    check(re.fullmatch(r"/actions/\d+/", action_url), f"an action ({action_url})")
    assert action_url
    expect_status(page.goto(base + action_url), 200, "the action page")
    # By field names, not labels: the wording of the pages may change.
    expect_status(page.goto(base + action_url + "progress/"), 200, "the record-progress form")
    page.locator("input[name=status][value=in_progress]").check()
    page.locator("textarea[name=note]").fill(NOTE)
    with page.expect_navigation() as navigation:
        page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    expect_status(navigation.value, 200, "saved, back on the action")
    check(page.url.endswith(action_url), "back on the action page")
    check(page.get_by_text("Progress recorded.").count() == 1, "it says Progress recorded.")
    check(page.get_by_text(NOTE).count() >= 1, "the note is on the action")

    print("Export")
    expect_status(page.goto(base + "/actions/"), 200, "the actions list again")
    with page.expect_download() as download_info:
        page.locator("main a[href^='/actions.csv']").first.click()
    download = download_info.value
    check(download.suggested_filename.endswith(".csv"), f"a CSV ({download.suggested_filename})")
    with open(download.path(), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    check(rows and rows[0][:2] == ["Authority", "Action"], f"with its header ({rows[0][:2]})")
    check(len(rows) > 1, f"and rows ({len(rows) - 1} actions)")
    check(any("In progress" in row for row in rows[1:]), "including an action in progress")
    export = page.request.get(base + "/actions.xlsx")
    check(export.status == 200, "the Excel export: HTTP 200")
    check(export.body()[:2] == b"PK", "it is an xlsx (zip) file")
    check(export.headers.get("cache-control") == "private, no-store", "never stored")

    print("Signing out")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Sign out")).click()
    expect_status(page.goto(base + "/"), 200, "after signing out, /")
    check("/accounts/login/" in page.url, "asks to sign in again")

    check(not failures, f"no server errors ({failures})")
    check(not csp_errors, f"no CSP violations ({csp_errors})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("Debian's chromium is needed (apt-get install chromium)", file=sys.stderr)
        return 1
    try:
        plain_http_is_redirected_to_https(base)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = browser.new_context(
                accept_downloads=True, extra_http_headers={"X-Forwarded-Proto": "https"}
            )
            try:
                run(context.new_page(), base, args.username, args.password)
            finally:
                browser.close()
    except (SmokeFailure, AssertionError) as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print("Production smoke test passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
