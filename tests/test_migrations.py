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


def test_the_rendered_html_of_existing_texts_is_back_filled(app):
    """Rows written before the HTML columns get it from the migration."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(revision="c1439c5fc401")  # the schema before the HTML columns
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO members (username, email, display_name, role,"
                " session_token, active, headline, bio, city, open_to_mentoring,"
                " email_visibility, city_visibility, github_url, gitlab_url,"
                " linkedin_url, website_url, search_text, created_at, updated_at)"
                " VALUES ('ancienne', 'a@example.org', 'Ancienne', 'eig', 't', true,"
                " '', 'Une **bio**', '', false, 'staff', 'members', '', '', '', '',"
                " '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    upgrade()
    with db.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT bio_html FROM members WHERE username = 'ancienne'")
        ).scalar_one()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    assert stored == "<p>Une <strong>bio</strong></p>\n"
