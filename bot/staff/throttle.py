"""Wrong staff passwords, counted per account name and per client address in the database.

In the database rather than in each process: bot.web may run as several replicas and is
restarted by every deploy, and an attacker must get neither more guesses per replica nor a
fresh allowance per restart. Names and addresses are stored only as HMACs (StaffSettings.
throttle_key) and deleted once they leave the window.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Tuple

from sqlalchemy import and_, delete, func, insert, select

from bot.demand.schema import staff_login_failures

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Attempt:
    account_key: str
    address_key: str
    address_row: int


class LoginThrottle:
    def __init__(self, engine, key: bytes, max_failures: int = MAX_FAILURES, window: timedelta = WINDOW) -> None:
        self.engine = engine
        self.key = key
        self.max_failures = max_failures
        self.window = window

    def _keys(self, name: str, address: str) -> Tuple[str, str]:
        def digest(kind: str, value: str) -> str:
            return hmac.new(self.key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return digest("account", name), digest("address", address)

    def begin(self, name: str, address: str) -> Attempt | None:
        """None when the account or the address has used up its failures; otherwise the attempt,
        counted as a failure already, so parallel guesses cannot all slip in before the count."""
        account_key, address_key = self._keys(name, address)
        now = datetime.utcnow()
        with self.engine.begin() as connection:
            connection.execute(delete(staff_login_failures).where(staff_login_failures.c.failed_at < now - self.window))
            counts = connection.execute(
                select(staff_login_failures.c.key_hash, func.count())
                .where(staff_login_failures.c.key_hash.in_([account_key, address_key]))
                .group_by(staff_login_failures.c.key_hash)
            ).all()
            if any(count >= self.max_failures for _, count in counts):
                return None
            connection.execute(insert(staff_login_failures).values(key_hash=account_key, failed_at=now))
            row = connection.execute(insert(staff_login_failures).values(key_hash=address_key, failed_at=now))
        return Attempt(account_key, address_key, row.inserted_primary_key[0])

    def succeeded(self, attempt: Attempt) -> None:
        """The right password clears the account's count; the address keeps its other failures
        (one valid account must not buy an address fresh guesses at the others)."""
        table = staff_login_failures
        with self.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.key_hash == attempt.account_key))
            connection.execute(delete(table).where(and_(table.c.key_hash == attempt.address_key,
                                                        table.c.id == attempt.address_row)))
