"""Staff accounts (argon2 hashes) and their sessions (random tokens, stored only as hashes)."""
from __future__ import annotations

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
_hasher = PasswordHasher()


@dataclass(frozen=True)
class StaffSession:
    staff_name: str
    csrf_token: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffAccounts:
    def __init__(self, engine) -> None:
        self.engine = engine

    def add(self, name: str, password: str) -> None:
        if not name or len(name) > 64:
            raise ValueError("a staff name is 1 to 64 characters")
        if len(password) < 10:
            raise ValueError("a password needs at least 10 characters")
        with self.engine.begin() as connection:
            exists = connection.execute(select(staff_accounts.c.name).where(staff_accounts.c.name == name)).first()
            values = {"password_hash": _hasher.hash(password), "created_at": datetime.utcnow()}
            if exists:
                connection.execute(update(staff_accounts).where(staff_accounts.c.name == name).values(**values))
            else:
                connection.execute(insert(staff_accounts).values(name=name, **values))

    def verify(self, name: str, password: str) -> bool:
        with self.engine.connect() as connection:
            row = connection.execute(select(staff_accounts.c.password_hash).where(staff_accounts.c.name == name)).first()
        if row is None:
            _hasher.hash(password)  # same work either way: a missing account is not faster
            return False
        try:
            return _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def open_session(self, name: str) -> tuple[str, StaffSession]:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.engine.begin() as connection:
            connection.execute(delete(staff_sessions).where(staff_sessions.c.expires_at < datetime.utcnow()))
            connection.execute(insert(staff_sessions).values(
                token_hash=_token_hash(token), staff_name=name, csrf_token=csrf,
                expires_at=datetime.utcnow() + SESSION_LIFETIME,
            ))
        return token, StaffSession(name, csrf)

    def session(self, token: Optional[str]) -> Optional[StaffSession]:
        if not token:
            return None
        with self.engine.connect() as connection:
            row = connection.execute(select(staff_sessions).where(staff_sessions.c.token_hash == _token_hash(token))).first()
        if row is None or row.expires_at < datetime.utcnow():
            return None
        return StaffSession(row.staff_name, row.csrf_token)

    def close_session(self, token: Optional[str]) -> None:
        if token:
            with self.engine.begin() as connection:
                connection.execute(delete(staff_sessions).where(staff_sessions.c.token_hash == _token_hash(token)))
