"""Word reports: stored reports and batches name their format (pdf or docx)

A batch item's copy of its report is its report_path (it was pdf_path).

Revision ID: 5d2b8e61c0f4
Revises: 086737bd1f4a
Create Date: 2026-12-03 18:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5d2b8e61c0f4"
down_revision = "086737bd1f4a"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stored_report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("format", sa.String(length=8), server_default="pdf", nullable=False)
        )
        batch_op.drop_constraint(op.f("uq_stored_report_assessment_id"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_stored_report_assessment_id"), ["assessment_id", "language", "format"]
        )
        batch_op.create_check_constraint(
            op.f("ck_stored_report_format_known"), "format IN ('pdf', 'docx')"
        )
    with op.batch_alter_table("report_batch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("format", sa.String(length=8), server_default="pdf", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_report_batch_format_known"), "format IN ('pdf', 'docx')"
        )
    with op.batch_alter_table("report_batch_item", schema=None) as batch_op:
        batch_op.alter_column("pdf_path", new_column_name="report_path")


def downgrade():
    # Word batches and stored Word reports have no place before this revision.
    op.execute(
        "DELETE FROM report_batch_item WHERE batch_id IN "
        "(SELECT id FROM report_batch WHERE format <> 'pdf')"
    )
    op.execute("DELETE FROM report_batch WHERE format <> 'pdf'")
    with op.batch_alter_table("report_batch_item", schema=None) as batch_op:
        batch_op.alter_column("report_path", new_column_name="pdf_path")
    with op.batch_alter_table("report_batch", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_report_batch_format_known"), type_="check")
        batch_op.drop_column("format")
    op.execute("DELETE FROM stored_report WHERE format <> 'pdf'")
    with op.batch_alter_table("stored_report", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stored_report_format_known"), type_="check")
        batch_op.drop_constraint(op.f("uq_stored_report_assessment_id"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_stored_report_assessment_id"), ["assessment_id", "language"]
        )
        batch_op.drop_column("format")
