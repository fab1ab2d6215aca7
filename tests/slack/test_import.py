"""The real import: where messages go, who wrote them, nothing lost or invented,
nothing unread, a second run that adds nothing, and people who join later."""

import json

import pytest
from sqlalchemy import func, select

from app.auth import services as auth_services
from app.channels import services as channels
from app.channels.models import Channel, ChannelMember, Message, Reaction
from app.extensions import db
from app.notifications.models import Notification
from app.privacy.export import export_member
from app.search import services as search
from app.slack.models import ImportedReaction, SlackAuthor
from tests.factories import make_defi, make_member, make_promotion
from tests.slack.build import message, write_export

LONG = "Un très long message. " * 1200  # beyond the limit of a message written here
DAYS = {
    # The reply comes first in its file, and its root is in the next day's file.
    "entraide/2019-03-02.json": [
        message(
            "U1",
            "1551570000.000200",
            "Oui, *Airflow* tourne chez nous",
            thread_ts="1551430000.000300",
            reactions=[{"name": "+1::skin-tone-2", "users": ["U1", "U2"], "count": 2}],
        ),
        message(
            "U2",
            "1551560000.000100",
            "Je regarde &lt;demain&gt; &amp; je reviens vers <#C1|projet-lab-sante>",
            edited={"user": "U2", "ts": "1551560500.000000"},
        ),
    ],
    "entraide/2019-03-03.json": [
        message(
            "U1", "1551650000.000100", "Réponse perdue", thread_ts="1551000000.000000"
        ),
        message(
            "U1",
            "1551650100.000200",
            "Le schéma",
            files=[
                {
                    "name": "schema.png",
                    "url_private": "https://files.slack.com/x?t=xoxe-1",
                }
            ],
        ),
        message("U1", "1551650200.000300", LONG),
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "BX",
            "username": "Rappels",
            "ts": "1551650300.000400",
            "text": "<!here> réunion à 14 h, voir "
            "<https://example.org/ordre|l’ordre du jour>",
        },
    ],
}


@pytest.fixture
def world(app):
    promotion = make_promotion(year=2019)
    make_defi(slug="lab-sante", title="Lab Santé", promotion=promotion)
    alice = make_member(username="alice", email="alice@example.org")
    return {
        "alice": alice,
        "other": make_member(username="zoe", email="zoe@example.org"),
    }


