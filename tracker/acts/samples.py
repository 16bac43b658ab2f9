"""Built-in texts of acts (the regulation on the e-journal), tailored by the school's requisites
and the people in its positions."""

import re

from tracker.accounts.models import School
from tracker.accounts.services import holders
from tracker.config import SEEDS

SAMPLES = {
    "ezh_regulation": ("Положение об электронном журнале успеваемости", "polozhenie-ob-ezh.txt"),
}


def sample_text(school: School, key: str) -> tuple[str, str]:
    """A built-in act (title, text) with the school's name and the people in its positions
    put in; a position nobody fills leaves a line to write the name on."""
    title, filename = SAMPLES[key]
    text = (SEEDS / "acts" / filename).read_text(encoding="utf-8")

    def named(code: str) -> str:
        return ", ".join(p.full_name for p in holders(school, code)) or "________________"

    values = {
        "school_full_name": school.full_name,
        "school_short_name": school.short_name,
        "ej_officer": named("ej_officer"),
        "deputy_uvr": named("deputy_uvr"),
        "director": named("director"),
    }
    return title, re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), text)
