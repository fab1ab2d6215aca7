"""The public home page, and the member's dashboard once logged in."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from app.defis.models import Defi
from app.extensions import db
from app.home import bp
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
    latest = db.session.scalars(
        select(Defi).order_by(Defi.year.desc(), Defi.id.desc()).limit(6)
    )
    return render_template(
        "home/dashboard.html", counts=counts, latest_defis=list(latest)
    )
