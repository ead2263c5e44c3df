"""Demand log and staff accounts.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DOMAINS = ("elderly", "disability", "child", "poverty", "hikikomori", "carer", "isolation", "abuse_dv",
           "mental_health", "housing", "employment", "rights", "health", "other")


def upgrade() -> None:
    op.create_table(
        "demand_events",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("municipality", sa.String(64), nullable=True, index=True),
        sa.Column("hour", sa.DateTime, nullable=False, index=True),
        sa.Column("channel", sa.Enum("web", "rest", "other", name="demand_channel"), nullable=False),
        sa.Column("crisis", sa.Boolean, nullable=False),
        sa.Column("compound", sa.Boolean, nullable=False),
        sa.Column("outcome", sa.Enum("referred", "clarified", "out_of_scope", "handoff", "crisis",
                                     name="demand_outcome"), nullable=False),
        sa.Column("confidence_band", sa.Enum("high", "medium", "low", name="demand_confidence"), nullable=False),
        sa.Column("turns", sa.Integer, nullable=False),
    )
    op.create_table(
        "demand_event_domains",
        sa.Column("event_id", sa.String(32), sa.ForeignKey("demand_events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("domain", sa.Enum(*DOMAINS, name="demand_domain"), primary_key=True),
    )
    op.create_table(
        "demand_event_windows",
        sa.Column("event_id", sa.String(32), sa.ForeignKey("demand_events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("window_id", sa.String(64), nullable=False, index=True),
    )
    op.create_table(
        "staff_accounts",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("staff_name", sa.String(64), sa.ForeignKey("staff_accounts.name", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    for table in ("staff_sessions", "staff_accounts", "demand_event_windows", "demand_event_domains", "demand_events"):
        op.drop_table(table)
    for enum_name in ("demand_domain", "demand_confidence", "demand_outcome", "demand_channel"):
        sa.Enum(name=enum_name).drop(op.get_bind(), checkfirst=True)
