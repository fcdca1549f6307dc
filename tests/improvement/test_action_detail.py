import pytest
from django.urls import reverse

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
