"""Password rules (OWASP ASVS 5.0 level 2, V6.2): length, not a common password, and not easy to
guess for this person (zxcvbn's score of at least 3, with the person's login, name and school as
words an attacker would try first); nothing more (no rules of character classes)."""

from functools import cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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


# zxcvbn (12 MB of word lists) is imported when a password is judged, not by every process
# that serves pages.


@cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(RUSSIAN_COMMON)


MIN_SCORE = 3  # zxcvbn: «safely unguessable», about 10^8 guesses and more
# zxcvbn's reasons, as a person reads them here.
WARNINGS = {
    "Repeats like": _l("повторы вроде «aaa» или «abcabc»"),
    "Sequences like": _l("последовательности вроде «abc» или «6543»"),
    "Straight rows of keys": _l("ряды клавиш подряд"),
    "Short keyboard patterns": _l("узоры на клавиатуре"),
    "This is a top-10 common password": _l("один из самых частых паролей"),
    "This is a top-100 common password": _l("один из самых частых паролей"),
    "This is a very common password": _l("очень частый пароль"),
    "This is similar to a commonly used password": _l("похоже на частый пароль"),
    "A word by itself": _l("одно слово"),
    "Names and surnames": _l("имя или фамилия"),
    "Common names and surnames": _l("имя или фамилия"),
    "Recent years": _l("год"),
    "Dates are often": _l("дата"),
}


def check_password_rules(password: str, username: str = "", known: tuple[str, ...] = ()) -> None:
    """Refuse a password that is too short or long, that people commonly choose, or that is
    easy to guess for this person: `known` are words an attacker knows of them (their name,
    their school's), compared with the login as zxcvbn's user inputs."""
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
    words = [username, *(word for phrase in known for word in phrase.split() if len(word) > 2)]
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:MAX_PASSWORD], user_inputs=[w for w in words if w])
    if result["score"] < MIN_SCORE:
        warning = result["feedback"].get("warning") or ""
        why = next((said for start, said in WARNINGS.items() if warning.startswith(start)), "")
        raise DomainError(
            _(
                "Этот пароль легко подобрать (%(why)s): возьмите фразу из трёх-четырёх слов "
                "или длиннее",
                why=str(why) or _("в нём мало неожиданного"),
            ),
            field="password",
        )
