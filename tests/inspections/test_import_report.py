"""The import_report command and the admin upload: atomic, idempotent, clear errors."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pypdf import PdfWriter

from inspections.models import Inspection, Recommendation, ReportParagraph
from tests.helpers import make_action, make_user

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT.parent / "shared" / "reports"
SEED_2023 = next((ROOT.parent / "shared" / "seeds").glob("001_*.txt"))
SAMPLES = sorted(p.stem for p in REPORTS.glob("*.json"))

pytestmark = pytest.mark.django_db


def _import(path: Path, *args) -> str:
    out = io.StringIO()
    call_command("import_report", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("stem", SAMPLES)
@pytest.mark.parametrize("suffix", [".pdf", ".txt"])
def test_each_sample_report_imports_as_expected(stem, suffix):
    expected = json.loads((REPORTS / f"{stem}.json").read_text())
    output = _import(REPORTS / f"{stem}{suffix}")
    assert "Took" in output
    inspection = Inspection.objects.get()
    assert inspection.authority.name == expected["authority"]
    assert inspection.start_date.isoformat() == expected["start_date"]
    assert inspection.end_date.isoformat() == expected["end_date"]
    assert inspection.lead_inspector == (expected["lead_inspector"] or "")
    assert inspection.judgements.count() == len(expected["judgements"])
    assert (
        list(inspection.recommendations.values_list("text", flat=True))
        == expected["recommendations"]
    )
    assert inspection.paragraphs.count() == expected["paragraph_count"]


def test_importing_the_same_report_twice_changes_nothing():
    path = REPORTS / "stockton-on-tees-ilacs-2019-05.pdf"
    _import(path)
    history = Recommendation.history.count()
    output = _import(path)
    assert "No changes" in output
    assert Inspection.objects.count() == 1
    assert Recommendation.history.count() == history


def test_the_2023_seed_gives_the_inspection_the_fixtures_hold():
    call_command("loaddata", str(ROOT / "fixtures" / "inspections.json"), verbosity=0)
    paragraphs = list(
        ReportParagraph.objects.order_by("pk").values_list("number", "section", "text")
    )
    output = _import(SEED_2023)
    assert "No changes" in output, output
    assert (
        list(ReportParagraph.objects.order_by("pk").values_list("number", "section", "text"))
        == paragraphs
    )


def test_a_corrected_file_updates_in_place_and_keeps_actions(tmp_path):
    original = (REPORTS / "stockton-on-tees-ilacs-2019-05.txt").read_text()
    _import_text(tmp_path, original)
    finding = Recommendation.objects.get(order=1)
    action = make_action([finding], title="Tracking plans")

    corrected = original.replace("Timeliness in delivering", "Timeliness of delivering")
    output = _import_text(tmp_path, corrected)
    assert "finding 1 text corrected" in output
    finding.refresh_from_db()
    assert finding.text.startswith("Timeliness of delivering")
    assert list(finding.actions.all()) == [action]
    assert finding.history.first().history_change_reason == "Corrected by a report re-import"


def _import_text(tmp_path, text: str) -> str:
    path = tmp_path / "report.txt"
    path.write_text(text)
    return _import(path)


def test_a_corrected_file_cannot_drop_a_finding_that_has_actions(tmp_path):
    original = (REPORTS / "stockton-on-tees-ilacs-2019-05.txt").read_text()
    _import_text(tmp_path, original)
    last = Recommendation.objects.order_by("-order").first()
    make_action([last], title="Supervision records")
    lines = original.splitlines()
    bullet = next(i for i, line in enumerate(lines) if "Clarity in supervision records" in line)
    end = next(i for i in range(bullet, len(lines)) if "actions being achieved." in lines[i]) + 1
    shorter = "\n".join(lines[:bullet] + lines[end:])
    before = Recommendation.objects.count()
    with pytest.raises(CommandError, match="has actions in the improvement plan"):
        _import_text(tmp_path, shorter)
    assert Recommendation.objects.count() == before


def test_dry_run_writes_nothing():
    output = _import(REPORTS / "middlesbrough-focused_visit-2024-07.pdf", "--dry-run")
    assert output.startswith("Would create")
    assert Inspection.objects.count() == 0


def test_the_authority_can_be_named(tmp_path):
    _import(
        REPORTS / "middlesbrough-focused_visit-2021-05.txt", "--authority", "Middlesbrough Council"
    )
    assert Inspection.objects.get().authority.name == "Middlesbrough Council"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"Minutes of the parish council meeting.\nApologies were received.\n", "Ofsted"),
        (b"\x00\x01\x02\x03binary", ""),
    ],
)
def test_a_file_that_is_not_a_report_is_refused_and_nothing_is_written(tmp_path, content, message):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as excinfo:
        _import(path)
    assert "Nothing was imported." in str(excinfo.value)
    assert message.lower() in str(excinfo.value).lower()
    assert Inspection.objects.count() == 0


def test_an_encrypted_pdf_is_refused(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as f:
        writer.write(f)
    with pytest.raises(CommandError, match="(?i)encrypt"):
        _import(path)


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="Cannot read"):
        _import(Path("/nonexistent/report.pdf"))


def test_themes_and_paragraphs_are_linked_by_the_rules():
    call_command("loaddata", str(ROOT / "fixtures" / "inspections.json"), verbosity=0)
    _import(REPORTS / "redcar-and-cleveland-ilacs-2025-12.pdf")
    fostering = Recommendation.objects.get(
        text__startswith="The response to children who are privately"
    )
    assert "private-fostering" in set(fostering.themes.values_list("slug", flat=True))
    assert fostering.paragraphs.exists()
    assert all(
        "privately fostered" in p.text.lower() or "private fostering" in p.text.lower()
        for p in fostering.paragraphs.all()
    )


URL = "admin:inspections_inspection_import_report"


def test_the_admin_upload_imports_a_report(client):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    pdf = (REPORTS / "middlesbrough-focused_visit-2024-07.pdf").read_bytes()
    response = client.post(reverse(URL), {"file": SimpleUploadedFile("visit.pdf", pdf)})
    assert response.status_code == 200
    assert "Imported" in response.content.decode()
    assert Inspection.objects.get().recommendations.count() == 3


def test_the_admin_upload_says_what_was_wrong(client):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    response = client.post(
        reverse(URL), {"file": SimpleUploadedFile("notes.txt", b"Shopping list: eggs")}
    )
    assert "Nothing was imported." in response.content.decode()
    assert Inspection.objects.count() == 0


def test_the_admin_upload_needs_staff_with_permission(client):
    assert client.get(reverse(URL)).status_code == 302
    client.force_login(make_user("clerk", is_staff=True))
    assert client.get(reverse(URL)).status_code == 403
