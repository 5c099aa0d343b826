"""The S3-compatible file store against a real S3 server (moto's server mode on 127.0.0.1, spoken to over HTTP
by boto3 as MinIO or AWS would be): bytes are kept once under the SHA-256 of their content, read back whole and
streamed, and a key that holds nothing is told apart from an error."""

import hashlib

import pytest

from services.common.files import FileStore, LocalFileStore, S3FileStore
from tests.support import settings
from tests.support.s3 import s3_bucket, s3_server  # noqa: F401 (fixtures)

REPORT = b"%PDF-1.4\n% a small report\n" + bytes(range(256)) * 40


def store_for(s3_server, bucket: str, service: str = "planning") -> FileStore:  # noqa: F811
    return FileStore.for_settings(settings(service, "sqlite+aiosqlite://", file_store=f"s3://{bucket}/yunguan",
                                           s3_endpoint_url=s3_server.endpoint_url, s3_addressing_style="path"))


def test_an_s3_url_picks_the_s3_store_and_the_default_a_local_folder(s3_server, s3_bucket, tmp_path):  # noqa: F811
    assert isinstance(store_for(s3_server, s3_bucket), S3FileStore)
    local = FileStore.for_settings(settings("kpi", "sqlite+aiosqlite://", data_dir=tmp_path))
    assert isinstance(local, LocalFileStore) and local.root == tmp_path / "files" / "kpi"


async def test_put_keeps_the_bytes_under_their_sha256_and_get_returns_them(s3_server, s3_bucket):  # noqa: F811
    store = store_for(s3_server, s3_bucket)
    key = await store.save(REPORT)
    assert key == hashlib.sha256(REPORT).hexdigest()
    assert store.exists(key)
    assert await store.load(key) == REPORT
    # in the bucket under <prefix>/<service>/ab/cdef…, nowhere else
    listed = s3_server.client().list_objects_v2(Bucket=s3_bucket)["Contents"]
    assert [o["Key"] for o in listed] == [f"yunguan/planning/{key[:2]}/{key[2:]}"]


async def test_the_same_bytes_are_kept_once(s3_server, s3_bucket):  # noqa: F811
    store = store_for(s3_server, s3_bucket)
    first, second = await store.save(REPORT), await store.save(REPORT)
    other = await store.save(REPORT + b"!")
    assert first == second != other
    assert s3_server.client().list_objects_v2(Bucket=s3_bucket)["KeyCount"] == 2


async def test_a_file_is_streamed_in_chunks_from_the_bucket(s3_server, s3_bucket):  # noqa: F811
    store = store_for(s3_server, s3_bucket)
    big = bytes(range(256)) * 4096  # 1 MiB: several chunks
    key = await store.save(big)
    chunks = [c async for c in await store.stream(key)]
    assert len(chunks) > 1 and b"".join(chunks) == big


async def test_a_key_holding_nothing_is_missing_not_an_error(s3_server, s3_bucket):  # noqa: F811
    store = store_for(s3_server, s3_bucket)
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(absent)
    with pytest.raises(FileNotFoundError):
        await store.load(absent)
    with pytest.raises(FileNotFoundError):
        await store.stream(absent)


def test_a_key_that_is_not_a_sha256_is_refused_before_the_bucket_is_asked(s3_server, s3_bucket):  # noqa: F811
    store = store_for(s3_server, s3_bucket)
    with pytest.raises(ValueError):
        store.exists("../../other-service/secret")
