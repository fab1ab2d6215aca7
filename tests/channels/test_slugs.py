"""A new channel's address says nothing of the channels its creator cannot see."""

import re

from app.channels import services
from tests.conftest import AuthActions
from tests.factories import make_member


def created(app, member, **form) -> str:
    """Create a channel through the page's form; the address it redirects to."""
    client = app.test_client()
    AuthActions(client).login(member)
    response = client.post("/channels/", data=form)
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_private_channel_does_not_take_the_slug_of_its_name(app, bob):
    channel = services.create_channel(bob, name="Projet secret", private=True)
    assert re.fullmatch(r"projet-secret-[0-9a-f]{6}", channel.slug)


def test_a_name_taken_by_a_hidden_private_channel_gives_the_plain_slug(app, alice, bob):
    services.create_channel(bob, name="Projet secret", private=True)
    location = created(app, alice, name="Projet secret")
    assert location.endswith("/channels/projet-secret")  # as if it did not exist
    follow = created(app, alice, name="Projet secret")
    assert follow.endswith("/channels/projet-secret-2")  # a visible collision


def test_a_name_spelling_a_direct_conversation_reveals_nothing(app, alice, bob):
    carol = make_member(username="carol")
    direct = services.start_direct(bob, [carol])
    name = direct.slug.replace("-", " ")  # "dm 2 3"
    location = created(app, alice, name=name)
    assert location.endswith(f"/channels/canal-{direct.slug}")
    assert services.get_channel(direct.slug).kind == "direct"  # untouched


def test_two_private_channels_of_one_name_get_distinct_slugs(app, alice):
    first = services.create_channel(alice, name="Équipe", private=True)
    second = services.create_channel(alice, name="Équipe", private=True)
    assert first.slug != second.slug
    assert all(s.startswith("equipe-") for s in (first.slug, second.slug))
