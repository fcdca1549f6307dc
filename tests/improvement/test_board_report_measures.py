"""The board report shows each finding's measures at the start and end of the period,
rated at its end, frozen with the report in every format (page, spreadsheet, PDF)."""

import datetime as dt
import json
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from improvement.models import BoardReport
from improvement.reports import build_report, compare_two, measures_in_period
from tests.helpers import make_finding, make_measure_for, make_value

Q1 = {"authority": "middlesbrough", "start": "2024-01-01", "end": "2024-03-31"}
Q2 = {"authority": "middlesbrough", "start": "2024-04-01", "end": "2024-06-30"}
SAVED_V2 = Path(__file__).parent.parent / "data" / "board_report_v2.json"


@pytest.fixture
def plan(action, owner):
    """Three findings:

    - contingency planning: "Visits on time" (monthly %, Jan to Jul 2024, comparators
      in June) and "Re-referrals" (quarterly count, lower is better, Q1 and Q2);
    - private fostering: "Visits on time" too, and "Care leavers in touch", whose
      first value is for May 2024;
    - health assessments: no measures.
    """
    contingency = action.findings.get()
    fostering = make_finding(contingency.inspection, text="Private fostering arrangements.")
    make_finding(contingency.inspection, text="Timely health assessments.")
    visits = make_measure_for([contingency, fostering], owner=owner)
    for month, value in enumerate(["60", "62", "65", "68", "70"], start=1):
        make_value(visits, dt.date(2024, month, 1), value, owner)
    june = make_value(
        visits,
        dt.date(2024, 6, 1),
        "72",
        owner,
        england_average="80.5",
        neighbours_average="75",
    )
    make_value(visits, dt.date(2024, 7, 1), "85", owner)
    referrals = make_measure_for(
        [contingency],
        owner=owner,
        name="Re-referrals",
        unit="count",
        direction="lower",
        frequency="quarterly",
        target=100,
        target_date=dt.date(2025, 3, 31),
    )
    make_value(referrals, dt.date(2024, 1, 1), "150", owner)
    make_value(referrals, dt.date(2024, 4, 1), "130", owner)
    leavers = make_measure_for([fostering], owner=owner, name="Care leavers in touch", target=95)
    make_value(leavers, dt.date(2024, 5, 1), "88", owner)
    return {"visits": visits, "referrals": referrals, "leavers": leavers, "june": june}


def _report(authority, start: str, end: str) -> dict:
    return build_report(
        authority=authority, start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end)
    )


def _by_text(report: dict) -> dict[str, dict]:
    return {f["text"]: f for f in report["findings"]}


def _measures(finding: dict) -> dict[str, dict]:
    return {m["name"]: m for m in finding["measures"]}


def test_a_measure_at_the_start_and_end_of_the_period_rated_at_the_end(authority, plan):
    findings = _by_text(_report(authority, **{k: Q2[k] for k in ("start", "end")}))
    visits = _measures(findings["The quality of contingency planning."])["Visits on time"]
    assert visits == {
        "id": plan["visits"].pk,
        "name": "Visits on time",
        "unit": "percentage",
        "direction": "higher",
        "frequency": "monthly",
        "target": "90.00",
        "target_date": "2024-12-31",
        # March is the last month over by 1 April; June the last by 30 June (July's
        # value is after the period).
        "start": {
            "period": "2024-03-01",
            "label": "Mar 2024",
            "value": "65.00",
            "england_average": None,
            "neighbours_average": None,
        },
        "end": {
            "period": "2024-06-01",
            "label": "Jun 2024",
            "value": "72.00",
            "england_average": "80.50",
            "neighbours_average": "75.00",
        },
        # From 60 at the end of January to 90 by December: 73.52 expected at the end
        # of June; 72 is short by 1.52, within a tenth of the 30 planned.
        "rating": {
            "impact": "close",
            "expected": "73.52",
            "reason": "72% against 73.5% expected: a little behind.",
        },
    }


def test_a_quarterly_measure_counts_a_quarter_once_it_has_ended(authority, plan):
    q2 = _by_text(_report(authority, "2024-04-01", "2024-06-30"))
    referrals = _measures(q2["The quality of contingency planning."])["Re-referrals"]
    assert (referrals["start"]["label"], referrals["start"]["value"]) == ("Jan–Mar 2024", "150.00")
    assert (referrals["end"]["label"], referrals["end"]["value"]) == ("Apr–Jun 2024", "130.00")
    assert referrals["rating"]["impact"] == "on_track"

    # A period ending in May: the second quarter has not ended, so Q1 is both ends.
    april_may = _by_text(_report(authority, "2024-04-01", "2024-05-31"))
    referrals = _measures(april_may["The quality of contingency planning."])["Re-referrals"]
    assert referrals["start"]["label"] == referrals["end"]["label"] == "Jan–Mar 2024"
    assert referrals["rating"]["impact"] == "not_yet"


