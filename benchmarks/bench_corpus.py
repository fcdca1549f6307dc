"""Benchmark: parse and import a whole corpus of published Ofsted reports.

Each source is a folder of PDFs, or a bare git repository of one (such as the
public scrapers' repositories: the PDFs are read out of git at HEAD, nothing is
written to disk). Each PDF is read and parsed, then imported into a scratch
SQLite database (a dry run: every import is rolled back). Prints

- imported / refused by report type and publication year (from the file name,
  "… - 21 october 2019.pdf", else the report's own dates);
- refusals grouped by reason, the parser's self-check (validation) failures,
  and imports refused only because the data model lacks a kind or an area;
- agreement with a peer extraction (the ILACS scraper's ofsted_csc_ilacs_history.csv,
  found in a git source or given with --peer) per field, every disagreement listed;
- time per report: reading the PDF's text and parsing it, and the import.

    .venv/bin/python benchmarks/bench_corpus.py SOURCE [SOURCE …] [--peer CSV]
        [--project DIR] [--json OUT] [--limit N]

--project runs another checkout's parser and importer (e.g. /work/main, for a
"before" figure). Not a test: numbers depend on the corpus and the machine.
"""

import argparse
import csv
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PEER_FILE = "ofsted_csc_ilacs_history.csv"
MONTHS = "january february march april may june july august september october november december"
PEER_GRADES = {  # the peer's grade words, as our canonical labels
    "outstanding": "Outstanding",
    "good": "Good",
    "requires improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
}
PEER_AREAS = {
    "overall_effectiveness_grade": "overall",
    "impact_of_leaders_grade": "leadership",
    "help_and_protection_grade": "help_and_protection",
    "in_care_grade": "in_care",
    "care_leavers_grade": "care_leavers",
}


# --- Reading the sources -------------------------------------------------------


