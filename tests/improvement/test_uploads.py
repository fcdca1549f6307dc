"""Evidence uploads that are archives (Office, OpenDocument): zip bombs are refused
without decompressing them, and real documents still pass."""

import io
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement.models import Evidence
from improvement.uploads import (
    ARCHIVE_MAX_MEMBERS,
    ODF_MIMETYPE,
    PEEK_BYTES,
    UnsafeArchive,
    check_archive,
    read_member_start,
    validate_evidence_file,
)

ODT = ODF_MIMETYPE["odt"]
GIB = 1024**3
# The most a refusal may allocate: a few buffers of PEEK_BYTES and the zip directory.
MEMORY_BOUND = 2 * 1024 * 1024


def _odt(mimetype: bytes = ODT, compress: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=compress)
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return buffer.getvalue()


def _zeros_bomb(path: Path, size: int, name: str = "mimetype") -> Path:
    """A zip whose one member is `size` zero bytes, deflated (about 1 KB per MB).

    Deflating a gigabyte takes zlib 5 to 15 s here, so the stream is built from
    one compressed megabyte: after a full flush the compressor starts afresh,
    so every megabyte of zeros compresses to the same bytes, and the repeats
    make one valid deflate stream. The archive is written as zipfile would
    write it (local header, data, central directory, end record).
    """
    chunk = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    rest = bytes(size % len(chunk))
    crc = zlib.crc32(rest, crc)
    tail = compressor.compress(rest) + compressor.flush(zlib.Z_FINISH)
    compressed = (size // len(chunk)) * len(block) + len(tail)
    encoded = name.encode()
    with path.open("wb") as out:
        header = struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, compressed, size, len(encoded), 0
        )
        out.write(header + encoded)
        for _ in range(size // len(chunk)):
            out.write(block)
        out.write(tail)
        directory_at = out.tell()
        entry = struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            compressed,
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            0,
        )
        out.write(entry + encoded)
        out.write(
            struct.pack(
                "<4s4H2LH",
                b"PK\x05\x06",
                0,
                0,
                1,
                1,
                len(entry) + len(encoded),
                directory_at,
                0,
            )
        )
    return path


@pytest.fixture(scope="module")
def gigabyte_bomb(tmp_path_factory) -> Path:
    """An .odt declaring a member of just over 1 GiB of zeros (about 1 MB on disk)."""
    return _zeros_bomb(tmp_path_factory.mktemp("bomb") / "bomb.odt", GIB + 1)


def _lie_about_sizes(data: bytes, name: bytes, declared: int) -> bytes:
    """Rewrite the member's uncompressed size in its local header and directory entry."""
    data = bytearray(data)
    local = data.find(b"PK\x03\x04")  # the first member's local header
    assert data[local + 30 : local + 30 + len(name)] == name
    struct.pack_into("<L", data, local + 22, declared)
    central = data.find(b"PK\x01\x02")
    assert data[central + 46 : central + 46 + len(name)] == name
    struct.pack_into("<L", data, central + 24, declared)
    return bytes(data)


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/octet-stream")


def _refusal(upload) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_evidence_file(upload)
    return caught.value


def _peak_while(func) -> int:
    tracemalloc.start()
    try:
        func()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


# Real documents still pass


def test_a_real_odt_passes():
    validate_evidence_file(_upload("minutes.odt", _odt()))


def test_a_real_odt_with_a_deflated_mimetype_passes():
    validate_evidence_file(_upload("minutes.odt", _odt(compress=zipfile.ZIP_DEFLATED)))


def test_an_odt_with_another_mimetype_is_refused():
    error = _refusal(_upload("minutes.odt", _odt(b"application/x-msdownload")))
    assert error.code == "content_mismatch"


def test_a_real_word_document_with_many_parts_passes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + "<w:p/>" * 20000 + "</w:document>")
        for n in range(300):
            archive.writestr(f"word/media/image{n}.png", b"\x89PNG" + bytes(range(256)) * 4)
    validate_evidence_file(_upload("report.docx", buffer.getvalue()))


# Zip bombs


