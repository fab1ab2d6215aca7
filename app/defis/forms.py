"""Défi forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class DefiForm(FlaskForm):
    title = StringField(_l("Titre"), validators=[DataRequired(), Length(max=160)])
    tagline = StringField(_l("Chapeau"), validators=[Optional(), Length(max=400)])
    location = StringField(_l("Lieu"), validators=[Optional(), Length(max=120)])
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown accepté."),
        validators=[Optional(), Length(max=20_000)],
    )
    themes = StringField(
        _l("Thématiques"),
        description=_l("Séparées par des virgules."),
        validators=[Optional()],
    )
    expertises = StringField(
        _l("Expertises"),
        description=_l("Séparées par des virgules."),
        validators=[Optional()],
    )
    repositories = TextAreaField(
        _l("Dépôts de code"),
        description=_l("Une adresse par ligne."),
        validators=[Optional()],
    )

    FIELDS = (
        "title",
        "tagline",
        "location",
        "description",
        "themes",
        "expertises",
        "repositories",
    )

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class NewDefiForm(FlaskForm):
    title = StringField(_l("Titre"), validators=[DataRequired(), Length(max=160)])
    promotion_id = SelectField(_l("Promotion"), coerce=int, choices=[])
    administration = StringField(
        _l("Administration porteuse"), validators=[DataRequired(), Length(max=300)]
    )
    tagline = StringField(_l("Chapeau"), validators=[Optional(), Length(max=400)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=20_000)]
    )


class TeamForm(FlaskForm):
    username = StringField(
        _l("Identifiant du membre"), validators=[DataRequired(), Length(max=40)]
    )
    role = SelectField(
        _l("Rôle dans l’équipe"), choices=[("eig", "EIG"), ("mentor", "Mentor")]
    )


class JoinTeamForm(FlaskForm):
    role = SelectField(
        _l("Vous rejoignez l’équipe comme"),
        choices=[("eig", "EIG"), ("mentor", "Mentor")],
    )
    message = TextAreaField(
        _l("Un mot pour l’équipe (facultatif)"),
        validators=[Optional(), Length(max=500)],
        description=_l("Par exemple\u00a0: votre promotion, votre rôle dans le défi."),
    )
