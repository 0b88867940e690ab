"""Issue 5's records: leader visits (who attended, which issues), micro-projects with their issues
and milestones, quarterly reviews with their scores; and two indexes the statistics count by
(issues by opening date, evaluations by date).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 22:18:33.677524
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "leader_visit",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("station_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("leader", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("position", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_leader_visit_station_id_station")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leader_visit")),
    )
    with op.batch_alter_table("leader_visit", schema=None) as batch_op:
        batch_op.create_index("ix_leader_visit_at", ["at"], unique=False)

    op.create_table(
        "quarterly_review",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("station_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("quarter", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("finalised", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_quarterly_review_station_id_station")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarterly_review")),
    )
    with op.batch_alter_table("quarterly_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarterly_review_quarter"), ["quarter"], unique=False)

    op.create_table(
        "leader_visit_deputy",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("leader_visit_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deputy_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["deputy_id"], ["deputy.id"], name=op.f("fk_leader_visit_deputy_deputy_id_deputy")
        ),
        sa.ForeignKeyConstraint(
            ["leader_visit_id"],
            ["leader_visit.id"],
            name=op.f("fk_leader_visit_deputy_leader_visit_id_leader_visit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leader_visit_deputy")),
    )
    with op.batch_alter_table("leader_visit_deputy", schema=None) as batch_op:
        batch_op.create_index("ix_leader_visit_deputy_deputy", ["deputy_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_leader_visit_deputy_leader_visit_id"), ["leader_visit_id"], unique=False
        )

    op.create_table(
        "micro_project",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("station_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lead_deputy_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("category_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("village_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_micro_project_category_id_category")
        ),
        sa.ForeignKeyConstraint(
            ["lead_deputy_id"], ["deputy.id"], name=op.f("fk_micro_project_lead_deputy_id_deputy")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_micro_project_station_id_station")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_micro_project_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_micro_project")),
    )
    op.create_table(
        "review_score",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("review_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deputy_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deputy_id"], ["deputy.id"], name=op.f("fk_review_score_deputy_id_deputy")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["quarterly_review.id"],
            name=op.f("fk_review_score_review_id_quarterly_review"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_score")),
    )
    with op.batch_alter_table("review_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_score_review_id"), ["review_id"], unique=False)

    op.create_table(
        "milestone",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("micro_project_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["micro_project_id"],
            ["micro_project.id"],
            name=op.f("fk_milestone_micro_project_id_micro_project"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone")),
    )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestone_micro_project_id"), ["micro_project_id"], unique=False
        )

    op.create_table(
        "leader_visit_issue",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("leader_visit_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("issue_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issue.id"], name=op.f("fk_leader_visit_issue_issue_id_issue")
        ),
        sa.ForeignKeyConstraint(
            ["leader_visit_id"],
            ["leader_visit.id"],
            name=op.f("fk_leader_visit_issue_leader_visit_id_leader_visit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leader_visit_issue")),
    )
    with op.batch_alter_table("leader_visit_issue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_leader_visit_issue_issue_id"), ["issue_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_leader_visit_issue_leader_visit_id"), ["leader_visit_id"], unique=False
        )

    op.create_table(
        "micro_project_issue",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("micro_project_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("issue_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issue.id"], name=op.f("fk_micro_project_issue_issue_id_issue")
        ),
        sa.ForeignKeyConstraint(
            ["micro_project_id"],
            ["micro_project.id"],
            name=op.f("fk_micro_project_issue_micro_project_id_micro_project"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_micro_project_issue")),
    )
    with op.batch_alter_table("micro_project_issue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_micro_project_issue_issue_id"), ["issue_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_micro_project_issue_micro_project_id"),
            ["micro_project_id"],
            unique=False,
        )

    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index("ix_evaluation_at", ["at"], unique=False)

    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.create_index("ix_issue_opened_on", ["opened_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_index("ix_issue_opened_on")

    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_at")

    with op.batch_alter_table("micro_project_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_micro_project_issue_micro_project_id"))
        batch_op.drop_index(batch_op.f("ix_micro_project_issue_issue_id"))

    op.drop_table("micro_project_issue")
    with op.batch_alter_table("leader_visit_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leader_visit_issue_leader_visit_id"))
        batch_op.drop_index(batch_op.f("ix_leader_visit_issue_issue_id"))

    op.drop_table("leader_visit_issue")
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_micro_project_id"))

    op.drop_table("milestone")
    with op.batch_alter_table("review_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_score_review_id"))

    op.drop_table("review_score")
    op.drop_table("micro_project")
    with op.batch_alter_table("leader_visit_deputy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leader_visit_deputy_leader_visit_id"))
        batch_op.drop_index("ix_leader_visit_deputy_deputy")

    op.drop_table("leader_visit_deputy")
    with op.batch_alter_table("quarterly_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarterly_review_quarter"))

    op.drop_table("quarterly_review")
    with op.batch_alter_table("leader_visit", schema=None) as batch_op:
        batch_op.drop_index("ix_leader_visit_at")

    op.drop_table("leader_visit")
