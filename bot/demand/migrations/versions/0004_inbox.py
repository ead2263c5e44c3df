"""What the model read in a kept review sample, for the trainers' inbox: codes and numbers only.

Revision ID: 0004_inbox
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_inbox"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Samples kept before this have no reading: the inbox shows them as 「記録なし」.
    with op.batch_alter_table("review_samples") as batch:
        batch.add_column(sa.Column("position", sa.Integer, nullable=True))
        batch.add_column(sa.Column("intent", sa.String(40), nullable=True))
        batch.add_column(sa.Column("intent_confidence", sa.Float, nullable=True))
        batch.add_column(sa.Column("domains", sa.String(255), nullable=True))
        batch.add_column(sa.Column("domain_scores", sa.String(1000), nullable=True))
        batch.add_column(sa.Column("crisis", sa.Boolean, nullable=True))
        batch.add_column(sa.Column("crisis_categories", sa.String(255), nullable=True))
        batch.add_column(sa.Column("crisis_score", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_samples") as batch:
        for column in ("crisis_score", "crisis_categories", "crisis", "domain_scores", "domains",
                       "intent_confidence", "intent", "position"):
            batch.drop_column(column)