def run(app, path, *extra):
    result = app.test_cli_runner().invoke(args=["import-slack", str(path), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def history(slug: str) -> list[Message]:
    channel = db.session.scalar(select(Channel).where(Channel.slug == slug))
    return list(
        db.session.scalars(
            select(Message).where(Message.channel_id == channel.id).order_by(Message.id)
        )
    )


def channel_of(name: str) -> Channel:
    return db.session.scalar(select(Channel).where(Channel.name == name))


def test_each_conversation_lands_where_it_belongs(app, world, tmp_path):
    output = run(app, write_export(tmp_path, days=DAYS))
    assert "Messages importés : 12." in output
    defi = history("defi-lab-sante")
    assert [m.body for m in defi] == ["Bonjour Bruno Ancien 👋", "Salut !"]
    promotion = channel_of("Promotion 3")
    assert promotion.kind == "topic" and promotion.archived  # archived on Slack
    assert channel_of("data").kind == "topic"
    assert channel_of("projet-inconnu").kind == "topic"
    private = channel_of("equipe-privee")
    assert private.kind == "private"
    assert channels.can_read(world["alice"], private)
    assert not channels.can_read(world["other"], private)
    direct = db.session.scalar(select(Channel).where(Channel.kind == "direct"))
    assert direct.name == "Alice Martin, Bruno Ancien"
    assert channels.can_read(world["alice"], direct)
    assert not channels.can_read(world["other"], direct)


def test_authors_are_members_imported_names_or_placeholders(app, world, tmp_path):
    run(app, write_export(tmp_path, days=DAYS))
    hello, reply = history("defi-lab-sante")
    assert hello.author_id == world["alice"].id
    assert reply.author_id is None and reply.imported_name == "Bruno Ancien"
    by_body = {m.body: m for m in history("entraide")}
    assert by_body["Qui connaît Airflow ?"].imported_name == "Compte Slack inconnu (U9)"
    bot = next(m for b, m in by_body.items() if "réunion" in b)
    assert bot.imported_name == "Rappels"
    assert db.session.scalar(select(func.count(SlackAuthor.id))) == 5  # 3 + U9 + BX


def test_threads_hold_across_files_and_in_any_file_order(app, world, tmp_path):
    output = run(app, write_export(tmp_path, days=DAYS))
    by_body = {m.body: m for m in history("entraide")}
    root = by_body["Qui connaît Airflow ?"]
    assert by_body["Oui, **Airflow** tourne chez nous"].parent_id == root.id
    assert history("defi-lab-sante")[1].parent_id == history("defi-lab-sante")[0].id
    # A reply whose root is missing is kept, outside any thread, and reported.
    assert by_body["Réponse perdue"].parent_id is None
    assert "premier message manque" in output


def test_history_keeps_slack_time_order_before_live_messages(app, world, tmp_path):
    run(app, write_export(tmp_path, days=DAYS))
    channel = channel_of("entraide")
    live = channels.post_message(world["alice"], channel, "Bonjour depuis EIG Link")
    shown = channels.list_messages(world["alice"], channel)
    assert shown[-1].id == live.id > 0
    imported = shown[:-1]
    assert all(m.id < 0 for m in imported)
    times = [m.created_at for m in imported]
    assert times == sorted(times)
    assert imported[0].created_at.year == 2019  # Slack's time, not the import's


def test_text_edits_reactions_files_and_long_messages(app, world, tmp_path):
    run(app, write_export(tmp_path, days=DAYS))
    by_body = {m.body: m for m in history("entraide")}
    edited = next(m for b, m in by_body.items() if b.startswith("Je regarde"))
    link = "[#Lab Santé](/channels/defi-lab-sante)"
    assert edited.body == f"Je regarde <demain> & je reviens vers {link}"
    assert edited.edited_at.timestamp() == 1551560500
    assert "&lt;" not in edited.html.replace("&lt;demain&gt;", "")
    assert "<demain>" not in edited.html  # the sanitiser still runs
    files = by_body["Le schéma\n\nfichier non importé : schema.png"]
    assert "slack.com" not in files.body and "xoxe" not in files.html
    assert by_body[LONG.strip()].body == LONG.strip()  # kept whole
    bot = next(m for b, m in by_body.items() if "réunion" in b)
    assert (
        bot.body
        == "@here réunion à 14 h, voir [l’ordre du jour](https://example.org/ordre)"
    )
    for body in by_body:
        assert not any(
            token in body for token in ("<@", "<#", "<!", "<http", "&lt;", "&amp;")
        )
    answer = by_body["Oui, **Airflow** tourne chez nous"]
    assert [(r.emoji, r.member_id) for r in answer.reactions] == [
        ("👍", world["alice"].id)
    ]
    waiting = db.session.scalars(select(ImportedReaction)).all()
    assert [(r.message_id, r.emoji) for r in waiting] == [(answer.id, "👍")]


def test_nothing_imported_is_unread_or_notifies(app, world, tmp_path):
    run(app, write_export(tmp_path, days=DAYS))
    assert channels.unread_counts(world["alice"]) == {}
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    seats = db.session.scalars(
        select(ChannelMember).where(ChannelMember.member_id == world["alice"].id)
    ).all()
    assert seats  # seated where she was on Slack, nothing to read there


def test_bad_records_are_reported_and_the_rest_imported(app, world, tmp_path):
    report = tmp_path / "rapport.json"
    output = run(app, write_export(tmp_path, days=DAYS), "--report", str(report))
    problems = {
        (p["file"], p["reason"]) for p in json.loads(report.read_text())["problems"]
    }
    assert ("projet-lab-sante/2019-03-02.json", "JSON invalide") in problems
    assert ("entraide/2019-03-01.json", "message sans ts valide") in problems
    text = report.read_text()
    assert "Airflow" not in text and "Secret" not in text  # no message text
    assert "Problèmes : 3." in output


def test_a_second_run_adds_nothing_and_a_later_export_only_what_is_new(
    app, world, tmp_path
):
    path = write_export(tmp_path, days=DAYS)
    run(app, path)
    before = db.session.scalar(select(func.count(Message.id)))
    again = run(app, path)
    assert "Messages importés : 0." in again
    assert db.session.scalar(select(func.count(Message.id))) == before
    channels.post_message(world["alice"], channel_of("entraide"), "En direct")
    later = DAYS | {
        "entraide/2019-03-04.json": [message("U1", "1551740000.000100", "Plus tard")]
    }
    assert "Messages importés : 1." in run(
        app, write_export(tmp_path, days=later, label="later")
    )
    shown = channels.list_messages(world["alice"], channel_of("entraide"))
    assert [m.body for m in shown[-2:]] == ["Plus tard", "En direct"]


def test_an_interrupted_import_resumes(app, world, tmp_path, monkeypatch):
    from app.slack import importer

    path = write_export(tmp_path, days=DAYS)
    monkeypatch.setattr(importer, "BATCH", 4)
    calls = {"n": 0}
    write = importer.Importer._write

    def stop_after_two(self, batch):
        calls["n"] += 1
        if calls["n"] > 2:
            raise KeyboardInterrupt
        write(self, batch)

    monkeypatch.setattr(importer.Importer, "_write", stop_after_two)
    app.test_cli_runner().invoke(args=["import-slack", str(path)])
    assert db.session.scalar(select(func.count(Message.id))) == 8
    monkeypatch.setattr(importer.Importer, "_write", write)
    assert "Messages importés : 4." in run(app, path)
    times = [m.created_at for m in history("entraide")]
    assert times == sorted(times)


def test_a_member_who_joins_later_gets_their_messages(app, world, tmp_path):
    run(app, write_export(tmp_path, days=DAYS))
    bruno = join_as_bruno()
    reply = history("defi-lab-sante")[1]
    assert reply.author_id == bruno.id
    answer = next(m for m in history("entraide") if "Airflow" in m.body and m.parent_id)
    assert {r.member_id for r in answer.reactions} == {world["alice"].id, bruno.id}
    assert db.session.scalar(select(func.count(ImportedReaction.message_id))) == 0
    assert channels.can_read(bruno, channel_of("equipe-privee"))
    assert channels.unread_counts(bruno) == {}
    exported = export_member(bruno)
    assert exported["slack_identities"] == [
        {"workspace": "slack", "slack_id": "U2", "name": "Bruno Ancien"}
    ]
    assert any(m["imported_from_slack"] for m in exported["messages"])


def test_held_messages_wait_for_their_author(app, world, tmp_path):
    run(app, write_export(tmp_path, days=DAYS), "--hold-unclaimed")
    lab = db.session.scalar(select(Channel).where(Channel.slug == "defi-lab-sante"))
    shown = channels.list_messages(world["alice"], lab)
    assert [m.body for m in shown] == ["Bonjour Bruno Ancien 👋"]
    assert search.search(world["alice"], "Salut", kind="message").hits == []
    join_as_bruno()
    assert [m.body for m in channels.list_messages(world["alice"], lab)][
        -1
    ] == "Salut !"


def test_imported_messages_are_searchable_by_those_who_may_read_them(
    app, world, tmp_path
):
    run(app, write_export(tmp_path, days=DAYS))

    def found(viewer, text):
        return [hit.url for hit in search.search(viewer, text, kind="message").hits]

    assert len(found(world["other"], "Airflow")) == 2
    assert len(found(world["alice"], "Secret")) == 1
    assert found(world["other"], "Secret") == []


def test_the_channel_page_shows_imported_authors_as_names(
    app, world, tmp_path, client, auth
):
    run(app, write_export(tmp_path, days=DAYS))
    auth.login(world["other"])
    page = client.get("/channels/defi-lab-sante").get_data(as_text=True)
    assert "Bruno Ancien" in page and "importé de Slack" in page
    assert "/members/bruno" not in page  # no profile page


def test_reactions_of_members_survive_a_second_run(app, world, tmp_path):
    path = write_export(tmp_path, days=DAYS)
    run(app, path)
    run(app, path)
    assert db.session.scalar(select(func.count()).select_from(Reaction)) == 1


def join_as_bruno():
    staff = make_member(role="staff")
    _invitation, link = auth_services.invite(staff, "bruno@ailleurs.fr", "alumni")
    return auth_services.register(
        link.rsplit("/", 1)[1],
        username="bruno",
        display_name="Bruno Petit",
        password="Zx9-phrase-longue-secrete",
    )


def test_answers_in_entraide_count_as_expertise_once_members(app, world, tmp_path):
    run(app, write_export(tmp_path, days=DAYS))
    asker = world["other"]
    experts = [m.member for m in search.who_knows(asker, "airflow")]
    assert experts == [world["alice"]]  # U9 is no member: not counted


def test_a_private_channel_is_never_named_in_a_public_link(app, world, tmp_path):
    days = DAYS | {
        "entraide/2019-03-05.json": [
            message("U1", "1551800000.000100", "Voir <#G1|equipe-privee>")
        ]
    }
    run(app, write_export(tmp_path, days=days))
    body = next(m.body for m in history("entraide") if m.body.startswith("Voir"))
    assert body == "Voir #canal privé"


def test_a_member_sees_and_erases_their_imported_messages(
    app, world, tmp_path, client, auth
):
    run(app, write_export(tmp_path, days=DAYS))
    auth.login(world["alice"])
    page = client.get("/auth/account/privacy").get_data(as_text=True)
    assert "Mes messages importés de Slack" in page
    assert "# Lab Santé</a>\u00a0: 1 message" in page
    refused = client.post("/auth/account/privacy/slack", data={})
    assert refused.status_code == 400
    assert "Cochez cette case pour confirmer." in refused.get_data(as_text=True)
    done = client.post(
        "/auth/account/privacy/slack", data={"confirm": "y"}, follow_redirects=True
    )
    assert "messages importés de Slack sont effacés." in done.get_data(as_text=True)
    mine = [m for m in history("entraide") if m.author_id == world["alice"].id]
    assert mine and all(m.deleted and m.body == "" for m in mine)
    assert search.search(world["other"], "Airflow", kind="message").total == 1  # U9's
    page = client.get("/auth/account/privacy").get_data(as_text=True)
    assert "Mes messages importés de Slack" not in page


def test_a_deleted_account_leaves_no_slack_name_behind(app, world, tmp_path):
    from app.privacy.services import delete_account

    run(app, write_export(tmp_path, days=DAYS))
    bruno = join_as_bruno()
    delete_account(bruno, bruno, erase=False)
    reply = history("defi-lab-sante")[1]
    assert reply.author_id is None and reply.imported_name is None  # "Ancien membre"
    assert reply.body == "Salut !"
