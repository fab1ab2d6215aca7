"""A comment on a resource tells its author, in the bell (and by e-mail per choice)."""

from app.notifications import services as notifications
from app.resources import services as resources
from tests.factories import make_member, make_resource


def test_the_author_of_a_resource_is_told_of_a_comment(app):
    owner = make_member(username="autrice", display_name="Inès Autrice")
    reader = make_member(username="lecteur", display_name="Paul Lecteur")
    resource = make_resource(author=owner, title="Guide DSFR")
    resources.add_comment(reader, resource, "Très utile, merci")
    [notification] = notifications.list_notifications(owner)
    assert notification.kind == "resource_comment"
    assert notification.url == f"/resources/{resource.id}"
    assert "Paul Lecteur" in notification.text and "Guide DSFR" in notification.text
    assert notifications.unread_count(owner) == 1


def test_commenting_ones_own_resource_tells_no_one(app):
    owner = make_member(username="autrice")
    resource = make_resource(author=owner)
    resources.add_comment(owner, resource, "Mise à jour : version 2")
    assert notifications.list_notifications(owner) == []
