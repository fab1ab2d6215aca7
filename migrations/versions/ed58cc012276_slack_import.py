"""Slack import: imported authors, channels, message keys, reactions, seats

Revision ID: ed58cc012276
Revises: a7c3e9d15b20
Create Date: 2026-12-04 04:25:26.175438

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ed58cc012276'
down_revision = 'a7c3e9d15b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('slack_authors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace', sa.String(length=40), nullable=False),
    sa.Column('slack_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('bot', sa.Boolean(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_slack_authors_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_authors')),
    sa.UniqueConstraint('workspace', 'slack_id', name=op.f('uq_slack_authors_workspace'))
    )
    with op.batch_alter_table('slack_authors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slack_authors_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_slack_authors_member_id'), ['member_id'], unique=False)

    op.create_table('slack_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace', sa.String(length=40), nullable=False),
    sa.Column('slack_id', sa.String(length=40), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_slack_channels_channel_id_channels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_channels')),
    sa.UniqueConstraint('workspace', 'slack_id', name=op.f('uq_slack_channels_workspace'))
    )
    with op.batch_alter_table('slack_channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slack_channels_channel_id'), ['channel_id'], unique=False)

    op.create_table('slack_seats',
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['slack_authors.id'], name=op.f('fk_slack_seats_author_id_slack_authors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_slack_seats_channel_id_channels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('channel_id', 'author_id', name=op.f('pk_slack_seats'))
    )
    op.create_table('slack_messages',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('workspace', sa.String(length=40), nullable=False),
    sa.Column('slack_channel', sa.String(length=40), nullable=False),
    sa.Column('ts', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_slack_messages_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('message_id', name=op.f('pk_slack_messages')),
    sa.UniqueConstraint('workspace', 'slack_channel', 'ts', name=op.f('uq_slack_messages_workspace'))
    )
    op.create_table('slack_reactions',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('emoji', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['slack_authors.id'], name=op.f('fk_slack_reactions_author_id_slack_authors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_slack_reactions_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('message_id', 'author_id', 'emoji', name=op.f('pk_slack_reactions'))
    )
    with op.batch_alter_table('messages', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('imported_author_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('held', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_messages_imported_author_id'), ['imported_author_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_messages_imported_author_id_slack_authors'), 'slack_authors', ['imported_author_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('messages', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_messages_imported_author_id_slack_authors'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_messages_imported_author_id'))
        batch_op.drop_column('held')
        batch_op.drop_column('imported_author_id')

    op.drop_table('slack_reactions')
    op.drop_table('slack_messages')
    op.drop_table('slack_seats')
    with op.batch_alter_table('slack_channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slack_channels_channel_id'))

    op.drop_table('slack_channels')
    with op.batch_alter_table('slack_authors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slack_authors_member_id'))
        batch_op.drop_index(batch_op.f('ix_slack_authors_email'))

    op.drop_table('slack_authors')
