"""GET /api/v1/members and /api/v1/members/<username>: the directory as JSON."""

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.defis import promotion_json
from app.api.paging import page_json, paging, query_args
from app.errors import NotFound
from app.members import services
from app.members.models import Member
from app.uris import to_uri

FILTERS = {
    "q",
    "role",
    "promotion",
    "year",
    "skill",
    "defi",
    "administration",
    "mentoring",
}


def _link(url: str) -> str | None:
    """A profile link as a URI (`format: uri`), None when not given."""
    return to_uri(url) if url else None


def member_json(member: Member) -> dict:
    """A member's profile as the asker may see it: the e-mail and city only when
    the member shows them (never their password or session token)."""
    return {
        "username": member.username,
        "display_name": member.display_name,
        "role": member.role,
        "headline": member.headline,
        "city": member.city if member.shows("city", current_user) else None,
        "email": member.email if member.shows("email", current_user) else None,
        "bio": member.bio,
        "bio_html": member.bio_html,
        "skills": [skill.name for skill in member.skills],
        "promotions": [promotion_json(p) for p in member.promotions],
        "defis": [
            {"slug": m.defi.slug, "title": m.defi.title, "role": m.role}
            for m in member.defi_memberships
        ],
        "links": {
            "github": _link(member.github_url),
            "gitlab": _link(member.gitlab_url),
            "linkedin": _link(member.linkedin_url),
            "website": _link(member.website_url),
        },
        "open_to_mentoring": member.open_to_mentoring,
        "url": url_for("members.detail", username=member.username),
    }


@bp.get("/members")
def members_index():
    """One page of the directory (active members), filtered like /members/."""
    filters = services.member_filters(**query_args(FILTERS))
    page, per_page = paging(current_app.config["MEMBERS_PER_PAGE"])
    pagination = services.list_members(filters, page, per_page)
    return page_json(pagination, member_json)


@bp.get("/members/<username>")
def member_detail(username: str):
    """One active member's profile; deactivated members are not found."""
    member = services.get_member(username)
    if member is None or not member.active:
        raise NotFound(_("Ce membre n’existe pas."))
    return member_json(member)
