"""Staff accounts (argon2 hashes) and their sessions (random tokens, stored only as hashes).

Every method here blocks (argon2, the database): bot/staff/views.py calls them in the staff
pools (bot/staff/offloop.py), never on the event loop.
"""
from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update

from bot.demand.schema import staff_accounts, staff_sessions

SESSION_LIFETIME = timedelta(hours=8)
IDLE_TIMEOUT = timedelta(minutes=30)
_hasher = PasswordHasher()


@dataclass(frozen=True)
class StaffSession:
    staff_name: str
    csrf_token: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _unknown_account_hash() -> str:
    # An unknown name is checked against this, with the same parameters as a real hash: the
    # same work, so the answer's timing does not tell which names exist.
    return _hasher.hash(secrets.token_urlsafe(32))


def warm_up() -> None:
    """Computes the unknown-name hash before the first login, which would otherwise be slower."""
    _unknown_account_hash()


class StaffAccounts:
    def __init__(self, engine, idle_timeout: timedelta = IDLE_TIMEOUT) -> None:
        self.engine = engine
        self.idle_timeout = idle_timeout

    def add(self, name: str, password: str) -> None:
        """Creates the account, or resets its password and ends every session it had open."""
        if not name or len(name) > 64:
            raise ValueError("a staff name is 1 to 64 characters")
        if len(password) < 10:
            raise ValueError("a password needs at least 10 characters")
        values = {"password_hash": _hasher.hash(password), "created_at": datetime.utcnow()}
        with self.engine.begin() as connection:
            exists = connection.execute(select(staff_accounts.c.name).where(staff_accounts.c.name == name)).first()
            if exists:
                connection.execute(update(staff_accounts).where(staff_accounts.c.name == name).values(**values))
                connection.execute(delete(staff_sessions).where(staff_sessions.c.staff_name == name))
            else:
                connection.execute(insert(staff_accounts).values(name=name, **values))

    def verify(self, name: str, password: str) -> bool:
        with self.engine.connect() as connection:
            row = connection.execute(select(staff_accounts.c.password_hash).where(staff_accounts.c.name == name)).first()
        stored = row.password_hash if row is not None else _unknown_account_hash()
        try:
            return _hasher.verify(stored, password) and row is not None
        except (VerificationError, InvalidHashError):
            return False

    def open_session(self, name: str) -> tuple[str, StaffSession]:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = datetime.utcnow()
        with self.engine.begin() as connection:
            connection.execute(delete(staff_sessions).where(
                (staff_sessions.c.expires_at < now) | (staff_sessions.c.last_seen < now - self.idle_timeout)))
            connection.execute(insert(staff_sessions).values(
                token_hash=_token_hash(token), staff_name=name, csrf_token=csrf,
                expires_at=now + SESSION_LIFETIME, last_seen=now,
            ))
        return token, StaffSession(name, csrf)

    def session(self, token: Optional[str]) -> Optional[StaffSession]:
        """The live session of this token, its idle clock restarted; an expired or idle one is
        deleted on the server, whatever the browser still holds."""
        if not token:
            return None
        key, now = _token_hash(token), datetime.utcnow()
        with self.engine.begin() as connection:
            row = connection.execute(select(staff_sessions).where(staff_sessions.c.token_hash == key)).first()
            if row is None:
                return None
            if self._ended(row, now):
                connection.execute(delete(staff_sessions).where(staff_sessions.c.token_hash == key))
                return None
            connection.execute(update(staff_sessions).where(staff_sessions.c.token_hash == key).values(last_seen=now))
        return StaffSession(row.staff_name, row.csrf_token)

    def _ended(self, row, now: datetime) -> bool:
        return row.expires_at < now or row.last_seen is None or row.last_seen < now - self.idle_timeout

    def close_session(self, token: Optional[str]) -> None:
        if token:
            with self.engine.begin() as connection:
                connection.execute(delete(staff_sessions).where(staff_sessions.c.token_hash == _token_hash(token)))
