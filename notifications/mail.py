"""Notices: what to tell, rendered from templates in Swedish, then handed to the outbox or held
for the recipient's daily summary, as each recipient chose.

A notice says only the case number, what is asked, the deadline and a link; never the young
person's name, identity number or anything of the case's content. Who receives it is decided in
``recipients``; this module only delivers.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import outbox
from .models import Delivery, DigestItem, Outbox, Preference


def key_text(parts):
    """An idempotency key from its parts: "meeting:7:2:invitation"; a part that is itself a
    tuple (several actions told in one e-mail) is joined with "+"."""
    return ":".join("+".join(map(str, p)) if isinstance(p, tuple) else str(p) for p in parts)


def outbox_key(parts, address):
    """The outbox row's key: the notice's parts and the recipient's address."""
    return key_text((*parts, address.lower()))[:200]


@dataclass
class Notice:
    key: tuple  # what happened, unique per event and step; the recipient's address is added
    template: str  # a folder under templates/email/
    case_number: str
    path: str  # the page the link opens (asks the access module again)
    topic: str | None = None  # a Topic the recipient may choose delivery for; None: always at once
    context: dict = field(default_factory=dict)
    calendar: object = None  # address -> the iCalendar invitation to attach for that recipient

    @property
    def link(self):
        return settings.SITE_URL + self.path

    def render(self):
        """(subject, text, html), rendered once per notice: nothing in it depends on who reads."""
        if not hasattr(self, "_rendered"):
            context = {**self.context, "case_number": self.case_number, "link": self.link}
            with translation.override(settings.LANGUAGE_CODE):
                subject = render_to_string(f"email/{self.template}/subject.txt", context)
                message = render_to_string(f"email/{self.template}/message.txt", context)
                context.update(subject=" ".join(subject.split()), message=message.strip())
                self._rendered = (
                    context["subject"],
                    render_to_string("email/base.txt", context),
                    render_to_string("email/base.html", context),
                )
        return self._rendered


def preferences_of(user_ids):
    """{(user id, topic): delivery} for the users; a user who chose nothing gets mail at once."""
    rows = Preference.objects.filter(user_id__in=set(user_ids)).values_list(
        "user_id", "topic", "delivery"
    )
    return {(user_id, topic): delivery for user_id, topic, delivery in rows}


def send(notices):
    """Deliver ``notices``, a list of (Notice, recipients) where recipients are (user or None,
    address) tuples. Immediate mail goes to the outbox in one INSERT; digest items are held;
    "off" drops the notice. Idempotent: the same notice to the same address is queued once."""
    notices = [(notice, recipients) for notice, recipients in notices if recipients]
    preferences = preferences_of(
        user.pk for _n, recipients in notices for user, _a in recipients if user is not None
    )
    rows, held = [], []
    seen = set()
    now = timezone.now()
    for notice, recipients in notices:
        for user, address in recipients:
            if not address:
                continue
            key = outbox_key(notice.key, address)
            if key in seen:
                continue
            seen.add(key)
            delivery = Delivery.IMMEDIATE
            if notice.topic is not None and user is not None:
                delivery = preferences.get((user.pk, notice.topic), Delivery.IMMEDIATE)
            if delivery == Delivery.OFF:
                continue
            subject, text, html = notice.render()
            if delivery == Delivery.DIGEST:
                held.append(
                    DigestItem(
                        user=user,
                        key=key,
                        topic=notice.topic,
                        line=subject[:300],
                        link=notice.link[:300],
                        created_at=now,
                    )
                )
                continue
            rows.append(
                Outbox(
                    key=key,
                    kind=notice.template,
                    to=address,
                    recipient=user,
                    subject=subject[:200],
                    body_text=text,
                    body_html=html,
                    calendar=notice.calendar(address) if notice.calendar else "",
                )
            )
    outbox.enqueue_many(rows)
    DigestItem.objects.bulk_create(held, ignore_conflicts=True)
    return len(rows), len(held)
