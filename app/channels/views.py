"""The channel pages: the list, one channel, and the actions without JavaScript."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context

from app.channels import bp, payloads, services
from app.channels.forms import ChannelForm, DirectForm, MemberForm, MessageForm
from app.channels.models import REACTIONS
from app.errors import DomainError, Invalid, NotFound
from app.form_errors import refuse
from app.inputs import message_number
from app.members.services import get_member, members_named
from app.questions.listing import question_marks
from app.text import fold, html_excerpt


@bp.app_context_processor
def inject_unread_messages() -> dict:
    """The unread messages of the member's channels, shown in a phone's header."""
    if not (current_user and current_user.is_authenticated):
        return {}
    return {"unread_messages": sum(services.unread_counts(current_user).values())}


@bp.app_template_global()
@pass_context
def channel_name(context, channel) -> str:
    """The channel's name for the reader: a direct one named after the others
    (the view passes `channel_names`, from services.direct_names)."""
    return context.get("channel_names", {}).get(channel.id, channel.name)


@bp.get("/")
def index():
    """The member's channels, unread first, their direct conversations, then
    the open channels to join: topics, and défis by promotion; ?q= filters
    them all by name (the page's script filters as the member types)."""
    return _index_page(ChannelForm())


def _index_page(form: ChannelForm, status: int = 200, direct_form=None):
    """The channel list; a refused new channel or direct conversation shows its
    form with the errors."""
    wanted = fold(request.args.get("q", "")[:80]).strip()
    names = services.direct_names(current_user)

    def shown(channel) -> bool:
        name = names.get(channel.id, channel.name)
        return not wanted or wanted in fold(f"{name} {channel.description}")

    mine = services.member_channels(current_user)
    others = services.public_channels(current_user, limit=1000)
    return render_template(
        "channels/index.html",
        query=request.args.get("q", "")[:80],
        shown=shown,  # the others are there, hidden, for the script's filter
        mine=_unread_first([p for p in mine if p[0].kind != "direct"]),
        direct=_unread_first([p for p in mine if p[0].kind == "direct"]),
        topics=[c for c in others if c.kind != "defi"],
        promotions=_by_promotion([c for c in others if c.kind == "defi"]),
        channel_names=names,
        form=form,
        direct_form=direct_form or DirectForm(prefix="direct"),
        kind_labels=payloads.KIND_LABELS,
    ), status


def _unread_first(pairs: list) -> list:
    return sorted(pairs, key=lambda pair: pair[1] == 0)  # stable: names stay sorted


def _by_promotion(channels: list) -> list[tuple[int | None, list]]:
    """Défi channels grouped by their défi's promotion, the latest first."""
    groups: dict[int | None, list] = {}
    for channel in channels:
        year = channel.defi.year if channel.defi else None
        groups.setdefault(year, []).append(channel)
    return sorted(groups.items(), key=lambda group: -(group[0] or 0))


@bp.post("/")
def create():
    form = ChannelForm()
    if not form.validate_on_submit():
        return _index_page(form, 400)
    channel = services.create_channel(
        current_user,
        name=form.name.data,
        description=form.description.data or "",
        private=form.private.data,
    )
    return redirect(url_for("channels.detail", slug=channel.slug))


def _one_member_named(text: str):
    """The one active member with this username or display name; Invalid,
    saying why, otherwise."""
    found = members_named(text.strip().lstrip("@")) if text.strip() else []
    if len(found) == 1:
        return found[0]
    if found:
        raise Invalid(
            _(
                "Plusieurs membres s’appellent « %(name)s » : choisissez-en un dans "
                "la liste, ou donnez son identifiant (%(usernames)s).",
                name=text.strip(),
                usernames=", ".join(m.username for m in found[:5]),
            ),
            field="username",
        )
    raise Invalid(
        _("Aucun membre actif ne porte ce nom ni cet identifiant."), field="username"
    )


@bp.post("/direct")
def direct():
    """Open (or create) the direct conversation with one member, named by
    username or display name (accents and case ignored); if refused, the list
    page again with the reason under the field."""
    form = DirectForm(prefix="direct")
    if form.validate_on_submit():
        try:
            other = _one_member_named(form.username.data)
            channel = services.start_direct(current_user, [other])
        except DomainError as error:
            refuse(form, error)
        else:
            return redirect(url_for("channels.detail", slug=channel.slug))
    return _index_page(ChannelForm(), 400, direct_form=form)


def _id_arg(name: str, missing: str) -> int | None:
    """A message id from the query string (?thread=, ?before=), if given."""
    raw = request.args.get(name, "")
    if not raw:
        return None
    number = message_number(raw)
    if number is None:
        raise NotFound(missing)
    return number


def _history_size(channel, mine: list) -> int:
    """Enough of the latest messages to open at the first unread one, with a
    few read ones above it for context (up to the API's largest page)."""
    unread = next((count for c, count in mine if c.id == channel.id), 0)
    wanted = max(services.HISTORY_LIMIT, unread + CONTEXT_ABOVE_UNREAD)
    return min(services.MAX_LIMIT, wanted)


CONTEXT_ABOVE_UNREAD = 5


@bp.get("/<slug>")
def detail(slug: str):
    """A channel, with ?thread=<id> one thread of it, or with ?before=<id> the
    messages before one (the history without JavaScript)."""
    channel = services.readable_channel(current_user, slug)
    seat = services.membership(current_user, channel)
    thread = _id_arg("thread", _("Ce fil de discussion n’existe pas."))
    before = None if thread else _id_arg("before", _("Ce message n’existe pas."))
    mine = services.member_channels(current_user)
    limit = services.HISTORY_LIMIT if before else _history_size(channel, mine)
    messages = services.list_messages(
        current_user, channel, thread=thread, before=before, limit=limit
    )
    if thread is not None and not any(m.id == thread for m in messages):
        raise NotFound(_("Ce fil de discussion n’existe pas."))
    return render_template(
        "channels/detail.html",
        channel=channel,
        seat=seat,
        thread=thread,
        before=before,
        messages=messages,
        has_older=thread is None and len(messages) >= limit,
        replies=services.reply_counts(messages),
        questions=question_marks(current_user, messages, thread),
        members=services.channel_members(channel),
        channels=mine,
        channel_names=services.direct_names(current_user),
        form=MessageForm(),
        invite_form=MemberForm(prefix="invite"),
        kind_labels=payloads.KIND_LABELS,
        reactions_payload=payloads.reactions_payload,
        excerpt=html_excerpt,
        reaction_choices=REACTIONS,
        can_archive=current_user.is_staff or channel.created_by_id == current_user.id,
    )


def _back(slug: str):
    return redirect(url_for("channels.detail", slug=slug))


@bp.post("/<slug>/messages")
def post(slug: str):
    """The composer without JavaScript; a reply goes back to its thread."""
    channel = services.readable_channel(current_user, slug)
    form = MessageForm()
    if not form.validate_on_submit():
        flash(
            _("Le message est vide ou trop long (4 000 caractères au plus)."), "error"
        )
        return _back(slug)
    parent = form.parent_id.data or ""
    try:
        message = services.post_message(
            current_user,
            channel,
            form.body.data,
            form.client_id.data or None,
            message_number(parent),
        )
    except DomainError as error:
        flash(error.message, "error")
        return _back(slug)
    if message.parent_id:
        return redirect(url_for("channels.detail", slug=slug, thread=message.parent_id))
    return _back(slug)


def _action(slug: str, act, done: str):
    """A button's action (CSRFProtect has checked the token), then the channel."""
    channel = services.readable_channel(current_user, slug)
    try:
        act(channel)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return _back(slug)


@bp.post("/<slug>/join")
def join(slug: str):
    return _action(
        slug, lambda c: services.join_channel(current_user, c), _("Canal rejoint.")
    )


@bp.post("/<slug>/leave")
def leave(slug: str):
    services.leave_channel(current_user, services.readable_channel(current_user, slug))
    flash(_("Vous avez quitté le canal."), "info")
    return redirect(url_for("channels.index"))


@bp.post("/<slug>/archive")
def archive(slug: str):
    return _action(
        slug,
        lambda c: services.set_archived(current_user, c, not c.archived),
        _("Archivage du canal mis à jour."),
    )


@bp.post("/<slug>/invite")
def invite(slug: str):
    form = MemberForm(prefix="invite")
    member = get_member((form.username.data or "").strip().lstrip("@"))
    if not form.validate_on_submit() or member is None:
        flash(_("Aucun membre actif ne porte cet identifiant."), "error")
        return _back(slug)
    return _action(
        slug,
        lambda c: services.invite_to_channel(current_user, c, member),
        _("Membre ajouté au canal."),
    )
