"""A real SMTP server for the e-mail tests (aiosmtpd): the handler that keeps what it receives,
and a free port on 127.0.0.1 to run it on. Shared by the test modules that send real e-mails."""

import email
import socket
import threading
from collections import Counter
from email import policy

WAIT = 30  # seconds: an upper bound for the worker or the SMTP server, never a delay


def free_port():
    """A port on 127.0.0.1 that nothing listens on (bound to 0 by the OS, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every message received, parsed with the ``email`` module."""

    def __init__(self):
        self.messages = []  # (envelope recipients, parsed message)
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        self.keep(envelope)
        return "250 Message accepted for delivery"

    def keep(self, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._changed:
            self.messages.append((list(envelope.rcpt_tos), message))
            self._changed.notify_all()

    def wait_for(self, count, timeout=WAIT):
        """True once ``count`` messages have arrived, False if they did not within ``timeout``."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.messages) >= count, timeout)

    def count(self):
        with self._changed:
            return len(self.messages)

    def recipients(self):
        with self._changed:
            return Counter(address for rcpt, _m in self.messages for address in rcpt)

    def message_ids(self):
        """How many times each Message-ID arrived."""
        with self._changed:
            return Counter(str(message["Message-ID"]) for _rcpt, message in self.messages)
