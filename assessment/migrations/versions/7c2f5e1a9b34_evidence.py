"""evidence: a confidence and a consultant's mark per answer, and files attached to answers

Revision ID: 7c2f5e1a9b34
Revises: 4e8a1c7b90d2
Create Date: 2026-12-03 11:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c2f5e1a9b34"
down_revision = "4e8a1c7b90d2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "answer_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.String(length=8), nullable=True),
        sa.Column("verification", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "confidence IS NULL OR confidence IN ('low', 'medium', 'high')",
            name=op.f("ck_answer_review_confidence_known"),
        ),
        sa.CheckConstraint(
            "verification IS NULL OR verification IN ('verified', 'challenged')",
            name=op.f("ck_answer_review_verification_known"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_answer_review_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"],
            ["user_account.id"],
            name=op.f("fk_answer_review_marked_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_review")),
        sa.UniqueConstraint(
            "assessment_id", "question_id", name=op.f("uq_answer_review_assessment_id")
        ),
    )
    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('pdf', 'png', 'jpeg', 'xlsx')", name=op.f("ck_evidence_file_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_evidence_file_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_evidence_file_uploaded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_file")),
        sa.UniqueConstraint("file_name", name=op.f("uq_evidence_file_file_name")),
    )
    op.create_index(
        "ix_evidence_file_assessment_question",
        "evidence_file",
        ["assessment_id", "question_id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_evidence_file_assessment_question", table_name="evidence_file")
    op.drop_table("evidence_file")
    op.drop_table("answer_review")
