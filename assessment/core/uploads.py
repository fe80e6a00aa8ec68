"""What kind of file an upload is, judged by its bytes, never by its name or the type the
browser claims. Pure, standard library only.

Evidence may be a PDF, a PNG or JPEG image, or an XLSX workbook. An XLSX file is a zip
archive: it is recognised by its directory of members (``[Content_Types].xml`` and
``xl/workbook.xml``), read without unpacking anything, so a zip bomb costs nothing.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

PDF_SIGNATURE = b"%PDF-"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
ZIP_SIGNATURE = b"PK\x03\x04"
XLSX_MEMBERS = frozenset({"[Content_Types].xml", "xl/workbook.xml"})

MIME_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "xlsx": "xlsx"}
NAME_MAX_CHARACTERS = 120
# Characters a shown file name never keeps: separators, controls, and those Windows refuses.
NOT_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def evidence_kind(data: bytes) -> str | None:
    """``pdf``, ``png``, ``jpeg`` or ``xlsx`` by the content; None for anything else."""
    if data.startswith(PDF_SIGNATURE):
        return "pdf"
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(JPEG_SIGNATURE):
        return "jpeg"
    if data.startswith(ZIP_SIGNATURE) and _is_workbook(data):
        return "xlsx"
    return None


def _is_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist()) >= XLSX_MEMBERS
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def shown_name(uploaded: str | None, kind: str) -> str:
    """The name a file is shown (and downloaded) under: the last part of the name it was
    uploaded with, without separators or control characters, with the extension of its
    real kind; never used as a path."""
    name = unicodedata.normalize("NFC", uploaded or "")
    name = re.split(r"[/\\]", name)[-1]
    name = NOT_IN_NAMES.sub("-", name).strip(" .-")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:NAME_MAX_CHARACTERS].strip(" .-") or "evidence"
    return f"{stem}.{EXTENSIONS[kind]}"
