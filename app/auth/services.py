"""Accounts: passwords, login, invitations, password reset and API tokens."""

import hashlib
import re
import secrets
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from app.audit import audit, system_details
from app.auth.models import ApiToken, Invitation
from app.errors import Invalid, NotAllowed, NotFound, about_field
from app.extensions import db
from app.mail import render_templated, send_templated
from app.members import services as members
from app.members.models import ROLES, Member, new_session_token
from app.notifications import delivery
from app.notifications.links import opted_out, unsubscribe_url
from app.slack.people import claim as claim_imported
from app.text import clean_spaces
from app.timeutil import local_date, utcnow

USERNAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{1,38})[a-z0-9]$")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# As long as a real argon2id hash, for the reset fingerprint of unknown addresses.
_DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$" + "A" * 22 + "$" + "A" * 43


def _hasher() -> PasswordHasher:
    return current_app.extensions["eig_hasher"]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _absolute(path: str) -> str:
    """An e-mail link, built from BASE_URL so that CLI commands can make it too."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def check_password_rules(password: str, member_words: tuple[str, ...] = ()) -> None:
    """Refuse passwords that are too short, too long or made of the member's name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            _(
                "Le mot de passe doit faire au moins %(length)s caractères.",
                length=MIN_PASSWORD_LENGTH,
            )
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(_("Le mot de passe est trop long."))
    lowered = password.lower()
    if any(word and len(word) > 3 and word.lower() in lowered for word in member_words):
        raise Invalid(
            _("Le mot de passe ne doit pas contenir votre identifiant ou votre nom.")
        )


def set_password(member: Member, password: str) -> None:
    """Hash and store a new password; every other session of the member ends."""
    check_password_rules(password, (member.username, member.email.split("@")[0]))
    member.password_hash = _hasher().hash(password)
    member.session_token = new_session_token()


def find_login_member(identifier: str) -> Member | None:
    """The member a login name designates: their username or e-mail, in any case."""
    key = (identifier or "").strip().lower()
    if not key or "\x00" in key:  # PostgreSQL refuses NUL in text
        return None
    return db.session.scalar(
        select(Member).where(
            (Member.username == key) | (func.lower(Member.email) == key)
        )
    )


def member_with_email(email: str) -> Member | None:
    """The member whose address this is, in any case (ProConnect matches on it)."""
    key = (email or "").strip().lower()
    if not key or "\x00" in key:
        return None
    return db.session.scalar(select(Member).where(func.lower(Member.email) == key))


def authenticate(identifier: str, password: str) -> Member:
    """The member whose username or e-mail and password match, or Invalid."""
    wrong = Invalid(_("Identifiant ou mot de passe incorrect."))
    member = find_login_member(identifier)
    if member is None or not member.password_hash:
        _hasher().hash(password or "x")  # same cost whether or not the member exists
        raise wrong
    try:
        _hasher().verify(member.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        raise wrong from None
    if not member.active:
        raise Invalid(_("Ce compte a été désactivé. Contactez l’équipe du programme."))
    if _hasher().check_needs_rehash(member.password_hash):
        member.password_hash = _hasher().hash(password)
        db.session.commit()
    return member


def end_sessions(member: Member) -> None:
    """Log the member out everywhere: the session token changes."""
    member.session_token = new_session_token()
    db.session.commit()


def check_current_password(member: Member, password: str) -> None:
    """Raise Invalid unless this is the member's password (before a sensitive act)."""
    try:
        _hasher().verify(member.password_hash or "", password or "")
    except (VerificationError, InvalidHashError):
        raise Invalid(_("Le mot de passe actuel est incorrect.")) from None


def change_password(member: Member, current: str, new: str) -> None:
    """Change one's own password, knowing the current one."""
    check_current_password(member, current)
    set_password(member, new)
    db.session.commit()


# Invitations ---------------------------------------------------------------


class AlreadyInvited(Invalid):
    """The address has an invitation still waiting for an answer."""

    def __init__(self, invitation: Invitation) -> None:
        sent = local_date(invitation.created_at)
        super().__init__(
            _(
                "Une invitation envoyée le %(sent)s attend déjà la réponse de "
                "cette adresse : renvoyez-la plutôt que d’en créer une autre.",
                sent=sent,
            ),
            field="email",
        )
        self.invitation = invitation


def _check_inviter(inviter: Member | None) -> None:
    """Staff invite; None is the command line, credited to the system."""
    if inviter is not None and not inviter.is_staff:
        raise NotAllowed(_("Seule l’équipe du programme peut inviter."))


def pending_invitation(email: str) -> Invitation | None:
    """The newest invitation of an address still waiting, if it has not expired."""
    invitation = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.email == email.strip().lower(),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).first()
    if invitation is None or invitation.expires_at < utcnow():
        return None
    return invitation


