"""Pages run a fixed number of SQL queries, whatever the size of the community (N+1)."""

import contextlib
from dataclasses import dataclass

import pytest
from flask import g
from sqlalchemy import event

from app.defis.models import Administration, Defi, DefiMembership, Promotion, Theme
from app.extensions import db
from app.members import services as members
from app.members.models import Member, Skill
from app.resources.models import (
    Resource,
    ResourceBookmark,
    ResourceComment,
    ResourceTag,
)
from tests.conftest import AuthActions
from tests.factories import make_member

SMALL, LARGE = 10, 300
MAX_QUERIES = 25
PAGES = {
    "directory": lambda community: "/members/",
    "profile": lambda community: f"/members/{community.busy_member}",
    "defi list": lambda community: "/defis/",
    "defi page": lambda community: f"/defis/{community.busy_defi}",
    "resource list": lambda community: "/resources/",
    "resource page": lambda community: f"/resources/{community.busy_resource}",
}


@dataclass(frozen=True)
class Community:
    viewer: Member
    busy_member: str  # username of a member in many défis
    busy_defi: str  # slug of the défi with the largest team
    busy_resource: int  # id of the resource with the most comments


@contextlib.contextmanager
def recorded_queries():
    """Collect every SQL statement the engine sends while the block runs."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _tags(model, prefix: str, count: int) -> list:
    return [
        model(name=f"{prefix} {i}", key=f"{prefix.lower()} {i}") for i in range(count)
    ]


def _defis(size: int) -> list[Defi]:
    """Défis with themes and expertises, over more promotions and administrations.

    The number of promotions and administrations grows with `size` because a lazy
    many-to-one load queries once per distinct target (then hits the identity map).
    """
    promotions = [
        Promotion(
            label=f"Promotion {n}", slug=f"promotion-{n}", number=n, year=2016 + n
        )
        for n in range(1, 3 + size // 50)
    ]
    administrations = [
        Administration(slug=f"admin-{i}", key=f"admin {i}", name=f"Administration {i}")
        for i in range(2 + size // 20)
    ]
    themes, expertises = _tags(Theme, "Thème", 8), _tags(Skill, "Expertise", 8)
    defis = []
    for i in range(4 + size // 10):
        promotion = promotions[i % len(promotions)]
        defis.append(
            Defi(
                slug=f"defi-{i}",
                title=f"Défi {i}",
                tagline="Mieux servir les usagers",
                year=promotion.year,
                promotion=promotion,
                administration=administrations[i % len(administrations)],
                themes=[themes[i % 8], themes[(i + 3) % 8]],
                expertises=[expertises[i % 8], expertises[(i + 5) % 8]],
            )
        )
    return defis


def build_community(size: int) -> Community:
    """`size` members (one with a password), each with skills, promotions and défis."""
    viewer = make_member(display_name="Visiteuse")
    defis = _defis(size)
    skills = _tags(Skill, "Compétence", 20)
    people = []
    for i in range(size - 1):
        member = Member(
            username=f"personne{i}",
            email=f"personne{i}@example.org",
            display_name=f"Personne {i:04d}",
            role="eig" if i % 3 else "alumni",
            headline="Développeuse au service de l'État",
            skills=[skills[(i + k) % 20] for k in range(4)],
        )
        for k in (0, 1, 7):  # three distinct défis each: teams of several members
            defi = defis[(i + k) % len(defis)]
            member.defi_memberships.append(DefiMembership(defi=defi, role="eig"))
            if defi.promotion not in member.promotions:
                member.promotions.append(defi.promotion)
        members.refresh_search_text(member)
        people.append(member)
    busy = people[0]  # the first on the directory page, and in many défis
    for defi in defis[8 : 8 + size // 10]:
        busy.defi_memberships.append(DefiMembership(defi=defi, role="mentor"))
    db.session.add_all(defis + people)
    db.session.commit()
    largest = max(defis, key=lambda defi: len(defi.team))
    resource = _resources(people, defis, busy, largest)
    return Community(viewer, busy.username, largest.slug, resource)


def _resources(people: list, defis: list, busy, largest) -> int:
    """A resource per three members, tagged, bookmarked, commented; the busy member
    and the largest défi get one each in ten. Returns the most commented one."""
    tags = _tags(ResourceTag, "Mot", 10)
    resources = []
    for i, member in enumerate(people[::3]):
        resource = Resource(
            kind="code",
            title=f"Outil {i}",
            url=f"https://github.com/etalab/outil-{i}",
            author=busy if i % 10 == 0 else member,
            defi=largest if i % 10 == 0 else defis[i % len(defis)],
            tags=[tags[i % 10], tags[(i + 1) % 10]],
        )
        resource.bookmarks = [
            ResourceBookmark(member_id=p.id) for p in people[i : i + 3] if p.id
        ]
        resources.append(resource)
    first = resources[0]
    first.comments = [
        ResourceComment(author=p, body="Merci", html="<p>Merci</p>") for p in people
    ]
    db.session.add_all(resources)
    db.session.commit()
    return first.id


def _reset_database() -> None:
    db.session.remove()
    db.drop_all()
    db.create_all()


def count_page_queries(app, size: int, page: str) -> list[str]:
    """The SQL statements of one GET of `page`, logged in, with `size` members."""
    # Requests share the test's app context, so what it caches outlives a request:
    # forget it (Flask-Login's user in g, the identity map) to count every load.
    g.pop("_login_user", None)
    _reset_database()
    community = build_community(size)
    client = app.test_client()
    AuthActions(client).login(community.viewer)
    url = PAGES[page](community)
    g.pop("_login_user", None)
    db.session.expunge_all()
    with recorded_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_does_not_grow_with_members(app, page):
    small = count_page_queries(app, SMALL, page)
    large = count_page_queries(app, LARGE, page)
    listing = "\n".join(large)
    assert len(large) == len(small), f"{page}: N+1 with {LARGE} members:\n{listing}"
    assert len(large) <= MAX_QUERIES, f"{page}: {len(large)} queries:\n{listing}"


def test_busy_member_and_defi_show_everything_loaded(client, auth):
    community = build_community(LARGE)
    auth.login(community.viewer)
    profile = client.get(f"/members/{community.busy_member}").get_data(as_text=True)
    assert profile.count('<li><a href="/defis/') >= 20
    team = client.get(f"/defis/{community.busy_defi}").get_data(as_text=True)
    assert team.count('class="eig-member-link"') >= 10
