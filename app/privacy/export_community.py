"""Export sections for what a member shares and receives: resources, comments,
bookmarks, notifications and mentoring."""

from typing import Any

from sqlalchemy import or_, select

from app.extensions import db
from app.members.models import Member
from app.mentoring.models import MentoringRequest, MentorProfile
from app.notifications.models import EmailOptOut, Notification, NotificationPreference
from app.resources.models import Resource, ResourceBookmark, ResourceComment
from app.timeutil import isoformat as _when


def resources(member: Member) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Resource).where(Resource.author_id == member.id).order_by(Resource.id)
    )
    return [
        {
            "id": r.id,
            "kind": r.kind,
            "title": r.title,
            "url": r.url,
            "description": r.description,
            "licence": r.licence,
            "defi": r.defi.slug if r.defi else None,
            "tags": [tag.name for tag in r.tags],
            "file": {"name": r.file_name, "type": r.file_type, "size": r.file_size}
            if r.file_key
            else None,
            "created_at": _when(r.created_at),
            "hidden_at": _when(r.hidden_at),
        }
        for r in rows
    ]


def resources_moderated(member: Member) -> list[int]:
    stmt = select(Resource.id).where(Resource.hidden_by_id == member.id)
    return list(db.session.scalars(stmt.order_by(Resource.id)))


def comments(member: Member) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(ResourceComment)
        .where(ResourceComment.author_id == member.id)
        .order_by(ResourceComment.id)
    )
    return [
        {
            "resource_id": c.resource_id,
            "body": c.body,
            "created_at": _when(c.created_at),
        }
        for c in rows
    ]


def bookmarks(member: Member) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(ResourceBookmark).where(ResourceBookmark.member_id == member.id)
    )
    return [
        {"resource_id": b.resource_id, "created_at": _when(b.created_at)} for b in rows
    ]


def notifications(member: Member) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.recipient_id == member.id)
        .order_by(Notification.id)
    )
    return [
        {
            "kind": n.kind,
            "text": n.text,
            "url": n.url,
            "created_at": _when(n.created_at),
            "read_at": _when(n.read_at),
            "emailed_at": _when(n.emailed_at),
        }
        for n in rows
    ]


def notification_settings(member: Member) -> dict[str, Any]:
    preferences = db.session.scalars(
        select(NotificationPreference).where(
            NotificationPreference.member_id == member.id
        )
    )
    opt_outs = db.session.scalars(
        select(EmailOptOut.kind).where(EmailOptOut.email == member.email)
    )
    return {
        "email": {p.kind: p.email for p in preferences},
        "unsubscribed": sorted(opt_outs),
    }


def mentoring(member: Member) -> dict[str, Any]:
    profile = db.session.get(MentorProfile, member.id)
    requests = db.session.scalars(
        select(MentoringRequest)
        .where(
            or_(
                MentoringRequest.asker_id == member.id,
                MentoringRequest.mentor_id == member.id,
            )
        )
        .order_by(MentoringRequest.id)
    )
    return {
        "mentor_profile": {
            "capacity": profile.capacity,
            "topics": [topic.name for topic in profile.topics],
        }
        if profile
        else None,
        "requests": [_request(r, member) for r in requests],
    }


def _request(request: MentoringRequest, member: Member) -> dict[str, Any]:
    asked = request.asker_id == member.id
    other = request.mentor if asked else request.asker
    return {
        "as": "asker" if asked else "mentor",
        "with": other.username if other else None,
        "topic": request.topic,
        "message": request.message,
        "status": request.status,
        "answer": request.answer,
        "created_at": _when(request.created_at),
        "answered_at": _when(request.answered_at),
        "closed_at": _when(request.closed_at),
    }


SECTIONS = {
    "resources": resources,
    "resources_moderated": resources_moderated,
    "resource_comments": comments,
    "bookmarks": bookmarks,
    "notifications": notifications,
    "notification_settings": notification_settings,
    "mentoring": mentoring,
}
COVERED_TABLES = {
    "resources",
    "resource_comments",
    "resource_bookmarks",
    "notifications",
    "notification_preferences",
    "mentor_profiles",
    "mentoring_requests",
}