def test_a_measure_with_no_value_before_the_period(authority, plan):
    fostering = _by_text(_report(authority, "2024-04-01", "2024-06-30"))[
        "Private fostering arrangements."
    ]
    leavers = _measures(fostering)["Care leavers in touch"]
    assert leavers["start"] is None
    assert leavers["end"]["value"] == "88.00"
    assert leavers["rating"]["impact"] == "not_yet"  # its baseline only
    # The finding is as far off track as its worst rated measure.
    assert fostering["impact_end"] == "close"

    before_any = _by_text(_report(authority, "2023-10-01", "2023-12-31"))
    leavers = _measures(before_any["Private fostering arrangements."])["Care leavers in touch"]
    assert (leavers["start"], leavers["end"]) == (None, None)
    assert leavers["rating"]["impact"] == "not_yet"


def test_a_finding_with_no_measures_and_a_measure_of_two_findings(authority, plan):
    findings = _by_text(_report(authority, "2024-04-01", "2024-06-30"))
    assert findings["Timely health assessments."]["measures"] == []
    assert findings["Timely health assessments."]["impact_end"] == "no_measures"
    assert list(_measures(findings["The quality of contingency planning."])) == [
        "Re-referrals",
        "Visits on time",
    ]
    assert "Visits on time" in _measures(findings["Private fostering arrangements."])
    assert findings["The quality of contingency planning."]["impact_end"] == "close"


def test_measures_take_a_fixed_number_of_queries(authority, plan, owner, django_assert_num_queries):
    findings = list(plan["visits"].findings.all().select_related("inspection"))
    with django_assert_num_queries(3):  # measures, their values, their interim targets
        measures_in_period(findings, start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 30))

    for n in range(3):
        finding = make_finding(findings[0].inspection, text=f"Finding {n}.")
        measure = make_measure_for([finding], owner=owner, name=f"Measure {n}")
        make_value(measure, dt.date(2024, 2, 1), "50", owner)
        findings.append(finding)
    with django_assert_num_queries(3):
        rows = measures_in_period(findings, start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 30))
    assert len(rows) == 5


def test_the_page_shows_each_findings_measures(client, leader, plan):
    client.force_login(leader)
    response = client.get(reverse("improvement:report_preview"), Q2)
    body = response.content.decode()
    assert body.count("Visits on time") == 2  # under both its findings
    assert "65%" in body and "72%" in body
    assert "England 80.5%; statistical neighbours 75%" in body
    assert "150" in body and "Apr–Jun 2024" in body
    assert "No value yet" in body  # care leavers at the start
    assert "No measures." in body
    assert "90% by 31 Dec 2024" in body
    assert "72% against 73.5% expected: a little behind." in body


