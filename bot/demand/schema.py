"""Tables of the demand log (SQLAlchemy 1.4). Changed only through Alembic migrations."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Enum, Float, ForeignKey, Integer, MetaData, String, Table, Text

from bot.demand.event import ConfidenceBand, Channel, Outcome
from bot.taxonomy import load_taxonomy

metadata = MetaData()

DOMAIN_CODES = tuple(load_taxonomy().domain_codes)

demand_events = Table(
    "demand_events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("municipality", String(64), nullable=True, index=True),
    Column("hour", DateTime, nullable=False, index=True),
    Column("channel", Enum(Channel, name="demand_channel", values_callable=lambda e: [m.value for m in e]), nullable=False),
    Column("crisis", Boolean, nullable=False),
    Column("compound", Boolean, nullable=False),
    Column("outcome", Enum(Outcome, name="demand_outcome", values_callable=lambda e: [m.value for m in e]), nullable=False),
    Column("confidence_band", Enum(ConfidenceBand, name="demand_confidence", values_callable=lambda e: [m.value for m in e]), nullable=False),
    Column("turns", Integer, nullable=False),
)

demand_event_domains = Table(
    "demand_event_domains",
    metadata,
    Column("event_id", String(32), ForeignKey("demand_events.id", ondelete="CASCADE"), primary_key=True),
    Column("domain", Enum(*DOMAIN_CODES, name="demand_domain"), primary_key=True),
)

demand_event_windows = Table(
    "demand_event_windows",
    metadata,
    Column("event_id", String(32), ForeignKey("demand_events.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("window_id", String(64), nullable=False, index=True),
)

staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("staff_name", String(64), ForeignKey("staff_accounts.name", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
    # Slides with every request; a session unused for the idle timeout ends (bot/staff/accounts.py).
    Column("last_seen", DateTime, nullable=True),
)

# Recent wrong staff passwords: one row per failure and per key (an HMAC of the account name or
# of the client address), deleted once older than the throttle's window (bot/staff/throttle.py).
staff_login_failures = Table(
    "staff_login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key_hash", String(64), nullable=False, index=True),
    Column("failed_at", DateTime, nullable=False, index=True),
)

# Not part of the demand log: redacted texts kept for trainers, only when a municipality
# opts in (STORE_REDACTED_SAMPLES), deleted after 30 days.
review_samples = Table(
    "review_samples",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("municipality", String(64), nullable=True),
    Column("outcome", String(20), nullable=False),
    Column("kept_on", Date, nullable=False, index=True),
    Column("redacted_text", Text, nullable=False),
    # What the model read, for the trainers' inbox (bot/review/reading.py): codes and numbers
    # only. `position` orders samples within a day without keeping the time.
    Column("position", Integer, nullable=True),
    Column("intent", String(40), nullable=True),
    Column("intent_confidence", Float, nullable=True),
    Column("domains", String(255), nullable=True),  # taxonomy codes, comma-separated
    Column("domain_scores", String(1000), nullable=True),  # JSON {code: score}
    Column("crisis", Boolean, nullable=True),
    Column("crisis_categories", String(255), nullable=True),  # crisis category codes, comma-separated
    Column("crisis_score", Float, nullable=True),
)

# Not part of the demand log: changes to the window directory proposed by staff on
# /staff/directory, each approved or rejected by a second account before it is written back to
# knowledge/<code>.yml (bot/staff/directory_changes.py). Directory facts and staff names only.
# Staff names are kept as text, not as a foreign key: the record outlives an account.
directory_proposals = Table(
    "directory_proposals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("municipality", String(64), nullable=False, index=True),
    Column("window_id", String(64), nullable=False),
    Column("action", String(8), nullable=False),  # "edit" or "add"
    Column("changes", Text, nullable=False),  # JSON: the keys to write and their new values
    Column("before", Text, nullable=False),  # JSON: those keys as the file held them when proposed
    Column("source", String(200), nullable=True),  # the source the proposer named for the facts
    Column("status", String(12), nullable=False, index=True),  # pending, approved, rejected
    Column("proposed_by", String(64), nullable=False),
    Column("proposed_at", DateTime, nullable=False),
    Column("decided_by", String(64), nullable=True),
    Column("decided_at", DateTime, nullable=True),
)

# Every step of a proposal, who took it and when: proposed, approved (with the lines written),
# rejected, refused (an approval that could not be made, and why).
directory_audit = Table(
    "directory_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("proposal_id", Integer, ForeignKey("directory_proposals.id"), nullable=False, index=True),
    Column("event", String(12), nullable=False),
    Column("staff_name", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("note", Text, nullable=True),
)
