from improvement.models import Role
from tests.browser.test_measures import _plan
from tests.helpers import make_value
from improvement import impact
import datetime as dt


def test_shots(page, live_server, member, sign_in):
    owner = member("olive", Role.MANAGER, first_name="Olive", last_name="Owner")
    leader = member("lee", Role.LEADER, first_name="Lee", last_name="Leader")
    finding, measure, last = _plan(owner)
    measure.values.order_by("-period").first()
    sign_in(page, leader)
    for w, tag in ((1280, "d"), (375, "m")):
        page.set_viewport_size({"width": w, "height": 900})
        page.goto(f"{live_server.url}/findings/{finding.pk}/")
        page.screenshot(path=f"/tmp/shots/finding_{tag}.png", full_page=True)
        page.goto(f"{live_server.url}/measures/{measure.pk}/")
        page.screenshot(path=f"/tmp/shots/measure_{tag}.png", full_page=True)
        page.goto(f"{live_server.url}/measures/values/?all=1")
        page.screenshot(path=f"/tmp/shots/values_{tag}.png", full_page=True)
        page.goto(f"{live_server.url}/measures/")
        page.screenshot(path=f"/tmp/shots/list_{tag}.png", full_page=True)
        page.goto(f"{live_server.url}/")
        page.screenshot(path=f"/tmp/shots/dash_{tag}.png", full_page=True)
