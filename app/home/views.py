"""The public home page, and the member's dashboard once logged in."""

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.channels.services import defi_channel
from app.defis.models import Defi
from app.extensions import db
from app.home import bp
from app.home import dashboard as board
from app.members.models import Member


@bp.route("/")
def index():
    counts = {
        "defis": db.session.scalar(select(func.count(Defi.id))) or 0,
        "members": db.session.scalar(
            select(func.count(Member.id)).where(Member.active.is_(True))
        )
        or 0,
        "administrations": db.session.scalar(
            select(func.count(func.distinct(Defi.administration_id)))
        )
        or 0,
    }
    if not current_user.is_authenticated:
        return render_template("home/public.html", counts=counts)
    member = current_user._get_current_object()
    return render_template(
        "home/dashboard.html",
        counts=counts,
        board=board.dashboard_for(member, _first_steps(member)),
    )


def _first_steps(member: Member) -> list[board.Step]:
    """A new member's checklist; staff have none."""
    if member.is_staff:
        return []
    channels = [defi_channel(m.defi) for m in member.defi_memberships]
    own = next((channel for channel in channels if channel is not None), None)
    hello = url_for("channels.detail", slug=own.slug) if own else url_for("defis.index")
    followed = board.topics_followed(member)
    return [
        board.Step(
            _("Compléter votre profil : présentation, compétences"),
            board.profile_complete(member),
            url_for("members.edit", username=member.username),
        ),
        board.Step(
            _("Rejoindre l’équipe de votre défi"),
            board.in_a_defi(member),
            url_for("defis.index"),
        ),
        board.Step(
            _("Dire bonjour dans le canal de votre défi"),
            board.said_hello(member),
            hello,
        ),
        board.Step(
            _("Suivre deux canaux thématiques (%(count)s/2)", count=min(followed, 2)),
            followed >= board.TOPICS_TO_FOLLOW,
            url_for("channels.index"),
        ),
    ]
