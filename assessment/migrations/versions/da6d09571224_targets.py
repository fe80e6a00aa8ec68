"""targets: the level an organisation means to reach by a date, by dimension or question

Revision ID: da6d09571224
Revises: 9b1e4c2d7a35
Create Date: 2026-12-03 07:52:41.791036

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "da6d09571224"
down_revision = "9b1e4c2d7a35"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("dimension_id", sa.String(length=64), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name=op.f("ck_target_level_known")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_target_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["user_account.id"],
            name=op.f("fk_target_set_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
        # Also the index by which an organisation's targets are read.
        sa.UniqueConstraint(
            "organisation_id",
            "dimension_id",
            "question_id",
            name=op.f("uq_target_organisation_id"),
        ),
    )


def downgrade():
    op.drop_table("target")
