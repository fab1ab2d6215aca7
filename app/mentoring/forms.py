"""Forms of the mentoring pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class MentorProfileForm(FlaskForm):
    available = BooleanField(_l("Je suis disponible pour du mentorat"))
    topics = StringField(
        _l("Sujets sur lesquels j’accompagne"),
        description=_l(
            "Séparés par des virgules, par exemple « Python, RGPD, design »."
        ),
        validators=[Optional(), Length(max=1000)],
    )
    capacity = IntegerField(
        _l("Nombre de personnes suivies en même temps, au plus"),
        validators=[DataRequired(), NumberRange(min=1, max=10)],
        default=2,
    )


class AskForm(FlaskForm):
    """Ask one suggested mentor; the topic comes from the search."""

    mentor = HiddenField(validators=[DataRequired(), Length(max=40)])
    # A text field on a mentor's own form, hidden in each suggestion's.
    topic = StringField(
        _l("Sur quel sujet cherchez-vous de l’aide ?"),
        validators=[DataRequired(), Length(min=2, max=80)],
    )
    message = TextAreaField(
        _l("Votre message"),
        description=_l("Quelques lignes : votre défi, ce qui vous bloque."),
        validators=[Optional(), Length(max=1000)],
    )


class AnswerForm(FlaskForm):
    message = TextAreaField(
        _l("Message (facultatif)"),
        validators=[
            Optional(),
            Length(max=1000, message=_l("Le message fait 1000 caractères au plus.")),
        ],
    )


class ActionForm(FlaskForm):
    """A button: only its CSRF token."""
