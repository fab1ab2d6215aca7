"""The search pages: /search, /search/people, /search/suggest and the header box."""

import re

import pytest

from tests.factories import make_defi, make_member, make_promotion
from tests.security.conftest import active_content

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
]


@pytest.fixture
def viewer(auth):
    """A logged-in member with nothing searchable in common with the others."""
    member = make_member(display_name="Zoé Lectrice")
    auth.login(member)
    return member


def page_text(response) -> str:
    return response.get_data(as_text=True)


def result_titles(response) -> list[str]:
    html = page_text(response)
    results = html.split('id="search-results"', 1)[1].split("</ol>", 1)[0]
    return re.findall(
        r'<h2 class="fr-h5 fr-mb-1v"><a href="[^"]*">([^<]*)</a>', results
    )


def test_member_with_a_skill_is_found_in_any_case(client, viewer):
    ada = make_member(display_name="Ada Lovelace", skills=["NLP"])
    response = client.get("/search?q=nlp")
    assert response.status_code == 200
    assert result_titles(response) == ["Ada Lovelace"]
    assert f'href="/members/{ada.username}"' in page_text(response)
    assert "1 résultat pour « nlp »" in page_text(response)


def test_results_link_to_the_people_search_for_the_same_query(client, viewer):
    make_member(display_name="Ada Lovelace", skills=["NLP"])
    html = page_text(client.get("/search?q=nlp"))
    assert 'href="/search/people?q=nlp"' in html
    assert "Qui s’y connaît ?" in html


def test_type_filter_keeps_counts_of_every_type(client, viewer):
    make_member(display_name="Paul Pseudo", skills=["Pseudonymisation"])
    make_defi(title="Pseudonymisation des décisions de justice")
    both = client.get("/search?q=pseudonymisation")
    assert sorted(result_titles(both)) == [
        "Paul Pseudo",
        "Pseudonymisation des décisions de justice",
    ]
    defis = client.get("/search?q=pseudonymisation&type=defi")
    assert result_titles(defis) == ["Pseudonymisation des décisions de justice"]
    html = page_text(defis)
    assert "Tout (2)" in html and "Membres (1)" in html
    assert re.search(r'href="/search\?q=pseudonymisation&amp;type=member"', html)
    assert re.search(r'aria-current="page">Défis \(1\)', html)


def test_facet_filter_narrows_and_can_be_removed(client, viewer):
    p2019 = make_promotion(number=3, year=2019)
    p2021 = make_promotion(number=5, year=2021)
    make_member(display_name="Alice Texte", skills=["NLP"], promotions=[p2019])
    make_member(display_name="Bruno Texte", skills=["NLP"], promotions=[p2021])
    html = page_text(client.get("/search?q=nlp"))
    assert 'href="/search?q=nlp&amp;promotion=2019"' in html
    filtered = client.get("/search?q=nlp&promotion=2019")
    assert result_titles(filtered) == ["Alice Texte"]
    active = page_text(filtered).split('id="active-filters"', 1)[1]
    assert 'href="/search?q=nlp"' in active.split("</ul>", 1)[0]


def test_no_result_says_so_in_french(client, viewer):
    response = client.get("/search?q=introuvablissime")
    assert response.status_code == 200
    assert "Aucun résultat pour « introuvablissime »" in page_text(response)
    assert 'id="search-results"' not in page_text(response)


def test_empty_query_shows_a_hint(client, viewer):
    response = client.get("/search")
    assert response.status_code == 200
    assert 'id="search-hint"' in page_text(response)


def test_snippets_are_escaped_and_scores_hidden(client, viewer):
    make_member(
        display_name="Eve Script",
        skills=["NLP"],
        headline="<script>alert(1)</script> NLP",
    )
    html = page_text(client.get("/search?q=nlp"))
    assert "Eve Script" in html
    assert "<script>alert(1)" not in html
    assert "score" not in html.split('id="search-results"', 1)[1]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_profiles_and_queries_render_inert(client, viewer, payload):
    make_member(
        display_name=f"Nlp {payload}",
        headline=f"NLP {payload}",
        skills=[f"NLP {payload}"],
    )
    for path in ("/search", "/search/people"):
        for text in ("nlp", f"nlp {payload}"):
            response = client.get(path, query_string={"q": text})
            assert response.status_code in (200, 400)
            assert active_content(response.get_data(as_text=True)) == []


@pytest.mark.parametrize(
    "query",
    ["q=nlp&type=planete", "q=nlp&page=0", "q=nlp&page=abc", "q=nlp&page=501"],
)
def test_bad_input_is_a_400_page_with_a_message(client, viewer, query):
    response = client.get(f"/search?{query}")
    assert response.status_code == 400
    assert 'id="search-error"' in page_text(response)


def test_unknown_type_message_names_it(client, viewer):
    html = page_text(client.get("/search?q=nlp&type=planete"))
    assert "planete" in html.split('id="search-error"', 1)[1]


def test_over_long_query_is_a_400_with_a_message(client, viewer):
    response = client.get("/search?q=" + "a" * 2000)
    assert response.status_code == 400
    assert "trop longue" in page_text(response)


