"""Checks on uploaded evidence files: size, and type judged by content.

The extension alone proves nothing (a renamed .exe is still an .exe), so each
allowed type is recognised by its first bytes, and the extension must agree.

Office and OpenDocument files are zip archives. Looking inside one must cost
little whatever the archive claims: a 2 MB upload can hold a member that
expands to gigabytes (a "zip bomb"). So the archive's directory is checked
first (number of members, declared sizes, compression ratios) and refused if
it is out of bounds; and no member is ever decompressed whole: at most
PEEK_BYTES of the one member whose content matters (an ODF file's `mimetype`).
"""

import re
import struct
import unicodedata
import zipfile
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension -> what the content must be
ALLOWED = {
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".gif": "gif",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".pptx": "pptx",
    ".odt": "odt",
    ".ods": "ods",
    ".doc": "ole2",
    ".xls": "ole2",
    ".ppt": "ole2",
    ".csv": "text",
    ".txt": "text",
}
ALLOWED_DESCRIPTION = "PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text, PNG, JPEG or GIF"
OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}


# Bounds on what an archive may declare. A long Word document has a few dozen
# members, a big slide deck a few hundred (slides, layouts, media); XML
# compresses 5 to 30 times, and a sheet of repeated rows rarely past 100.
ARCHIVE_MAX_MEMBERS = 5000
ARCHIVE_MAX_DIRECTORY_BYTES = 2 * 1024 * 1024
ARCHIVE_MAX_MEMBER_BYTES = 200 * 1024 * 1024
ARCHIVE_MAX_TOTAL_BYTES = 500 * 1024 * 1024
ARCHIVE_MAX_RATIO = 200
# Members smaller than this may have any ratio (a page of spaces compresses well).
ARCHIVE_RATIO_FLOOR_BYTES = 1024 * 1024
# The most read from any one member.
PEEK_BYTES = 4096


class UnsafeArchive(ValueError):
    """The archive declares more than can be inspected safely; the message says what."""


def sniff(upload: UploadedFile | IO[bytes], expected: str) -> bool:
    """True if the file's content is of the expected kind.

    Raises UnsafeArchive for an Office or OpenDocument file whose directory is
    out of bounds (see check_archive).
    """
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if expected == "pdf":
        return head.startswith(b"%PDF-")
    if expected == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if expected == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if expected == "gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if expected == "ole2":
        return head.startswith(OLE2)
    if expected == "text":
        return _is_text(upload)
    if expected in OOXML_PART or expected in ODF_MIMETYPE:
        return head.startswith(b"PK\x03\x04") and _zip_is(upload, expected)
    return False


def _is_text(upload: UploadedFile | IO[bytes]) -> bool:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def _zip_is(upload: UploadedFile | IO[bytes], expected: str) -> bool:
    try:
        with check_archive(upload) as archive:
            names = {info.filename for info in archive.infolist()}
            if expected in ODF_MIMETYPE:
                return (
                    "mimetype" in names
                    and read_member_start(archive, "mimetype", len(ODF_MIMETYPE[expected]) + 1)
                    == ODF_MIMETYPE[expected]
                )
            return "[Content_Types].xml" in names and any(
                n.startswith(OOXML_PART[expected]) for n in names
            )
    except (zipfile.BadZipFile, KeyError, NotImplementedError, EOFError, RuntimeError):
        # Damaged, encrypted or using a compression method zipfile lacks.
        return False
    finally:
        upload.seek(0)


