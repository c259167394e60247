"""Halls: what their minutes are sent as (主送, 抄送, 落款, the form of the issue number, the
hall's own Word template).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("doc_to", "doc_cc", "doc_issuer", "doc_numbering")


def upgrade() -> None:
    for name in COLUMNS:  # plain ADD COLUMN: no table rebuild on SQLite
        op.add_column("halls", sa.Column(name, sa.Text(), nullable=True))
    op.add_column("halls", sa.Column("doc_template", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("halls") as batch:
        for name in (*COLUMNS, "doc_template"):
            batch.drop_column(name)
