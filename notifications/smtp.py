"""The SMTP connection a worker thread keeps from one e-mail (and task) to the next, so that
an e-mail costs no new connection: ``mailer.send`` opens it when first needed, and sends once
more on a new one when a connection that had already sent fails. Closed after any error, when
unused for ``IDLE_SECONDS``, when the e-mail settings changed, and at the worker's shutdown.
Used by ``outbox``, which decides what is sent and marks it."""

import contextlib
import threading
import time

from celery.signals import worker_process_shutdown, worker_shutdown
from django.conf import settings
from django.core.mail import get_connection

IDLE_SECONDS = 30  # a kept SMTP connection unused this long is closed and opened again
# the settings a kept connection was opened with: another value (tests) opens a new one
EMAIL_SETTINGS = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_SSL_CERTFILE",
    "EMAIL_SSL_KEYFILE",
    "EMAIL_TIMEOUT",
)


class Unreachable(Exception):
    """Opening a connection to the mail server failed; ``__cause__`` says why."""


class _Mailer(threading.local):
    """The SMTP connection a worker thread keeps open from one e-mail (and task) to the next:
    opened when first needed; closed after any error, when unused for ``IDLE_SECONDS``, when the
    e-mail settings changed, and at the worker's shutdown."""

    connection = None
    opened_with = None  # the EMAIL_SETTINGS values it was opened with
    used_at = 0.0
    fresh = False  # opened for the e-mail at hand: nothing went through it yet

    def open(self):
        wanted = tuple(getattr(settings, name, None) for name in EMAIL_SETTINGS)
        idle = time.monotonic() - self.used_at > IDLE_SECONDS
        if self.connection is not None and (idle or wanted != self.opened_with):
            self.close()
        if self.connection is None:
            connection = get_connection()
            try:
                connection.open()
            except Exception as exc:
                raise Unreachable from exc
            self.connection, self.opened_with, self.fresh = connection, wanted, True
            self.used_at = time.monotonic()
        return self.connection

    def send(self, message):
        """Send ``message``; when a connection that had already sent fails, once more on a new
        one (the server may have closed it, or taken its last e-mail on it)."""
        message.connection = self.open()
        try:
            message.send()
        except Exception:
            reused = not self.fresh
            self.close()
            if not reused:
                raise
            message.connection = self.open()
            try:
                message.send()
            except Exception:
                self.close()
                raise
        self.fresh, self.used_at = False, time.monotonic()

    def close(self):
        connection, self.connection = self.connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # broken already: nothing to say goodbye to
                connection.close()


mailer = _Mailer()


@worker_shutdown.connect  # the solo and threads pools
@worker_process_shutdown.connect  # each process of the prefork pool
def _close_at_shutdown(**kwargs):
    mailer.close()
