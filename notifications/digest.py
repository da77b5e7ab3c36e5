"""The daily summary: the notices a user chose to get once a day, in one e-mail from
SSPF_DIGEST_HOUR. One summary per user and day (its outbox key says which day); notices held
after it was queued wait for the next day's."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .mail import Notice, outbox_key, send
from .models import DigestItem, Outbox


def send_digests(now=None):
    """Queue today's summary for every user with held notices, unless it is queued already
    (then the notices wait for tomorrow's). Returns how many summaries were queued."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.DIGEST_HOUR:
        return 0
    day = local.date()
    pending = (
        DigestItem.objects.filter(sent_on__isnull=True, created_at__lte=now)
        .exclude(user__email="")
        .values_list("user_id", "user__email")
        .distinct()
    )
    keys = {user_id: ("digest", user_id, day) for user_id, _e in pending}
    addresses = dict(pending)
    done = set(
        Outbox.objects.filter(
            key__in=[outbox_key(keys[u], addresses[u]) for u in keys]
        ).values_list("recipient_id", flat=True)
    )
    sent = 0
    for user_id, key in keys.items():
        if user_id in done:
            continue
        with transaction.atomic():
            items = list(
                DigestItem.objects.select_for_update()
                .filter(user_id=user_id, sent_on__isnull=True, created_at__lte=now)
                .select_related("user")
                .order_by("created_at")
            )
            if not items:
                continue
            user = items[0].user
            # Claimed under the items' lock: a sweep that overlapped this one may have queued
            # today's summary since ``done`` was read; then these items (held since) wait for
            # tomorrow's instead of being marked sent without a summary of their own.
            if Outbox.objects.filter(key=outbox_key(key, user.email)).exists():
                continue
            notice = Notice(
                key=key,
                template="digest",
                case_number="",
                path="/",
                context={"items": items, "day": day},
            )
            send([(notice, [(user, user.email)])])  # no topic: a summary is never held again
            DigestItem.objects.filter(pk__in=[item.pk for item in items]).update(sent_on=day)
            sent += 1
    return sent
