"""files in the database

The files people attached (a task's completion file, the attachments of a check's result) move
from instance/uploads/ into the table stored_files, under the keys their records already hold.
Each file is read from disk, written, read back from the database and checked by its SHA-256
before the next; a file a record names but the folder lacks is reported (one warning line) and
left out, as its download already answered «not found». The folder itself is left in place: once
a backup of the database is taken, it may be deleted. The downgrade writes the files back.

Revision ID: 607fa9837975
Revises: f2c7dd077c9a
Create Date: 2026-12-07 12:23:20.451285

"""
import hashlib
import logging
import re
from datetime import datetime, timezone
from pathlib import Path

from alembic import op
import sqlalchemy as sa

import tracker.types


# revision identifiers, used by Alembic.
revision = '607fa9837975'
down_revision = 'f2c7dd077c9a'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
KEY = re.compile(r"[0-9a-f]{32}")
stored_files = sa.table(
    "stored_files",
    sa.column("key", sa.String),
    sa.column("content", sa.LargeBinary),
    sa.column("size", sa.Integer),
    sa.column("sha256", sa.String),
    sa.column("created_at", tracker.types.UTCDateTime),
)


def uploads_folder() -> Path:
    """Where the files were kept: instance/uploads of the app running the migration."""
    from flask import current_app

    return Path(current_app.instance_path) / "uploads"


def named_keys(bind) -> list[str]:
    keys = set(
        bind.execute(
            sa.text("SELECT completion_file_key FROM tasks WHERE completion_file_key <> ''")
        ).scalars()
    )
    keys |= set(bind.execute(sa.text("SELECT file_key FROM control_attachments")).scalars())
    return sorted(key for key in keys if KEY.fullmatch(key or ""))


def upgrade():
    op.create_table('stored_files',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', tracker.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_files'))
    )
    bind = op.get_bind()
    keys = named_keys(bind)
    if not keys:
        return
    folder = uploads_folder()
    moved = 0
    for key in keys:
        path = folder / key
        if not path.is_file():
            log.warning("file %s is named by a record but is not in %s: left out", key, folder)
            continue
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        moved_at = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        bind.execute(
            stored_files.insert().values(
                key=key, content=content, size=len(content), sha256=digest, created_at=moved_at
            )
        )
        kept = bind.execute(
            sa.select(stored_files.c.content).where(stored_files.c.key == key)
        ).scalar_one()
        if hashlib.sha256(kept).hexdigest() != digest:
            raise RuntimeError(f"file {key}: the copy in the database differs from {path}")
        moved += 1
    log.info("files moved from %s into the database, each checked by its SHA-256: %d", folder, moved)


def downgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.select(stored_files.c.key, stored_files.c.content)).all()
    if rows:
        folder = uploads_folder()
        folder.mkdir(parents=True, exist_ok=True)
        for key, content in rows:
            (folder / key).write_bytes(content)
    op.drop_table('stored_files')
