"""Account forms (labels in French)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.members.models import ROLE_LABELS


class LoginForm(FlaskForm):
    username = StringField(
        "Identifiant ou adresse e-mail", validators=[DataRequired(), Length(max=254)]
    )
    password = PasswordField(
        "Mot de passe", validators=[DataRequired(), Length(max=256)]
    )
    remember = BooleanField("Rester connecté sur cet appareil")


class RegisterForm(FlaskForm):
    display_name = StringField(
        "Nom affiché", validators=[DataRequired(), Length(max=120)]
    )
    username = StringField(
        "Identifiant",
        description="3 à 40 caractères : lettres minuscules, chiffres, points, tirets.",
        validators=[DataRequired(), Length(min=3, max=40)],
    )
    password = PasswordField(
        "Mot de passe",
        description="12 caractères au moins.",
        validators=[DataRequired(), Length(min=12, max=256)],
    )
    confirm = PasswordField(
        "Confirmez le mot de passe",
        validators=[
            DataRequired(),
            EqualTo("password", "Les mots de passe diffèrent."),
        ],
    )


class ResetRequestForm(FlaskForm):
    email = EmailField(
        "Adresse e-mail", validators=[DataRequired(), Email(), Length(max=254)]
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "Nouveau mot de passe",
        description="12 caractères au moins.",
        validators=[DataRequired(), Length(min=12, max=256)],
    )
    confirm = PasswordField(
        "Confirmez le mot de passe",
        validators=[
            DataRequired(),
            EqualTo("password", "Les mots de passe diffèrent."),
        ],
    )


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired()])


class ApiTokenForm(FlaskForm):
    name = StringField("Nom du jeton", validators=[DataRequired(), Length(max=80)])


class InvitationForm(FlaskForm):
    email = EmailField(
        "Adresse e-mail", validators=[DataRequired(), Email(), Length(max=254)]
    )
    role = SelectField("Rôle", choices=list(ROLE_LABELS.items()))
    promotion_id = SelectField("Promotion", coerce=int, choices=[])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token: for buttons that change something."""
