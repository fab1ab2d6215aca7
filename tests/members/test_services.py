import pytest

from app.errors import Invalid, NotAllowed
from app.extensions import db
from app.members import services
from app.members.models import Skill
from tests.factories import make_defi, make_member, make_promotion


def test_member_edits_own_profile_and_skills_are_deduplicated(app):
    member = make_member()
    make_member(skills=["Données", "Python"])
    services.update_profile(
        member,
        member,
        display_name="  Ana  Lopes ",
        headline="Data scientist",
        skills="python, DONNEES, NLP, nlp",
        github_url="https://github.com/ana",
        bio="**Bonjour**",
        open_to_mentoring=True,
    )
    assert member.display_name == "Ana Lopes"
    assert sorted(s.name for s in member.skills) == ["Données", "NLP", "Python"]
    assert db.session.query(Skill).count() == 3
    assert member.open_to_mentoring


def test_invalid_link_changes_nothing(app):
    member = make_member(headline="Avant")
    with pytest.raises(Invalid, match="github.com"):
        services.update_profile(
            member, member, headline="Après", github_url="https://evil.example/ana"
        )
    db.session.rollback()
    assert db.session.get(type(member), member.id).headline == "Avant"
    with pytest.raises(Invalid, match="http"):
        services.update_profile(member, member, website_url="javascript:alert(1)")


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com.evil.example/ana",
        "https://github.comevil.example/ana",
        "https://evilgithub.com/ana",
        "https://github.com@evil.example/ana",
    ],
)
def test_github_link_host_is_matched_exactly(app, url):
    member = make_member()
    with pytest.raises(Invalid, match="github.com"):
        services.update_profile(member, member, github_url=url)


@pytest.mark.parametrize(
    "url",
    ["https://github.com/ana", "https://www.github.com/ana", "https://GitHub.com/a"],
)
def test_github_links_on_github_are_kept(app, url):
    member = make_member()
    services.update_profile(member, member, github_url=url)
    assert member.github_url == url


def test_only_owner_and_staff_edit_a_profile(app):
    owner, other, staff = make_member(), make_member(), make_member(role="staff")
    with pytest.raises(NotAllowed):
        services.update_profile(other, owner, headline="piraté")
    services.update_profile(staff, owner, headline="corrigé par l'équipe")
    assert owner.headline == "corrigé par l'équipe"


def test_overlong_fields_are_refused(app):
    member = make_member()
    with pytest.raises(Invalid, match="trop long"):
        services.update_profile(member, member, headline="x" * 161)
    with pytest.raises(Invalid, match="obligatoire"):
        services.update_profile(member, member, display_name="   ")


def test_directory_filters_combine(app):
    p2019 = make_promotion(number=3, year=2019)
    p2024 = make_promotion(number=7, year=2024)
    ana = make_member(display_name="Ana Éloi", skills=["NLP"], promotions=[p2019])
    make_member(
        display_name="Bob", role="alumni", skills=["Design"], promotions=[p2024]
    )
    make_member(display_name="Gone", skills=["NLP"], active=False)
    defi = make_defi(
        slug="open-justice", administration="Cour de cassation", team=[(ana, "eig")]
    )

    def names(**raw):
        filters = services.member_filters(**raw)
        return [m.display_name for m in services.list_members(filters).items]

    assert names(skill="nlp") == ["Ana Éloi"]
    assert names(q="eloi") == ["Ana Éloi"]
    assert names(role="alumni") == ["Bob"]
    assert names(year="2024") == ["Bob"]
    assert names(promotion=p2019.slug) == ["Ana Éloi"]
    assert names(defi=defi.slug) == ["Ana Éloi"]
    assert names(administration=defi.administration.slug) == ["Ana Éloi"]
    assert names(q="100%_") == []


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"role": "admin"}, "Rôle inconnu"),
        ({"year": "deux"}, "année"),
        ({"q": "x" * 201}, "trop"),
    ],
)
def test_bad_directory_filters_are_explained(app, raw, message):
    with pytest.raises(Invalid, match=message):
        services.member_filters(**raw)
