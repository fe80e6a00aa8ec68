"""Uploads are judged by their bytes; their names are only ever shown, cleaned."""

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.core.uploads import EXTENSIONS, evidence_kind, shown_name


def workbook_bytes():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in members:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%...", "pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "png"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, "jpeg"),
        (workbook_bytes(), "xlsx"),
        (b"", None),
        (b"MZ\x90\x00" + b"\0" * 60, None),  # a Windows program, whatever its name
        (b"\x7fELF\x02\x01", None),
        (b"<html><script>alert(1)</script>", None),
        (zip_bytes(["word/document.xml", "[Content_Types].xml"]), None),  # a DOCX
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_a_file_is_judged_by_its_bytes(data, kind):
    assert evidence_kind(data) == kind


@given(st.text(max_size=300), st.sampled_from(sorted(EXTENSIONS)))
def test_a_shown_name_is_never_a_path_and_keeps_its_real_kind(uploaded, kind):
    name = shown_name(uploaded, kind)
    assert "/" not in name
    assert "\\" not in name
    assert not any(ord(c) < 32 for c in name)
    assert name.endswith("." + EXTENSIONS[kind])
    assert not name.startswith(".")
    assert len(name) <= 130


def test_a_shown_name_keeps_what_a_person_wrote():
    assert shown_name("C:\\Users\\li\\质量报告 2026.PDF", "pdf") == "质量报告 2026.pdf"
    assert shown_name("../../etc/passwd", "png") == "passwd.png"
    assert shown_name("invoice.pdf.exe", "pdf") == "invoice.pdf.pdf"
    assert shown_name("", "xlsx") == "evidence.xlsx"
