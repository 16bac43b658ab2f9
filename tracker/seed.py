"""Loading the seed school (requisites, positions, plan) from the plain files in `seeds/`."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from tracker.accounts.models import Position, School
from tracker.config import SEEDS
from tracker.controls import services as controls
from tracker.extensions import db
from tracker.plans.importer import import_plan
from tracker.plans.models import Plan, Task


@dataclass
class SeedReport:
    school: School
    created: list[str] = field(default_factory=list)
    needs_review: list[Task] = field(default_factory=list)


def read_toml(path: Path) -> dict:
    with path.open("rb") as file:
        return tomllib.load(file)


def position_specs(seeds: Path = SEEDS) -> list[dict]:
    return read_toml(seeds / "positions.toml")["position"]


def load_seed(seeds: Path = SEEDS) -> SeedReport:
    """Load what is missing; a second run finds everything in place and changes nothing."""
    requisites = read_toml(seeds / "school20.toml")
    school = db.session.scalar(select(School).where(School.slug == requisites["slug"]))
    created: list[str] = []
    if school is None:
        school = School(
            **{
                key: requisites[key]
                for key in ("slug", "full_name", "short_name", "city", "address", "website")
            },
            timezone=requisites.get("timezone", "Europe/Moscow"),
        )
        db.session.add(school)
        created.append(f"школа {school.short_name}")
    report = SeedReport(school=school, created=created)
    existing = {position.code for position in school.positions}
    for order, spec in enumerate(position_specs(seeds), start=1):
        if spec["code"] not in existing:
            school.positions.append(
                Position(
                    code=spec["code"],
                    title=spec["title"],
                    aliases=spec["aliases"],
                    sort_order=order,
                )
            )
            report.created.append(f"должность «{spec['title']}»")
    db.session.flush()
    has_plan = db.session.scalar(select(Plan.id).where(Plan.school_id == school.id).limit(1))
    if not has_plan:
        text = (seeds / requisites["plan_file"]).read_text(encoding="utf-8")
        result = import_plan(school, text, title=requisites.get("plan_title"))
        report.created.append(f"план: мероприятий — {result.items}, задач — {len(result.tasks)}")
        report.needs_review = result.needs_review

    years = controls.load_calendar(school, seeds / "calendar.toml")
    if years:
        report.created.append(f"календарь: учебных лет — {years}")
    checks = controls.load_checks(school, seeds / "controls.toml")
    if checks:
        report.created.append(f"проверки ВШК — {checks}")
    return report