def invite(
    inviter: Member | None,
    email: str,
    role: str,
    promotion_id: int | None = None,
    defi_id: int | None = None,
):
    """Invite an e-mail address with a role; returns the invitation and its link.

    An address whose invitation still waits is refused with AlreadyInvited:
    the staff member resends it (resend_invitation) rather than create a second.
    `inviter` None is the command line: the log and the e-mail name no member.
    With `defi_id`, the new member lands in that défi's team and channel.
    """
    _check_inviter(inviter)
    email = (email or "").strip().lower()
    if role not in ROLES:
        raise Invalid(_("Rôle inconnu : %(role)s.", role=role), field="role")
    with about_field("email"):
        members.check_email(email)
    defi = _team_defi(defi_id, role)
    if (waiting := pending_invitation(email)) is not None:
        raise AlreadyInvited(waiting)
    _revoke_pending(email)  # expired ones: only the newest link works
    invitation = Invitation(
        email=email,
        role=role,
        promotion_id=promotion_id,
        defi=defi,
        invited_by=inviter,
        expires_at=utcnow() + current_app.config["INVITATION_MAX_AGE"],
    )
    db.session.add(invitation)
    db.session.flush()
    details = {"role": role} | ({"defi": defi.slug} if defi else {})
    audit(inviter, "invitation.create", email, _credited(inviter, details))
    db.session.commit()
    link = invitation_link(invitation)
    _send_invitation(invitation, link)
    return invitation, link


def _team_defi(defi_id: int | None, role: str):
    """The défi an invitation names, if any; staff join no défi's team."""
    if not defi_id:
        return None
    from app.defis.models import Defi

    defi = db.session.get(Defi, defi_id)
    if defi is None:
        raise Invalid(_("Ce défi n’existe pas."), field="defi_id")
    if role == "staff":
        raise Invalid(
            _("L’équipe du programme ne rejoint pas l’équipe d’un défi."),
            field="defi_id",
        )
    return defi


def _join_invited_defi(invitation: Invitation, member: Member) -> None:
    """Seat a new member in the team (and channel) of the défi invited to."""
    from app.defis.services import seat_in_team

    if invitation.defi is not None:
        role = "mentor" if member.role == "mentor" else "eig"
        seat_in_team(invitation.defi, member, role)


def resend_invitation(inviter: Member | None, invitation: Invitation):
    """Send a waiting (or expired) invitation again with a new link and a new
    expiry; the old link stops working. Returns the invitation and its link."""
    _check_inviter(inviter)
    if invitation.accepted_at is not None:
        raise Invalid(_("Cette invitation a déjà été acceptée."))
    if invitation.revoked_at is not None:
        raise Invalid(_("Cette invitation a été remplacée par une plus récente."))
    invitation.nonce = secrets.token_hex(16)
    invitation.expires_at = utcnow() + current_app.config["INVITATION_MAX_AGE"]
    details = {"role": invitation.role}
    audit(inviter, "invitation.resend", invitation.email, _credited(inviter, details))
    db.session.commit()
    link = invitation_link(invitation)
    _send_invitation(invitation, link)
    return invitation, link


