"""Initial warehouse: predictions, insights, quarantine.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "predictions",
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("ticker", sa.String(16), primary_key=True),
        sa.Column("model_name", sa.String(128), primary_key=True),
        sa.Column("model_version", sa.String(32), nullable=False),
        sa.Column("prediction", sa.Float, nullable=False),
    )
    op.create_table(
        "insights",
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("ticker", sa.String(16), primary_key=True),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("prediction", sa.Float, nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("sector", sa.String(64)),
        sa.Column("model_name", sa.String(128), nullable=False),
        sa.Column("model_version", sa.String(32), nullable=False),
    )
    op.create_table(
        "quarantine",
        sa.Column("asset", sa.String(64), primary_key=True),
        sa.Column("partition", sa.String(32), primary_key=True),
        sa.Column("row_key", sa.String(64), primary_key=True),
        sa.Column("ticker", sa.String(64)),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("run_id", sa.String(64)),
    )
    op.create_index("ix_insights_date", "insights", ["date"])
    op.create_index("ix_predictions_ticker_date", "predictions", ["ticker", "date"])


def downgrade() -> None:
    op.drop_table("quarantine")
    op.drop_table("insights")
    op.drop_table("predictions")
