"""Schools, their positions (должности), people and who fills which position."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.types import UTCDateTime, utcnow


class Role(StrEnum):
    """What a person may do in their school; positions say what they are responsible for."""

    ADMIN = "admin"
    DIRECTOR = "director"
    STAFF = "staff"


MANAGING_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR})


class School(Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(500))
    short_name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    # ИНН and ОГРН of the school as a legal entity, optional (checked by their check digits).
    inn: Mapped[str] = mapped_column(String(12), default="", server_default="")
    ogrn: Mapped[str] = mapped_column(String(15), default="", server_default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moved on, in the same transaction, by every audit entry about the school: what a feed's
    # ETag or a kept public page is keyed by, read with the link's or the slug's row
    # (`ical.services.find_subscription`, `publication.services.public_key`).
    records_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    records_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    positions: Mapped[list[Position]] = relationship(
        back_populates="school", order_by="Position.sort_order, Position.id"
    )
    people: Mapped[list[Person]] = relationship(
        back_populates="school", order_by="Person.full_name"
    )

    @property
    def directors(self) -> list[Person]:
        """The people filling the director's position (the school's director in documents)."""
        return [
            holder.person
            for position in self.positions
            if position.code == "director"
            for holder in position.holders
        ]


class Position(Model):
    __tablename__ = "positions"
    __table_args__ = (UniqueConstraint("school_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    school: Mapped[School] = relationship(back_populates="positions")
    holders: Mapped[list[PositionHolder]] = relationship(
        back_populates="position", cascade="all, delete-orphan", order_by="PositionHolder.id"
    )

    @property
    def people(self) -> list[Person]:
        return [holder.person for holder in self.holders]


class Person(UserMixin, Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(16), default=Role.STAFF)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Returned by get_id() and changed on logout, so a replayed session cookie stops working.
    session_token: Mapped[str] = mapped_column(String(64), unique=True)
    locale: Mapped[str] = mapped_column(String(8), default="ru")
    # The kinds of notice the person switched off (accounts.notices.KINDS); each e-mail has a
    # one-click link that adds its kind here.
    mail_off: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # A password someone else chose (an initial one) must be replaced at the next login.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # A right the director gives one person: to publish the acts in force on the school site.
    may_publish: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The director lets a deputy who runs the control checks keep the school calendar.
    may_edit_calendar: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Runs the installation (the education office that keeps it for its schools): creates
    # schools and sees their list; sees nothing inside another school.
    runs_installation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school: Mapped[School] = relationship(back_populates="people")
    holdings: Mapped[list[PositionHolder]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PositionHolder.id"
    )

    def get_id(self) -> str:
        return self.session_token

    @property
    def positions(self) -> list[Position]:
        return [holding.position for holding in self.holdings]

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGING_ROLES

    @property
    def short_name(self) -> str:
        """«Иванова Т. П.» from «Иванова Татьяна Петровна»."""
        surname, *given = self.full_name.split()
        return " ".join([surname, *(f"{name[0]}." for name in given)]) if given else surname


class PositionHolder(Model):
    """A person filling a position; a position may have several (every class teacher)."""

    __tablename__ = "position_holders"
    __table_args__ = (UniqueConstraint("position_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    # The day the person took the position (None: from the start, as the seed and the demo
    # fill them): recurring parts due before it are not theirs.
    since: Mapped[date | None] = mapped_column(Date)

    position: Mapped[Position] = relationship(back_populates="holders")
    person: Mapped[Person] = relationship(back_populates="holdings")


class LoginAttempt(Model):
    """Every login try, kept in the database so that all workers count the same failures
    (`accounts.throttle` says how they are counted)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
        Index("ix_login_attempts_username_address_at", "username", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    # Refused unchecked while the address had to wait: not a failure, so it adds no wait.
    refused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CostlyRequest(Model):
    """A piece of costly work a person asked for (a file the worker makes, a template checked),
    counted against their hourly limit (`accounts.limits`)."""

    __tablename__ = "costly_requests"
    __table_args__ = (Index("ix_costly_requests_person_kind_at", "person_id", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordReset(Model):
    """A «забыли пароль?» link: only its hash is kept; single use, valid for an hour."""

    __tablename__ = "password_resets"
    __table_args__ = (Index("ix_password_resets_address_created", "address", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
