"""Password rules (OWASP ASVS 5.0 level 2): length, not a common password, nothing more."""

from functools import cache

from flask_babel import gettext as _
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from tracker.errors import DomainError

MIN_PASSWORD, MAX_PASSWORD = 8, 128

# zxcvbn's list of 30,000 leaked passwords covers the Latin ones; these are what a Russian
# keyboard and habit add (the Cyrillic words typed on a Latin layout are in zxcvbn's list).
RUSSIAN_COMMON = {
    "пароль",
    "пароль1",
    "пароль123",
    "парольпароль",
    "йцукенгш",
    "йцукенгшщ",
    "йцукенгшщз",
    "йцукенгшщзхъ",
    "фывапролд",
    "фывапролджэ",
    "ячсмитьбю",
    "qwertyйцукен",
    "школа123",
    "школа2023",
    "школа2024",
    "школа2025",
    "школа2026",
    "учитель1",
    "директор",
    "директор1",
    "gfhjkm123",
    "gfhjkmgfhjkm",
}


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(RUSSIAN_COMMON)


def check_password_rules(password: str, username: str = "") -> None:
    """Refuse a password that is too short or long, or that people commonly choose."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise DomainError(
            _(
                "Пароль должен быть от %(min)d до %(max)d символов",
                min=MIN_PASSWORD,
                max=MAX_PASSWORD,
            ),
            field="password",
        )
    lowered = password.lower()
    if lowered in common_passwords() or (username and username.lower() in lowered):
        raise DomainError(
            _("Этот пароль слишком распространён или похож на логин: выберите другой"),
            field="password",
        )
