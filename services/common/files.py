"""Files people upload: evidence (photos of a failed check item, an audit's working papers) and attachments.

A file is stored once by the SHA-256 of its bytes and described by a row of the service's own table
(``StoredFileMixin``: name, type, size, what it belongs to, the unit it is visible under, who uploaded it).
Where the bytes go is the deployment's choice (``YUNGUAN_FILE_STORE``): a local folder, ``<data_dir>/files/
<service>/`` by default, or an S3-compatible bucket (``s3://bucket/prefix``, :class:`S3FileStore`). Either way
the store is never published: bytes reach a browser only through the service, after the row's access check.

The type is read from the bytes, never taken from the client: only the kinds below are accepted, so a page
served back can never be HTML or script. Files are served with ``Content-Disposition`` (attachment unless an
image or PDF is asked inline), ``X-Content-Type-Options: nosniff`` and a private cache.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import logging
import os
import shlex
import tempfile
import zipfile
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Response
from fastapi.responses import StreamingResponse
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.common.db import TableMixin, utcnow
from services.common.problems import Invalid, NotFound, Unavailable
from services.common.settings import ServiceSettings
from services.common.sheets import UploadRejected

log = logging.getLogger("yunguan.files")

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


class StoredFileMixin(TableMixin):
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


class AttachmentMixin(StoredFileMixin):
    """A file attached to a record (services.common.attachments): ``owner_kind`` is the record's kind (plan, task,
    risk…), ``owner_id`` its id, ``unit_path`` the record's unit when the file was attached."""

    # Files are removed: SQLite would hand a removed file's id (and its audit history) to the next one unless
    # the table is AUTOINCREMENT.
    __table_args__: Any = {"sqlite_autoincrement": True}


def _ooxml_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names or any(n.startswith(("xl/vbaProject", "word/vbaProject")) for n in names):
        return None
    return next((t for part, t in _OOXML.items() if part in names), None)


def size_label(size: int) -> str:
    """A size as people read it: 20 MB, 512 KB, 300 B."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return f"{size} B"


def too_large(max_bytes: int) -> UploadRejected:
    limit = size_label(max_bytes)
    return UploadRejected(f"The file is larger than {limit}.", f"文件超过 {limit}。")


def sniff(content: bytes, filename: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file's type, read from its bytes (UploadRejected, in both languages, for anything not accepted)."""
    if not content:
        raise UploadRejected("The file is empty.", "文件是空的。")
    if len(content) > max_bytes:
        raise too_large(max_bytes)
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


# What a file's name says it is: a name claiming one of these types must hold it (a ".pdf" that is an .exe or a
# web page is refused as disguised); a name without a suffix gets its type's first.
SUFFIXES = {"image/png": (".png",), "image/jpeg": (".jpg", ".jpeg", ".jfif"), "image/gif": (".gif",),
            "image/webp": (".webp",), "application/pdf": (".pdf",), DOCX: (".docx",), XLSX: (".xlsx",),
            PPTX: (".pptx",), "text/plain": (".txt",), "text/csv": (".csv",)}
_TYPE_OF_SUFFIX = {suffix: kind for kind, suffixes in SUFFIXES.items() for suffix in suffixes}
_TYPE_ZH = {"image/png": "PNG 图片", "image/jpeg": "JPEG 图片", "image/gif": "GIF 图片", "image/webp": "WebP 图片",
            "application/pdf": "PDF 文件", DOCX: "Word 文档", XLSX: "Excel 工作簿", PPTX: "PowerPoint 演示文稿",
            "text/plain": "文本文件", "text/csv": "CSV 文件"}


