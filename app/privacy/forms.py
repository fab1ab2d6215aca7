"""Privacy forms: who sees what, and deleting one's account."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField
from wtforms.validators import DataRequired, Length


def _audience() -> list[tuple[str, str]]:
    return [
        ("members", _l("Tous les membres")),
        ("staff", _l("L’équipe du programme seulement")),
    ]


class VisibilityForm(FlaskForm):
    email = RadioField(_l("Qui voit mon adresse e-mail ?"), choices=_audience())
    city = RadioField(_l("Qui voit ma ville ?"), choices=_audience())


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(), Length(max=256)]
    )
    erase = BooleanField(
        _l("Effacer aussi mes messages, mes commentaires et mes ressources")
    )
    confirm = BooleanField(
        _l("Je comprends que la suppression est définitive."),
        validators=[DataRequired(_l("Cochez cette case pour confirmer."))],
    )


class StaffDeleteForm(FlaskForm):
    erase = BooleanField(
        _l("Effacer aussi ses messages, ses commentaires et ses ressources")
    )
    confirm = BooleanField(
        _l("La demande du membre est vérifiée ; la suppression est définitive."),
        validators=[DataRequired(_l("Cochez cette case pour confirmer."))],
    )


class EraseImportedForm(FlaskForm):
    confirm = BooleanField(
        _l("Je comprends que le texte de ces messages sera effacé pour tous."),
        validators=[DataRequired(_l("Cochez cette case pour confirmer."))],
    )
