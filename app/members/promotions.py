"""End of a promotion: its EIGs become alumni."""

from sqlalchemy import select

from app.defis.models import Promotion
from app.extensions import db
from app.members.models import Member


def promote_alumni(year: int) -> int:
    """End the promotions of a year and make their EIGs alumni; returns how many."""
    promotions = list(
        db.session.scalars(select(Promotion).where(Promotion.year == year))
    )
    ids = [p.id for p in promotions]
    fellows = db.session.scalars(
        select(Member).where(
            Member.role == "eig", Member.promotions.any(Promotion.id.in_(ids))
        )
    ).all()
    for promotion in promotions:
        promotion.ended = True
    for member in fellows:
        member.role = "alumni"
    db.session.commit()
    return len(fellows)
