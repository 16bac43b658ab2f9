"""A school's calendar and control checks as plain data (part of `tracker export --format
json`): the years with their terms and holidays, each check with its rule, its occurrences,
the results recorded and the parts each person has done."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import School
from tracker.controls.models import ControlCheck, Occurrence
from tracker.controls.services import years_of
from tracker.extensions import db
from tracker.plans.export import iso


def _occurrence(occurrence: Occurrence, today: date) -> dict:
    return {
        "label": occurrence.label,
        "due_on": iso(occurrence.due_on),
        "state": str(occurrence.state(today)),
        "is_orphan": occurrence.is_orphan,
        "result": None
        if not occurrence.is_done
        else {
            "checked_by": occurrence.checked_by.username if occurrence.checked_by else None,
            "checked_on": iso(occurrence.checked_on),
            "objects": occurrence.objects,
            "conclusion": occurrence.conclusion,
            "findings": [
                {"criterion": f.criterion, "violations": f.violations, "comment": f.comment}
                for f in occurrence.findings
            ],
            "recommendations": [
                {
                    "text": r.text,
                    "person": r.person.username if r.person else None,
                    "due_on": iso(r.due_on),
                    "task_id": r.task_id,
                }
                for r in occurrence.recommendations
            ],
            "attachments": [a.file_name for a in occurrence.attachments],
        },
        "parts_done": [
            {"person": part.person.username, "done_on": iso(part.done_on), "note": part.note}
            for part in occurrence.parts_done
        ],
    }


def controls_data(school: School, today: date) -> dict:
    checks = db.session.scalars(
        select(ControlCheck)
        .where(ControlCheck.school_id == school.id)
        .order_by(ControlCheck.sort_order, ControlCheck.id)
        .options(
            selectinload(ControlCheck.position),
            selectinload(ControlCheck.occurrences).selectinload(Occurrence.findings),
            selectinload(ControlCheck.occurrences).selectinload(Occurrence.recommendations),
            selectinload(ControlCheck.occurrences).selectinload(Occurrence.parts_done),
            selectinload(ControlCheck.occurrences).selectinload(Occurrence.attachments),
        )
    )
    return {
        "calendar": [
            {
                "starts_on": iso(year.starts_on),
                "ends_on": iso(year.ends_on),
                "terms": [
                    {
                        "kind": str(term.kind),
                        "number": term.number,
                        "starts_on": iso(term.starts_on),
                        "ends_on": iso(term.ends_on),
                    }
                    for term in year.terms
                ],
                "holidays": [
                    {"title": h.title, "starts_on": iso(h.starts_on), "ends_on": iso(h.ends_on)}
                    for h in year.holidays
                ],
            }
            for year in years_of(school)
        ],
        "checks": [
            {
                "title": check.title,
                "task_id": check.task_id,
                "position": check.position.code if check.position else None,
                "criteria": list(check.criteria or []),
                "rule": {
                    "kind": str(check.rule),
                    "month_day": check.month_day,
                    "term_kinds": list(check.term_kinds or []),
                    "offset_days": check.offset_days,
                    "dates": list(check.dates or []),
                    "once_on": iso(check.once_on),
                },
                "occurrences": [_occurrence(o, today) for o in check.occurrences],
            }
            for check in checks
        ],
    }
