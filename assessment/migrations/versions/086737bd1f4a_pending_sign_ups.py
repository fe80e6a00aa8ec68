"""pending sign-ups: what a sign-up form said, kept until its address is confirmed

A sign-up no longer creates the account at once: the form's details, with the password
as its argon2 hash only, wait here until the link mailed to the address is opened.

Revision ID: 086737bd1f4a
Revises: 7c2f5e1a9b34
Create Date: 2026-12-03 15:09:53.169465

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "086737bd1f4a"
down_revision = "7c2f5e1a9b34"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_sign_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("industry", sa.String(length=40), nullable=False),
        sa.Column("size_band", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_sign_up")),
    )
    with op.batch_alter_table("pending_sign_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_sign_up_email"), ["email"], unique=False)


def downgrade():
    with op.batch_alter_table("pending_sign_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_sign_up_email"))

    op.drop_table("pending_sign_up")
