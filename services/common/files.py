"""Files people upload as evidence (photos of a failed check item, an audit's working papers).

A file is stored once by the SHA-256 of its bytes under ``<data_dir>/files/<service>/`` and described by a row
of the service's own table (``StoredFileMixin``: name, type, size, what it belongs to, the unit it is
visible under, who uploaded it). The type is read from the bytes, never taken from the client: only the kinds
below are accepted, so a page served back can never be HTML or script. Files are served with the row's
access check, ``Content-Disposition`` (attachment unless an image or PDF is asked inline),
``X-Content-Type-Options: nosniff`` and a private cache.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import Response
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.common.db import utcnow
from services.common.settings import ServiceSettings
from services.common.sheets import UploadRejected

MAX_FILE_BYTES = 10 * 1024 * 1024

# Types a browser shows in a page (an <img> or an <iframe>) when asked inline; anything else is downloaded.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# an Office Open XML package's main part → its type
_OOXML = {"xl/workbook.xml": XLSX, "word/document.xml": DOCX, "ppt/presentation.xml": PPTX}
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
          (b"GIF89a", "image/gif"), (b"%PDF-", "application/pdf"))
_TEXT_SUFFIXES = {".txt": "text/plain", ".csv": "text/csv"}
ACCEPTED_ZH = "图片（PNG、JPEG、GIF、WebP）、PDF、Word、Excel、PowerPoint（.docx/.xlsx/.pptx）或 UTF-8 文本"


class StoredFileMixin:
    """One uploaded file: what it is, what it belongs to (``owner_kind`` + ``owner_id``) and under which unit
    it may be seen."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))  # SHA-256 of the bytes, hex: where the store keeps them
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    owner_kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(Integer, index=True)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_by_name: Mapped[str] = mapped_column(String(100), default="")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


def _ooxml_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names or any(n.startswith(("xl/vbaProject", "word/vbaProject")) for n in names):
        return None
    return next((t for part, t in _OOXML.items() if part in names), None)


def sniff(content: bytes, filename: str) -> str:
    """The file's type, read from its bytes (UploadRejected, in both languages, for anything not accepted)."""
    if not content:
        raise UploadRejected("The file is empty.", "文件是空的。")
    if len(content) > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        raise UploadRejected(f"The file is larger than {mb} MB.", f"文件超过 {mb} MB。")
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[:4] == b"PK\x03\x04":
        office = _ooxml_type(content)
        if office:
            return office
    suffix = Path(filename).suffix.lower()
    if suffix in _TEXT_SUFFIXES and b"\x00" not in content:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return _TEXT_SUFFIXES[suffix]
    raise UploadRejected("Only images (PNG, JPEG, GIF, WebP), PDF, Office documents (.docx, .xlsx, .pptx) and "
                         "UTF-8 text are accepted.", f"只接受{ACCEPTED_ZH}文件。")


def clean_name(filename: str) -> str:
    """A file name safe to store and show: no directories, no control characters, at most 255 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "file"
    return name[-255:]


class FileStore:
    """Bytes by their SHA-256 under a root directory (``ab/cdef…``), written whole or not at all."""

    def __init__(self, root: Path):
        self.root = Path(root)

    @classmethod
    def for_settings(cls, settings: ServiceSettings) -> FileStore:
        return cls(Path(settings.data_dir) / "files" / settings.service)

    def path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError(f"not a file key: {key!r}")
        return self.root / key[:2] / key[2:]

    def put(self, content: bytes) -> str:
        key = hashlib.sha256(content).hexdigest()
        target = self.path(key)
        if target.exists():
            return key
        target.parent.mkdir(parents=True, exist_ok=True)
        # written beside the target and renamed: a reader never sees half a file, two writers of the same
        # bytes both succeed
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(content)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()


def content_disposition(filename: str, *, inline: bool = False, fallback: str = "download") -> str:
    """``attachment`` (or ``inline``) with the name in RFC 5987 form, so Chinese names arrive intact."""
    suffix = Path(filename).suffix
    ascii_name = fallback + (suffix if suffix.isascii() and suffix.replace(".", "").isalnum() else "")
    return f"{'inline' if inline else 'attachment'}; filename={ascii_name}; filename*=UTF-8''{quote(filename)}"


def download_response(content: bytes, filename: str, *, media_type: str = XLSX,
                      fallback: str = "download") -> Response:
    """A file to download (an export, a template) under its own name, Chinese included."""
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": content_disposition(filename, fallback=fallback)})


def file_response(store: FileStore, row: StoredFileMixin, *, inline: bool = False) -> Response:
    """The stored bytes of ``row``; shown in the page only when asked and the type is an image or PDF."""
    show = inline and row.content_type in INLINE_TYPES
    return Response(store.read(row.key), media_type=row.content_type, headers={
        "Content-Disposition": content_disposition(row.name, inline=show, fallback=f"file-{row.id}"),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=300",
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    })
