"""The catalog's version: cached member and défi cards follow every edit

Revision ID: e3c7a1f0b2d4
Revises: b8e4f2a9d6c1
Create Date: 2026-12-03 06:40:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3c7a1f0b2d4'
down_revision = 'b8e4f2a9d6c1'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'content_versions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    # A random start: a process never mistakes this database for an older one.
    op.bulk_insert(table, [{'name': 'catalog', 'version': secrets.randbelow(1 << 40)}])


def downgrade():
    op.drop_table('content_versions')
