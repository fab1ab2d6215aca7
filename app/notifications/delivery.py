"""Instant notification e-mails, sent after the notifying request or event.

With MAIL_SYNC=background (the default) one thread per process sends them from a
queue, so a slow or unreachable SMTP server (up to 10 s per attempt) never holds
the request or socket event that notified someone: a message mentioning five
people is acked at once. MAIL_SYNC=inline sends them before `notify` returns
(tests, scripts). Either way a failed e-mail is logged and not retried, and the
notification stays on the site.
"""

import logging
import queue
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, current_app

from app import mail, timeutil
from app.background import OnDemandThread
from app.extensions import db
from app.members.models import Member
from app.notifications import emails
from app.notifications.models import Notification

log = logging.getLogger(__name__)
EXIT_WAIT_SECONDS = 15.0  # within gunicorn's graceful_timeout (20 s)
SYNC_MODES = ("background", "inline")


def send_instant(notification: Notification, recipient: Member, label: object) -> None:
    """E-mail one notification now; remember when the server took it. `label`
    names its kind (a lazy string, rendered in the e-mail's locale).

    E-mails are grouped per recipient: within MAIL_GROUP_SECONDS of the last
    one, the notification is held (it waits in the digest queue); the next
    instant e-mail after the window carries the held ones with it."""
    if emails.emailed_since(recipient, _window_start()):
        notification.in_digest = True
        db.session.commit()
        return
    held = emails.held_for(recipient, before=notification.id)
    if held:
        sent = emails.email_group(recipient, [*held, notification])
    else:
        sent = emails.email_notification(notification, recipient, label)
    if sent:
        now = timeutil.utcnow()
        for item in [*held, notification]:
            item.emailed_at, item.in_digest = now, False
        db.session.commit()


def _window_start() -> datetime:
    seconds = current_app.config["MAIL_GROUP_SECONDS"]
    return timeutil.utcnow() - timedelta(seconds=seconds)


def deliver_later(notification: Notification, recipient: Member, label: object) -> None:
    """Send it now (inline) or hand it to this process's mail thread."""
    worker = current_app.extensions.get("mail_worker")
    if worker is None:
        send_instant(notification, recipient, label)
    else:
        worker.put(notification.id, label)


class MailWorker:
    """Sends queued notification e-mails one at a time, each in an app context."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._jobs: queue.Queue[tuple[Callable[..., object], tuple]] = queue.Queue()
        self._thread = OnDemandThread(self._run, "notification-mail", self.drain)

    def put(self, notification_id: int, label: object) -> None:
        self.submit(_send_queued, notification_id, label)

    def submit(self, job: Callable[..., object], *args: object) -> None:
        """Run `job(*args)` in the mail thread, in an app context."""
        self._jobs.put((job, args))
        self._thread.ensure()

    def idle(self) -> bool:
        """True when no e-mail is waiting or being sent."""
        return self._jobs.unfinished_tasks == 0

    def _run(self) -> None:
        while True:
            self._run_job(*self._jobs.get())
            self._jobs.task_done()

    def drain(self) -> None:
        """Send what is queued now, in the calling thread, then wait (at most
        EXIT_WAIT_SECONDS) for the one the mail thread may be sending."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            self._run_job(*job)
            self._jobs.task_done()
        deadline = time.monotonic() + EXIT_WAIT_SECONDS
        while not self.idle() and time.monotonic() < deadline:
            time.sleep(0.05)

    def _run_job(self, job: Callable[..., object], args: tuple) -> None:
        try:
            with self.app.app_context():
                job(*args)
        except Exception:  # one broken e-mail must not stop the others
            log.exception("Queued e-mail %s%r failed", job.__name__, args[:1])


def _send_queued(notification_id: int, label: object) -> None:
    notification = db.session.get(Notification, notification_id)
    if notification is not None and notification.emailed_at is None:
        send_instant(notification, notification.recipient, label)


def send_email_later(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    unsubscribe_url: str | None = None,
) -> None:
    """`mail.send_email(...)` in this process's mail thread (MAIL_SYNC=background),
    so that the answer does not wait for the SMTP server; now when inline."""
    args = (to, subject, text, html, unsubscribe_url)
    worker = current_app.extensions.get("mail_worker")
    if worker is None:
        mail.send_email(*args)
    else:
        worker.submit(mail.send_email, *args)
