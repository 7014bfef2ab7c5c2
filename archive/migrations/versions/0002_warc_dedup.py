"""WARC record length and type, failed exchanges; body hash, SimHash bands, title index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from archive.dedup import SIMHASH_BANDS, body_hash, simhash, simhash_bands

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_BANDS = [f"simhash_band{band}" for band in range(SIMHASH_BANDS)]


def upgrade() -> None:
    with op.batch_alter_table("capture") as batch:
        batch.add_column(sa.Column("warc_length", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("warc_type", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("body_hash", sa.String(length=64), nullable=True))
        batch.create_index("ix_article_body_hash", ["body_hash"], unique=False)
        batch.create_index("ix_article_title", ["title"], unique=False)
        for name in _BANDS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
            batch.create_index(f"ix_article_{name}", [name], unique=False)
    _fill_duplicate_hashes()


def downgrade() -> None:
    with op.batch_alter_table("article") as batch:
        for name in _BANDS:
            batch.drop_index(f"ix_article_{name}")
            batch.drop_column(name)
        batch.drop_index("ix_article_title")
        batch.drop_index("ix_article_body_hash")
        batch.drop_column("body_hash")
    with op.batch_alter_table("capture") as batch:
        batch.drop_column("error")
        batch.drop_column("warc_type")
        batch.drop_column("warc_length")


def _fill_duplicate_hashes() -> None:
    # Articles archived before this revision get the hashes new ones are stored with,
    # so later crawls can group them with their copies.
    article = sa.table(
        "article",
        sa.column("id", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("body_hash", sa.String),
        sa.column("simhash", sa.BigInteger),
        *(sa.column(name, sa.Integer) for name in _BANDS),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(article.c.id, article.c.body)).all()
    for article_id, body in rows:
        value = simhash(body)
        bands = dict(zip(_BANDS, simhash_bands(value), strict=True))
        connection.execute(
            article.update()
            .where(article.c.id == article_id)
            .values(body_hash=body_hash(body), simhash=value, **bands)
        )
