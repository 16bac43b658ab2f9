"""The `tracker` command line: a Flask command group with the app's own commands."""

import functools
import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Person, Role, School
from tracker.backup import backup, restore, sqlite_path
from tracker.controls import services as controls
from tracker.demo import load_demo, real_people
from tracker.errors import DomainError
from tracker.export import export_schools
from tracker.extensions import db
from tracker.ical import services as feeds
from tracker.mail import services as mail_services
from tracker.plans import reimport
from tracker.plans import services as plans_services
from tracker.plans.files import rows_of, source_text
from tracker.plans.importer import import_plan_file, read_plan
from tracker.plans.onboarding import onboard_school, set_operator
from tracker.seed import load_seed
from tracker.types import today_in


def user_errors(command):
    """A user's mistake ends the command with one line on stderr, a non-zero exit, no writes."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            db.session.commit()
            return result
        except (DomainError, ValueError, FileNotFoundError, UnicodeDecodeError) as error:
            db.session.rollback()
            click.echo(f"Ошибка: {error}", err=True)
            sys.exit(1)

    return wrapper


def find_school(slug: str | None) -> School:
    query = select(School).order_by(School.id)
    if slug:
        query = query.where(School.slug == slug)
    school = db.session.scalar(query.limit(1))
    if school is None:
        raise DomainError(f"Школа «{slug}» не найдена" if slug else "В базе нет ни одной школы")
    return school


@click.command("seed")
@with_appcontext
@user_errors
def seed_command():
    """Load the seed school, its positions and its plan (only what is missing)."""
    report = load_seed()
    if not report.created:
        click.echo(f"Всё уже загружено: {report.school.short_name}. Ничего не изменено.")
    for line in report.created:
        click.echo(f"Добавлено: {line}")
    for task in report.needs_review:
        click.echo(
            f"Проверьте задачу {task.display_number} «{task.title[:60]}»: "
            f"срок «{task.deadline_text}», ответственный «{task.responsible_text}»"
        )


@click.command("demo")
@click.option("--password", help="Пароль для всех демо-учётных записей (иначе случайный).")
@click.option("--if-empty", is_flag=True, help="Загрузить, только если база пуста.")
@click.option("--force", is_flag=True, help="Загрузить и в базу с настоящими сотрудниками.")
@with_appcontext
@user_errors
def demo_command(password: str | None, if_empty: bool, force: bool):
    """Add demo people for every position and move the plan part-way through its year. Refused
    on a database with real people, and in production, unless forced."""
    from flask import current_app

    if if_empty and db.session.scalar(select(School.id).limit(1)):
        if not db.session.scalar(select(Person.id).where(Person.username == "director")):
            click.echo("В базе уже есть данные; демо не загружается.")
            return
    real = real_people()
    if not force and (real or current_app.config.get("PRODUCTION")):
        where = f"в базе есть настоящие сотрудники ({real})" if real else "это рабочий сервер"
        raise DomainError(
            f"Демо не загружено: {where}, а демо добавляет двенадцать учётных записей с одним "
            "общим паролем. Для учебной базы добавьте --force."
        )

    today = today_in("Europe/Moscow")
    report = load_demo(today, password=password)
    click.echo("Демо-учётные записи созданы." if report.created else "Демо уже загружено.")
    for username, name, position in report.logins:
        click.echo(f"  {username:<20} {name} — {position}")
    if report.password:
        click.echo(f"Пароль демо-учётных записей: {report.password}")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("--school", "slug", help="Код школы (по умолчанию все школы).")
@with_appcontext
@user_errors
def export_command(fmt: str, slug: str | None):
    """Print everything a school owns (plan, people, calendar, checks and their results, acts,
    decisions, orders) as JSON on stdout."""
    schools = (
        [find_school(slug)]
        if slug
        else list(db.session.scalars(select(School).order_by(School.id)))
    )
    today = today_in(schools[0].timezone if schools else "Europe/Moscow")
    click.echo(json.dumps(export_schools(schools, today), ensure_ascii=False, indent=2))


@click.command("import-plan")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--school", "slug", help="Код школы.")
@click.option("--title", help="Название плана (по умолчанию — заголовок из текста).")
@click.option(
    "--apply", "apply_edition", is_flag=True, help="Применить новую редакцию к плану школы."
)
@with_appcontext
@user_errors
def import_plan_command(path: Path, slug: str | None, title: str | None, apply_edition: bool):
    """Import a plan-schedule: a Word table (DOCX), an Excel sheet (XLSX), CSV, or text from
    Word (tab-separated) in UTF-8, UTF-16 or Windows-1251; its columns found by their headers.
    A school that has a plan gets the differences of the new edition listed, and applied with
    --apply (as the web's preview and confirmation)."""
    if not path.is_file():
        raise DomainError(f"Файл не найден: {path}")
    school = find_school(slug)
    plan = plans_services.school_plan(school)
    if plan is None:
        result = import_plan_file(school, path.name, path.read_bytes(), title=title)
        checks = controls.checks_for_plan(school, None, today_in(school.timezone))
        click.echo(
            f"Импортировано: мероприятий — {result.items}, задач — {len(result.tasks)}; "
            f"проверок ВШК — {checks}."
        )
        for task in result.needs_review:
            click.echo(
                f"Проверьте задачу {task.display_number}: «{task.deadline_text}», "
                f"«{task.responsible_text}»"
            )
        return
    rows = rows_of(path.name, path.read_bytes())
    parsed, planned = read_plan(school, rows)
    source = source_text(rows)
    today = today_in(school.timezone)
    found = (
        reimport.apply(plan, school, parsed, planned, None, today, source)
        if apply_edition
        else reimport.differences(plan, planned)
    )
    click.echo(
        f"Новая редакция плана «{plan.title}»: новых задач — {len(found.new)}, "
        f"изменится — {len(found.changed)}, отменится — {len(found.gone)}, "
        f"без изменений — {found.same}."
    )
    for row in found.new:
        click.echo(f"+ {row.display_number} {row.title}")
    for change in found.changed:
        fields = "; ".join(f"{label}: «{old}» → «{new}»" for label, old, new in change.labelled)
        click.echo(f"~ {change.task.display_number} {change.task.title[:60]}: {fields}")
    for task in found.gone:
        click.echo(f"- {task.display_number} {task.title}")
    if apply_edition:
        controls.checks_for_plan(school, None, today)
    else:
        db.session.rollback()
        click.echo("Ничего не изменено: чтобы применить, повторите команду с --apply.")


@click.group("users")
def users_group():
    """People and their logins."""


@users_group.command("create")
@click.option("--username", required=True)
@click.option("--name", "full_name", required=True, help="Фамилия Имя Отчество")
@click.option("--role", type=click.Choice([role.value for role in Role]), default="staff")
@click.option("--school", "slug", help="Код школы.")
@click.option(
    "--position", "position_codes", multiple=True, help="Код должности (можно несколько)."
)
@with_appcontext
@user_errors
def users_create_command(username, full_name, role, slug, position_codes):
    """Create a person with a random initial password, printed once."""
    school = find_school(slug)
    by_code = {position.code: position for position in school.positions}
    unknown = [code for code in position_codes if code not in by_code]
    if unknown:
        raise DomainError(f"Нет такой должности: {', '.join(unknown)}")
    person, password = accounts.create_person(
        school, username=username, full_name=full_name, role=Role(role)
    )
    for code in position_codes:
        accounts.fill_position(by_code[code], person, actor=None)
    click.echo(f"Создан {person.username} ({person.full_name}). Начальный пароль: {password}")


@users_group.command("reset-password")
@click.argument("username")
@with_appcontext
@user_errors
def users_reset_password_command(username: str):
    """Give a person a new one-time password (printed once); their sessions end and the
    password must be changed at the next login."""
    person = db.session.scalar(select(Person).where(Person.username == username.strip().lower()))
    if person is None:
        raise DomainError(f"Нет пользователя «{username}»")
    password = accounts.reset_password(person, None)
    db.session.commit()
    click.echo(
        f"Пароль {person.username} ({person.full_name}) сброшен. Новый пароль: {password} "
        "— сменить при входе."
    )


@click.group("mail")
def mail_group():
    """Outgoing mail."""


@mail_group.command("send")
@with_appcontext
@user_errors
def mail_send_command():
    """Deliver the messages waiting in the outbox (through TRACKER_SMTP_URL, or as .eml files
    in instance/outbox/ when it is not set); run it from cron or a timer every minute."""
    sent, failed = mail_services.deliver_pending(limit=1000)
    click.echo(f"Отправлено: {sent}, не удалось: {failed}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
@user_errors
def backup_command(path: Path):
    """Write a consistent, checked copy of the SQLite database to PATH (while the app runs)."""
    backup(sqlite_path(db.engine.url), path)
    click.echo(f"Резервная копия записана: {path} (проверка целостности пройдена)")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Подтверждаю: текущие данные будут заменены копией.")
@with_appcontext
@user_errors
def restore_command(path: Path, yes: bool):
    """Replace the SQLite database's content with a backup made by `tracker backup`."""
    if not yes:
        raise DomainError("Все текущие данные будут заменены копией. Повторите с --yes")
    db.session.remove()
    db.engine.dispose()
    restore(path, sqlite_path(db.engine.url))
    click.echo(f"База восстановлена из {path}")


@click.group("controls")
def controls_group():
    """Recurring control checks of the e-journal."""


@controls_group.command("generate")
@click.option("--school", "slug", help="Код школы (по умолчанию первая).")
@click.option(
    "--year", "year_title", help="Учебный год, например 2023/24 (иначе текущий и следующий)."
)
@with_appcontext
@user_errors
def controls_generate_command(slug: str | None, year_title: str | None):
    """Create the occurrences of every check for the current and next school year (idempotent)."""
    school = find_school(slug)
    today = today_in(school.timezone)
    years = None
    if year_title:
        years = [year for year in controls.years_of(school) if year.title == year_title.strip()]
        if not years:
            known = ", ".join(year.title for year in controls.years_of(school)) or "нет"
            raise DomainError(f"Учебного года «{year_title}» нет в календаре (есть: {known})")
    report = controls.generate(school, None, today, years=years)
    click.echo(
        f"{school.short_name}: создано {report.created}, перенесено {report.moved}, "
        f"удалено {report.removed}, выполненных сохранено {report.kept_done}."
    )
    for note in report.notes:
        click.echo(f"Внимание: {note}")


@click.command("ical-url")
@click.argument("username")
@click.option("--alarm-days", type=int, default=1, show_default=True, help="Напоминание за N дней.")
@with_appcontext
@user_errors
def ical_url_command(username: str, alarm_days: int):
    """Print a fresh link to a person's own calendar feed (the token is shown only now)."""
    from tracker.urls import external_url

    person = db.session.scalar(select(Person).where(Person.username == username.strip()))
    if person is None or not person.is_active:
        raise DomainError(f"Сотрудника с логином «{username}» нет или он отключён")
    _token, raw = feeds.create_token(person, None, "mine", alarm_days)
    click.echo(external_url("ical.feed", token=raw))


@click.group("schools")
def schools_group():
    """Schools of this installation."""


@schools_group.command("create")
@click.option("--slug", required=True, help="Код школы латиницей: school7")
@click.option("--name", "full_name", required=True, help="Полное название")
@click.option("--short", "short_name", default="", help="Краткое название: МБОУ СОШ № 7")
@click.option("--city", default="")
@click.option("--address", default="")
@click.option("--timezone", default="Europe/Moscow", show_default=True)
@click.option("--inn", default="", help="ИНН (10 цифр), необязательно")
@click.option("--ogrn", default="", help="ОГРН (13 цифр), необязательно")
@click.option("--director-login", "director_login", required=True)
@click.option("--director-name", "director_name", required=True, help="Фамилия Имя Отчество")
@click.option("--director-email", "director_email", default="")
@click.option(
    "--plan",
    type=click.Choice(["none", "template"]),
    default="none",
    show_default=True,
    help="template: план-график школы № 20 как образец, перенесённый на этот год",
)
@with_appcontext
@user_errors
def schools_create_command(
    slug,
    full_name,
    short_name,
    city,
    address,
    timezone,
    inn,
    ogrn,
    director_login,
    director_name,
    director_email,
    plan,
):
    """Create a school with the usual catalogue of positions and its first director, who gets
    a single-use link (72 hours) to set a password: printed, and sent when an address is given."""

    done = onboard_school(
        slug=slug,
        full_name=full_name,
        short_name=short_name,
        city=city,
        address=address,
        timezone=timezone,
        inn=inn,
        ogrn=ogrn,
        director_login=director_login,
        director_name=director_name,
        director_email=director_email,
        template=plan == "template",
    )
    school, director = done.school, done.director
    controls.checks_for_plan(school, None, today_in(school.timezone))
    click.echo(f"Школа «{school.short_name}» ({school.slug}): должностей — {len(school.positions)}")
    if done.template is not None:
        click.echo(
            f"План-образец: задач — {len(done.template.tasks)}, сроки перенесены на "
            f"{done.years} г. вперёд; без распознанных ответственных — "
            f"{len(done.template.needs_review)}"
        )
    click.echo(f"Директор {director.full_name}, логин {director.username}.")
    click.echo(f"Ссылка для первого входа (72 часа, один раз): {done.link}")


@schools_group.command("operator")
@click.argument("username")
@click.option("--off", is_flag=True, help="Снять право")
@with_appcontext
@user_errors
def schools_operator_command(username: str, off: bool):
    """Let a person run the installation: see every school and create new ones («Школы»)."""
    person = db.session.scalar(select(Person).where(Person.username == username.strip().lower()))
    if person is None:
        raise DomainError(f"Пользователь «{username}» не найден")
    set_operator(person, not off)
    click.echo(
        f"{person.full_name} ({person.username}) "
        + ("больше не ведёт установку." if off else "ведёт установку: страница «Школы».")
    )


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Сколько заданий выполнять сразу")
@click.option("--once", is_flag=True, help="Выполнить то, что ждёт, и выйти")
@with_appcontext
def worker_command(threads: int, once: bool):
    """Run the job queue's consumer: PDFs of published acts, mail, the scheduled reminders.
    Stop it with Ctrl+C (or SIGTERM): the job in hand is finished first."""
    import logging

    from tracker.logs import JsonLines
    from tracker.queue import queue, run_pending

    if once:
        click.echo(f"Выполнено заданий: {run_pending()}")
        return
    # The queue's own lines (Huey's) as JSON lines too, like the app's (`tracker.logs`).
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    queue.create_consumer(workers=max(1, threads), worker_type="thread").run()


COMMANDS = [
    schools_group,
    worker_command,
    ical_url_command,
    controls_group,
    backup_command,
    restore_command,
    seed_command,
    demo_command,
    export_command,
    import_plan_command,
    users_group,
    mail_group,
]


def register_commands(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:

    return create_app()


main = FlaskGroup(
    create_app=_create_app, add_default_commands=True, help="tracker: план перехода школы."
)
