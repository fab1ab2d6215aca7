"""The profile form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional


class ProfileForm(FlaskForm):
    display_name = StringField(
        "Nom affiché", validators=[DataRequired(), Length(max=120)]
    )
    headline = StringField(
        "Ce que je fais aujourd'hui",
        description="Une ligne, par exemple « Data scientist à la DINUM ».",
        validators=[Optional(), Length(max=160)],
    )
    city = StringField("Ville", validators=[Optional(), Length(max=80)])
    bio = TextAreaField(
        "Présentation",
        description="Markdown accepté : **gras**, listes, liens.",
        validators=[Optional(), Length(max=10_000)],
    )
    skills = StringField(
        "Compétences",
        description="Séparées par des virgules, par exemple « Python, NLP, Design ».",
        validators=[Optional(), Length(max=1000)],
    )
    github_url = URLField("GitHub", validators=[Optional(), Length(max=300)])
    gitlab_url = URLField("GitLab", validators=[Optional(), Length(max=300)])
    linkedin_url = URLField("LinkedIn", validators=[Optional(), Length(max=300)])
    website_url = URLField("Site web", validators=[Optional(), Length(max=300)])
    open_to_mentoring = BooleanField("Je suis disponible pour du mentorat")

    FIELDS = (
        "display_name",
        "headline",
        "city",
        "bio",
        "skills",
        "github_url",
        "gitlab_url",
        "linkedin_url",
        "website_url",
        "open_to_mentoring",
    )

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}
