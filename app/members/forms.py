"""The profile form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Nom affiché"), validators=[DataRequired(), Length(max=120)]
    )
    headline = StringField(
        _l("Ce que je fais aujourd’hui"),
        description=_l("Une ligne, par exemple « Data scientist à la DINUM »."),
        validators=[Optional(), Length(max=160)],
    )
    city = StringField(_l("Ville"), validators=[Optional(), Length(max=80)])
    bio = TextAreaField(
        _l("Présentation"),
        description=_l("Markdown accepté : **gras**, listes, liens."),
        validators=[Optional(), Length(max=10_000)],
    )
    skills = StringField(
        _l("Compétences"),
        description=_l(
            "Séparées par des virgules, par exemple « Python, NLP, Design »."
        ),
        validators=[Optional(), Length(max=1000)],
    )
    github_url = URLField("GitHub", validators=[Optional(), Length(max=300)])
    gitlab_url = URLField("GitLab", validators=[Optional(), Length(max=300)])
    linkedin_url = URLField("LinkedIn", validators=[Optional(), Length(max=300)])
    website_url = URLField(_l("Site web"), validators=[Optional(), Length(max=300)])
    open_to_mentoring = BooleanField(_l("Je suis disponible pour du mentorat"))

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