def test_a_2_mb_mimetype_of_zeros_is_refused_with_a_clear_message():
    upload = _upload("minutes.odt", _odt(bytes(2 * 1024 * 1024), compress=zipfile.ZIP_DEFLATED))
    assert upload.size < 10_000
    error = _refusal(upload)
    assert error.code == "unsafe_archive"
    message = error.messages[0]
    assert message.startswith("The file cannot be checked safely: a part of it expands")
    assert "zip bomb" in message
    assert message.endswith("Upload the original document.")


def test_a_gigabyte_bomb_is_refused_from_its_directory_without_decompressing(gigabyte_bomb):
    assert gigabyte_bomb.stat().st_size < 5 * 1024 * 1024
    with gigabyte_bomb.open("rb") as f:
        upload = _upload("plan.odt", f.read())

    errors: list[ValidationError] = []
    peak = _peak_while(lambda: errors.append(_refusal(upload)))

    assert errors[0].code == "unsafe_archive"
    assert "would expand to" in errors[0].messages[0]
    # The upload itself is ~1 MB in memory already; the check adds little.
    assert peak < MEMORY_BOUND


def test_the_bomb_is_real_and_reading_its_start_decompresses_only_a_few_kb(gigabyte_bomb):
    # Opened without the directory check, as a careless reader would.
    with zipfile.ZipFile(gigabyte_bomb) as archive:
        info = archive.getinfo("mimetype")
        assert info.file_size == GIB + 1
        assert info.compress_size < 2 * 1024 * 1024
        peak = _peak_while(lambda: read_member_start(archive, "mimetype", GIB))
        assert read_member_start(archive, "mimetype", GIB) == bytes(PEEK_BYTES)
    assert peak < MEMORY_BOUND


def test_a_bomb_that_lies_about_its_size_is_refused_after_a_few_bytes(gigabyte_bomb):
    """Declared sizes are the archive's word: here the gigabyte member claims to be
    as long as a real mimetype, so the directory looks fine. Its first bytes are
    not a mimetype (and zipfile reads no further than the declared size)."""
    with gigabyte_bomb.open("rb") as f:
        upload = _upload("plan.odt", _lie_about_sizes(f.read(), b"mimetype", len(ODT)))
    errors: list[ValidationError] = []
    peak = _peak_while(lambda: errors.append(_refusal(upload)))
    assert errors[0].code == "content_mismatch"
    assert peak < MEMORY_BOUND


def test_too_many_members_are_refused_before_the_directory_is_parsed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(ARCHIVE_MAX_MEMBERS + 1):
            archive.writestr(f"word/{n}", b"")
    error = _refusal(_upload("report.docx", buffer.getvalue()))
    assert error.code == "unsafe_archive"
    assert "more than 5,000 parts" in error.messages[0]


def test_a_zip64_directory_counts_as_too_many_members():
    data = bytearray(_odt())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 0xFFFF, 0xFFFF)
    with pytest.raises(UnsafeArchive):
        check_archive(io.BytesIO(bytes(data)))


def test_an_archive_whose_parts_add_up_to_too_much_is_refused():
    upload = _upload(
        "sheet.xlsx",
        _lie_about_sizes(_odt(), b"mimetype", 600 * 1024 * 1024),
    )
    error = _refusal(upload)
    assert error.code == "unsafe_archive"
    assert "would expand to" in error.messages[0]


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 and then nothing", b"PK\x03\x04" + bytes(100) + b"PK\x05\x06"],
)
def test_a_damaged_archive_is_refused_as_not_a_real_document(content):
    assert _refusal(_upload("minutes.odt", content)).code == "content_mismatch"


# Through the page


def test_a_manager_uploading_a_bomb_sees_the_message_and_nothing_is_saved(
    client, owner, action, evidence_storage
):
    client.force_login(owner)
    bomb = _odt(bytes(2 * 1024 * 1024), compress=zipfile.ZIP_DEFLATED)
    response = client.post(
        reverse("improvement:action_progress", args=[action.pk]),
        {
            "version": action.version,
            "status": "in_progress",
            "note": "Minutes attached.",
            "due_date": action.due_date.isoformat(),
            "evidence_title": "Board minutes",
            "evidence_kind": Evidence.Kind.DOCUMENT,
            "evidence_file": _upload("minutes.odt", bomb),
        },
    )
    assert response.status_code == 200
    assert "The file cannot be checked safely" in response.content.decode()
    assert Evidence.objects.count() == 0
