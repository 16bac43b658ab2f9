from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, person
from tracker.accounts.models import School
from tracker.approvals import services as approvals
from tracker.approvals.models import BodyKind
from tracker.extensions import db

MSK = ZoneInfo("Europe/Moscow")


def at(day: str, hour: int = 15) -> datetime:
    return datetime.strptime(day, "%d.%m.%Y").replace(hour=hour, tzinfo=MSK)


@pytest.fixture
def setup(app):
    """School № 20 with its councils staffed and the e-journal regulation drafted."""
    school = db.session.scalar(select(School).where(School.slug == "school20"))
    director = person("director")
    bodies = {body.kind: body for body in approvals.ensure_bodies(school)}
    approvals.update_body(bodies[BodyKind.PED_COUNCIL], director, members_count=30, chair=director,
                          secretary=person("ped_secretary"), quorum_numerator=2,
                          quorum_denominator=3)
    approvals.update_body(bodies[BodyKind.PARENTS_COUNCIL], director, members_count=12,
                          chair=person("parents_chair"), secretary=person("parents_secretary"),
                          quorum_numerator=2, quorum_denominator=3)
    act = approvals.create_act(school, person("deputy_uvr"), "Положение об электронном журнале",
                               "1. Общие положения")
    db.session.commit()
    return {"school": school, "director": director, "act": act, "bodies": bodies, "today": TODAY}
