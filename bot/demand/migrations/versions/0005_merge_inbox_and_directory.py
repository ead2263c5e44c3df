"""Joins the two migrations written side by side (the trainers' inbox and directory keeping).

Revision ID: 0005
Revises: 0004_inbox, 0004_directory
"""
revision = "0005"
down_revision = ("0004_inbox", "0004_directory")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # nothing to change: both branches' tables are already in place


def downgrade() -> None:
    pass
