"""stored reports: each submitted assessment's PDF, made once per language and kept

Revision ID: 9b1e4c2d7a35
Revises: c7d41f0a9e26
Create Date: 2026-12-02 21:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9b1e4c2d7a35"
down_revision = "c7d41f0a9e26"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "language IN ('zh-CN', 'en')", name=op.f("ck_stored_report_language_known")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_stored_report_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_report")),
        sa.UniqueConstraint(
            "assessment_id", "language", name=op.f("uq_stored_report_assessment_id")
        ),
    )
    with op.batch_alter_table("stored_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stored_report_made_at"), ["made_at"], unique=False)


def downgrade():
    with op.batch_alter_table("stored_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_report_made_at"))
    op.drop_table("stored_report")
