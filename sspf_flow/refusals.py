"""How the rules say no: a guard's reason, the refusal that carries every reason at once, and
``refuse_if`` that raises it.

A reason may name the field it is about (``about("closure_text", _("…"))``), so that a page can
show it next to that field; the step forms and the services use the same reasons, so the user
reads one wording whether the form or the service found the problem."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models.case import Status


class Reason(str):
    """A reason in the user's language, with the field it is about (or None)."""

    field = None

    def __new__(cls, text, field=None):
        reason = super().__new__(cls, str(text))
        reason.field = field if field is not None else getattr(text, "field", None)
        return reason


class _About:
    """A lazy reason that knows its field; made a ``Reason`` when shown or raised."""

    def __init__(self, field, text):
        self.field = field
        self.text = text

    def __str__(self):
        return str(self.text)

    def __repr__(self):
        return f"about({self.field!r}, {str(self.text)!r})"


def about(field, text):
    """The reason ``text`` (lazy), shown next to ``field`` on a form that has it."""
    return _About(field, text)


class TransitionRefused(Exception):
    """A change the rules do not allow now; ``reasons`` say why, in the user's language."""

    def __init__(self, reasons):
        self.reasons = [Reason(reason) for reason in reasons if reason]
        super().__init__("; ".join(self.reasons))


def refuse_if(*reasons):
    """Refuse with every reason given that is not None (each guard's answer)."""
    reasons = [reason for reason in reasons if reason]
    if reasons:
        raise TransitionRefused(reasons)


# The refusals worded by the case's status


def conflict(status):
    """Someone else changed the case while the user's step waited."""
    return format_lazy(
        _(
            "Someone else changed this case meanwhile; it is now “{status}”. Reload the page "
            "and try again."
        ),
        status=Status(status).label,
    )


def not_now(status):
    """The step is not one the case's status allows."""
    return format_lazy(
        _("This cannot be done while the case is “{status}”."), status=Status(status).label
    )
