"""The daily summary: the notices a user chose to get once a day, in one e-mail from
SSPF_DIGEST_HOUR. One summary per user and day (its outbox key says which day); notices held
after it was queued wait for the next day's."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .mail import Notice, send
from .models import DigestItem, Outbox


def send_digests(now=None):
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.DIGEST_HOUR:
        return 0
    day = local.date()
    sent = 0
    user_ids = (
        DigestItem.objects.filter(sent_on__isnull=True, created_at__lte=now)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in list(user_ids):
        key = f"digest:{user_id}:{day}"
        if Outbox.objects.filter(key__startswith=key + ":").exists():
            continue
        with transaction.atomic():
            items = list(
                DigestItem.objects.select_for_update()
                .filter(user_id=user_id, sent_on__isnull=True, created_at__lte=now)
                .select_related("user")
                .order_by("created_at")
            )
            if not items or not items[0].user.email:
                continue
            user = items[0].user
            notice = Notice(
                key=key,
                template="digest",
                case_number="",
                path="/",
                context={"items": items, "day": day},
            )
            send([(notice, [(None, user.email)])])
            DigestItem.objects.filter(pk__in=[item.pk for item in items]).update(sent_on=day)
            sent += 1
    return sent
