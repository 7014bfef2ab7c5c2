"""The queue of articles waiting for the indexer, and an index on ``article.duplicate_of_id``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_article_duplicate_of_id", "article", ["duplicate_of_id"])
    op.create_table(
        "index_queue",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("index_queue")
    op.drop_index("ix_article_duplicate_of_id", table_name="article")
