"""French order for names and titles: accents and case only break ties, and the
database (SQLite or PostgreSQL) sorts as Python's french_key does."""

import pytest
from sqlalchemy import select

from app.admin import services as admin
from app.channels import services as channels
from app.collation import french, french_key
from app.defis import services as defis
from app.extensions import db
from app.members import services as members
from app.members.models import Member, Skill
from tests.factories import make_defi, make_member

NAMES = ["zoé", "Eva", "adrienne", "Zacharie", "Écobalyse", "Adélaïde"]
FRENCH_ORDER = ["Adélaïde", "adrienne", "Écobalyse", "Eva", "Zacharie", "zoé"]
# Harder cases: ligatures, other Latin letters, hyphens, apostrophes, spaces.
MORE = [
    "Œdipe", "Ødegaard", "Oceane", "O'Neil", "Jean-Pierre", "Jean Paul", "Jeanne",
    "Ñuñez", "Nunez", "d'Artagnan", "de la Tour", "Dupont", "Çà", "Cela", "côté",
    "coté", "cote", "côte", "Élise", "elise", "ÉLISE", "Łukasz", "Lukas", "Ångström",
    "Andre", "André", "Straße", "Strasse", "æther", "Aeon", "2e promo", "10 ans",
]  # fmt: skip


@pytest.fixture
def people(app):
    return [make_member(display_name=name) for name in NAMES]


def test_french_key_ignores_accents_and_case_but_for_ties():
    assert sorted(NAMES, key=french_key) == FRENCH_ORDER
    assert sorted(["Eva", "eva", "Ève"], key=french_key) == ["eva", "Eva", "Ève"]
    assert sorted(["cote", "côte", "coté"], key=french_key) == ["cote", "coté", "côte"]
    assert french_key("Écobalyse") < french_key("Edouard") < french_key("Élodie")


def test_the_directory_lists_members_in_french_order_page_after_page(people):
    filters = members.MemberFilters()
    ids = [
        *members.directory_page(filters, page=1, per_page=4).items,
        *members.directory_page(filters, page=2, per_page=4).items,
    ]
    names = [db.session.get(Member, member_id).display_name for member_id in ids]
    assert names == FRENCH_ORDER


def test_the_directory_page_shows_names_in_french_order(people, client, auth):
    auth.login(make_member())  # not one of them: their name heads the page
    page = client.get("/members/").get_data(as_text=True)
    assert sorted(NAMES, key=page.index) == FRENCH_ORDER


def test_staff_see_members_in_french_order(people, client, auth):
    staff = make_member(role="staff", display_name="Équipe du programme")
    auth.login(staff)
    page = client.get("/admin/members").get_data(as_text=True)
    assert sorted(NAMES, key=page.index) == FRENCH_ORDER
    listed = db.session.scalars(admin.member_query(staff))
    assert [m.display_name for m in listed] == [
        "Adélaïde", "adrienne", "Écobalyse", "Équipe du programme", "Eva",
        "Zacharie", "zoé",
    ]  # fmt: skip


def test_defis_of_a_year_come_by_title_in_french_order(app):
    for title in ["zéro déchet", "Écobalyse", "Aides simplifiées", "eau potable"]:
        make_defi(title=title)
    page = defis.list_defis(defis.DefiFilters(), per_page=10)
    assert [d.title for d in page.items] == [
        "Aides simplifiées", "eau potable", "Écobalyse", "zéro déchet",
    ]  # fmt: skip
    assert [title for _slug, title in defis.defi_titles()] == [
        "Aides simplifiées", "eau potable", "Écobalyse", "zéro déchet",
    ]  # fmt: skip


def test_skills_and_channel_members_come_in_french_order(people):
    make_member(skills=["python", "Écoconception", "données", "Accessibilité"])
    assert members.skill_suggestions() == [
        "Accessibilité", "données", "Écoconception", "python",
    ]  # fmt: skip
    channel = channels.start_direct(people[0], people[1:3])
    assert channel.name == "adrienne, Eva, zoé"
    listed = [m.display_name for m in channels.channel_members(channel)]
    assert listed == ["adrienne", "Eva", "zoé"]


def test_the_database_sorts_as_french_key_does(app):
    names = NAMES + MORE
    db.session.add_all(Skill(name=name, key=f"k{i}") for i, name in enumerate(names))
    db.session.commit()
    stmt = select(Skill.name).order_by(french(Skill.name), Skill.id)
    assert list(db.session.scalars(stmt)) == sorted(names, key=french_key)
