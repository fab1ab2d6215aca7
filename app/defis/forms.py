"""Défi forms."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class DefiForm(FlaskForm):
    title = StringField("Titre", validators=[DataRequired(), Length(max=160)])
    tagline = StringField("Chapeau", validators=[Optional(), Length(max=400)])
    location = StringField("Lieu", validators=[Optional(), Length(max=120)])
    description = TextAreaField(
        "Description",
        description="Markdown accepté.",
        validators=[Optional(), Length(max=50_000)],
    )
    themes = StringField(
        "Thématiques", description="Séparées par des virgules.", validators=[Optional()]
    )
    expertises = StringField(
        "Expertises", description="Séparées par des virgules.", validators=[Optional()]
    )
    repositories = TextAreaField(
        "Dépôts de code", description="Une adresse par ligne.", validators=[Optional()]
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
    title = StringField("Titre", validators=[DataRequired(), Length(max=160)])
    promotion_id = SelectField("Promotion", coerce=int, choices=[])
    administration = StringField(
        "Administration porteuse", validators=[DataRequired(), Length(max=300)]
    )
    tagline = StringField("Chapeau", validators=[Optional(), Length(max=400)])
    description = TextAreaField(
        "Description", validators=[Optional(), Length(max=50_000)]
    )


class TeamForm(FlaskForm):
    username = StringField(
        "Identifiant du membre", validators=[DataRequired(), Length(max=40)]
    )
    role = SelectField(
        "Rôle dans l'équipe", choices=[("eig", "EIG"), ("mentor", "Mentor")]
    )
