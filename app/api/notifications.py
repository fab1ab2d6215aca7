"""GET /api/v1/notifications and POST /api/v1/notifications/<id>/read."""

from flask_login import current_user

from app.api import bp
from app.api.paging import query_args
from app.notifications import services


@bp.get("/notifications")
def notifications_list():
    """The member's latest notifications, newest first, and the unread count."""
    query_args(set())
    items = services.list_notifications(current_user)
    return {
        "unread": services.unread_count(current_user),
        "notifications": [services.notification_payload(n) for n in items],
    }


@bp.post("/notifications/<int:notification_id>/read")
def notification_read(notification_id: int):
    """Mark one of one's notifications as read."""
    notification = services.mark_read(current_user, notification_id)
    return services.notification_payload(notification)
