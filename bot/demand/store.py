"""DemandLog: writes and reads demand events in SQLite (default) or PostgreSQL (DATABASE_URL)."""
from __future__ import annotations

import fcntl
import json
import logging
import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine

from bot.demand.event import ConfidenceBand, Channel, DemandEvent, Outcome

logger = logging.getLogger(__name__)
from bot.demand.schema import demand_event_domains, demand_event_windows, demand_events
from bot.paths import PROJECT_ROOT

MIGRATIONS = Path(__file__).with_name("migrations")
DEFAULT_SQLITE = PROJECT_ROOT / "var" / "demand.sqlite3"
DEFAULT_SPOOL = PROJECT_ROOT / "var" / "demand-spool.jsonl"


def default_database_url() -> str:
    """DATABASE_URL when set (postgresql://…), else an SQLite file created on first run."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgres://", "postgresql://", 1)
    DEFAULT_SQLITE.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE}"


def _sqlite_foreign_keys(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _enable(dbapi_connection, _record):  # pragma: no cover - driver hook
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@dataclass(frozen=True)
class EventRow:
    id: str
    municipality: Optional[str]
    hour: datetime
    channel: str
    crisis: bool
    compound: bool
    outcome: str
    confidence_band: str
    turns: int
    domains: Tuple[str, ...]
    window_ids: Tuple[str, ...]


def _to_json(demand: DemandEvent) -> str:
    return json.dumps({
        "id": demand.id, "municipality": demand.municipality, "channel": demand.channel.value,
        "domains": list(demand.domains), "window_ids": list(demand.window_ids), "crisis": demand.crisis,
        "outcome": demand.outcome.value, "confidence_band": demand.confidence_band.value,
        "turns": demand.turns, "hour": demand.hour.isoformat(),
    })


def _from_json(line: str) -> DemandEvent:
    raw = json.loads(line)
    return DemandEvent(
        municipality=raw["municipality"], channel=Channel(raw["channel"]), domains=tuple(raw["domains"]),
        window_ids=tuple(raw["window_ids"]), crisis=raw["crisis"], outcome=Outcome(raw["outcome"]),
        confidence_band=ConfidenceBand(raw["confidence_band"]), turns=raw["turns"],
        hour=datetime.fromisoformat(raw["hour"]), id=raw["id"],
    )


class DemandLog:
    """`record` never loses an event: while the database is away, events wait in a spool file
    (codes only, like the table) and are written, once each, when it is back."""

    def __init__(self, url: Optional[str] = None, spool: Optional[Path] = None, migrate_now: bool = True) -> None:
        self.url = url or default_database_url()
        self.spool = Path(spool or os.environ.get("DEMAND_SPOOL") or DEFAULT_SPOOL)
        self.engine = create_engine(self.url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            _sqlite_foreign_keys(self.engine)
        self._migrated = False
        if migrate_now:
            self._migrate()

    def _migrate(self) -> None:
        if not self._migrated:
            migrate(self.engine)
            self._migrated = True

    def record(self, demand: DemandEvent) -> bool:
        """True when written now; False when spooled for later (the database is down)."""
        try:
            self._migrate()
            self.flush_spool()
            self._insert(demand)
            return True
        except Exception as error:  # OperationalError and friends: keep it for later
            logger.warning("demand log unavailable (%s): event spooled", type(error).__name__)
            self._append_to_spool(demand)
            return False

    def _append_to_spool(self, demand: DemandEvent) -> None:
        self.spool.parent.mkdir(parents=True, exist_ok=True)
        with open(self.spool, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(_to_json(demand) + "\n")

    def flush_spool(self) -> int:
        if not self.spool.exists():
            return 0
        with open(self.spool, "r+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            lines = [line for line in handle.read().splitlines() if line.strip()]
            for line in lines:
                self._insert(_from_json(line))
            handle.seek(0)
            handle.truncate()
        return len(lines)

    def _insert(self, demand: DemandEvent) -> None:
        with self.engine.begin() as connection:
            exists = connection.execute(select(demand_events.c.id).where(demand_events.c.id == demand.id)).first()
            if exists:  # a retried event, or a household's next concern: one row, domains merged
                self._merge(connection, demand)
                return
            connection.execute(demand_events.insert().values(
                id=demand.id, municipality=demand.municipality, hour=demand.hour, channel=demand.channel,
                crisis=demand.crisis, compound=demand.compound, outcome=demand.outcome,
                confidence_band=demand.confidence_band, turns=demand.turns,
            ))
            if demand.domains:
                connection.execute(demand_event_domains.insert(),
                                   [{"event_id": demand.id, "domain": d} for d in dict.fromkeys(demand.domains)])
            if demand.window_ids:
                connection.execute(demand_event_windows.insert(),
                                   [{"event_id": demand.id, "position": i, "window_id": w}
                                    for i, w in enumerate(demand.window_ids)])

    @staticmethod
    def _merge(connection, demand: DemandEvent) -> None:
        """Union of what was heard; the same event twice changes nothing (retries stay idempotent)."""
        row = connection.execute(select(demand_events).where(demand_events.c.id == demand.id)).mappings().one()
        known_domains = set(connection.execute(
            select(demand_event_domains.c.domain).where(demand_event_domains.c.event_id == demand.id)).scalars())
        known_windows = list(connection.execute(
            select(demand_event_windows.c.window_id).where(demand_event_windows.c.event_id == demand.id)
            .order_by(demand_event_windows.c.position)).scalars())
        new_domains = [d for d in dict.fromkeys(demand.domains) if d not in known_domains]
        new_windows = [w for w in dict.fromkeys(demand.window_ids) if w not in known_windows]
        crisis = bool(row["crisis"]) or demand.crisis
        outcome = Outcome.CRISIS if Outcome.CRISIS in (Outcome(_value(row["outcome"])), demand.outcome) else row["outcome"]
        connection.execute(demand_events.update().where(demand_events.c.id == demand.id).values(
            municipality=row["municipality"] or demand.municipality, crisis=crisis, outcome=outcome,
            compound=len(known_domains) + len(new_domains) >= 2, turns=max(row["turns"], demand.turns),
        ))
        if new_domains:
            connection.execute(demand_event_domains.insert(),
                               [{"event_id": demand.id, "domain": d} for d in new_domains])
        if new_windows:
            connection.execute(demand_event_windows.insert(),
                               [{"event_id": demand.id, "position": len(known_windows) + i, "window_id": w}
                                for i, w in enumerate(new_windows)])

    def events(self, municipality: Optional[str] = None, since: Optional[datetime] = None,
               until: Optional[datetime] = None) -> List[EventRow]:
        query = select(demand_events).order_by(demand_events.c.hour, demand_events.c.id)
        if municipality:
            query = query.where(demand_events.c.municipality == municipality)
        if since:
            query = query.where(demand_events.c.hour >= since)
        if until:
            query = query.where(demand_events.c.hour < until)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
            ids = [row["id"] for row in rows]
            domains: Dict[str, List[str]] = {}
            windows: Dict[str, List[Tuple[int, str]]] = {}
            for chunk in _chunks(ids, 500):
                for d in connection.execute(select(demand_event_domains).where(demand_event_domains.c.event_id.in_(chunk))):
                    domains.setdefault(d.event_id, []).append(d.domain)
                for w in connection.execute(select(demand_event_windows).where(demand_event_windows.c.event_id.in_(chunk))):
                    windows.setdefault(w.event_id, []).append((w.position, w.window_id))
        return [
            EventRow(
                id=row["id"], municipality=row["municipality"], hour=row["hour"],
                channel=_value(row["channel"]), crisis=row["crisis"], compound=row["compound"],
                outcome=_value(row["outcome"]), confidence_band=_value(row["confidence_band"]), turns=row["turns"],
                domains=tuple(sorted(domains.get(row["id"], []))),
                window_ids=tuple(w for _, w in sorted(windows.get(row["id"], []))),
            )
            for row in rows
        ]

    def outcome_counts(self, **filters) -> Counter:
        return Counter(row.outcome for row in self.events(**filters))


def _value(member) -> str:
    return member.value if hasattr(member, "value") else str(member)


def _chunks(items: List[str], size: int) -> Iterable[List[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
