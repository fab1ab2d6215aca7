"""Forms of the channel pages (the live composer posts through the socket)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

NAME_NEEDED = _l("Donnez un nom au canal (80 caractères au plus).")


class ChannelForm(FlaskForm):
    name = StringField(
        _l("Nom du canal"),
        validators=[
            DataRequired(message=NAME_NEEDED),
            Length(max=80, message=NAME_NEEDED),
        ],
    )
    description = StringField(
        _l("Description"), validators=[Optional(), Length(max=300)]
    )
    private = BooleanField(_l("Canal privé (sur invitation)"))


class MessageForm(FlaskForm):
    """Posting without JavaScript: the page reloads with the new message."""

    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=4000)])
    client_id = HiddenField()
    parent_id = HiddenField()


class MemberForm(FlaskForm):
    """A username: to invite someone, or to write to them directly."""

    username = StringField(
        _l("Identifiant du membre"), validators=[DataRequired(), Length(max=40)]
    )


class DirectForm(FlaskForm):
    """Whom to write to: a username or a display name (the picker fills it in)."""

    username = StringField(
        _l("Nom ou identifiant du membre"),
        validators=[
            DataRequired(message=_l("Indiquez le nom ou l’identifiant d’un membre.")),
            Length(max=120),
        ],
    )
