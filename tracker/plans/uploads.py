"""Completion files: checked by content, stored under server-made names."""

import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from tracker.errors import DomainError

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


def store_upload(folder: Path, upload: Upload) -> tuple[str, str]:
    """Write the file under a random name. Returns (storage key, display name)."""
    check_upload(upload)
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16)
    (folder / key).write_bytes(upload.content)
    return key, safe_display_name(upload.filename)


def stored_path(folder: Path, key: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", key):
        raise DomainError(_("Файл не найден"))
    return folder / key


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
