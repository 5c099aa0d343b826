"""What the kernel makes of an attached file before anything is kept: its type from the bytes, a name that agrees
with it, and the limits (services.common.files.check_upload)."""

import io
import zipfile

import pytest

from services.common.files import DOCX, check_upload, size_label
from services.common.sheets import UploadRejected

PDF = b"%PDF-1.7\n%%EOF\n"


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize("name,content,expected", [
    ("报告.pdf", PDF, ("报告.pdf", "application/pdf")),
    ("照片.JPG", b"\xff\xd8\xff\xe0" + bytes(20), ("照片.JPG", "image/jpeg")),
    ("方案.docx", docx(), ("方案.docx", DOCX)),
    ("名单.csv", "姓名,部门\n刘,市场部\n".encode(), ("名单.csv", "text/csv")),
    # no suffix, or one no accepted type uses: named for what the bytes are
    ("scan", PDF, ("scan.pdf", "application/pdf")),
    ("invoice.exe", PDF, ("invoice.exe.pdf", "application/pdf")),
    ("C:\\Users\\刘\\桌面\\..\\报告.pdf", PDF, ("报告.pdf", "application/pdf")),
], ids=["pdf", "jpeg-upper-suffix", "docx", "csv", "no-suffix", "foreign-suffix", "windows-path"])
def test_an_accepted_file_keeps_a_clean_name_agreeing_with_its_bytes(name, content, expected):
    assert check_upload(content, name) == expected


@pytest.mark.parametrize("name,content,why", [
    ("报告.pdf", b"<html><script>x</script></html>", "伪装"),
    ("报告.pdf", b"MZ\x90\x00" + bytes(60), "伪装"),
    ("照片.png", PDF, "伪装"),
    ("方案.docx", b"PK\x03\x04" + bytes(30), "伪装"),
    ("page.html", b"<html></html>", "只接受"),
    ("空.pdf", b"", "空"),
], ids=["html-as-pdf", "exe-as-pdf", "pdf-as-png", "zip-as-docx", "html", "empty"])
def test_a_disguised_unaccepted_or_empty_file_is_refused_saying_why_in_chinese(name, content, why):
    with pytest.raises(UploadRejected) as refused:
        check_upload(content, name)
    assert why in refused.value.zh


def test_a_file_over_the_limit_is_refused_naming_the_limit():
    with pytest.raises(UploadRejected) as refused:
        check_upload(PDF + bytes(2048), "big.pdf", max_bytes=2048)
    assert refused.value.zh == "文件超过 2 KB。"
    assert [size_label(n) for n in (300, 1536, 20 * 1024 * 1024)] == ["300 B", "1.5 KB", "20 MB"]