def _saved_xlsx_measures(client, report: BoardReport) -> list[dict]:
    response = client.get(reverse("improvement:report_xlsx", args=[report.pk, "xlsx"]))
    workbook = load_workbook(BytesIO(response.content))
    rows = list(workbook["Measures"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Finding")
    return [dict(zip(rows[header], r, strict=True)) for r in rows[header + 1 :]]


def _pdf_text(client, report: BoardReport) -> str:
    response = client.get(reverse("improvement:report_xlsx", args=[report.pk, "pdf"]))
    pdf = pdfium.PdfDocument(response.content)
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    return " ".join(text.split())  # as read, not as wrapped in table cells


def test_the_spreadsheet_has_a_row_per_finding_and_measure(client, leader, plan):
    client.force_login(leader)
    client.post(reverse("improvement:report_save"), Q2 | {"title": "Board Q2"})
    rows = _saved_xlsx_measures(client, BoardReport.objects.get())
    assert [(r["Finding"], r["Measure"]) for r in rows] == [
        ("The quality of contingency planning.", "Re-referrals"),
        ("The quality of contingency planning.", "Visits on time"),
        ("Private fostering arrangements.", "Care leavers in touch"),
        ("Private fostering arrangements.", "Visits on time"),
        ("Timely health assessments.", "(no measures)"),
    ]
    visits = rows[1]
    assert (visits["Value at start"], visits["Value at end"], visits["Target"]) == (65, 72, 90)
    assert visits["England average at end"] == 80.5
    assert visits["Period at end"] == "Jun 2024"
    assert visits["Unit"] == "Percentage"
    assert visits["Rating at end"] == "Close"
    assert visits["Finding impact at end"] == "Close"
    assert rows[2]["Value at start"] is None
    assert rows[4]["Finding impact at end"] == "No measures"


def test_a_saved_reports_figures_do_not_change_when_values_do(client, leader, owner, plan):
    client.force_login(leader)
    client.post(reverse("improvement:report_save"), Q2 | {"title": "Board Q2"})
    report = BoardReport.objects.get()
    assert report.data["version"] == 3

    # June's figure is corrected down, and March's, and a value arrives for the
    # measure that had none at the start.
    make_value(
        plan["visits"],
        dt.date(2024, 6, 1),
        "51",
        owner,
        corrects=plan["june"],
        note="Recounted: duplicates removed.",
    )
    march = plan["visits"].values.get(period=dt.date(2024, 3, 1))
    make_value(plan["visits"], march.period, "44", owner, corrects=march, note="Recounted.")
    make_value(plan["leavers"], dt.date(2024, 3, 1), "81", owner)

    live = client.get(reverse("improvement:report_preview"), Q2).content.decode()
    assert "51%" in live and "44%" in live  # the live report sees the corrections

    page = client.get(report.get_absolute_url()).content.decode()
    assert "72%" in page and "65%" in page
    assert "51%" not in page and "44%" not in page and "81%" not in page
    visits = _saved_xlsx_measures(client, report)[1]
    assert (visits["Value at start"], visits["Value at end"]) == (65, 72)
    pdf = _pdf_text(client, report)
    assert "72%" in pdf and "65%" in pdf
    assert "51%" not in pdf and "44%" not in pdf


def test_the_pdf_has_each_findings_measures(client, leader, plan):
    client.force_login(leader)
    client.post(reverse("improvement:report_save"), Q2 | {"title": "Board Q2"})
    text = _pdf_text(client, BoardReport.objects.get())
    assert text.count("Visits on time") == 2
    assert "Re-referrals" in text and "Jan–Mar 2024" in text
    assert "No measures." in text
    assert "Close" in text


def test_a_report_saved_before_measures_shows_without_them(client, authority, leader, plan):
    report = BoardReport.objects.create(
        authority=authority,
        title="Board, April to June 2024",
        period_start="2024-04-01",
        period_end="2024-06-30",
        data=json.loads(SAVED_V2.read_text()),
        created_by=leader,
        created_at=timezone.now(),
    )
    client.force_login(leader)
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "New auditors start in September." in body
    assert "Measures</h4>" not in body and "No measures" not in body

    xlsx = client.get(reverse("improvement:report_xlsx", args=[report.pk, "xlsx"]))
    assert load_workbook(BytesIO(xlsx.content)).sheetnames == ["Data"]
    pdf = _pdf_text(client, report)
    assert "No auditors." in pdf and "Measures" not in pdf


def test_two_reports_compare_their_measures_end_values(client, leader, plan):
    client.force_login(leader)
    save = reverse("improvement:report_save")
    client.post(save, Q1 | {"title": "Board Q1"})
    client.post(save, Q2 | {"title": "Board Q2"})
    q1, q2 = BoardReport.objects.get(title="Board Q1"), BoardReport.objects.get(title="Board Q2")
    measures = {m["name"]: m for m in compare_two(q1.data, q2.data)["measures"]}
    assert list(measures) == ["Re-referrals", "Visits on time", "Care leavers in touch"]
    visits = measures["Visits on time"]
    assert (visits["before"]["value"], visits["after"]["value"]) == ("65.00", "72.00")
    assert measures["Care leavers in touch"]["before"] is None

    response = client.get(reverse("improvement:report_compare"), {"first": q1.pk, "second": q2.pk})
    body = response.content.decode()
    assert "Measures at the end of each period" in body
    assert "65%" in body and "72%" in body


def test_a_report_saved_before_measures_compares_without_them(client, authority, leader, plan):
    old = json.loads(SAVED_V2.read_text())
    new = _report(authority, "2024-07-01", "2024-09-30")
    assert compare_two(old, new)["measures"] == []
