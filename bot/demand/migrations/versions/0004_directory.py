"""Directory changes proposed by staff, reviewed by a second account, and their audit trail.

Revision ID: 0004_directory
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_directory"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_proposals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.String(64), nullable=False, index=True),
        sa.Column("window_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
        sa.Column("before", sa.Text, nullable=False),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("proposed_by", sa.String(64), nullable=False),
        sa.Column("proposed_at", sa.DateTime, nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "directory_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("directory_proposals.id"), nullable=False, index=True),
        sa.Column("event", sa.String(12), nullable=False),
        sa.Column("staff_name", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("directory_audit")
    op.drop_table("directory_proposals")
