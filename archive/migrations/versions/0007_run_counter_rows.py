"""A run's counters as rows per site, process and part, and its sites' modes as rows.

The JSON column ``crawl_run.site_stats``, rewritten whole on each save, becomes one
``run_site_counters`` row per site (worker "main", part 0) and one ``run_site_mode`` row
per site whose mode was chosen; the run's total columns, which concurrent processes
could not keep right, are dropped: totals are computed from the rows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from archive.runs import MAIN_WORKER, SiteCounters, merged

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TOTALS = ("pages_fetched", "articles_new", "articles_updated", "articles_unchanged", "errors")
# What the JSON held per site besides the counters.
SITE_FACTS = ("mode", "resumed")

_run = sa.table(
    "crawl_run",
    sa.column("id", sa.Integer()),
    sa.column("sites", sa.Text()),
    sa.column("resumed", sa.Integer()),
    sa.column("site_stats", sa.JSON()),
    *(sa.column(name, sa.Integer()) for name in TOTALS),
)
_counters = sa.table(
    "run_site_counters",
    sa.column("id", sa.Integer()),
    sa.column("run_id", sa.Integer()),
    sa.column("site_key", sa.String()),
    sa.column("worker", sa.String()),
    sa.column("part", sa.Integer()),
    sa.column("counters", sa.JSON()),
    sa.column("saved_at", sa.DateTime()),
)
_modes = sa.table(
    "run_site_mode",
    sa.column("run_id", sa.Integer()),
    sa.column("site_key", sa.String()),
    sa.column("mode", sa.String()),
)


def upgrade() -> None:
    op.create_table(
        "run_site_mode",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("crawl_run.id"), nullable=False),
        sa.Column("site_key", sa.String(length=100), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.UniqueConstraint("run_id", "site_key", name="uq_run_site_mode"),
    )
    op.create_table(
        "run_site_counters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("crawl_run.id"), nullable=False),
        sa.Column("site_key", sa.String(length=100), nullable=False),
        sa.Column("worker", sa.String(length=100), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("counters", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("run_id", "site_key", "worker", "part", name="uq_run_site_counters"),
    )
    op.create_index("ix_run_site_counters_run_id", "run_site_counters", ["run_id"])
    with op.batch_alter_table("crawl_run") as batch:
        batch.add_column(sa.Column("resumed", sa.Integer(), nullable=False, server_default="0"))
    _rows_from_site_stats()
    with op.batch_alter_table("crawl_run") as batch:
        batch.drop_column("site_stats")
        for name in TOTALS:
            batch.drop_column(name)


def _rows_from_site_stats() -> None:
    connection = op.get_bind()
    # The time of the migration: when the counters were last saved is not known.
    now = datetime.now(UTC).replace(tzinfo=None)
    for run_id, site_stats in connection.execute(sa.select(_run.c.id, _run.c.site_stats)):
        resumed = max((stats.get("resumed", 0) for stats in site_stats.values()), default=0)
        connection.execute(_run.update().where(_run.c.id == run_id).values(resumed=resumed))
        for key, stats in site_stats.items():
            if stats.get("mode"):
                connection.execute(
                    _modes.insert().values(run_id=run_id, site_key=key, mode=stats["mode"])
                )
            counters = {name: value for name, value in stats.items() if name not in SITE_FACTS}
            if counters:
                connection.execute(
                    _counters.insert().values(
                        run_id=run_id,
                        site_key=key,
                        worker=MAIN_WORKER,
                        part=0,
                        counters=counters,
                        saved_at=now,
                    )
                )


def downgrade() -> None:
    with op.batch_alter_table("crawl_run") as batch:
        batch.add_column(sa.Column("site_stats", sa.JSON(), nullable=False, server_default="{}"))
        for name in TOTALS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    _site_stats_from_rows()
    with op.batch_alter_table("crawl_run") as batch:
        batch.drop_column("resumed")
    op.drop_index("ix_run_site_counters_run_id", table_name="run_site_counters")
    op.drop_table("run_site_counters")
    op.drop_table("run_site_mode")


def _site_stats_from_rows() -> None:
    connection = op.get_bind()
    runs = connection.execute(sa.select(_run.c.id, _run.c.sites, _run.c.resumed)).all()
    for run_id, sites, resumed in runs:
        site_stats = dict(_site_stats(connection, run_id, sites.split(), resumed))
        totals = merged(SiteCounters.from_dict(stats) for stats in site_stats.values())
        connection.execute(
            _run.update()
            .where(_run.c.id == run_id)
            .values(site_stats=site_stats, **{name: getattr(totals, name) for name in TOTALS})
        )


def _site_stats(
    connection: sa.Connection, run_id: int, site_keys: list[str], resumed: int
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each site's entry of the JSON: its rows merged, its mode, and how often the run was
    resumed (counted on every site of the run, as the JSON did)."""
    chosen = sa.select(_modes.c.site_key, _modes.c.mode).where(_modes.c.run_id == run_id)
    modes = {key: mode for key, mode in connection.execute(chosen)}
    rows: dict[str, list[SiteCounters]] = {}
    counted = (
        sa.select(_counters.c.site_key, _counters.c.counters)
        .where(_counters.c.run_id == run_id)
        .order_by(_counters.c.id)
    )
    for key, counters in connection.execute(counted):
        rows.setdefault(key, []).append(SiteCounters.from_dict(counters))
    for key in dict.fromkeys([*site_keys, *modes, *rows]):
        stats = merged(rows[key]).to_dict() if key in rows else {}
        stats |= {"mode": modes[key]} if key in modes else {}
        stats |= {"resumed": resumed} if resumed else {}
        if stats:
            yield key, stats