def is_bare_git(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def pdfs_in(source: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each PDF in a folder or a bare git repository's HEAD."""
    if not is_bare_git(source):
        for path in sorted(source.rglob("*.pdf")):
            yield str(path.relative_to(source)), path.read_bytes()
        return
    listing = subprocess.run(
        ["git", "-C", str(source), "ls-tree", "-r", "-z", "HEAD"],
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    blobs = []
    for entry in listing:
        meta, _, blob_path = entry.partition(b"\t")
        if blob_path.lower().endswith(b".pdf") and meta.split()[1:2] == [b"blob"]:
            blobs.append((blob_path.decode(), meta.split()[2].decode()))
    # One git process for all the blobs: "git cat-file --batch" answers in order.
    batch = subprocess.Popen(
        ["git", "-C", str(source), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert batch.stdin and batch.stdout
    for name, sha in sorted(blobs):
        batch.stdin.write(f"{sha}\n".encode())
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            print(f"  (not in the snapshot: {name})", file=sys.stderr)
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)  # the newline after each object
        yield name, data
    batch.stdin.close()
    batch.wait()


def peer_rows(sources: list[Path], peer: Path | None) -> dict[tuple[str, str], dict[str, str]]:
    """The peer CSV's rows by (folder's URN, file name)."""
    text = None
    if peer:
        text = peer.read_text(encoding="utf-8-sig")
    else:
        for source in sources:
            if is_bare_git(source):
                found = subprocess.run(
                    ["git", "-C", str(source), "show", f"HEAD:{PEER_FILE}"],
                    capture_output=True,
                )
                if found.returncode == 0:
                    text = found.stdout.decode("utf-8-sig")
    if text is None:
        return {}
    return {(r["urn"], r["pdf_filename"]): r for r in csv.DictReader(io.StringIO(text))}


def peer_key(name: str) -> tuple[str, str]:
    """'export_data/inspection_reports/80426_barnsley/x.pdf' -> ('80426', 'x.pdf')."""
    parts = name.split("/")
    return (parts[-2].split("_")[0] if len(parts) > 1 else "", parts[-1])


def publication_year(name: str) -> int | None:
    m = re.search(rf"(\d{{1,2}}) ({MONTHS.replace(' ', '|')}) (\d{{4}})\.pdf$", name, re.I)
    return int(m.group(3)) if m else None


# Title words of each format; the one printed first in a report names its type.
TITLES = [
    ("joint targeted area inspection", "jtai"),
    ("monitoring visit", "monitoring_visit"),
    ("focused visit", "focused_visit"),
    ("re-inspection of services for children", "sif"),
    ("inspection of services for children in need", "sif"),
    ("inspection of safeguarding and looked after", "other"),
    ("inspection of looked after children", "other"),
    ("local authority children", "ilacs"),
    ("children’s social care services", "ilacs"),
    ("children's social care services", "ilacs"),
    ("judgement grade", "ilacs"),
]


def sniffed_type(text: str) -> str:
    """A report's type from its title, whatever the parser made of it: the
    table's rows stay the same from one parser to the next."""
    head = " ".join(text[:2500].split()).lower()
    found = [(head.find(words), kind) for words, kind in TITLES if words in head]
    return min(found)[1] if found else "unknown"


def reason(message: str) -> str:
    """A refusal's message with its particulars taken out, to group alike ones."""
    message = re.sub(r"“[^”]*”|'[^']*'", "“…”", message)
    return re.sub(r"\d[\d-]*", "N", message)[:160]


# --- Running ------------------------------------------------------------------


def setup_django(project: Path) -> None:
    sys.path.insert(0, str(project))
    os.chdir(project)
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run(sources: list[Path], limit: int | None) -> list[dict[str, Any]]:
    from inspections.importer import import_parsed
    from inspections.report_parser import ReportError, extract_text, parse_report

    results = []
    for source in sources:
        for n, (name, data) in enumerate(pdfs_in(source)):
            if limit and n >= limit:
                break
            row: dict[str, Any] = {"source": source.name, "file": name, "error": None}
            started = time.perf_counter()
            text = ""
            try:
                text = extract_text(data)
                parsed = parse_report(text)
            except ReportError as exc:
                row.update(error=str(exc), stage="parse")
            except Exception as exc:  # a crash is a finding, not the end of the run
                row.update(error=f"CRASH {exc!r}", stage="parse")
            row["parse_seconds"] = time.perf_counter() - started
            if row["error"] is None:
                row["type"] = parsed.type
                row["report"] = parsed.to_expected_dict()
                started = time.perf_counter()
                try:
                    import_parsed(parsed, dry_run=True)
                    row["imported"] = True
                except ReportError as exc:
                    row.update(error=str(exc), stage="import")
                except Exception as exc:
                    row.update(error=f"CRASH {exc!r}", stage="import")
                row["import_seconds"] = time.perf_counter() - started
            row["parsed_type"] = row.pop("type", None)
            row["type"] = sniffed_type(text)
            year = publication_year(name)
            if year is None and row.get("report", {}).get("start_date"):
                year = int(row["report"]["start_date"][:4])
            row["year"] = year
            results.append(row)
            mark = "." if row["error"] is None else "x"
            print(mark, end="", flush=True, file=sys.stderr)
    print(file=sys.stderr)
    return results


# --- Reporting ------------------------------------------------------------------


def model_lacks(message: str) -> str | None:
    """An import refused only because the data model has no such kind or area."""
    m = re.search(r"does not hold reports of type '([^']+)'", message)
    if m:
        return f"model lacks kind {m.group(1)}"
    m = re.search(r"Unknown judgement area in the judgement table: '([^']+)'", message)
    if m:
        return f"model lacks area “{m.group(1)[:50]}”"
    return None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(results: list[dict[str, Any]], peer: dict[tuple[str, str], dict[str, str]]) -> None:
    ok = [r for r in results if r["error"] is None]
    print(f"\n{len(ok)} of {len(results)} reports parsed, validated and imported.\n")

    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        outcome = "ok" if r["error"] is None else ("lacks" if model_lacks(r["error"]) else "no")
        by_type[r["type"]][f"{r['year']}:{outcome}"] += 1
        by_type[r["type"]][outcome] += 1
    print("Imported / refused (model lacks) by type (from the title) and publication year")
    for kind, counts in sorted(by_type.items()):
        years = sorted({k.split(":")[0] for k in counts if ":" in k})
        total = counts["ok"] + counts["no"] + counts["lacks"]
        cells = []
        for y in years:
            cell = f"{y} {counts[f'{y}:ok']}/{counts[f'{y}:no']}"
            cells.append(cell + (f" ({counts[f'{y}:lacks']})" if counts[f"{y}:lacks"] else ""))
        print(f"  {kind:<17} {counts['ok']}/{total} imported ({100 * counts['ok'] / total:.1f}%)")
        print("    " + ", ".join(cells))

    differ = [r for r in results if r.get("parsed_type") and r["parsed_type"] != r["type"]]
    if differ:
        print(f"\nParsed as another type than the title says: {len(differ)}")
        for r in differ:
            print(f"  {r['file']}: title {r['type']}, parsed {r['parsed_type']}")

    refusals = Counter(reason(r["error"]) for r in results if r["error"])
    lacks = Counter(x for r in results if r["error"] and (x := model_lacks(r["error"])))
    print("\nRefusals by reason")
    for text, n in refusals.most_common():
        print(f"  {n:4}  {text}")
    if lacks:
        print("\nImports refused because the model lacks a kind or area (counted apart)")
        for text, n in lacks.most_common():
            print(f"  {n:4}  {text}")
    checks = [r for r in results if r["error"] and "fails its own checks" in r["error"]]
    print(f"\nValidation (self-check) failures: {len(checks)}")
    for r in checks:
        print(f"  {r['file']}: {r['error'].split('imported: ', 1)[-1]}")

    if peer:
        compare_with_peer(results, peer)

    parse_times = [r["parse_seconds"] for r in results]
    import_times = [r["import_seconds"] for r in results if "import_seconds" in r]
    print("\nTime per report (seconds)      median    p95    max")
    for label, values in [("read PDF + parse", parse_times), ("import (dry run)", import_times)]:
        if values:
            print(
                f"  {label:<27}{statistics.median(values):8.3f}"
                f"{percentile(values, 0.95):7.3f}{max(values):7.3f}"
            )


def _peer_date(text: str) -> str | None:
    return datetime.strptime(text, "%d/%m/%Y").date().isoformat() if text else None


def compare_with_peer(results: list[dict[str, Any]], peer: dict[tuple[str, str], dict[str, str]]):
    from inspections.report_parser import match_judgement_area

    agree: Counter[str] = Counter()
    disagreements: list[str] = []
    matched = 0
    for r in results:
        row = peer.get(peer_key(r["file"]))
        if row is None or not row.get("inspection_framework") or r["error"]:
            continue
        matched += 1
        ours = r["report"]
        grades = {}
        for area, grade in ours["judgements"].items():
            key = match_judgement_area(area)
            grades["in_care" if key == "in_care_and_care_leavers" else key] = grade
        fields: dict[str, tuple[Any, Any]] = {
            "start date": (ours["start_date"], _peer_date(row["inspection_start_date"])),
            "end date": (ours["end_date"], _peer_date(row["inspection_end_date"])),
            "lead inspector": (ours["lead_inspector"] or "", row["inspector_name"]),
        }
        for column, area in PEER_AREAS.items():
            value = row[column]
            theirs = PEER_GRADES.get(value)
            if value in ("inspection_pre_dates_judgement", "not_reported_post_reform"):
                theirs = None
            elif theirs is None:
                theirs = f"({value or 'blank'})"
            fields[area] = (grades.get(area), theirs)
        for name, (mine, theirs) in fields.items():
            if mine == theirs:
                agree[name] += 1
            else:
                disagreements.append(f"  {name}: {r['file']}: ours {mine!r}, peer {theirs!r}")
    print(f"\nAgreement with the peer CSV ({matched} ILACS reports both parsed)")
    names = ["start date", "end date", "lead inspector", *PEER_AREAS.values()]
    for name in names:
        differ = sum(1 for d in disagreements if d.startswith(f"  {name}:"))
        print(f"  {name:<20} {agree[name]:4} agree, {differ:3} disagree")
    for line in disagreements:
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", type=Path)
    parser.add_argument("--peer", type=Path, help=f"the peer's {PEER_FILE}")
    parser.add_argument("--project", type=Path, default=ROOT, help="checkout to benchmark")
    parser.add_argument("--json", type=Path, help="write each report's result here")
    parser.add_argument("--limit", type=int, help="at most N PDFs from each source")
    args = parser.parse_args()
    sources = [s.resolve() for s in args.sources]
    peer = peer_rows(sources, args.peer.resolve() if args.peer else None)
    setup_django(args.project.resolve())
    started = time.perf_counter()
    results = run(sources, args.limit)
    report(results, peer)
    print(f"\n{len(results)} PDFs in {time.perf_counter() - started:.0f} s ({date.today()}).")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
