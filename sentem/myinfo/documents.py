"""Proxy documents: accepted only as PDF, JPEG or PNG (by their magic bytes), size-limited,
sealed under the member's data key, and only ever served as an attachment."""
from __future__ import annotations

from ..security import datakeys

MAX_BYTES = 1024 * 1024  # 1 MiB; the whole request is capped by MAX_CONTENT_LENGTH too
CONTEXT = "proxy_document"
# Decided from the content, never from the file name or the browser's claimed type.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


class DocumentRejected(ValueError):
    """The upload is not an acceptable document (message for the member)."""


def sniff(data: bytes) -> str:
    """The media type of ``data`` by magic bytes; raises DocumentRejected otherwise."""
    if not data:
        raise DocumentRejected("빈 파일은 첨부할 수 없습니다.")
    if len(data) > MAX_BYTES:
        raise DocumentRejected("첨부 파일은 1MB 이하만 받을 수 있습니다.")
    for magic, media_type, _ in SIGNATURES:
        if data.startswith(magic):
            return media_type
    raise DocumentRejected("PDF, JPEG, PNG 파일만 첨부할 수 있습니다.")


def read_upload(storage) -> bytes | None:
    """The bytes of an uploaded file (None when none was chosen), read at most one byte past the limit."""
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.stream.read(MAX_BYTES + 1)


def open_sealed(token: str) -> bytes:
    return datakeys.open_token(token, CONTEXT)


def extension(media_type: str) -> str:
    return next((ext for _, mt, ext in SIGNATURES if mt == media_type), "bin")
