"""`tracker backup` under a load of writes and uploads, and a restore that brings every committed
change and every file."""

import hashlib
import os
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from tests.conftest import login, person
from tracker.backup import integrity_problems
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import StoredFile, Task, TaskComment, TaskStatus
from tracker.plans.uploads import Upload

# tracker backup copies a SQLite file (PostgreSQL is backed up with pg_dump): these tests run
# on a SQLite demo whatever the test database is.
pytestmark = pytest.mark.demo_data


def write_comments(app, stop: threading.Event, committed: list[int]) -> None:
    """A writer that commits one comment at a time until told to stop."""
    with app.app_context():
        task = db.session.scalars(select(Task).order_by(Task.id)).first()
        author = person("director")
        while not stop.is_set():
            comment = plans.add_comment(task, author, f"Запись № {len(committed) + 1}")
            db.session.commit()
            committed.append(comment.id)
        db.session.remove()


def test_backup_during_writes_is_consistent_and_restores(sqlite_app, tmp_path):
    app, runner = sqlite_app, sqlite_app.test_cli_runner()
    stop, committed = threading.Event(), []
    writer = threading.Thread(target=write_comments, args=(app, stop, committed))
    writer.start()
    try:
        while len(committed) < 20:
            time.sleep(0.01)
        before_backup = list(committed)
        target = tmp_path / "copy.sqlite3"
        result = runner.invoke(args=["backup", str(target)])
        time.sleep(0.1)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert "проверка целостности пройдена" in result.output
    assert len(committed) > len(before_backup), "the writer was not running during the backup"
    assert integrity_problems(target) == []
    with sqlite3.connect(target) as copy:
        ids = {row[0] for row in copy.execute("SELECT id FROM task_comments")}
    assert set(before_backup) <= ids

    # Restore onto the live database: the comments written after the backup are gone,
    # everything committed before it is there.
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    restored = set(db.session.scalars(select(TaskComment.id)))
    assert restored == ids
    database = db.engine.url.database
    assert integrity_problems(database) == []


def test_backup_refuses_to_overwrite_and_restore_needs_yes(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    target = tmp_path / "copy.sqlite3"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1 and "Файл уже существует" in result.output
    assert target.read_text() == "keep me"
    count = db.session.scalar(select(func.count()).select_from(Task))
    result = runner.invoke(args=["restore", str(target)])
    assert result.exit_code == 1 and "--yes" in result.output
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 1 and "Это не база SQLite" in result.output
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Task)) == count


def upload_files(app, stop: threading.Event, committed: list[tuple[int, str, bytes]]) -> None:
    """A writer that attaches a new file to one task after another, one commit each, until told
    to stop; it notes (task, key, content) of every committed upload."""
    with app.app_context():
        tasks = db.session.scalars(select(Task).order_by(Task.id).limit(20)).all()
        author = person("director")
        number = 0
        while not stop.is_set():
            number += 1
            task = tasks[number % len(tasks)]
            content = b"%PDF-1.4 upload " + str(number).encode() + os.urandom(20_000 + number)
            plans.change_status(
                task,
                author,
                TaskStatus(task.status),
                note=f"файл № {number}",
                upload=Upload(f"акт-{number}.pdf", content),
            )
            db.session.commit()
            committed.append((task.id, task.completion_file_key, content))
        db.session.remove()


UPLOADING_SECONDS = 30


def test_a_backup_during_uploads_restores_every_committed_record_and_file(sqlite_app, tmp_path):
    app, runner = sqlite_app, sqlite_app.test_cli_runner()
    stop, uploads, comments = threading.Event(), [], []
    writers = [
        threading.Thread(target=upload_files, args=(app, stop, uploads)),
        threading.Thread(target=write_comments, args=(app, stop, comments)),
    ]
    for writer in writers:
        writer.start()
    target = tmp_path / "copy.sqlite3"
    try:
        time.sleep(UPLOADING_SECONDS / 2)
        uploads_before, comments_before = list(uploads), list(comments)
        result = runner.invoke(args=["backup", str(target)])
        time.sleep(UPLOADING_SECONDS / 2)
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert len(uploads) > len(uploads_before) > 10, "the uploads did not go on around the backup"
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    # Every record and file committed before the backup is back, and nothing half-written.
    assert set(comments_before) <= set(db.session.scalars(select(TaskComment.id)))
    kept = {row.key: row for row in db.session.execute(select(StoredFile.key, StoredFile.sha256))}
    for _task_id, key, content in uploads_before:
        assert kept[key].sha256 == hashlib.sha256(content).hexdigest()
    for key, content in db.session.execute(select(StoredFile.key, StoredFile.content)):
        assert hashlib.sha256(content).hexdigest() == kept[key].sha256
    # Every task's file downloads byte for byte from the restored database.
    contents = {key: content for _task_id, key, content in uploads}
    client = app.test_client()
    login(client, "director")
    with_files = db.session.scalars(select(Task).where(Task.completion_file_key != "")).all()
    assert with_files
    for task in with_files:
        assert task.completion_file_key in kept
        assert client.get(f"/tasks/{task.id}/file").data == contents[task.completion_file_key]
