"""Locust load test: people using the tracker at once (see benchmarks/load/run.py).

Each simulated person signs in, then, with a think time of 1 to 3 s between
steps, opens the dashboard, the actions list and an action, records progress
now and then (reading the form's version and CSRF token first, as a browser
does), and sometimes signs out and in again. Credentials come from the
LOAD_ACCOUNTS environment variable ("user:password,user:password"): each
person takes the next account, so with as many accounts as people each signs
in as someone else.

Only ever run against 127.0.0.1 (run.py refuses anything else).
"""

import itertools
import os
import random
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

ACCOUNTS = [
    tuple(pair.split(":", 1)) for pair in os.environ.get("LOAD_ACCOUNTS", "").split(",") if pair
]
NEXT_ACCOUNT = itertools.cycle(ACCOUNTS)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACTION_LINK = re.compile(r'href="/actions/(\d+)/(?:\?[^"]*)?"')


class FormValues(HTMLParser):
    """The values a browser would send for the page's multipart form, as it stands."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("enctype") == "multipart/form-data":
            self._in_form = True
        if not self._in_form or not a.get("name"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind not in ("file", "radio", "checkbox", "submit") or "checked" in a:
                self.values[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self.values[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None


def form_values(html: str) -> dict[str, str]:
    parser = FormValues()
    parser.feed(html)
    return parser.values


@events.test_start.add_listener
def _only_local(environment, **kwargs) -> None:
    host = urlsplit(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"Refusing to load-test {environment.host}: 127.0.0.1 only.")
    if not ACCOUNTS:
        raise SystemExit("Set LOAD_ACCOUNTS=user:password,...")


class Person(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.username, self.password = next(NEXT_ACCOUNT)
        self.action_ids: list[str] = []
        self.sign_in()

    def sign_in(self) -> None:
        page = self.client.get("/accounts/login/", name="sign-in page")
        token = CSRF.search(page.text or "")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": self.password,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in gave {response.status_code}")

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(3)
    def actions_list(self) -> None:
        response = self.client.get("/actions/", name="actions list")
        ids = ACTION_LINK.findall(response.text or "")
        if ids:
            self.action_ids = ids

    @task(3)
    def action_detail(self) -> None:
        if self.action_ids:
            self.client.get(f"/actions/{random.choice(self.action_ids)}/", name="action detail")

    @task(1)
    def record_progress(self) -> None:
        if not self.action_ids:
            return
        url = f"/actions/{random.choice(self.action_ids)}/progress/"
        form = self.client.get(url, name="progress form")
        values = form_values(form.text or "")
        if "version" not in values or "csrfmiddlewaretoken" not in values:
            return
        values.update(status="in_progress", note="Load test: progress recorded.")
        with self.client.post(
            url,
            data=values,
            headers={"Referer": self.host + url},
            name="record progress",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # 302: saved. 409: someone saved the same action in between, and the
            # page said so (the app's rule, not a failure). 200: the form refused
            # the input (e.g. a due date now needed): counted as a failure.
            if response.status_code in (302, 409):
                response.success()
            else:
                response.failure(f"record progress gave {response.status_code}")

    @task(1)
    def sign_out_and_in(self) -> None:
        page = self.client.get("/", name="dashboard")
        token = CSRF.search(page.text or "")
        self.client.post(
            "/accounts/logout/",
            data={"csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": self.host + "/"},
            name="sign out",
            allow_redirects=False,
        )
        self.sign_in()
