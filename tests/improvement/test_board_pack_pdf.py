"""The board pack as a PDF: A4, cover, contents, summary, a section per finding, page numbers."""

import datetime as dt

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import timezone

from improvement.models import Action, BoardReport
from tests.helpers import make_evidence, make_finding, make_update

Q1 = {"authority": "middlesbrough", "start": "2024-01-01", "end": "2024-03-31"}


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T12:00"))


@pytest.fixture
def saved(client, leader, action, owner):
    Action.objects.filter(pk=action.pk).update(created_at=_at("2023-12-01"))
    make_finding(action.findings.get().inspection, text="Private fostering arrangements.", order=2)
    make_update(action, owner, note="Audit started in January.", created_at=_at("2024-01-20"))
    make_evidence(action, owner, title="Audit plan, January", added_at=_at("2024-01-21"))
    client.force_login(leader)
    client.post(reverse("improvement:report_save"), Q1 | {"title": "Board, January to March"})
    return BoardReport.objects.get()


def _pages(content: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(content)
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def test_a_saved_report_downloads_as_an_a4_board_pack(client, saved):
    response = client.get(reverse("improvement:report_xlsx", args=[saved.pk, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="middlesbrough-board-pack-2024-01-01-to-2024-03-31.pdf"'
    )
    pdf = pdfium.PdfDocument(response.content)
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    pages = _pages(response.content)
    # Cover, contents, summary, one page per finding, evidence appendix.
    assert len(pages) == 6
    assert "Board, January to March" in pages[0] and "1 January 2024 to 31 March 2024" in pages[0]
    assert "Lee Leader" in pages[0]
    assert "Contents" in pages[1] and "Private fostering arrangements." in pages[1]
    assert "Summary" in pages[2] and "Page 3 of 6" in pages[2]
    text = "\n".join(pages)
    assert "The quality of contingency planning." in text
    assert "Audit contingency plans" in text
    assert "Audit plan, January" in pages[-1]


def test_a_draft_pack_says_it_is_a_draft(client, leader, action):
    client.force_login(leader)
    today = dt.date.today()
    response = client.get(
        reverse("improvement:report_preview"),
        {
            "authority": "middlesbrough",
            "start": (today - dt.timedelta(days=7)).isoformat(),
            "end": today.isoformat(),
            "format": "pdf",
        },
    )
    assert response.status_code == 200
    assert "Draft" in _pages(response.content)[0]


def test_outsiders_cannot_download_the_pack(client, saved, outsider):
    client.force_login(outsider)
    assert client.get(reverse("improvement:report_xlsx", args=[saved.pk, "pdf"])).status_code == 404
