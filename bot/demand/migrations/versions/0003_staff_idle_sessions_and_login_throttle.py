"""Staff sessions remember when they were last used; wrong staff passwords are counted.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Sessions opened before this have no last_seen and count as idle: one new login each.
    with op.batch_alter_table("staff_sessions") as batch:
        batch.add_column(sa.Column("last_seen", sa.DateTime, nullable=True))
    op.create_table(
        "staff_login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key_hash", sa.String(64), nullable=False, index=True),
        sa.Column("failed_at", sa.DateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("staff_login_failures")
    with op.batch_alter_table("staff_sessions") as batch:
        batch.drop_column("last_seen")
