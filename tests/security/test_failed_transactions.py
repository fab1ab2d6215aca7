"""A request whose transaction failed still gets its error answer, and logs it."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.members.models import Member
from tests.conftest import AuthActions
from tests.factories import make_member


@pytest.fixture
def broken(app):
    """Routes whose write fails in the database (a duplicate username)."""

    def duplicate():
        taken = db.session.scalar(select(Member.username).limit(1))
        db.session.add(Member(username=taken, email="x@example.org", display_name="X"))
        db.session.flush()  # IntegrityError: the transaction must be rolled back

    app.add_url_rule("/db-boom", "db_boom", duplicate)
    app.add_url_rule("/api/v1/db-boom", "api_db_boom", duplicate)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_failed_transaction_still_answers_in_the_right_shape(broken, caplog):
    client = broken.test_client()
    member = make_member()
    AuthActions(client).login(member)
    db.session.expire_all()  # the member is read again by this request
    api = client.get("/api/v1/db-boom")
    assert api.status_code == 500
    assert api.get_json() == {
        "error": {"code": "server_error", "message": "Erreur interne du serveur."}
    }
    page = client.get("/db-boom")
    assert page.status_code == 500
    assert "erreur" in page.get_data(as_text=True).lower()
    assert client.get("/members/").status_code == 200  # the next request works
    logged = [r.getMessage() for r in caplog.records if r.name == "eiglink.request"]
    assert any('"status": 500' in line for line in logged)
