"""The words of a notification, written when it is shown, in the reader's language.

A notification stores its kind and parameters (who, where, an excerpt, how many);
`render` turns them into a sentence with Flask-Babel in the current locale (the
page's, or the recipient's for an e-mail). Rows stored before parameters existed
show their stored French text.
"""

from collections.abc import Callable

from flask_babel import force_locale, gettext, ngettext

from app.defis.models import TEAM_ROLE_LABELS
from app.notifications.models import Notification

EXCERPT_LENGTH = 80


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of a message, cut at a word, with "…" when cut."""
    text = " ".join(str(text or "").split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] or text[:length]
    return cut.rstrip(" ,;:.") + "…"


def _defi_team(p: dict) -> str:
    if p.get("event") == "declined":
        return gettext(
            "%(actor)s a décliné votre demande à rejoindre l’équipe du défi "
            "«\u00a0%(defi)s\u00a0».",
            actor=p["actor"],
            defi=p["defi"],
        )
    return gettext(
        "%(actor)s vous a ajouté à l’équipe du défi « %(defi)s ».",
        actor=p["actor"],
        defi=p["defi"],
    )


def _direct_message(p: dict, count: int) -> str:
    if count > 1:
        return ngettext(
            "%(actor)s vous a écrit %(num)d message.",
            "%(actor)s vous a écrit %(num)d messages.",
            count,
            actor=p["actor"],
        )
    return gettext("%(actor)s vous a écrit : « %(excerpt)s »", **p)


def _reply(p: dict, count: int) -> str:
    if count > 1:
        return ngettext(
            "%(num)d réponse dans un fil de # %(channel)s, dont %(actor)s.",
            "%(num)d réponses dans un fil de # %(channel)s, dont %(actor)s.",
            count,
            actor=p["actor"],
            channel=p["channel"],
        )
    return gettext(
        "%(actor)s a répondu dans un fil de # %(channel)s : « %(excerpt)s »", **p
    )


def _reaction(p: dict, count: int) -> str:
    others = len(p.get("actor_ids", [])) - 1
    if others > 0:
        return ngettext(
            "%(actor)s et %(num)d autre ont réagi à votre message dans # %(channel)s.",
            "%(actor)s et %(num)d autres ont réagi à votre message dans # %(channel)s.",
            others,
            actor=p["actor"],
            channel=p["channel"],
        )
    return gettext("%(actor)s a réagi à votre message dans # %(channel)s.", **p)


def _mentoring_answer(p: dict, _count: int) -> str:
    if p["answer"] == "accepted":
        return gettext(
            "%(actor)s a accepté votre demande de mentorat « %(topic)s ».", **p
        )
    if p["answer"] == "declined":
        return gettext(
            "%(actor)s a décliné votre demande de mentorat « %(topic)s ».", **p
        )
    return gettext(
        "Votre demande de mentorat « %(topic)s » a expiré sans réponse.", **p
    )


RENDERERS: dict[str, Callable[[dict, int], str]] = {
    "mention": lambda p, _n: gettext(
        "%(actor)s vous a mentionné dans # %(channel)s.", **p
    ),
    "channel_invitation": lambda p, _n: gettext(
        "%(actor)s vous a ajouté au canal # %(channel)s.", **p
    ),
    "resource_comment": lambda p, _n: gettext(
        "%(actor)s a commenté votre ressource « %(title)s ».", **p
    ),
    "defi_team": lambda p, _n: _defi_team(p),
    "team_request": lambda p, _n: gettext(
        "%(actor)s demande à rejoindre l’équipe du défi «\u00a0%(defi)s\u00a0» "
        "comme %(role)s.",
        **(p | {"role": TEAM_ROLE_LABELS.get(p["role"], p["role"])}),
    ),
    "mentoring_request": lambda p, _n: gettext(
        "%(actor)s vous demande du mentorat : « %(topic)s ».", **p
    ),
    "mentoring_answer": _mentoring_answer,
    "direct_message": _direct_message,
    "reply": _reply,
    "reaction": _reaction,
    "question": lambda p, _n: gettext(
        "%(actor)s pose une question qui est dans vos cordes : "
        "«\u00a0%(title)s\u00a0».",
        **p,
    ),
}


def render(notification: Notification) -> str:
    """The notification's sentence in the current locale."""
    renderer = RENDERERS.get(notification.kind)
    if notification.params is None or renderer is None:
        return notification.text
    try:
        return renderer(notification.params, notification.count or 1)
    except (KeyError, TypeError, ValueError):  # parameters of an older shape
        return notification.text


def render_in(locale: str, kind: str, params: dict, count: int = 1) -> str:
    """The sentence of a kind in a given locale (the stored French fallback)."""
    with force_locale(locale):
        return RENDERERS[kind](params, count)
