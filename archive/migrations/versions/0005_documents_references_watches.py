"""How document text was read, the legal documents articles cite, and saved searches.

Attachment URLs become canonical, like document URLs, so that an attachment finds
its document by equality.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from archive.urls import canonical_url

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("text_status", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("converted_from", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("pages", sa.Integer(), nullable=True))
    _canonical_attachment_urls()
    op.create_index("ix_attachment_url", "attachment", ["url"])
    op.create_table(
        "legal_reference",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=200), nullable=False, unique=True),
        sa.Column("folded_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("kind_name", sa.String(length=100), nullable=True),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("issuer", sa.String(length=100), nullable=True),
    )
    op.create_index("ix_legal_reference_folded_key", "legal_reference", ["folded_key"])
    op.create_table(
        "article_reference",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("article.id"), nullable=False),
        sa.Column(
            "reference_id", sa.Integer(), sa.ForeignKey("legal_reference.id"), nullable=False
        ),
        sa.Column("place", sa.String(length=20), nullable=False),
        sa.Column("cited_as", sa.Text(), nullable=True),
        sa.UniqueConstraint("article_id", "reference_id", "place", name="uq_article_reference"),
    )
    op.create_index("ix_article_reference_article_id", "article_reference", ["article_id"])
    op.create_index("ix_article_reference_reference_id", "article_reference", ["reference_id"])
    op.create_table(
        "saved_search",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=100), nullable=False, unique=True),
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("exact", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "saved_search_match",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "saved_search_id",
            sa.Integer(),
            sa.ForeignKey("saved_search.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("article.id"), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("crawl_run.id"), nullable=True),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("saved_search_id", "article_id", name="uq_saved_search_match"),
    )
    op.create_index(
        "ix_saved_search_match_saved_search_id", "saved_search_match", ["saved_search_id"]
    )
    op.create_index("ix_saved_search_match_found_at", "saved_search_match", ["found_at"])


def _canonical_attachment_urls() -> None:
    connection = op.get_bind()
    attachment = sa.table("attachment", sa.column("id", sa.Integer), sa.column("url", sa.Text))
    changed = [
        {"row_id": row_id, "canonical": canonical_url(url)}
        for row_id, url in connection.execute(sa.select(attachment.c.id, attachment.c.url))
        if canonical_url(url) != url
    ]
    if changed:
        connection.execute(
            attachment.update()
            .where(attachment.c.id == sa.bindparam("row_id"))
            .values(url=sa.bindparam("canonical")),
            changed,
        )


def downgrade() -> None:
    op.drop_table("saved_search_match")
    op.drop_table("saved_search")
    op.drop_table("article_reference")
    op.drop_table("legal_reference")
    op.drop_index("ix_attachment_url", "attachment")
    with op.batch_alter_table("document") as batch:
        batch.drop_column("pages")
        batch.drop_column("converted_from")
        batch.drop_column("text_status")
