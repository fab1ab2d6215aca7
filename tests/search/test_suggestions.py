"""The header box suggests what the full search finds: members by skill,
messages by a word (with who wrote them and when), each thing once; and
results show read text, not Markdown."""

from app.channels.services import create_channel, post_message
from tests.factories import make_defi, make_member, make_resource
from tests.search.test_api import check_against


def suggestions(api, text: str) -> list[dict]:
    response = api.get("/api/v1/search/suggest", query_string={"q": text})
    assert response.status_code == 200
    return response.get_json()


def test_members_are_suggested_by_their_skill(api):
    make_member(display_name="Paule Dev", skills=["Python"])
    make_member(display_name="Marc Données", skills=["Python", "SQL"])
    make_member(display_name="Luc Design", skills=["Figma"])
    found = suggestions(api, "python")
    assert {s["title"] for s in found if s["type"] == "member"} == {
        "Paule Dev",
        "Marc Données",
    }


def test_a_message_is_suggested_with_its_author_channel_and_date(api):
    author = make_member(display_name="Inès Auteur")
    channel = create_channel(author, name="Data")
    post_message(author, channel, "Le **pipeline** tourne chaque nuit.")
    [found] = [s for s in suggestions(api, "pipeline") if s["type"] == "message"]
    assert found["title"] == "Le pipeline tourne chaque nuit."
    assert found["author"] == "Inès Auteur · # Data"
    assert found["created_at"].endswith("+00:00")
    check_against(api, "Suggestion", found)


def test_identical_rows_are_shown_once(api):
    defi = make_defi(title="A-JUST")
    for _ in range(3):
        make_resource(title="A-JUST", defi=defi.slug)
    found = [(s["type"], s["title"]) for s in suggestions(api, "A-JUST")]
    assert found.count(("resource", "A-JUST")) == 1
    assert found.count(("defi", "A-JUST")) == 1


def test_results_show_read_text_not_markdown(api):
    make_defi(title="Signaux", description="#### Les ambitions\n\nUn **suivi** fin.")
    response = api.get("/api/v1/search", query_string={"q": "ambitions"})
    [result] = response.get_json()["results"]
    assert "####" not in result["snippet"] and "**" not in result["snippet"]
    assert "<mark>ambitions</mark>" in result["snippet"].lower()
