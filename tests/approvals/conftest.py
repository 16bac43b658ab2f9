from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, TODAY, person
from tracker.accounts import services as accounts
from tracker.accounts.models import School
from tracker.acts.services import create_act
from tracker.approvals.bodies import ensure_bodies, update_body
from tracker.approvals.models import BodyKind
from tracker.extensions import db

MSK = ZoneInfo("Europe/Moscow")


def at(day: str, hour: int = 15) -> datetime:
    return datetime.strptime(day, "%d.%m.%Y").replace(hour=hour, tzinfo=MSK)


@pytest.fixture
def setup(app):
    """School № 7 (its plan imported, no approvals recorded yet) with its councils staffed and
    the e-journal regulation drafted: the demo school's own records stay out of the way."""
    school = db.session.scalar(select(School).where(School.slug == "school7"))
    director = person("director7")
    staff = {
        username: accounts.create_person(
            school, username=username, full_name=name, password=DEMO_PASSWORD
        )[0]
        for username, name in [
            ("sec7", "Секретарёва Анна Ивановна"),
            ("parsec7", "Родителева Мария Петровна"),
            ("dep7", "Завучева Ольга Павловна"),
        ]
    }
    bodies = {body.kind: body for body in ensure_bodies(school)}
    update_body(
        bodies[BodyKind.PED_COUNCIL],
        director,
        members_count=30,
        chair=director,
        secretary=staff["sec7"],
        quorum_numerator=2,
        quorum_denominator=3,
    )
    update_body(
        bodies[BodyKind.PARENTS_COUNCIL],
        director,
        members_count=12,
        chair=None,
        secretary=staff["parsec7"],
        quorum_numerator=2,
        quorum_denominator=3,
    )
    act = create_act(
        school, staff["dep7"], "Положение об электронном журнале", "1. Общие положения"
    )
    db.session.commit()
    return {"school": school, "director": director, "act": act, "bodies": bodies, "today": TODAY}
