"""Consistent copies of the SQLite database through SQLite's online backup API."""

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from tracker.errors import DomainError


def integrity_problems(path: Path) -> list[str]:
    """What `PRAGMA integrity_check` and `foreign_key_check` find ([] for a sound file)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        problems = [] if found == ["ok"] else found
        problems += [
            f"foreign key: {row}" for row in connection.execute("PRAGMA foreign_key_check")
        ]
    return problems


def copy_database(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another in a single step: the copy is a snapshot of one
    moment, taken while other connections go on writing (WAL lets them)."""
    with closing(sqlite3.connect(source, timeout=30)) as src:
        with closing(sqlite3.connect(target, timeout=30)) as dst:
            src.backup(dst)


def backup(source: Path, target: Path) -> None:
    """Write a checked copy of the database to `target`, which must not exist yet."""
    if target.exists():
        raise DomainError(f"Файл уже существует: {target}")
    if not target.parent.is_dir():
        raise DomainError(f"Нет такой папки: {target.parent}")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        copy_database(source, partial)
        problems = integrity_problems(partial)
        if problems:
            raise DomainError("Копия не прошла проверку целостности: " + "; ".join(problems[:3]))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def restore(backup_file: Path, database: Path) -> None:
    """Put a backup's content into the live database (other connections wait, then see it)."""
    if not backup_file.is_file():
        raise DomainError(f"Файл не найден: {backup_file}")
    try:
        problems = integrity_problems(backup_file)
    except sqlite3.DatabaseError as error:
        raise DomainError(f"Это не база SQLite: {backup_file}") from error
    if problems:
        raise DomainError("Копия повреждена: " + "; ".join(problems[:3]))
    copy_database(backup_file, database)


def sqlite_path(url) -> Path:
    """The file behind a SQLAlchemy URL, or a refusal for any other database."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise DomainError(
            "Эта команда работает с файлом SQLite; для PostgreSQL используйте pg_dump и pg_restore"
        )
    return Path(url.database)