def check_archive(file: UploadedFile | IO[bytes]) -> zipfile.ZipFile:
    """Open a zip archive whose directory is within bounds, without decompressing anything.

    The directory's size and member count are read from the end record before
    zipfile parses it (a 20 MB directory would be ~400,000 members); then each
    member's declared size and compression ratio. Raises UnsafeArchive, or
    zipfile.BadZipFile if it is not a zip archive. Declared sizes can lie; that
    is why callers read members through read_member_start only.
    """
    entries, directory_bytes = _end_record(file)
    if entries > ARCHIVE_MAX_MEMBERS or directory_bytes > ARCHIVE_MAX_DIRECTORY_BYTES:
        raise UnsafeArchive(f"it holds more than {ARCHIVE_MAX_MEMBERS:,} parts")
    file.seek(0)
    archive = zipfile.ZipFile(file)
    try:
        infos = archive.infolist()
        if len(infos) > ARCHIVE_MAX_MEMBERS:
            raise UnsafeArchive(f"it holds more than {ARCHIVE_MAX_MEMBERS:,} parts")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > ARCHIVE_MAX_MEMBER_BYTES:
                raise UnsafeArchive(
                    f"a part of it would expand to {filesizeformat(info.file_size)}"
                )
            if total > ARCHIVE_MAX_TOTAL_BYTES:
                raise UnsafeArchive(
                    f"its parts would expand to more than {filesizeformat(ARCHIVE_MAX_TOTAL_BYTES)}"
                )
            if (
                info.file_size > ARCHIVE_RATIO_FLOOR_BYTES
                and info.file_size > ARCHIVE_MAX_RATIO * max(info.compress_size, 1)
            ):
                raise UnsafeArchive(
                    f"a part of it expands {info.file_size // max(info.compress_size, 1):,} "
                    "times over, as a “zip bomb” does"
                )
    except BaseException:
        archive.close()
        raise
    return archive


def read_member_start(archive: zipfile.ZipFile, name: str, size: int = PEEK_BYTES) -> bytes:
    """The first `size` bytes (at most PEEK_BYTES) of a member, decompressing no more.

    zipfile decompresses in step with what is read (a few KB at a time), so a
    member that expands to gigabytes costs no more than a small one here.
    """
    with archive.open(name) as member:
        return member.read(min(size, PEEK_BYTES))


_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIGNATURE = b"PK\x05\x06"


def _end_record(file: UploadedFile | IO[bytes]) -> tuple[int, int]:
    """(member count, directory size in bytes) from the zip's end-of-central-directory record.

    A ZIP64 archive marks them 0xFFFF / 0xFFFFFFFF here: read as too many, as no
    document we accept needs ZIP64.
    """
    file.seek(0, 2)
    length = file.tell()
    tail_length = min(length, _EOCD.size + 65535)  # the record plus the longest comment
    file.seek(length - tail_length)
    tail = file.read(tail_length)
    start = tail.rfind(_EOCD_SIGNATURE)
    if start < 0 or len(tail) - start < _EOCD.size:
        raise zipfile.BadZipFile("no end-of-central-directory record")
    record = _EOCD.unpack_from(tail, start)
    entries, directory_bytes = record[4], record[5]
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
        return ARCHIVE_MAX_MEMBERS + 1, directory_bytes
    return entries, directory_bytes


def safe_filename(name: str) -> str:
    """A plain file name: no folders, no control or odd characters, bounded length."""
    name = PurePath(name.replace("\\", "/")).name
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:100] or "evidence"
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext).lower()[:10]
    return f"{stem}.{ext}" if ext else stem


def validate_evidence_file(upload: UploadedFile) -> None:
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            "The file must be smaller than %(limit)s (this one is %(size)s).",
            code="too_large",
            params={"limit": filesizeformat(limit), "size": filesizeformat(size)},
        )
    if size == 0:
        raise ValidationError("The selected file is empty.", code="empty")
    extension = PurePath(upload.name or "").suffix.lower()
    expected = ALLOWED.get(extension)
    if expected is None:
        raise ValidationError(
            "The file must be a %(allowed)s file.",
            code="bad_type",
            params={"allowed": ALLOWED_DESCRIPTION},
        )
    try:
        matches = sniff(upload, expected)
    except UnsafeArchive as problem:
        raise ValidationError(
            "The file cannot be checked safely: %(problem)s. Upload the original document.",
            code="unsafe_archive",
            params={"problem": str(problem)},
        ) from problem
    if not matches:
        raise ValidationError(
            "The file’s content is not a real %(ext)s file. Upload the original document.",
            code="content_mismatch",
            params={"ext": extension.lstrip(".").upper()},
        )
