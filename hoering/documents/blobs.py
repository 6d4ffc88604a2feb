"""File contents in the database, stored once per content and named by their SHA-256."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from hoering.db import add_unless_taken
from hoering.documents.models import Blob
from hoering.extensions import db


def store_blob(data: bytes) -> str:
    """Keep these bytes once; their SHA-256 names them."""
    sha256 = hashlib.sha256(data).hexdigest()
    if db.session.get(Blob, sha256) is None:
        # Another request may store the same content at the same moment: either row will do.
        add_unless_taken(Blob(sha256=sha256, size=len(data), data=data))
    return sha256


def blob_data(sha256: str) -> bytes:
    return db.session.scalar(select(Blob.data).where(Blob.sha256 == sha256))
