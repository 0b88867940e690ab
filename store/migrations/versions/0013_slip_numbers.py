"""Official slips' numbers kept: an issue's slip number (青石〔2026〕交办第 12 号) is given on its
first print and stored (issue.slip_year, slip_mark, slip_seq), instead of being counted again from
the issue's rank at every print (which renumbered slips already sent when an older issue arrived
by sync or import).

On a station's own database, the issues that exist now keep the number they would have printed
with today (their rank in their year), so that a slip printed before the upgrade prints again
with its number. Laptops and the county hub number on first print.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("issue") as batch:
        batch.add_column(sa.Column("slip_year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("slip_mark", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("slip_seq", sa.Integer(), nullable=True))
    conn = op.get_bind()
    kind = conn.execute(
        sa.text(
            "SELECT d.kind FROM device d JOIN local_meta m ON m.value = d.id"
            " WHERE m.key = 'device_id'"
        )
    ).scalar()
    if kind != "station":
        return
    rows = conn.execute(
        sa.text("SELECT id, opened_on, created_at FROM issue ORDER BY opened_on, created_at, id")
    ).all()
    seq: dict[int, int] = {}
    numbers = []
    for issue_id, opened_on, _created in rows:
        year = int(str(opened_on)[:4])
        seq[year] = seq.get(year, 0) + 1
        numbers.append({"id": issue_id, "year": year, "seq": seq[year]})
    if numbers:
        conn.execute(
            sa.text(
                "UPDATE issue SET slip_year = :year, slip_mark = '', slip_seq = :seq WHERE id = :id"
            ),
            numbers,
        )


def downgrade() -> None:
    with op.batch_alter_table("issue") as batch:
        batch.drop_column("slip_seq")
        batch.drop_column("slip_mark")
        batch.drop_column("slip_year")
