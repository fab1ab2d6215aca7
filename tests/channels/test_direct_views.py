"""Starting a direct conversation by name, and naming it after the others."""

import re

import pytest

from app.admin.services import set_active
from app.channels import services
from app.channels.models import Channel
from app.extensions import db
from tests.channels.test_views import section, text
from tests.conftest import AuthActions
from tests.factories import make_member


@pytest.fixture
def dominique(app):
    return make_member(username="dom.a", display_name="Dominique Ancienne")


@pytest.fixture
def as_alice(app, alice):
    client = app.test_client()
    AuthActions(client).login(alice)
    return client


def direct_channels() -> list[Channel]:
    db.session.expire_all()
    return db.session.query(Channel).filter_by(kind="direct").all()


@pytest.mark.parametrize(
    "typed",
    ["Dominique Ancienne", "dominique ancienne", "  DOMINIQUE   ancienne ", "dom.a"],
)
def test_a_direct_conversation_starts_from_a_name_or_a_username(
    as_alice, alice, dominique, typed
):
    response = as_alice.post("/channels/direct", data={"direct-username": typed})
    assert response.status_code == 302
    [channel] = direct_channels()
    assert response.headers["Location"].endswith(f"/channels/{channel.slug}")
    assert services.membership(dominique, channel) is not None


def test_accents_may_be_left_out_of_the_name(as_alice, alice):
    helene = make_member(username="hd", display_name="Hélène Dupont")
    as_alice.post("/channels/direct", data={"direct-username": "helene dupont"})
    [channel] = direct_channels()
    assert services.membership(helene, channel) is not None


def test_two_members_with_the_same_name_must_be_told_apart(as_alice, dominique):
    make_member(username="dom.b", display_name="Dominique Ancienne")
    response = as_alice.post(
        "/channels/direct",
        data={"direct-username": "dominique ancienne"},
        follow_redirects=True,
    )
    page = text(response)
    assert "Plusieurs membres s’appellent « dominique ancienne »" in page
    assert "dom.a, dom.b" in page
    assert direct_channels() == []


def test_part_of_a_name_or_a_deactivated_member_opens_nothing(
    as_alice, alice, dominique
):
    staff = make_member(username="chef", role="staff")
    gone = make_member(username="parti", display_name="Parti Ailleurs")
    set_active(staff, gone, False)
    for typed in ("Dominique", "Parti Ailleurs", "parti"):
        response = as_alice.post(
            "/channels/direct", data={"direct-username": typed}, follow_redirects=True
        )
        assert "Aucun membre actif ne porte ce nom" in text(response)
    assert direct_channels() == []


def test_a_direct_conversation_is_named_after_the_others(
    app, as_alice, alice, bob, dominique
):
    services.start_direct(alice, [bob])
    services.start_direct(alice, [bob, dominique])
    listed = section(as_alice.get("/channels/"), "direct-list")
    assert "Bob Martin" in listed and "Bob Martin, Dominique Ancienne" in listed
    assert "Alice Durand" not in listed
    as_bob = app.test_client()
    AuthActions(as_bob).login(bob)
    theirs = text(as_bob.get("/channels/"))
    assert "Alice Durand, Dominique Ancienne" in theirs


def test_the_channel_page_lists_direct_conversations_after_the_others(
    as_alice, alice, bob
):
    channel = services.start_direct(alice, [bob])
    listed = section(as_alice.get(f"/channels/{channel.slug}"), "channel-list")
    assert "Bob Martin" in listed and "Alice Durand" not in listed


def test_the_picker_is_a_combobox_module_fed_by_the_members_api(as_alice):
    page = as_alice.get("/channels/").get_data(as_text=True)
    form = section(as_alice.get("/channels/"), "direct-form", "</form>")
    assert 'data-people-url="/api/v1/members"' in form
    assert 'role="listbox"' in form and 'aria-live="polite"' in form
    assert re.search(r'src="/static/[0-9a-f]{12}/js/people-picker.js"', page)
    found = as_alice.get("/api/v1/members?q=alice durand").get_json()
    assert [m["username"] for m in found["items"]] == ["alice"]
