"""Files people attach: checked by content, kept in the database under server-made keys."""

import hashlib
import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans.models import StoredFile

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# What a school attaches as proof of work: scans, PDFs, office documents.
SIGNATURES = {
    b"%PDF-": "pdf",
    b"PK\x03\x04": "zip",  # docx, xlsx, odt
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
}
ALLOWED_SUFFIXES = {
    "pdf": {".pdf"},
    "zip": {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".zip"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg"},
}


# An office document is a zip archive: look inside before anything opens it.
MAX_ARCHIVE_ENTRIES = 2000
MAX_ARCHIVE_UNCOMPRESSED = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def safe_display_name(filename: str) -> str:
    """The user's file name without any path, control characters or quotes."""
    name = re.split(r"[\\/]", filename)[-1]
    name = re.sub(r'[\x00-\x1f\x7f"<>|:*?]', "", name).strip(" .")
    return name[-200:] or "file"


def check_upload(upload: Upload) -> str:
    """The kind of the file, judged by its first bytes; refuses what is not allowed."""
    if not upload.content:
        raise DomainError(_("Файл пустой"), field="file")
    if len(upload.content) > MAX_UPLOAD_BYTES:
        raise DomainError(_("Файл больше 10 МБ"), field="file")
    for signature, kind in SIGNATURES.items():
        if upload.content.startswith(signature):
            suffix = Path(safe_display_name(upload.filename)).suffix.lower()
            if suffix not in ALLOWED_SUFFIXES[kind]:
                raise DomainError(_("Расширение файла не совпадает с его содержимым"), field="file")
            if kind == "zip":
                check_archive(upload.content)
            return kind
    raise DomainError(_("Можно прикрепить PDF, DOCX, XLSX, ODT, PNG или JPEG"), field="file")


def store_upload(upload: Upload) -> tuple[str, str]:
    """Keep the file under a random key, in the caller's transaction. Returns (key, display
    name)."""
    check_upload(upload)
    key = secrets.token_hex(16)
    db.session.add(
        StoredFile(
            key=key,
            content=upload.content,
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
        )
    )
    return key, safe_display_name(upload.filename)


def stored_file(key: str) -> bytes | None:
    """The content kept under `key`, or None when there is none."""
    if not re.fullmatch(r"[0-9a-f]{32}", key or ""):
        return None
    return db.session.scalar(select(StoredFile.content).where(StoredFile.key == key))


def check_archive(content: bytes) -> None:
    """Refuse a zip (docx, xlsx, odt) that is broken or unpacks to far more than it weighs.

    Only the central directory is read: nothing is decompressed here.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise DomainError(_("Файл повреждён: архив документа не читается"), field="file") from error
    total = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if (
        len(entries) > MAX_ARCHIVE_ENTRIES
        or total > MAX_ARCHIVE_UNCOMPRESSED
        or total / packed > MAX_COMPRESSION_RATIO
    ):
        raise DomainError(
            _("Файл отклонён: архив документа распаковывается в слишком большой объём"),
            field="file",
        )
