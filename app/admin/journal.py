"""How the audit log reads: what each action means, who did it, its details in
words and a link to what it touched."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import SYSTEM
from app.members.models import ROLE_LABELS

# What each action code means; an unknown code shows as it is.
ACTION_LABELS = {
    "member.activate": _l("Compte réactivé"),
    "member.deactivate": _l("Compte désactivé"),
    "member.role": _l("Rôle changé"),
    "member.export": _l("Données exportées (RGPD)"),
    "member.delete": _l("Compte supprimé (RGPD)"),
    "invitation.create": _l("Invitation envoyée"),
    "invitation.resend": _l("Invitation renvoyée"),
    "message.hide": _l("Message masqué (modération)"),
    "defi.create": _l("Défi créé"),
    "defi.update": _l("Défi modifié"),
    "resource.update": _l("Ressource modifiée"),
    "resource.delete": _l("Ressource supprimée"),
    "resource.hide": _l("Ressource masquée (modération)"),
    "resource.show": _l("Ressource de nouveau visible"),
    "resource.comment.delete": _l("Commentaire supprimé"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def actor_name(entry) -> str | None:
    """Who to name when no member is linked: the system, or a deleted account."""
    if entry.actor is not None:
        return None
    if (entry.details or {}).get(SYSTEM):
        return _("Système")
    return _("Compte supprimé")


def _role(code) -> str:
    return ROLE_LABELS.get(code, str(code))


def details_text(entry) -> str:
    """The details in a sentence, not as JSON."""
    details = {k: v for k, v in (entry.details or {}).items() if k != SYSTEM}
    if entry.action == "member.role" and {"from", "to"} <= details.keys():
        return f"{_role(details['from'])} → {_role(details['to'])}"
    parts = []
    if "role" in details:
        parts.append(_("rôle : %(role)s", role=_role(details["role"])))
    if "title" in details:
        parts.append(f"«\u00a0{details['title']}\u00a0»")
    if "contributions_erased" in details:
        erased = details["contributions_erased"]
        kept = _("contributions gardées")
        parts.append(_("contributions effacées") if erased else kept)
    known = {"role", "title", "contributions_erased", "from", "to"}
    others = [(key, value) for key, value in details.items() if key not in known]
    parts += [f"{key}\u00a0: {value}" for key, value in others]
    return ", ".join(parts)


def target_url(entry) -> str | None:
    """Where the target lives, when it has a page."""
    kind = entry.action.split(".")[0]
    target = entry.target or ""
    if kind == "member" and entry.action != "member.delete":
        return url_for("members.detail", username=target)
    if kind == "defi":
        return url_for("defis.detail", slug=target)
    if kind == "resource" and entry.action != "resource.delete":
        number = target.removeprefix("resource:")
        if number.isdigit():
            return url_for("resources.detail", resource_id=int(number))
    if kind == "message":
        slug = target.split("#")[0]
        return url_for("channels.detail", slug=slug) if slug else None
    return None
