"""Insights and predictions carry their top drivers (SHAP contributions, JSON).

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
    op.add_column("insights", sa.Column("drivers", sa.Text, nullable=True))
    op.add_column("predictions", sa.Column("drivers", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.drop_column("drivers")
    with op.batch_alter_table("insights") as batch:
        batch.drop_column("drivers")
