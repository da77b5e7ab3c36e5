"""Writing the access log: one row per case whose data a user read, changed, exported or
downloaded, with whether the access rules allowed it at that moment (they always should;
the review page flags any row where they did not)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Count, Exists, F, OuterRef, Value, Window
from django.db.models.functions import Lag
from django.utils import timezone, translation

from . import access
from .models import AccessAction, AccessLog, Case


def in_log_language(text):
    """The log reads the same whatever language a user chose: the installation's."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)[:100]


def _entries(request, what, action, cases_and_bases):
    """The rows for the request's user, who they are and where from asked once: one per
    (case, had_basis); a case of None is an access about no case (an export)."""
    user = request.user
    who = {
        "at": timezone.now(),
        "user": user,
        "agency": access.agency_of(user),
        "roles": ",".join(sorted(access.roles_of(user))),
        "what": in_log_language(what),
        "action": action,
        "ip": request.META.get("REMOTE_ADDR") or None,
    }
    return [
        AccessLog(**who, case=case, youth_id=case.youth_id if case else None, had_basis=basis)
        for case, basis in cases_and_bases
    ]


def record(request, cases, what, action=AccessAction.VIEW, basis=None):
    """Log ``cases`` (Case objects) for the request's user, in one statement however many
    (``_insert_select``): each row's lawful basis is asked of the database as the row is written
    (whether the case is in ``access.cases_visible_to``). ``basis`` overrides the check for
    accesses the rules allow without reading rights, such as registering one's own referral."""
    ids = {case.pk for case in cases}
    if not ids:
        return
    if basis is None:
        visible = access.cases_visible_to(request.user).filter(pk=OuterRef("pk"))
        basis = Exists(visible)
    else:
        basis = Value(basis, output_field=BooleanField())
    (who,) = _entries(request, what, action, [(None, None)])
    constants = {
        field.column: Value(getattr(who, field.attname), output_field=field)
        for field in AccessLog._meta.concrete_fields
        if field.name in WHO
    }
    rows = (
        Case.objects.filter(pk__in=ids)
        .order_by()
        .values_list(*constants.values(), "pk", "youth_id", basis)
    )
    _insert_select(rows, [*constants, *(_column(name) for name in ("case", "youth", "had_basis"))])


WHO = ("at", "user", "agency", "roles", "what", "action", "ip")


def _column(name):
    return AccessLog._meta.get_field(name).column


def _insert_select(rows, columns):
    """INSERT INTO the log ``columns`` SELECT ``rows`` (a values_list in the same order): one
    statement for any number of rows, each computing its own lawful basis."""
    select, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(AccessLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(map(quote, columns))}) {select}", params)


def record_people(request, youth_ids, what, action=AccessAction.VIEW):
    """Log a read of young people's data that is about no case (a programme's list or record,
    e.g. Top 5): one row per young person, the lawful basis being the programme's own rule,
    which the view asked before it answered (``access.works_programmes``, ``access.coaches``)."""
    entries = _entries(request, what, action, [(None, True)] * len(set(youth_ids)))
    for entry, youth_id in zip(entries, sorted(set(youth_ids)), strict=True):
        entry.youth_id = youth_id
    AccessLog.objects.bulk_create(entries)


def record_refused(request, case, what):
    """A request for ``case`` that the rules refused (a typed URL, an old link, a probe): logged
    so that the review sees who tried, never counted as an access without a lawful basis."""
    record(request, [case], what, AccessAction.REFUSED, basis=False)


def record_refused_person(request, youth_id, what):
    """A refused request for a page about a young person in a programme (no case): logged as
    refused, like ``record_refused``."""
    (entry,) = _entries(request, what, AccessAction.REFUSED, [(None, False)])
    entry.youth_id = youth_id
    entry.save()


def record_export(request, what):
    """An export that is not about one case (e.g. the access log itself)."""
    (entry,) = _entries(request, what, AccessAction.EXPORT, [(None, True)])
    entry.save()


@dataclass
class Refusals:
    """One user's refused attempts in a period, and whether they came in a burst."""

    user_id: int
    username: str
    name: str
    count: int
    burst: bool


def refused_attempts(rows, start, end, limit=25):
    """The refused attempts among ``rows`` (a reviewer's part of the log) from ``start`` up to
    ``end``, per user, the most first (at most ``limit`` users), and the users with a burst:
    ``REFUSED_BURST_COUNT`` or more within ``REFUSED_BURST_MINUTES`` (the row that many back
    is no older than that). Two queries, however many rows and users.
    Returns (list of ``Refusals``, set of the usernames with a burst)."""
    refused = rows.filter(action=AccessAction.REFUSED, at__gte=start, at__lt=end)
    back = settings.REFUSED_BURST_COUNT - 1
    window = datetime.timedelta(minutes=settings.REFUSED_BURST_MINUTES)
    earlier = Window(Lag("at", back), partition_by=[F("user")], order_by=[F("at").asc()])
    bursts = set(
        refused.annotate(earlier=earlier)
        .filter(earlier__gte=F("at") - window)
        .values_list("user__username", flat=True)
    )
    per_user = (
        refused.values("user", "user__username", "user__first_name", "user__last_name")
        .annotate(count=Count("pk"))
        .order_by("-count", "user__username")[:limit]
    )
    return [
        Refusals(
            user_id=row["user"],
            username=row["user__username"] or "",
            name=f"{row['user__first_name']} {row['user__last_name']}".strip(),
            count=row["count"],
            burst=row["user__username"] in bursts,
        )
        for row in per_user
    ], bursts
