import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.helpers import make_evidence, make_paragraph, make_update


def _url(action) -> str:
    return reverse("improvement:action_detail", args=[action.pk])


def test_it_redirects_anonymous_to_sign_in(client, action):
    response = client.get(_url(action))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_outsider_gets_404(client, outsider, action):
    client.force_login(outsider)
    response = client.get(_url(action))
    assert response.status_code == 404
    assert "Audit contingency plans" not in response.content.decode()


def test_a_signed_in_user_with_no_role_gets_404(client, action, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    action.authority.members.add(user)
    client.force_login(user)
    assert client.get(_url(action)).status_code == 404


@pytest.mark.parametrize(
    ("who", "can_update", "can_lead"),
    [
        ("owner", True, False),
        ("teammate", True, False),
        ("other_manager", False, False),
        ("leader", True, True),
        ("viewer", False, False),
    ],
)
def test_members_of_the_authority_see_it(client, request, action, who, can_update, can_lead):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_url(action))
    assert response.status_code == 200
    assert response.context["can_update"] is can_update
    assert response.context["can_lead"] is can_lead
    body = response.content.decode()
    assert ("Record progress" in body) is can_update
    assert ("Override the RAG rating" in body) is can_lead


def test_it_shows_the_finding_with_the_inspectors_words_history_and_evidence(
    client, owner, leader, action
):
    finding = action.findings.get()
    finding.paragraphs.add(
        make_paragraph(finding.inspection, 7, text="Contingency plans are not always clear.")
    )
    make_update(action, leader, note="Audit of 40 plans started.")
    make_evidence(action, owner, title="Audit tool")
    client.force_login(owner)
    body = client.get(_url(action)).content.decode()
    assert "The quality of contingency planning." in body
    assert "Contingency plans are not always clear." in body
    assert "Audit of 40 plans started." in body
    assert "Lee Leader" in body
    assert "Audit tool" in body
    assert "Original due date" in body


def test_user_text_is_escaped(client, owner, action):
    make_update(action, owner, note="<script>alert(1)</script>")
    client.force_login(owner)
    body = client.get(_url(action)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("/actions/?status=blocked&rag=red", "/actions/?status=blocked&amp;rag=red"),
        ("//evil.example/", "/my-actions/"),
        ("https://evil.example/", "/my-actions/"),
        ("", "/my-actions/"),
    ],
)
def test_the_back_link_returns_where_the_person_came_from_if_it_is_ours(
    client, owner, action, back, expected
):
    client.force_login(owner)
    body = client.get(action.get_absolute_url(), {"back": back}).content.decode()
    assert f'href="{expected}" class="govuk-back-link"' in body


def test_the_progress_history_comes_a_page_at_a_time_newest_first(client, owner, action):
    start = timezone.now() - dt.timedelta(days=60)
    for day in range(30):
        make_update(
            action,
            owner,
            note=f"Update on day {day:02}.",
            created_at=start + dt.timedelta(days=day),
        )
    client.force_login(owner)
    back = "/actions/?status=blocked"

    first = client.get(_url(action), {"back": back})
    body = first.content.decode()
    notes = re.findall(r"Update on day (\d\d)\.", body)
    assert notes == [f"{day:02}" for day in range(29, 4, -1)]
    assert "Showing updates 1 to 25 of 30, newest first." in body
    assert "page=2#progress-history" in body
    assert "back=%2Factions%2F%3Fstatus%3Dblocked&amp;page=2" in body
    # The rest of the page is still there, and Back still goes where the person came from.
    assert f'href="{back}" class="govuk-back-link"' in body
    assert "What Ofsted found" in body

    second = client.get(_url(action), {"back": back, "page": "2"}).content.decode()
    assert re.findall(r"Update on day (\d\d)\.", second) == ["04", "03", "02", "01", "00"]
    assert "Showing updates 26 to 30 of 30, newest first." in second
    assert "page=1#progress-history" in second

    # Odd page numbers fall back to a page that exists, never an error.
    for page, expected in (("zzz", "29"), ("999", "04"), ("-1", "04"), ("0", "04")):
        response = client.get(_url(action), {"page": page})
        assert response.status_code == 200
        assert re.findall(r"Update on day (\d\d)\.", response.content.decode())[0] == expected


def test_a_short_history_shows_no_paging(client, owner, action):
    make_update(action, owner, note="Audit started.")
    client.force_login(owner)
    body = client.get(_url(action)).content.decode()
    assert "Audit started." in body
    assert "Showing updates" not in body
    assert "govuk-pagination" not in body
