"""Benchmark: checking evidence uploads that are zip bombs.

For each archive, the time and the peak memory (tracemalloc) of
`validate_evidence_file`, and for comparison what reading the `mimetype`
member whole costs (what the check did before it was bounded). Not a test:
numbers depend on the machine.

    .venv/bin/python benchmarks/bench_uploads.py
"""

import os
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from improvement.uploads import validate_evidence_file  # noqa: E402
from tests.improvement.test_uploads import _lie_about_sizes, _odt, _zeros_bomb  # noqa: E402

MB = 1024 * 1024


def measure(func: Callable[[], object]) -> tuple[float, int, object]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = func()
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return elapsed, peak, result


def check(name: str, content: bytes) -> str:
    try:
        validate_evidence_file(SimpleUploadedFile(name, content))
    except ValidationError as error:
        return f"refused ({error.code})"
    return "accepted"


def read_whole(content: bytes) -> str:
    """Stream the member to its end, as the old check's archive.read() did (in one piece)."""
    import io

    total = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open("mimetype") as member:
        while chunk := member.read(MB):
            total += len(chunk)
    return f"{total / MB:,.0f} MB of zeros"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bomb = _zeros_bomb(Path(tmp) / "bomb.odt", 1024 * MB + 1).read_bytes()
    cases = {
        "real .odt": _odt(),
        "2 MB zeros mimetype": _odt(bytes(2 * MB), compress=zipfile.ZIP_DEFLATED),
        "1 GiB zeros mimetype": bomb,
        "1 GiB, size lied": _lie_about_sizes(bomb, b"mimetype", 39),
    }
    print(f"{'archive':24} {'file KB':>9} {'check ms':>9} {'peak KB':>9}  result")
    for name, content in cases.items():
        elapsed, peak, result = measure(lambda c=content: check("plan.odt", c))
        print(
            f"{name:24} {len(content) / 1024:9.0f} {elapsed * 1000:9.1f} {peak / 1024:9.0f}  {result}"
        )
    print()
    print("For comparison, decompressing the mimetype member to its end (streamed, not kept):")
    for name in ("2 MB zeros mimetype", "1 GiB zeros mimetype"):
        started = time.perf_counter()
        result = read_whole(cases[name])
        print(f"{name:24} {(time.perf_counter() - started) * 1000:9.0f} ms  {result}")


if __name__ == "__main__":
    main()
