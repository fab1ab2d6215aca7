"""member organisation, from ProConnect

Revision ID: a7c3e9d15b20
Revises: ce5ce77f19d9
Create Date: 2026-12-03 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9d15b20'
down_revision = 'ce5ce77f19d9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('organisation_siret', sa.String(length=14), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('proconnect_sync', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('proconnect_sync')
        batch_op.drop_column('organisation_siret')
        batch_op.drop_column('organisation')
