"""Socket events fed the inputs that once failed: a clear ack error, nothing stored."""

import pytest

from app.channels import services
from app.channels.models import Message
from app.extensions import db

EVENTS = [
    "join_channel", "leave_channel", "send_message", "edit_message",
    "delete_message", "react", "preview", "typing", "mark_read",
]  # fmt: skip


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


BAD_VALUES = ["a\x00b", "\ud800", 2**63, 2**31, -(2**63), float("inf"), nested(100)]


@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
def test_bad_values_get_an_ack_error_and_store_nothing(app, alice, connect, value):
    channel = services.create_channel(alice, name="Salon")
    first = services.post_message(alice, channel, "Bonjour")
    socket = connect(alice)
    for event in EVENTS:
        for field in ("body", "id", "parent_id", "message_id", "emoji", "client_id"):
            payload = {"channel": channel.slug, "body": "Salut", "id": first.id}
            ack = socket.emit(event, payload | {field: value}, callback=True)
            assert isinstance(ack, dict) and ack["ok"] is False, (event, field, ack)
            assert "Erreur interne" not in ack["error"], (event, field)
    db.session.expire_all()
    assert [m.body for m in db.session.query(Message)] == ["Bonjour"]
    assert socket.is_connected()
