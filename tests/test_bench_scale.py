"""The generated schools of `bench.scale`: the bulk copy writes what the services write."""

import json
import re

import pytest
from sqlalchemy import func, select

from bench import scale
from tests.conftest import TODAY, login
from tracker.accounts.models import Person, School
from tracker.extensions import db

PASSWORD = "scale-pass-123"


def placeholder(ident: scale.Identity) -> scale.Identity:
    """The same school with made-up names, so two schools' rows can be compared."""
    return scale.Identity(
        index=0,
        slug="school",
        full_name="ШКОЛА",
        short_name="ШК",
        city="",
        people=tuple(
            (f"login{i}", code, f"Фамилия{i} Имя Отчество")
            for i, (_, code, _) in enumerate(ident.people)
        ),
    )


def school_rows(slug: str) -> dict[str, list[str]]:
    """Every row of a school, ids as their rank in the school's rows, names as placeholders;
    what differs by nature (timestamps, tokens, hashes, the school's city) left out."""
    positions = scale.position_specs(scale.SEEDS)
    ident = scale.identity(int(slug.removeprefix("school-")), positions)
    school_id = db.session.scalar(select(School.id).where(School.slug == slug))
    original = scale.NOT_COPIED
    scale.NOT_COPIED = ()  # read the publication too
    try:
        snapshot = scale._Snapshot(school_id, ident)
    finally:
        scale.NOT_COPIED = original
    rename = scale._renamer(ident, placeholder(ident))
    ranks = {
        table.name: {row["id"]: rank for rank, row in enumerate(rows)}
        for table, rows in snapshot.tables
        if "id" in table.c
    }
    skipped = {"created_at", "updated_at", "at", "recorded_at", "published_at", "superseded_at"}
    skipped.add("records_changed_at")  # when the school last changed: a timestamp too
    skipped |= {"session_token", "password_hash", "slug", "city", "address"}
    skipped |= {"content", "size", "fingerprint"}  # a DOCX: its bytes hold the names

    def act_rank(subject: str) -> str:  # a generated document's "act:<id>"
        return re.sub(r"act:(\d+)", lambda m: f"act:{ranks['local_acts'][int(m[1])]}", subject)

    dump: dict[str, list[str]] = {}
    for table, rows in snapshot.tables:
        targets = snapshot.targets[table.name]
        lines = []
        for row in rows:
            row = dict(row)
            if table.name == "control_occurrences":
                row["term_ids"] = [ranks["terms"][i] for i in row["term_ids"]]
                row["period_key"] = re.sub(
                    r"term-(\d+)", lambda m: f"term-{ranks['terms'][int(m[1])]}", row["period_key"]
                )
            if table.name == "generated_documents":
                row["subject"] = act_rank(row["subject"])
            if table.name == "audit_entries":
                if row["object_id"] is not None:
                    row["object_id"] = ranks[scale.AUDIT_OBJECTS[row["object_type"]]][
                        row["object_id"]
                    ]
                changes = dict(row["changes"])
                if row["action"] == "meeting.record":
                    changes["decisions"] = {
                        str(ranks["agenda_items"][int(k)]): v
                        for k, v in changes["decisions"][1].items()
                    }
                if row["action"] == "document.generate":
                    changes["subject"] = act_rank(changes["subject"][1])
                if row["action"] == "act.publish":
                    changes["publication"] = ranks["publications"][changes["publication"][1]]
                row["changes"] = changes
            line = {}
            for key, value in row.items():
                if key in skipped:
                    continue
                if key == "id" and table.name in ranks:
                    value = ranks[table.name][value]
                elif key in targets and value is not None:
                    value = [targets[key], ranks[targets[key]][value]]
                line[key] = value
            lines.append(rename(json.dumps(line, ensure_ascii=False, sort_keys=True, default=str)))
        dump[table.name] = lines if "id" in table.c else sorted(lines)
    return dump


@pytest.mark.demo_data
def test_bulk_copies_are_the_schools_the_services_build(app, client):
    through_services = scale.build_schools(3, TODAY, PASSWORD, bulk=False)
    in_bulk = scale.build_schools(3, TODAY, PASSWORD)
    assert through_services.slugs == ["school-0001", "school-0002", "school-0003"]
    assert in_bulk.slugs == ["school-0004", "school-0005", "school-0006"]
    assert (in_bulk.schools, in_bulk.people, in_bulk.publications) == (3, 45, 3)
    assert in_bulk.results > 0 and in_bulk.occurrences > in_bulk.results
    built = school_rows("school-0002")
    assert set(built) >= {"people", "tasks", "meetings", "orders", "control_occurrences"}
    for slug in ("school-0004", "school-0005", "school-0006"):  # the first one, then copies
        copied = school_rows(slug)
        assert copied.keys() == built.keys()
        for table, rows in built.items():
            assert copied[table] == rows, f"{slug}: {table}"
    logins = db.session.scalar(select(func.count(func.distinct(Person.username))))
    assert logins == db.session.scalar(select(func.count(Person.id)))
    db.session.commit()
    login(client, "s0005.director", PASSWORD)
    page = client.get("/acts").get_data(as_text=True)
    assert "Положение об электронном журнале успеваемости" in page
    public = client.get("/public/school-0005/documents").get_data(as_text=True)
    assert "МБОУ СОШ № 105" in public or "школа № 105" in public
