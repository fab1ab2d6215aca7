"""Resource forms: share or edit a resource, comment on it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.resources.models import KINDS
from app.resources.uploads import Upload
from app.resources.vocabulary import KIND_LABELS, LICENCES, NO_LICENCE


class ResourceForm(FlaskForm):
    kind = SelectField(
        _l("Type de ressource"), choices=[(k, KIND_LABELS[k]) for k in KINDS]
    )
    title = StringField(_l("Titre"), validators=[DataRequired(), Length(max=160)])
    url = StringField(
        _l("Adresse"),
        description=_l("Une adresse https://, par exemple celle d’un dépôt de code."),
        validators=[Optional(), Length(max=500)],
    )
    file = FileField(
        _l("Fichier"),
        description=_l(
            "PDF, document bureautique, image, CSV ou archive ; 20 Mo au plus."
        ),
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown accepté."),
        validators=[Optional(), Length(max=20_000)],
    )
    tags = StringField(
        _l("Mots-clés"),
        description=_l("Séparés par des virgules."),
        validators=[Optional(), Length(max=1000)],
    )
    licence = SelectField(
        _l("Licence"), choices=[("", NO_LICENCE), *LICENCES], validate_choice=False
    )
    defi = SelectField(_l("Défi d’origine"), choices=[], validate_choice=False)

    FIELDS = ("kind", "title", "url", "description", "tags", "licence", "defi")

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}

    def upload(self) -> Upload | None:
        """The file sent with the form, if any, as the services take it."""
        data = self.file.data
        if data is None or not getattr(data, "filename", None):
            return None
        return Upload(filename=data.filename, stream=data.stream)


class EditResourceForm(ResourceForm):
    remove_file = BooleanField(_l("Retirer le fichier joint"))


COMMENT_REFUSED = _l("Le commentaire est vide ou trop long (5 000 caractères au plus).")


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Votre commentaire"),
        description=_l("Markdown accepté."),
        validators=[
            DataRequired(message=COMMENT_REFUSED),
            Length(max=5000, message=COMMENT_REFUSED),
        ],
    )


class HideForm(FlaskForm):
    hidden = BooleanField()


class BookmarkForm(FlaskForm):
    bookmarked = BooleanField()