def test_pagination_uses_the_shared_markup(client, viewer):
    for n in range(23):
        make_member(display_name=f"Data Person {n}", skills=["Dataviz"], password=None)
    first = client.get("/search?q=dataviz")
    assert len(result_titles(first)) == 20
    assert 'class="fr-pagination' in page_text(first)
    assert 'href="/search?q=dataviz&amp;page=2"' in page_text(first)
    second = client.get("/search?q=dataviz&page=2")
    assert len(result_titles(second)) == 3
    assert 'start="21"' in page_text(second)


def test_anonymous_visitor_is_sent_to_login(client):
    for path in ("/search?q=nlp", "/search/people?q=nlp", "/search/suggest?q=nl"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")


def test_suggest_returns_titles_as_json(client, viewer):
    nadia = make_member(display_name="Nadia Lambert", skills=["NLP"])
    response = client.get("/search/suggest?q=nad")
    assert response.status_code == 200
    assert response.get_json() == [
        {
            "type": "member",
            "title": "Nadia Lambert",
            "url": f"/members/{nadia.username}",
        }
    ]


def test_suggest_gives_at_most_eight(client, viewer):
    for n in range(12):
        make_member(display_name=f"Camille Suggestion {n}", password=None)
    assert len(client.get("/search/suggest?q=sugg").get_json()) == 8


@pytest.mark.parametrize("query", ["", "q=", "q=%20%20", "q=" + "a" * 2000])
def test_suggest_for_empty_or_odd_input_is_a_list(client, viewer, query):
    response = client.get(f"/search/suggest?{query}")
    assert response.status_code == 200
    assert isinstance(response.get_json(), list)


def test_people_search_ranks_members_with_reasons(client, viewer):
    ada = make_member(display_name="Ada Lovelace", skills=["NLP", "Python"])
    make_defi(title="Open Justice NLP", team=[(ada, "eig")])
    make_member(display_name="Sans Rapport", skills=["Design"])
    response = client.get("/search/people?q=NLP")
    assert response.status_code == 200
    html = page_text(response)
    people = html.split('id="people-results"', 1)[1].split("</ol>", 1)[0]
    assert f'href="/members/{ada.username}"' in people
    assert "Sans Rapport" not in people
    reasons = re.search(r'class="[^"]*eig-person__reasons">(.*?)</p>', people).group(1)
    assert "compétence : NLP" in reasons
    assert " · " in reasons and "Open Justice NLP" in reasons


def test_people_search_without_match_says_so(client, viewer):
    response = client.get("/search/people?q=introuvablissime")
    assert response.status_code == 200
    assert "Personne ne semble s’y connaître" in page_text(response)


def test_people_search_refuses_an_over_long_topic(client, viewer):
    response = client.get("/search/people?q=" + "a" * 2000)
    assert response.status_code == 400
    assert "trop longue" in page_text(response)


def test_header_has_the_search_combobox_only_when_logged_in(client, auth):
    member = make_member()
    assert 'id="header-search"' not in page_text(client.get("/auth/login"))
    auth.login(member)
    html = page_text(client.get("/"))
    box = re.search(r'<input[^>]*id="header-search"[^>]*>', html).group(0)
    for attribute in (
        'role="combobox"',
        'name="q"',
        'aria-expanded="false"',
        'aria-controls="header-search-listbox"',
    ):
        assert attribute in box
    assert '<label class="fr-label" for="header-search">Rechercher</label>' in html
    assert 'id="header-search-listbox" role="listbox"' in html
    assert re.search(r'src="/static/[0-9a-f]{12}/js/search.js"', html)


def test_directory_links_to_the_people_search(client, viewer):
    html = page_text(client.get("/members/"))
    assert 'action="/search/people"' in html
    assert "Qui s’y connaît en… ?" in html


def test_search_pages_come_out_in_english_with_lang_en(client, viewer):
    ada = make_member(display_name="Ada Lovelace", skills=["NLP"])
    make_defi(title="Open Justice NLP", team=[(ada, "eig")])

    html = page_text(client.get("/search?q=nlp&type=defi&lang=en"))
    assert "1 result for “nlp” among défis" in html
    assert "All (2)" in html and "Result type" in html
    assert "Who knows about it? The people to contact about “nlp”" in html
    assert "No suggestions." in html  # the header box's texts for search.js
    for french in ("résultat pour", "Tout (2)", "Type de résultat", "Aucune sugg"):
        assert french not in html

    html = page_text(client.get("/search/people?q=nlp"))  # the cookie keeps English
    assert "1 person knows about “nlp”" in html
    assert "skill: NLP · défi: Open Justice NLP" in html
    assert "s’y conna" not in html and "compétence :" not in html

    html = page_text(client.get("/search?q=nlp&type=planete"))
    assert "Unknown result type: planete." in html


def test_search_pages_stay_in_french_by_default(client, viewer):
    ada = make_member(display_name="Ada Lovelace", skills=["NLP"])
    make_defi(title="Open Justice NLP", team=[(ada, "eig")])

    html = page_text(client.get("/search?q=nlp&type=defi"))
    assert "1 résultat pour « nlp » parmi les défis" in html
    assert "Tout (2)" in html and "Aucune suggestion." in html
    assert "result for" not in html and "No suggestions" not in html

    html = page_text(client.get("/search/people?q=nlp"))
    assert "1 personne s’y connait en « nlp »" in html
    assert "compétence : NLP · défi : Open Justice NLP" in html
    assert "knows about" not in html
