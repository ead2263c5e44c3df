"""Redacted review samples (only where a municipality opts in with STORE_REDACTED_SAMPLES).

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_samples",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("municipality", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("kept_on", sa.Date, nullable=False, index=True),
        sa.Column("redacted_text", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_samples")
