"""Forms of the questions pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.channels.services import MAX_BODY
from app.questions.services import MAX_TITLE


class AskForm(FlaskForm):
    title = StringField(
        _l("Votre question, en une phrase"),
        description=_l(
            "Par exemple «\u00a0Quelqu’un a déjà pseudonymisé des décisions "
            "de justice\u202f?\u00a0»"
        ),
        validators=[
            DataRequired(_l("Donnez un titre à votre question.")),
            Length(max=MAX_TITLE),
        ],
    )
    body = TextAreaField(
        _l("Le détail"),
        description=_l("Le contexte, ce que vous avez essayé. Markdown accepté."),
        validators=[
            DataRequired(_l("Décrivez votre question en quelques lignes.")),
            Length(max=MAX_BODY),
        ],
    )
    tags = StringField(
        _l("Compétences concernées"),
        description=_l(
            "Séparées par des virgules, 5 au plus\u00a0: «\u00a0Python, NLP\u00a0»."
        ),
        validators=[Optional(), Length(max=400)],
    )
    # Checked by the service, which says why in French (and under the field).
    channel = SelectField(_l("Canal où la poser"), validate_choice=False)
    defi = SelectField(_l("Défi concerné (facultatif)"), validate_choice=False)


class AcceptForm(FlaskForm):
    message_id = HiddenField(validators=[DataRequired()])


class ActionForm(FlaskForm):
    """A button: only the CSRF token."""


class MarkForm(FlaskForm):
    """Make a thread's first message a question."""

    title = StringField(
        _l("Titre de la question"),
        validators=[
            DataRequired(_l("Donnez un titre à votre question.")),
            Length(max=MAX_TITLE),
        ],
    )
    tags = StringField(
        _l("Compétences concernées"), validators=[Optional(), Length(max=400)]
    )
