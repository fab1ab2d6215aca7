"""Forms of the notification pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from app.notifications.models import EMAIL_MODES, IN_APP_ONLY, KINDS


class PreferencesForm(FlaskForm):
    """One e-mail choice per kind, plus the password-reset e-mails."""

    password_reset = BooleanField(
        _l("Recevoir les liens de réinitialisation du mot de passe")
    )
    takes_questions = BooleanField(
        _l("M’envoyer les questions des membres sur ce que je connais"),
        description=_l(
            "Trois par semaine au plus, choisies d’après vos compétences, vos "
            "défis, vos ressources et vos réponses acceptées."
        ),
    )


def preferences_form(labels: dict, mode_labels: dict, **data) -> PreferencesForm:
    """The form with one select per notification kind, named like the kind."""

    class Form(PreferencesForm):
        pass

    for kind in KINDS:
        modes = ("off",) if kind in IN_APP_ONLY else EMAIL_MODES
        choices = [(mode, mode_labels[mode]) for mode in modes]
        setattr(Form, kind, SelectField(_l("E-mail"), choices=choices))
        setattr(Form, f"{kind}_in_app", BooleanField(_l("Sous la cloche")))
    return Form(data=data)


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token."""
