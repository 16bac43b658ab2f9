"""Domain errors: a rule of the school said no. Views show the message; commands print it."""


class DomainError(Exception):
    """An action the rules refuse. `field` names the form field the message belongs beside."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    """An object named by the user does not exist (or is not theirs to see)."""


class StaleForm(DomainError):
    """The form was made from an older state of the record: refused, never merged."""

    def __init__(self):
        from flask_babel import gettext

        super().__init__(
            gettext(
                "Запись уже изменил другой пользователь. Обновите страницу и внесите данные заново."
            )
        )


def check_fresh(obj, expected_version: int | None) -> None:
    """Refuse a form made from an older state of the object (optimistic version check)."""
    if expected_version is not None and expected_version != obj.lock_version:
        raise StaleForm()
