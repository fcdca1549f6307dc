"""Checks on uploaded evidence files: size, and type judged by content.

The extension alone proves nothing (a renamed .exe is still an .exe), so each
allowed type is recognised by its first bytes, and the extension must agree.
"""

import re
import unicodedata
import zipfile
from pathlib import PurePath

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


def sniff(upload: UploadedFile, expected: str) -> bool:
    """True if the file's content is of the expected kind."""
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


def _is_text(upload: UploadedFile) -> bool:
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


def _zip_is(upload: UploadedFile, expected: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if expected in ODF_MIMETYPE:
                return "mimetype" in names and archive.read("mimetype") == ODF_MIMETYPE[expected]
            return "[Content_Types].xml" in names and any(
                n.startswith(OOXML_PART[expected]) for n in names
            )
    except (zipfile.BadZipFile, KeyError):
        return False
    finally:
        upload.seek(0)


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
    if upload.size > limit:
        raise ValidationError(
            "The file must be smaller than %(limit)s (this one is %(size)s).",
            code="too_large",
            params={"limit": filesizeformat(limit), "size": filesizeformat(upload.size)},
        )
    if upload.size == 0:
        raise ValidationError("The selected file is empty.", code="empty")
    extension = PurePath(upload.name or "").suffix.lower()
    expected = ALLOWED.get(extension)
    if expected is None:
        raise ValidationError(
            "The file must be a %(allowed)s file.",
            code="bad_type",
            params={"allowed": ALLOWED_DESCRIPTION},
        )
    if not sniff(upload, expected):
        raise ValidationError(
            "The file’s content is not a real %(ext)s file. Upload the original document.",
            code="content_mismatch",
            params={"ext": extension.lstrip(".").upper()},
        )
