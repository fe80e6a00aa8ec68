"""plan actions: an organisation's roadmap, accepted steps and actions of its own

Revision ID: 4e8a1c7b90d2
Revises: da6d09571224
Create Date: 2026-12-03 11:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4e8a1c7b90d2"
down_revision = "da6d09571224"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.String(length=64), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("dimension_id", sa.String(length=64), nullable=True),
        sa.Column("question_id", sa.String(length=64), nullable=True),
        sa.Column("from_level", sa.Integer(), nullable=True),
        sa.Column("to_level", sa.Integer(), nullable=True),
        sa.Column("basis_assessment_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'doing', 'done')", name=op.f("ck_plan_action_status_known")
        ),
        sa.CheckConstraint(
            "(question_id IS NOT NULL AND from_level BETWEEN 1 AND 5"
            " AND to_level BETWEEN 1 AND 5 AND from_level < to_level)"
            " OR (question_id IS NULL AND title IS NOT NULL)",
            name=op.f("ck_plan_action_step_or_own"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_plan_action_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["basis_assessment_id"],
            ["assessment.id"],
            name=op.f("fk_plan_action_basis_assessment_id_assessment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_plan_action_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
    )
    op.create_index(
        "ix_plan_action_organisation_position",
        "plan_action",
        ["organisation_id", "position"],
        unique=False,
    )
    op.create_index(
        op.f("ix_plan_action_basis_assessment_id"),
        "plan_action",
        ["basis_assessment_id"],
        unique=False,
    )


def downgrade():
    op.drop_index(op.f("ix_plan_action_basis_assessment_id"), table_name="plan_action")
    op.drop_index("ix_plan_action_organisation_position", table_name="plan_action")
    op.drop_table("plan_action")
