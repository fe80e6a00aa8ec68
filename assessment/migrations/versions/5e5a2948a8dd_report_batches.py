"""report batches: every report of a portfolio or an organisation, made by workers

A batch's state is not stored; it follows from its items' states.

Revision ID: 5e5a2948a8dd
Revises: b32e53632a53
Create Date: 2026-11-26 00:58:00.411105

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e5a2948a8dd'
down_revision = 'b32e53632a53'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(scope = 'organisation' AND organisation_id IS NOT NULL) OR (scope = 'portfolio' AND organisation_id IS NULL)", name=op.f('ck_report_batch_scope_consistent')),
    sa.CheckConstraint("language IN ('zh-CN', 'en')", name=op.f('ck_report_batch_language_known')),
    sa.CheckConstraint("scope IN ('portfolio', 'organisation')", name=op.f('ck_report_batch_scope_known')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_report_batch_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_report_batch_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_batch'))
    )
    with op.batch_alter_table('report_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_batch_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_batch_user_id'), ['user_id'], unique=False)

    op.create_table('report_batch_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('failure_reason', sa.String(length=32), nullable=True),
    sa.Column('pdf_path', sa.String(length=255), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_report_batch_item_state_known')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_report_batch_item_assessment_id_assessment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['batch_id'], ['report_batch.id'], name=op.f('fk_report_batch_item_batch_id_report_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_batch_item'))
    )
    with op.batch_alter_table('report_batch_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_batch_item_batch_id'), ['batch_id'], unique=False)



def downgrade():
    with op.batch_alter_table('report_batch_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_batch_item_batch_id'))

    op.drop_table('report_batch_item')
    with op.batch_alter_table('report_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_batch_user_id'))
        batch_op.drop_index(batch_op.f('ix_report_batch_organisation_id'))

    op.drop_table('report_batch')
