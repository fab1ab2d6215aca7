"""Account forms (French labels, translated by Flask-Babel)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.members.models import ROLE_LABELS


class LoginForm(FlaskForm):
    username = StringField(
        _l("Identifiant ou adresse e-mail"),
        validators=[DataRequired(), Length(max=254)],
    )
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(), Length(max=256)]
    )
    remember = BooleanField(_l("Rester connecté sur cet appareil"))


class ProConnectRegisterForm(FlaskForm):
    """Registration through ProConnect: no password, the e-mail is vouched for."""

    display_name = StringField(
        _l("Nom affiché"), validators=[DataRequired(), Length(max=120)]
    )
    username = StringField(
        _l("Identifiant"),
        description=_l(
            "3 à 40 caractères\u00a0: lettres minuscules, chiffres, points, tirets."
        ),
        validators=[DataRequired(), Length(min=3, max=40)],
    )


class RegisterForm(ProConnectRegisterForm):
    """Registration by an invitation link: the names, and a password."""

    password = PasswordField(
        _l("Mot de passe"),
        description=_l("12 caractères au moins."),
        validators=[DataRequired(), Length(min=12, max=256)],
    )
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[
            DataRequired(),
            EqualTo("password", _l("Les mots de passe diffèrent.")),
        ],
    )


class ResetRequestForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"), validators=[DataRequired(), Email(), Length(max=254)]
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nouveau mot de passe"),
        description=_l("12 caractères au moins."),
        validators=[DataRequired(), Length(min=12, max=256)],
    )
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[
            DataRequired(),
            EqualTo("password", _l("Les mots de passe diffèrent.")),
        ],
    )


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired()])


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Nom du jeton"), validators=[DataRequired(), Length(max=80)])


class InvitationForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    role = SelectField(_l("Rôle"), choices=list(ROLE_LABELS.items()))
    promotion_id = SelectField(_l("Promotion"), coerce=int, choices=[])
    defi_id = SelectField(
        _l("Défi (facultatif)"),
        coerce=lambda value: int(value) if value not in (None, "") else 0,
        default=0,
        choices=[],
        description=_l("La personne rejoindra son équipe et son canal."),
    )


class EmptyForm(FlaskForm):
    """A form with only its CSRF token: for buttons that change something."""


class ProConnectConsentForm(FlaskForm):
    allow = SubmitField(_l("Oui, à chaque connexion"))
    decline = SubmitField(_l("Non merci"))
