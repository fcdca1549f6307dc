"""Benchmark: reading and importing the sample Ofsted reports.

Prints, for each PDF in ../shared/reports: its pages, the median time to get
its text with pypdfium2 in this process, the same through ``extract_text``
(what the importer uses: pypdfium2 in a child process under page, memory and
time limits), and with pypdf (the pure Python alternative), how many line-end
hyphens each keeps (pdfium:pypdf, kept of those pdftotext shows), the time to parse
the text, and the time of a whole import into a fresh SQLite database (first
import, then a re-import that changes nothing). Not a test: numbers depend on
the machine.

    .venv/bin/python benchmarks/bench_report_parser.py [--runs 10]
"""

import argparse
import io
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT.parent / "shared" / "reports"
sys.path.insert(0, str(ROOT))


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def pdfium_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return "\f".join(page.get_textpage().get_text_bounded() for page in pdf)
    finally:
        pdf.close()


def pypdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\f".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def hyphens_kept(path: Path, text: str) -> str:
    """How many of the words pdftotext shows broken at a line-end hyphen keep it."""
    sample = path.with_suffix(".txt").read_text()
    broken = re.findall(r"(\w+)-\n\f?\s*(\w+)", sample)
    joined = " ".join(re.sub(r"-\s*\n\s*", "-", text).split())
    return f"{sum(f'{a}-{b}' in joined for a, b in broken)}:{len(broken)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from inspections.importer import import_report_file
    from inspections.report_parser import extract_text, parse_report

    call_command("migrate", verbosity=0)
    print(
        f"{'report':<38}{'pages':>6}{'pdfium ms':>10}{'child ms':>9}{'pypdf ms':>9}"
        f"{'hyphens kept':>15}"
        f"{'parse ms':>9}{'import ms':>10}{'again ms':>9}"
    )
    for path in sorted(REPORTS.glob("*.pdf")):
        data = path.read_bytes()
        text = extract_text(data)
        pages = text.count("\f") + 1
        pdfium_ms = median_ms(lambda data=data: pdfium_text(data), args.runs)
        child_ms = median_ms(lambda data=data: extract_text(data), args.runs)
        pypdf_ms = median_ms(lambda data=data: pypdf_text(data), max(1, args.runs // 3))
        kept = "/".join(hyphens_kept(path, t) for t in (text, pypdf_text(data)))
        parse_ms = median_ms(lambda text=text: parse_report(text), args.runs)
        started = time.perf_counter()
        import_report_file(data)
        import_ms = (time.perf_counter() - started) * 1000
        again = import_report_file(data)
        print(
            f"{path.stem:<38}{pages:>6}{pdfium_ms:>10.1f}{child_ms:>9.1f}{pypdf_ms:>9.1f}{kept:>15}"
            f"{parse_ms:>9.1f}{import_ms:>10.1f}{again.seconds * 1000:>9.1f}"
        )


if __name__ == "__main__":
    main()
