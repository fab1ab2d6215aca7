"""Notifications rendered when shown: kind parameters, bursts grouped, in-app
preference, and the member's language for e-mails

Rows stored before keep params NULL: they show their stored French text.

Revision ID: b8e4f2a9d6c1
Revises: a7d3e5b1c2f4
Create Date: 2026-12-02 16:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e4f2a9d6c1'
down_revision = 'a7d3e5b1c2f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('group_key', sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column('count', sa.Integer(), server_default='1', nullable=False)
        )
        batch_op.add_column(
            sa.Column('shown', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.create_index(
            'ix_notifications_recipient_group', ['recipient_id', 'group_key'],
            unique=False,
        )
    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('in_app', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('locale')
    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.drop_column('in_app')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_recipient_group')
        batch_op.drop_column('shown')
        batch_op.drop_column('count')
        batch_op.drop_column('group_key')
        batch_op.drop_column('params')
