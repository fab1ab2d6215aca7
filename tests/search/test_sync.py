"""The index follows every commit, never a rollback, and can be rebuilt."""

import logging

from sqlalchemy import func, select, text

from app.admin.services import set_active
from app.defis.services import update_defi
from app.extensions import db
from app.members.services import update_profile
from app.search import services
from app.search.models import SearchOutbox
from app.search.sync import replay_at_start
from tests.factories import make_defi, make_member


def found(viewer, query: str, kind: str = "") -> list[str]:
    return [hit.title for hit in services.search(viewer, query, kind=kind).hits]


def test_a_new_member_is_searchable_after_commit(app):
    viewer = make_member(password=None)
    make_member(display_name="Zoé Castellane", skills=["Cartographie"], password=None)
    assert found(viewer, "castellane") == ["Zoé Castellane"]
    assert found(viewer, "cartographie", kind="member") == ["Zoé Castellane"]
    assert db.session.scalar(select(func.count(SearchOutbox.id))) == 0


def test_a_rolled_back_change_never_appears(app):
    viewer = make_member(password=None)
    update_profile(viewer, viewer, headline="Spécialiste des archives")
    viewer.headline = "Spécialiste des phares"
    db.session.flush()
    db.session.rollback()
    assert found(viewer, "phares") == []
    assert found(viewer, "archives") == [viewer.display_name]


def test_a_deactivated_member_disappears(app):
    staff = make_member(role="staff", password=None)
    gone = make_member(display_name="Ulysse Partant", password=None)
    assert found(staff, "ulysse") == ["Ulysse Partant"]
    set_active(staff, gone, False)
    assert found(staff, "ulysse") == []


def test_editing_a_defi_updates_it_and_its_team(app):
    member = make_member(display_name="Inès Marin", password=None)
    defi = make_defi(title="Vigie des côtes", team=[(member, "eig")])
    update_defi(member, defi, title="Sentinelle littorale")
    assert found(member, "sentinelle", kind="defi") == ["Sentinelle littorale"]
    assert found(member, "vigie") == []
    assert found(member, "sentinelle", kind="member") == ["Inès Marin"]


def test_rows_left_by_a_stopped_process_are_replayed(app):
    member = make_member(display_name="Octave Restant", password=None)
    services.index().remove("member", [member.id])
    assert found(member, "octave") == []
    db.session.execute(
        text(
            "INSERT INTO search_outbox (kind, object_id, created_at) "
            "VALUES ('member', :id, CURRENT_TIMESTAMP)"
        ),
        {"id": member.id},
    )
    db.session.commit()  # a raw insert: no flush event, as if the process had died
    replay_at_start()
    assert found(member, "octave") == ["Octave Restant"]


def test_reindex_rebuilds_everything_from_the_database(app):
    viewer = make_member(display_name="Maëlle Reconstruite", password=None)
    make_defi(title="Défi du phare")
    services.index().clear()
    assert found(viewer, "phare") == []
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "2 documents" in result.output
    assert found(viewer, "phare") == ["Défi du phare"]
    assert found(viewer, "maelle") == ["Maëlle Reconstruite"]


def test_who_knows_ranks_people_and_says_why(app):
    asker = make_member(password=None)
    expert = make_member(display_name="Anouk Lexique", skills=["NLP"], password=None)
    teammate = make_member(display_name="Basile Texte", password=None)
    make_defi(
        title="Open Justice",
        tagline="Pseudonymiser les décisions de justice",
        team=[(teammate, "eig")],
    )
    matches = services.who_knows(asker, "pseudonymisation")
    assert [m.member.display_name for m in matches] == ["Basile Texte"]
    assert matches[0].reasons == ["défi : Open Justice"]
    nlp = services.who_knows(asker, "nlp")
    assert nlp[0].member == expert and "compétence : NLP" in nlp[0].reasons


def test_who_knows_counts_the_resources_a_member_shared(app):
    from tests.factories import make_resource

    asker = make_member(password=None)
    sharer = make_member(display_name="Chloé Partage", password=None)
    for title in ("Guide de la pseudonymisation", "Outil de pseudonymisation"):
        make_resource(author=sharer, title=title, kind="guide")
    matches = services.who_knows(asker, "pseudonymisation")
    assert [m.member.display_name for m in matches] == ["Chloé Partage"]
    assert matches[0].reasons == ["2 ressources"]


def test_a_missing_index_falls_back_to_the_database(tmp_path, caplog):
    from app import create_app
    from config import TestConfig

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")

    class BrokenSearch(TestConfig):
        SEARCH_URL = f"whoosh:{blocker}"

    with caplog.at_level(logging.WARNING):
        app = create_app(BrokenSearch)
    assert "answering from the database" in caplog.text
    with app.app_context():
        db.create_all()
        viewer = make_member(display_name="Romane Secours", password=None)
        assert services.index_status() == "fallback"
        assert found(viewer, "romane") == ["Romane Secours"]
        from tests.factories import make_resource

        make_resource(author=viewer, title="Guide de secours")
        hidden = make_resource(author=viewer, title="Secours masqué")
        hidden.hidden_at = hidden.created_at
        db.session.commit()
        assert found(viewer, "secours") == ["Romane Secours", "Guide de secours"]
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
