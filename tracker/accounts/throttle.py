"""How many login tries an address gets: a lock-out that protects the account and never hands it
to a stranger (OWASP ASVS 5.0, V6.3).

Every try is a row of `login_attempts`, so every worker and every app server counts the same
tries. Three rules, each judged at the moment of the try and answered at once (no wait inside the
request):

- **The pair (login, address).** Five failures in a row are free; after them the pair waits 1, 2,
  4 … seconds after its last failure, at most 15 minutes. A success clears the pair; failures
  older than a day are forgotten.
- **An account under attack** (ten failures or more against it in the last hour, from anywhere)
  gives one free failure, not five, to an address that has never logged in to it in 90 days: a
  thousand addresses each trying a few passwords are slowed to a trickle. An address that has not
  failed is never refused, so the owner still logs in from home or from school.
- **The address.** Thirty failures from one address in an hour, on any logins, slow that address
  the same way (credential stuffing over many accounts), except for an account that address has
  logged in to before: the teachers behind the school's one address keep logging in.

A try refused while waiting is recorded as refused: it is not a failure, so it neither checks the
password nor lengthens the wait. Every try is in the audit log.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select

from tracker.accounts.models import LoginAttempt
from tracker.extensions import db

PAIR_FREE = 5
PAIR_MEMORY = timedelta(days=1)
UNDER_ATTACK = 10
UNDER_ATTACK_FREE = 1
ADDRESS_FREE = 30
RECENT = timedelta(hours=1)
KNOWN_ADDRESS = timedelta(days=90)
LONGEST_WAIT = 15 * 60  # seconds


def _wait(failures: int, free: int) -> int:
    """Seconds to wait after the last failure: none while free, then doubling to the longest."""
    if failures < free:
        return 0
    return min(2 ** min(failures - free, 20), LONGEST_WAIT)


@dataclass(frozen=True)
class Verdict:
    """Whether a try may check its password now, and if not, for how many more seconds."""

    wait_seconds: int = 0
    reason: str = ""  # "pair" or "address": which rule made it wait

    @property
    def allowed(self) -> bool:
        return self.wait_seconds <= 0


def _failed():
    return and_(LoginAttempt.succeeded.is_(False), LoginAttempt.refused.is_(False))


def judge(username: str, address: str, now: datetime) -> Verdict:
    """May this address try this login now? Four small indexed queries."""
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username,
            LoginAttempt.address == address,
            LoginAttempt.succeeded.is_(True),
        )
    )
    known = last_success is not None and last_success >= now - KNOWN_ADDRESS
    since = max(now - PAIR_MEMORY, last_success) if last_success else now - PAIR_MEMORY
    pair_failures, pair_last = db.session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username,
            LoginAttempt.address == address,
            LoginAttempt.at > since,
            _failed(),
        )
    ).one()
    free = PAIR_FREE
    waits: list[tuple[int, str]] = []
    if not known:
        if pair_failures:  # only a pair that has failed can be made to wait
            attacked = db.session.scalar(
                select(func.count()).where(
                    LoginAttempt.username == username, LoginAttempt.at > now - RECENT, _failed()
                )
            )
            if (attacked or 0) >= UNDER_ATTACK:
                free = UNDER_ATTACK_FREE
        address_failures, address_last = db.session.execute(
            select(func.count(), func.max(LoginAttempt.at)).where(
                LoginAttempt.address == address, LoginAttempt.at > now - RECENT, _failed()
            )
        ).one()
        if address_last is not None:
            left = _wait(address_failures, ADDRESS_FREE) - (now - address_last).total_seconds()
            waits.append((int(left + 0.999), "address"))
    if pair_last is not None:
        left = _wait(pair_failures, free) - (now - pair_last).total_seconds()
        waits.append((int(left + 0.999), "pair"))
    wait, reason = max(waits, default=(0, ""))
    return Verdict(wait, reason) if wait > 0 else Verdict()


def under_attack(username: str, now: datetime) -> tuple[int, int] | None:
    """(failures, addresses) against a login in the last hour when they make it an account
    under attack, else None: its owner is to be told."""
    failures, addresses = db.session.execute(
        select(func.count(), func.count(func.distinct(LoginAttempt.address))).where(
            LoginAttempt.username == username, LoginAttempt.at > now - RECENT, _failed()
        )
    ).one()
    return (failures, addresses) if failures >= UNDER_ATTACK else None


@dataclass(frozen=True)
class Failures:
    """Failed and refused tries against a login since its previous success: what its owner is
    told at the next login."""

    failed: int
    refused: int
    addresses: int

    def __bool__(self) -> bool:
        return bool(self.failed or self.refused)


def since_last_success(username: str, before: datetime) -> Failures:
    previous = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username,
            LoginAttempt.succeeded.is_(True),
            LoginAttempt.at < before,
        )
    )
    failed, refused, addresses = db.session.execute(
        select(
            func.count(case((LoginAttempt.refused.is_(False), 1))),
            func.count(case((LoginAttempt.refused.is_(True), 1))),
            func.count(func.distinct(LoginAttempt.address)),
        ).where(
            LoginAttempt.username == username,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at < before,
            LoginAttempt.at > (previous or before - KNOWN_ADDRESS),
        )
    ).one()
    return Failures(failed or 0, refused or 0, addresses or 0)


@dataclass(frozen=True)
class AttackRow:
    username: str
    failed: int
    refused: int
    addresses: int
    last_at: datetime


def attacks_on(usernames: list[str], since: datetime) -> list[AttackRow]:
    """Failed and refused tries against these logins since a moment, the most tried first: what
    the director sees on «Сотрудники»."""
    if not usernames:
        return []
    rows = db.session.execute(
        select(
            LoginAttempt.username,
            func.count(case((LoginAttempt.refused.is_(False), 1))),
            func.count(case((LoginAttempt.refused.is_(True), 1))),
            func.count(func.distinct(LoginAttempt.address)),
            func.max(LoginAttempt.at),
        )
        .where(
            LoginAttempt.username.in_(usernames),
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > since,
        )
        .group_by(LoginAttempt.username)
    ).all()
    found = [AttackRow(*row) for row in rows]
    return sorted(found, key=lambda row: (-(row.failed + row.refused), row.username))
