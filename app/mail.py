"""Outgoing e-mail: SMTP when a server is configured, the log otherwise."""

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mailer:
    host: str | None
    port: int
    use_tls: bool
    username: str | None
    password: str | None
    sender: str

    @classmethod
    def from_config(cls, config) -> "Mailer":
        return cls(
            host=config.get("MAIL_SERVER"),
            port=config.get("MAIL_PORT", 25),
            use_tls=config.get("MAIL_USE_TLS", False),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            sender=config["MAIL_SENDER"],
        )

    def send(self, message: EmailMessage) -> None:
        """Deliver one message, or write it to the log on a laptop."""
        if not self.host:
            log.info("E-mail (no MAIL_SERVER set):\n%s", message.as_string())
            return
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def send_email(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    unsubscribe_url: str | None = None,
) -> bool:
    """Send a French e-mail with a plain-text body and an optional HTML one.

    Returns False when the server could not take it (the caller may retry later).
    """
    mailer: Mailer = current_app.extensions["eig_mailer"]
    message = EmailMessage()
    message["From"] = mailer.sender
    message["To"] = to
    message["Subject"] = subject
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    try:
        mailer.send(message)
    except (OSError, smtplib.SMTPException):
        # The change is committed already; a mail outage must not undo it.
        log.exception("Could not send e-mail %r to %s", subject, to)
        return False
    return True


def send_templated(
    to: str,
    subject: str,
    template: str,
    unsubscribe_url: str | None = None,
    *,
    locale: str = "fr",
    **context,
) -> bool:
    """Render emails/<template>.txt and .html in French (or `locale`), then send them.

    Both bodies share the layout of emails/_layout.*, which adds the unsubscribe
    link when there is one.
    """
    text, html = render_templated(
        subject, template, unsubscribe_url, locale=locale, **context
    )
    return send_email(to, subject, text, html, unsubscribe_url)


def render_templated(
    subject: str,
    template: str,
    unsubscribe_url: str | None = None,
    *,
    locale: str = "fr",
    **context,
) -> tuple[str, str]:
    """The plain-text and HTML bodies of emails/<template>.*, in French unless
    another `locale` is given."""
    context.update(subject=subject, unsubscribe_url=unsubscribe_url)
    with force_locale(locale):
        text = render_template(f"emails/{template}.txt", **context)
        html = render_template(f"emails/{template}.html", **context)
    return text, html
