"""a school's records version on its row, moved by every audit entry

Revision ID: 5c2e9a7d41b3
Revises: 104798097389
Create Date: 2026-11-29 01:00:00

The version a feed's ETag and a kept public page are keyed by was counted from the audit log on
each request (its newest id and its number of entries): a scan of the school's whole log, which
only grows. It is now kept on the school's row. Existing schools start from their log.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c2e9a7d41b3'
down_revision = '104798097389'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('records_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('records_changed_at', sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE schools SET "
        "records_version = (SELECT count(*) FROM audit_entries a WHERE a.school_id = schools.id), "
        "records_changed_at = (SELECT max(a.at) FROM audit_entries a WHERE a.school_id = schools.id)"
    )


def downgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('records_changed_at')
        batch_op.drop_column('records_version')
