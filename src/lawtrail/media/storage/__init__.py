"""Write-once, content-addressed storage of media originals; the contract is in ``base.py``.

    from lawtrail.media.storage import get_store
    created = get_store().put_file(path, digests)

``get_store()`` returns the backend that ``LAWTRAIL_MEDIA_STORE`` selects: ``filesystem``
(default, under ``LAWTRAIL_DATA_DIR/media``) or ``s3`` (``LAWTRAIL_S3_*``).
"""

from __future__ import annotations

import functools

from .base import (DigestMismatch, ObjectMissing, OverwriteRefused, RangeNotSatisfiable, Store, StoredObject,
                   StoreError)

__all__ = ["DigestMismatch", "ObjectMissing", "OverwriteRefused", "RangeNotSatisfiable", "Store", "StoreError",
           "StoredObject", "get_store"]


def get_store() -> Store:
    from django.conf import settings

    if settings.LAWTRAIL_MEDIA_STORE == "s3":
        return _s3(settings.LAWTRAIL_S3_ENDPOINT, settings.LAWTRAIL_S3_BUCKET, settings.LAWTRAIL_S3_REGION,
                   settings.LAWTRAIL_S3_ACCESS_KEY, settings.LAWTRAIL_S3_SECRET_KEY)
    from .filesystem import FilesystemStore

    return FilesystemStore(settings.MEDIA_ROOT)


@functools.lru_cache(maxsize=4)
def _s3(endpoint: str, bucket: str, region: str, access_key: str, secret_key: str) -> Store:
    # One client per configuration: a boto3 client is costly to build, thread-safe to share, and
    # keeps its connection pool and the probed If-None-Match support between requests.
    from .s3 import S3Store

    return S3Store(endpoint=endpoint, bucket=bucket, region=region, access_key=access_key, secret_key=secret_key)
