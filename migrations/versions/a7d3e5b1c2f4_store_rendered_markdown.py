"""Store the rendered HTML of bios and descriptions: pages no longer render Markdown

Revision ID: a7d3e5b1c2f4
Revises: c1439c5fc401
Create Date: 2026-12-02 13:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.markdown import render_stored


# revision identifiers, used by Alembic.
revision = 'a7d3e5b1c2f4'
down_revision = 'c1439c5fc401'
branch_labels = None
depends_on = None

# (table, Markdown column, HTML column)
RENDERED = [
    ('members', 'bio', 'bio_html'),
    ('defis', 'description', 'description_html'),
    ('resources', 'description', 'description_html'),
]


def _backfill(table_name, source, target):
    """Render every stored text once; a text too costly to render is kept as
    plain paragraphs (render_stored)."""
    table = sa.table(
        table_name, sa.column('id', sa.Integer), sa.column(source, sa.Text),
        sa.column(target, sa.Text),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(table.c.id, table.c[source]).where(table.c[source] != '')
    ).all()
    for row_id, text in rows:
        connection.execute(
            table.update().where(table.c.id == row_id)
            .values({target: render_stored(text)})
        )


def upgrade():
    for table_name, source, target in RENDERED:
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(target, sa.Text(), nullable=False, server_default='')
            )
        _backfill(table_name, source, target)


def downgrade():
    for table_name, _source, target in RENDERED:
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.drop_column(target)
