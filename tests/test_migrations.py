"""The Alembic migrations build exactly the schema the models describe."""

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from app.extensions import db
from app.search.models import include_in_migrations


def test_migrations_build_the_models_schema(app):
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include_in_migrations}
        )
        differences = compare_metadata(context, db.metadata)
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    assert differences == [], f"models and migrations differ on {db.engine.name}"
    assert os.path.isdir("migrations/versions")
