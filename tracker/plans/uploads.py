"""Completion files: checked by content, stored under server-made names."""

import re
import secrets
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