def check_upload(content: bytes, filename: str, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[str, str]:
    """A file someone attaches: its cleaned name and the type read from its bytes. Refused (UploadRejected) when
    empty, larger than ``max_bytes``, of a kind not accepted, or disguised: a name whose suffix claims another
    type than the bytes hold (an executable or a web page named ``报告.pdf``)."""
    name = clean_name(filename)
    suffix = Path(name).suffix.lower()
    claimed = _TYPE_OF_SUFFIX.get(suffix)
    try:
        kind = sniff(content, name, max_bytes=max_bytes)
    except UploadRejected:
        if claimed is None or not content or len(content) > max_bytes:
            raise
        kind = ""
    if claimed is not None and kind != claimed and not (claimed == "text/csv" and kind == "text/plain"):
        raise UploadRejected(f"The file is named {suffix} but its content is not a {suffix} file; it is refused as "
                             "disguised.", f"文件名为 {suffix}，但内容不是{_TYPE_ZH[claimed]}：疑为伪装文件，已拒绝。")
    if claimed is None:
        # no suffix, or one no accepted type uses (报告.exe holding a PDF): named for what it holds
        name = name[: 255 - len(SUFFIXES[kind][0])] + SUFFIXES[kind][0]
    return name, kind


async def scan(content: bytes, settings: ServiceSettings) -> None:
    """Pass ``content`` to the deployment's virus scanner (``YUNGUAN_FILE_SCAN_COMMAND``) before it is kept.

    The command reads the file on its standard input (``clamdscan --no-summary -``: clamd never needs to read a
    file of ours) and exits 0 for a clean file. Any other exit refuses the file (422); a scanner that cannot be
    started or does not answer within ``file_scan_timeout`` seconds refuses it too (503, fail closed), and says
    so in the log. No command configured: nothing to do."""
    command = settings.file_scan_command.strip()
    if not command:
        return
    argv = shlex.split(command)
    try:
        proc = await asyncio.create_subprocess_exec(*argv, stdin=asyncio.subprocess.PIPE,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    except OSError as exc:
        log.error("the virus scanner could not be started: %s (%s); the file is refused", argv[0], exc)
        raise scan_unavailable() from exc
    try:
        async with asyncio.timeout(settings.file_scan_timeout):
            out, err = await proc.communicate(content)
    except (TimeoutError, BrokenPipeError, ConnectionResetError) as exc:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        log.error("the virus scanner did not answer (%s: %s); the file is refused", argv[0], type(exc).__name__)
        raise scan_unavailable() from exc
    if proc.returncode != 0:
        said = (out or err).decode("utf-8", "replace").strip()[:300]
        log.warning("the virus scanner refused a file of %d bytes (exit %s): %s", len(content), proc.returncode, said)
        raise Invalid("The file did not pass the virus scan; it was not kept.", field="file",
                      zh="文件未通过病毒扫描，未保存。")


def scan_unavailable() -> Unavailable:
    return Unavailable("The virus scanner is not available; the file was not kept. Try again later.",
                       zh="病毒扫描暂不可用，文件未保存，请稍后再试。")


def file_key(content: bytes) -> str:
    """Where a store keeps ``content``: the SHA-256 of the bytes, hex."""
    return hashlib.sha256(content).hexdigest()


def check_key(key: str) -> str:
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise ValueError(f"not a file key: {key!r}")
    return key


class FileStore(ABC):
    """Bytes by their SHA-256, written whole or not at all; never published (the service serves them after its
    access check). ``for_settings`` picks the deployment's store: :class:`LocalFileStore` by default,
    :class:`S3FileStore` for ``YUNGUAN_FILE_STORE=s3://bucket/prefix``. The blocking ``put``/``read``/``open``
    run in a worker thread behind the ``save``/``load``/``stream`` the services await."""

    CHUNK = 256 * 1024

    @classmethod
    def for_settings(cls, settings: ServiceSettings) -> FileStore:
        where = settings.file_store.strip()
        if where.startswith("s3://"):
            return _s3_store(where, settings.service, settings.s3_endpoint_url, settings.s3_region,
                             settings.s3_addressing_style)
        root = Path(where) if where else Path(settings.data_dir) / "files"
        return LocalFileStore(root / settings.service)

    @abstractmethod
    def put(self, content: bytes) -> str:
        """Keep ``content``; its key (the SHA-256 of the bytes)."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether bytes are kept under ``key``."""

    @abstractmethod
    def open(self, key: str) -> Iterator[bytes]:
        """The bytes under ``key`` in chunks (FileNotFoundError, before the first chunk, when there are none)."""

    def read(self, key: str) -> bytes:
        return b"".join(self.open(key))

    async def save(self, content: bytes) -> str:
        return await asyncio.to_thread(self.put, content)

    async def load(self, key: str) -> bytes:
        return await asyncio.to_thread(self.read, key)

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        """The bytes under ``key``, chunk by chunk from a worker thread; FileNotFoundError is raised here, when
        there are none, so a caller answers 404 before a response has started."""
        chunks = await asyncio.to_thread(self.open, key)

        async def each() -> AsyncIterator[bytes]:
            while chunk := await asyncio.to_thread(next, chunks, b""):
                yield chunk

        return each()


class LocalFileStore(FileStore):
    """Bytes by their SHA-256 under a root directory (``ab/cdef…``)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key[2:]

    def put(self, content: bytes) -> str:
        key = file_key(content)
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

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def open(self, key: str) -> Iterator[bytes]:
        f = self.path(key).open("rb")

        def chunks() -> Iterator[bytes]:
            with f:
                while chunk := f.read(self.CHUNK):
                    yield chunk

        return chunks()


class S3FileStore(FileStore):
    """Bytes by their SHA-256 in an S3-compatible bucket (AWS S3, MinIO, Ceph…) under
    ``<prefix>/<service>/ab/cdef…``, through boto3 (the reference S3 client; its calls block, so they run in a
    worker thread). Credentials come from boto3's usual chain: ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``,
    a profile, or the instance's role. Objects are private: nothing here makes a URL anyone could open."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str = "", region: str = "",
                 addressing_style: str = "auto", client: Any = None):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                                  config=Config(s3={"addressing_style": addressing_style},
                                                retries={"mode": "standard", "max_attempts": 3}))
        self.client = client

    def object_key(self, key: str) -> str:
        check_key(key)
        return "/".join(p for p in (self.prefix, key[:2], key[2:]) if p)

    def _missing(self, exc: Exception) -> bool:
        error = getattr(exc, "response", {}).get("Error", {})
        return str(error.get("Code")) in ("404", "NoSuchKey", "NotFound")

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if self._missing(exc):
                return False
            raise
        return True

    def put(self, content: bytes) -> str:
        key = file_key(content)
        if not self.exists(key):
            # one PUT is atomic: a reader finds the whole object or none
            self.client.put_object(Bucket=self.bucket, Key=self.object_key(key), Body=content,
                                   ContentType="application/octet-stream")
        return key

    def open(self, key: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            got = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if self._missing(exc):
                raise FileNotFoundError(f"s3://{self.bucket}/{self.object_key(key)}") from exc
            raise
        body = got["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(self.CHUNK)
            finally:
                body.close()

        return chunks()


@functools.lru_cache(maxsize=8)
def _s3_store(where: str, service: str, endpoint_url: str, region: str, addressing_style: str) -> S3FileStore:
    # one client per configuration and process: making one reads the credential chain and the service model
    url = urlsplit(where)
    if not url.netloc:
        raise ValueError(f"YUNGUAN_FILE_STORE names no bucket: {where!r} (s3://bucket/prefix)")
    prefix = "/".join(p for p in (url.path.strip("/"), service) if p)
    return S3FileStore(url.netloc, prefix, endpoint_url=endpoint_url, region=region,
                       addressing_style=addressing_style or "auto")


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


async def file_response(store: FileStore, row: StoredFileMixin, *, inline: bool = False) -> Response:
    """The stored bytes of ``row``, streamed from the store; shown in the page only when asked and the type is an
    image or PDF. 404 when the store no longer has them."""
    show = inline and row.content_type in INLINE_TYPES
    try:
        chunks = await store.stream(row.key)
    except FileNotFoundError as exc:
        raise NotFound(f"The content of file {row.id} is no longer in the file store.",
                       zh=f"文件 {row.id} 的内容已不在文件存储中。") from exc
    return StreamingResponse(chunks, media_type=row.content_type, headers={
        "Content-Length": str(row.size),
        "Content-Disposition": content_disposition(row.name, inline=show, fallback=f"file-{row.id}"),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=300",
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    })
