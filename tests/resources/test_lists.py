"""Resource lists: filters, sorting, forges, the data set's repositories, search."""

import pytest

from app.defis.seed import seed_defis
from app.errors import Invalid
from app.resources import queries, services
from app.resources.forges import repository_of
from app.resources.models import Resource
from app.search import services as search
from tests.factories import make_defi, make_member, make_resource


def titles(viewer, **raw) -> list[str]:
    filters = queries.resource_filters(**raw)
    return [r.title for r in queries.list_resources(viewer, filters).items]


@pytest.fixture
def shelf():
    """Three resources of different kinds, tags, licences and défis."""
    make_defi(slug="open-justice", title="Open Justice")
    author = make_member(username="ada")
    make_resource(
        author=author,
        title="Pseudonymiseur",
        kind="code",
        tags=["Pseudonymisation", "NLP"],
        licence="MIT",
        defi="open-justice",
    )
    make_resource(title="Guide RGAA", kind="guide", tags=["Accessibilité"])
    make_resource(
        title="Jeu de décisions",
        kind="dataset",
        tags=["NLP"],
        licence="etalab-2.0",
    )
    return author


def test_filters_by_kind_tag_defi_licence_author_and_text(shelf):
    viewer = make_member()
    assert titles(viewer, kind="guide") == ["Guide RGAA"]
    assert titles(viewer, tag="nlp") == ["Jeu de décisions", "Pseudonymiseur"]
    assert titles(viewer, tag="accessibilite") == ["Guide RGAA"]
    assert titles(viewer, defi="open-justice") == ["Pseudonymiseur"]
    assert titles(viewer, licence="etalab-2.0") == ["Jeu de décisions"]
    assert titles(viewer, author="ada") == ["Pseudonymiseur"]
    assert titles(viewer, q="decisions") == ["Jeu de décisions"]
    assert titles(viewer, kind="code", tag="NLP", licence="etalab-2.0") == []


def test_newest_first_or_most_bookmarked_first(shelf):
    viewer = make_member()
    assert titles(viewer) == ["Jeu de décisions", "Guide RGAA", "Pseudonymiseur"]
    guide = queries.list_resources(
        viewer, queries.resource_filters(kind="guide")
    ).items[0]
    for _ in range(2):
        services.set_bookmark(make_member(), guide, True)
    assert titles(viewer, sort="bookmarks")[0] == "Guide RGAA"


def test_only_my_bookmarks(shelf):
    viewer = make_member()
    guide = Resource.query.filter_by(title="Guide RGAA").one()
    services.set_bookmark(viewer, guide, True)
    services.set_bookmark(make_member(), Resource.query.first(), True)
    assert titles(viewer, bookmarked="1") == ["Guide RGAA"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"kind": "virus"}, "Type de ressource inconnu"),
        ({"licence": "WTFPL"}, "Licence inconnue"),
        ({"sort": "random"}, "Tri inconnu"),
        ({"q": "x" * 201}, "trop longue"),
    ],
)
def test_bad_filters_are_named(raw, message):
    with pytest.raises(Invalid, match=message):
        queries.resource_filters(**raw)


def test_popular_tags_for_the_filter_menu(shelf):
    assert queries.popular_tags() == ["Accessibilité", "NLP", "Pseudonymisation"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://github.com/entrepreneur-interet-general/eig-link",
            ("GitHub", "entrepreneur-interet-general", "eig-link"),
        ),
        (
            "https://github.com/etalab/pseudo.git",
            ("GitHub", "etalab", "pseudo"),
        ),
        (
            "https://github.com/MTES-MCT/rapportNav/tree/main/docs",
            ("GitHub", "MTES-MCT", "rapportNav"),
        ),
        ("https://github.com/previsecours", ("GitHub", "previsecours", None)),
        (
            "https://gitlab.com/healthdatahub/sous-groupe/outil/-/tree/main",
            ("GitLab", "healthdatahub/sous-groupe", "outil"),
        ),
        ("https://gitlab.com/healthdatahub", ("GitLab", "healthdatahub", None)),
        (
            "https://gitlab.example.gouv.fr/dinum/outil",
            ("GitLab", "dinum", "outil"),
        ),
        ("https://git.sr.ht/~sircmpwn/hare", ("SourceHut", "~sircmpwn", "hare")),
    ],
)
def test_forge_owner_and_repository_of_a_url(url, expected):
    repository = repository_of(url)
    assert (repository.forge, repository.owner, repository.name) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://matchid-project.github.io",
        "https://example.org/etalab/pseudo",
        "https://github.com/orgs/etalab",
        "https://github.com/",
        "https://github.com.evil.example/etalab/pseudo",
        "https://www.github.com.evil.example/etalab/pseudo",
        "https://git.sr.ht/projets",
    ],
)
def test_other_urls_name_no_repository(url):
    assert repository_of(url) is None


def test_seed_offers_the_real_repositories_as_resources_once():
    report = seed_defis()
    resources = Resource.query.all()
    assert report.resources == len(resources) >= 30
    eig_link = [r for r in resources if r.defi.slug == "eig2-link"]
    assert [r.url for r in eig_link] == [
        "https://github.com/entrepreneur-interet-general/eig-link"
    ]
    assert eig_link[0].kind == "code" and eig_link[0].author is None
    assert eig_link[0].repository.owner == "entrepreneur-interet-general"
    assert seed_defis().resources == 0
    assert Resource.query.count() == len(resources)


# Search ---------------------------------------------------------------------


def found(viewer, text, **options) -> list[str]:
    return [hit.title for hit in search.search(viewer, text, **options).hits]


def test_resources_are_searchable_with_tag_and_kind_filters(shelf):
    viewer = make_member()
    assert found(viewer, "pseudonymisation", kind="resource") == ["Pseudonymiseur"]
    page = search.search(viewer, "nlp", kind="resource")
    assert page.facets["tag"]["NLP"] == 2
    assert page.facets["kind"]["resource"] == 2
    only_data = found(
        viewer, "nlp", kind="resource", filters={"resource_kind": "dataset"}
    )
    assert only_data == ["Jeu de décisions"]


def test_hidden_and_deleted_resources_leave_the_index(shelf):
    staff, viewer = make_member(role="staff"), make_member()
    guide = Resource.query.filter_by(title="Guide RGAA").one()
    services.set_hidden(staff, guide, True)
    assert found(viewer, "rgaa") == []
    services.set_hidden(staff, guide, False)
    assert found(viewer, "rgaa") == ["Guide RGAA"]
    services.delete_resource(staff, guide)
    assert found(viewer, "rgaa") == []


def test_rebuilt_index_holds_the_resources(shelf):
    search.rebuild()
    assert found(make_member(), "pseudonymiseur") == ["Pseudonymiseur"]