def get_invitation(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(_("Invitation introuvable."))
    return invitation


def _revoke_pending(email: str) -> None:
    for pending in db.session.scalars(
        select(Invitation).where(
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        pending.revoked_at = utcnow()


def _credited(inviter: Member | None, details: dict) -> dict:
    return details if inviter is not None else system_details(details)


def invitation_link(invitation: Invitation) -> str:
    """The absolute, signed registration link of an invitation."""
    token = _serializer("invitation").dumps(
        {"id": invitation.id, "n": invitation.nonce}
    )
    return _absolute(f"/auth/register/{token}")


def _send_invitation(invitation: Invitation, link: str) -> None:
    if opted_out(invitation.email, "invitation"):
        return  # the address asked for no more invitations; the link is shown
    send_templated(
        invitation.email,
        "Votre invitation à rejoindre EIG Link",
        "invitation",
        unsubscribe_url=unsubscribe_url("invitation", email=invitation.email),
        invitation=invitation,
        link=link,
    )


USED_INVITATION = _l("Ce lien d’invitation a déjà été utilisé.")


def load_invitation(token: str) -> Invitation:
    """The pending invitation behind a link, or Invalid saying why it cannot be used."""
    max_age = current_app.config["INVITATION_MAX_AGE"].total_seconds()
    try:
        data = _serializer("invitation").loads(token, max_age=max_age)
    except SignatureExpired:
        raise Invalid(
            _("Ce lien d’invitation a expiré. Demandez-en un nouveau.")
        ) from None
    except BadSignature:
        raise Invalid(_("Ce lien d’invitation n’est pas valide.")) from None
    invitation = (
        db.session.get(Invitation, data.get("id")) if isinstance(data, dict) else None
    )
    if invitation is None:
        raise Invalid(_("Ce lien d’invitation n’est pas valide."))
    if invitation.nonce != data.get("n"):  # resent since: a newer link exists
        raise Invalid(
            _(
                "Cette invitation a été renvoyée depuis : "
                "suivez le lien du dernier e-mail reçu."
            )
        )
    if invitation.accepted_at is not None:
        raise Invalid(str(USED_INVITATION))
    if invitation.revoked_at is not None:
        raise Invalid(_("Cette invitation a été annulée."))
    if invitation.expires_at < utcnow():
        raise Invalid(_("Ce lien d’invitation a expiré. Demandez-en un nouveau."))
    return invitation


def register(token: str, *, username: str, display_name: str, password: str) -> Member:
    """Create the invited member's account; the invitation is then used up."""
    return register_invited(
        load_invitation(token),
        username=username,
        display_name=display_name,
        password=password,
    )


def register_invited(
    invitation: Invitation, *, username: str, display_name: str, password: str | None
) -> Member:
    """Create the account of a pending invitation; no password when ProConnect
    vouches for the person (they sign in through it, or reset one later)."""
    username = (username or "").strip().lower()
    with about_field("username"):
        if not USERNAME_RE.match(username):
            raise Invalid(
                _(
                    "L’identifiant doit faire 3 à 40 caractères : lettres minuscules, "
                    "chiffres, "
                    "points, tirets."
                )
            )
        members.check_username(username)
    members.check_email(invitation.email)
    with about_field("display_name"):
        display_name = members.clean_display_name(display_name)
    member = Member(
        username=username,
        email=invitation.email,
        display_name=display_name,
        role=invitation.role,
    )
    if password is not None:
        with about_field("password"):
            set_password(member, password)
    if invitation.promotion is not None:
        member.promotions.append(invitation.promotion)
    members.refresh_search_text(member)
    db.session.add(member)
    try:
        db.session.flush()
        _use_invitation(invitation, member)
        _join_invited_defi(invitation, member)
        claim_imported(member)  # what they wrote on Slack becomes theirs
        db.session.commit()
    except IntegrityError:  # another registration with this link won the race
        db.session.rollback()
        raise Invalid(str(USED_INVITATION)) from None
    return member


def _use_invitation(invitation: Invitation, member: Member) -> None:
    """Mark the invitation used, unless a concurrent registration already did."""
    stmt = (
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow(), member_id=member.id)
        .execution_options(synchronize_session="fetch")
    )
    used = cast(CursorResult, db.session.execute(stmt))  # an UPDATE's: rowcount
    if used.rowcount != 1:
        db.session.rollback()
        raise Invalid(str(USED_INVITATION))


# ProConnect ---------------------------------------------------------------


def _siret(value: str) -> str:
    digits = re.sub(r"\s", "", value or "")
    return digits if re.fullmatch(r"\d{14}", digits) else ""


def update_organisation(member: Member, siret: str, unit: str) -> None:
    """Where the member works now, from ProConnect's claims, if they agreed."""
    if not member.proconnect_sync:
        return
    organisation = clean_spaces(unit or "")[:200]
    siret = _siret(siret)
    if (member.organisation, member.organisation_siret) != (organisation, siret):
        member.organisation, member.organisation_siret = organisation, siret
        db.session.commit()


def set_proconnect_sync(member: Member, allowed: bool, siret: str, unit: str) -> None:
    """The member's answer, asked once; yes records their administration now."""
    member.proconnect_sync = bool(allowed)
    if not allowed:
        member.organisation, member.organisation_siret = "", ""
    db.session.commit()
    update_organisation(member, siret, unit)


# Password reset -----------------------------------------------------------


def _reset_fingerprint(member: Member) -> str:
    # Changes with the password and the session token: a used link stops working.
    material = f"{member.password_hash}:{member.session_token}".encode()
    return hashlib.sha256(material).hexdigest()[:20]


def request_password_reset(email: str) -> None:
    """E-mail a reset link to an active member with that address; else say nothing.

    Either way the same work is done (the same look-ups, a signed link, a
    rendered e-mail), so the time taken does not tell whether the address has
    an account. Only the sending is left out.
    """
    address = (email or "").strip().lower()
    member = db.session.scalar(
        select(Member).where(func.lower(Member.email) == address)
    )
    wanted = not opted_out(address, "password_reset")
    real = member is not None and member.active and wanted
    target = member if real and member is not None else _stand_in(address)
    token = _serializer("password-reset").dumps(
        {"id": target.id, "f": _reset_fingerprint(target)}
    )
    subject = "Réinitialisation de votre mot de passe EIG Link"
    unsubscribe = unsubscribe_url("password_reset", email=address)
    text, html = render_templated(
        subject,
        "password_reset",
        unsubscribe,
        member=target,
        link=_absolute(f"/auth/reset/{token}"),
    )
    if real:  # sent from the mail thread: the answer does not wait for SMTP
        delivery.send_email_later(target.email, subject, text, html, unsubscribe)


def _stand_in(address: str) -> Member:
    # Never saved nor sent: it only makes the same work for an unknown address.
    return Member(
        id=0,
        email=address,
        display_name=address,
        password_hash=_DUMMY_HASH,
        session_token=new_session_token(),
    )


def member_for_reset(token: str) -> Member:
    """The member a reset link was made for, if the link is still good."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds()
    bad = Invalid(
        _("Ce lien de réinitialisation n’est plus valide. Demandez-en un nouveau.")
    )
    try:
        data = _serializer("password-reset").loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        raise bad from None
    member = db.session.get(Member, data.get("id")) if isinstance(data, dict) else None
    if (
        member is None
        or not member.active
        or data.get("f") != _reset_fingerprint(member)
    ):
        raise bad
    return member


def reset_password(token: str, password: str) -> Member:
    """Set a new password through a reset link; the link is then used up."""
    member = member_for_reset(token)
    set_password(member, password)
    db.session.commit()
    return member


# API tokens ----------------------------------------------------------------


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_token(member: Member, name: str) -> tuple[ApiToken, str]:
    """A new personal API token; the raw value is returned once and never stored."""
    name = clean_spaces(name or "")
    if not name or len(name) > 80:
        raise Invalid(_("Donnez un nom au jeton (80 caractères au plus)."))
    raw = "eig_" + secrets.token_urlsafe(32)
    token = ApiToken(
        member=member, name=name, prefix=raw[:10], token_hash=_token_hash(raw)
    )
    db.session.add(token)
    db.session.commit()
    return token, raw


def list_api_tokens(member: Member) -> list[ApiToken]:
    """The member's tokens that still work, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.member_id == member.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc())
        )
    )


def revoke_api_token(member: Member, token_id: int) -> None:
    """Revoke one of one's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.member_id != member.id:
        raise NotFound(_("Jeton introuvable."))
    token.revoked_at = utcnow()
    db.session.commit()


def member_for_api_token(raw: str) -> Member | None:
    """The active member owning a valid token, or None."""
    if not raw.startswith("eig_") or len(raw) > 100:
        return None
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _token_hash(raw), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.member.active:
        return None
    now = utcnow()
    last = token.last_used_at
    if last is None or (now - last).total_seconds() > 60:
        token.last_used_at = now  # written at most once a minute
        db.session.commit()
    return token.member
