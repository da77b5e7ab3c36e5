"""The deadline ladder. Each dated thing of an open case — its next follow-up, the open actions of
its latest plan, the end of its consent, the wait for consent, a planned meeting and the invited
agencies' pictures before it — has one Deadline row, kept in step with the case by ``sync``
inside every change's transaction. The beat ``sweep`` reads only the rows whose next step has
come (a partial index on ``fire_at``), sends that step and moves the row to the next one, so
each step goes once per item and the sweep's cost grows with what is due, not with the number
of cases.

Steps: reminder before the day → notice on the day → escalation to the coordinator → escalation to
the coordinator's manager; the days are the municipality's settings. When the sweep finds several
steps passed at once (the item was created late, or the system was down), it sends the latest
only: a reminder that something is coming is no use once it is overdue.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import Enum

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from sspf_flow.models import (
    Action,
    ActionStatus,
    Meeting,
    MeetingPicture,
    MeetingStatus,
    Party,
    Status,
)
from sspf_flow.models.case import OPEN_AFTER_CONSENT

from . import badge
from .mail import Notice, key_text, send
from .models import Deadline, DeadlineKind, Topic
from .recipients import agency_recipients, family_recipients, managers_of, people


class To(Enum):
    """Who a step of the ladder is sent to."""

    COORDINATOR = "coordinator"  # the case's coordinator
    MANAGER = "manager"  # the coordinator's manager
    AGENCY = "agency"  # the agency responsible for an action (the coordinator for the family's)
    INVITEES = "invitees"  # a meeting's invitees, the coordinator and the invited family
    WITHOUT_PICTURE = "without_picture"  # the invited agencies that have given no picture yet


# How many days from the due date a step is sent, from the municipality's settings.
def reminder_before(municipality):
    return -municipality.reminder_days


def on_the_day(municipality):
    return 0


def coordinator_alerted(municipality):
    return municipality.escalate_to_coordinator_days


def manager_alerted(municipality):
    return municipality.escalate_to_manager_days


def consent_ending_notice(municipality):
    return -municipality.consent_expiry_notice_days


def day_before(municipality):
    return -1


@dataclass(frozen=True)
class Step:
    name: str  # in the outbox key and the e-mail's template: reminder, due, overdue, escalation
    offset: object  # municipality -> days after the due date (negative: before)
    to: To
    topic: str | None  # a Topic the recipient chooses the delivery of; None: always at once


K = DeadlineKind
LADDERS = {
    K.FOLLOW_UP: [
        Step("reminder", reminder_before, To.COORDINATOR, Topic.REMINDER),
        Step("due", on_the_day, To.COORDINATOR, Topic.REMINDER),
        Step("overdue", coordinator_alerted, To.COORDINATOR, None),
        Step("escalation", manager_alerted, To.MANAGER, None),
    ],
    K.ACTION: [
        Step("reminder", reminder_before, To.AGENCY, Topic.REMINDER),
        Step("due", on_the_day, To.AGENCY, Topic.REMINDER),
        Step("overdue", coordinator_alerted, To.COORDINATOR, None),
        Step("escalation", manager_alerted, To.MANAGER, None),
    ],
    K.CONSENT_EXPIRY: [
        Step("reminder", consent_ending_notice, To.COORDINATOR, Topic.CONSENT),
        Step("due", on_the_day, To.COORDINATOR, Topic.CONSENT),
    ],
    K.CONSENT_PENDING: [
        Step("due", on_the_day, To.COORDINATOR, Topic.REMINDER),
        Step("overdue", coordinator_alerted, To.COORDINATOR, None),
        Step("escalation", manager_alerted, To.MANAGER, None),
    ],
    K.MEETING: [Step("reminder", day_before, To.INVITEES, Topic.MEETING)],
    # once, the municipality's reminder days before the meeting (at once when it is planned
    # closer than that); a meeting moved to another day is watched again
    K.MEETING_PICTURE: [Step("reminder", reminder_before, To.WITHOUT_PICTURE, Topic.REMINDER)],
}


def step_day(step, due, municipality):
    return due + timedelta(days=step.offset(municipality))


def fire_at(kind, level, due, municipality):
    """When step ``level`` of the ladder is sent (None past the last step): at
    SSPF_NOTIFY_HOUR, local time, on its day."""
    ladder = LADDERS[kind]
    if level >= len(ladder):
        return None
    day = step_day(ladder[level], due, municipality)
    return timezone.make_aware(datetime.combine(day, time(settings.NOTIFY_HOUR)))


# Keeping the rows in step with the case


def wanted(case):
    """{(kind, object id): due date} for what the ladder should watch on this case now."""
    result = {}
    if not case.is_open:
        return result
    if case.status == Status.AWAITING_CONSENT:
        result[(K.CONSENT_PENDING, case.pk)] = None  # counted from when the wait began
    if case.status == Status.IN_PROGRESS and case.next_follow_up:
        result[(K.FOLLOW_UP, case.pk)] = case.next_follow_up
    if case.status in OPEN_AFTER_CONSENT:
        plan = case.current_plan()
        if plan is not None:
            for pk, due in plan.actions.filter(
                status__in=[ActionStatus.PLANNED, ActionStatus.ONGOING]
            ).values_list("pk", "due_date"):
                result[(K.ACTION, pk)] = due
        ends = (
            case.consents.filter(withdrawn_at__isnull=True, scope__withdrawn_at__isnull=True)
            .order_by("-valid_to")
            .values_list("valid_to", flat=True)
            .first()
        )
        if ends is not None:
            result[(K.CONSENT_EXPIRY, case.pk)] = ends
        for pk, starts_at in Meeting.objects.filter(
            case=case, status=MeetingStatus.PLANNED
        ).values_list("pk", "starts_at"):
            result[(K.MEETING, pk)] = timezone.localtime(starts_at).date()
            result[(K.MEETING_PICTURE, pk)] = timezone.localtime(starts_at).date()
    return result


def sync(case):
    """Make the case's Deadline rows match ``wanted``: new items start their ladder, a changed
    date starts it again, finished items are dropped; the coordinator's menu badge is told when
    a follow-up or an action changed (``badge.changed``)."""
    want = wanted(case)
    municipality = case.municipality
    existing = {(row.kind, row.object_id): row for row in Deadline.objects.filter(case=case)}
    moved = _carry_over(existing, want)
    gone = [row.pk for key, row in existing.items() if key not in want]
    if gone:
        Deadline.objects.filter(pk__in=gone).delete()
    today = timezone.localdate()
    new, changed = [], []
    for (kind, object_id), due in want.items():
        row = existing.get((kind, object_id))
        if kind == K.CONSENT_PENDING:
            if row is not None:
                continue
            due = today + timedelta(days=municipality.consent_pending_days)
        if row is None:
            new.append(
                Deadline(
                    kind=kind,
                    object_id=object_id,
                    case=case,
                    due=due,
                    level=0,
                    fire_at=fire_at(kind, 0, due, municipality),
                )
            )
        elif row.due != due:
            row.due, row.level, row.fire_at = due, 0, fire_at(kind, 0, due, municipality)
            changed.append(row)
    Deadline.objects.bulk_create(new)
    changed += [row for row in moved if row not in changed]
    if changed:
        Deadline.objects.bulk_update(changed, ["object_id", "due", "level", "fire_at"])
    written = [key[0] for key in existing if key not in want] + [row.kind for row in new + changed]
    if any(kind in badge.COUNTED for kind in written):
        badge.changed(case.coordinator_id)


def _carry_over(existing, want):
    """An action a meeting carried into the new version of the plan keeps its place on the
    ladder (what was already sent is not sent again): its row moves to the new action.
    Changes ``existing`` in place; returns the rows moved."""
    arrived = [pk for kind, pk in want if kind == K.ACTION and (kind, pk) not in existing]
    if not arrived:
        return []
    moved = []
    for pk, before in Action.objects.filter(pk__in=arrived, carried_from__isnull=False).values_list(
        "pk", "carried_from_id"
    ):
        row = existing.pop((K.ACTION, before), None)
        if row is not None:
            row.object_id = pk
            existing[(K.ACTION, pk)] = row
            moved.append(row)
    return moved


# The sweep


def sweep(now=None, batch=None):
    """Send every step that has come, each once. Returns how many steps were sent."""
    now = now or timezone.now()
    batch = batch or settings.DEADLINE_SWEEP_BATCH
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(fire_at__lte=now)
                .select_related("case__municipality", "case__coordinator")
                .order_by("fire_at")[:batch]
            )
            if not rows:
                return sent
            steps = [(row, _advance(row, now)) for row in rows]
            send(_notices([(row, step) for row, step in steps if step is not None], now))
            _save_steps(rows)
            sent += sum(1 for _r, step in steps if step is not None)
        if len(rows) < batch:
            return sent


def _save_steps(rows):
    """Store each row's next step in one statement (on PostgreSQL an UPDATE … FROM VALUES, which
    is several times faster than the CASE WHEN that bulk_update builds for a batch)."""
    if connection.vendor != "postgresql":
        Deadline.objects.bulk_update(rows, ["level", "fire_at"])
        return
    values = ", ".join(["(%s::bigint, %s::smallint, %s::timestamptz)"] * len(rows))
    params = [value for row in rows for value in (row.pk, row.level, row.fire_at)]
    # Only placeholders and the model's own table name are formatted into the statement.
    table = Deadline._meta.db_table
    sql = f"UPDATE {table} AS d SET level = v.level, fire_at = v.fire_at FROM (VALUES {values}) AS v(id, level, fire_at) WHERE d.id = v.id"  # noqa: E501, S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _advance(row, now):
    """Move the row past every step that has come; return the latest of them."""
    municipality = row.case.municipality
    level = row.level
    while True:
        at = fire_at(row.kind, level + 1, row.due, municipality)
        if at is None or at > now:
            break
        level += 1
    ladder = LADDERS[row.kind]
    step = ladder[level] if level < len(ladder) else None
    row.level = level + 1
    row.fire_at = fire_at(row.kind, row.level, row.due, municipality)
    return step


def _notices(due_steps, now):
    """Build each step's notice and its recipients, with a fixed number of queries per batch."""
    if not due_steps:
        return []
    today = timezone.localdate(now)
    actions = Action.objects.select_related("agency").in_bulk(
        [row.object_id for row, _s in due_steps if row.kind == K.ACTION]
    )
    meetings = Meeting.objects.prefetch_related(
        "invited_agencies", "case__youth__guardians"
    ).in_bulk(
        [row.object_id for row, _s in due_steps if row.kind in (K.MEETING, K.MEETING_PICTURE)]
    )
    given = set(
        MeetingPicture.objects.filter(
            meeting__in=[row.object_id for row, _s in due_steps if row.kind == K.MEETING_PICTURE]
        ).values_list("meeting_id", "agency_id")
    )
    managers = managers_of(
        [row.case.coordinator for row, step in due_steps if step.to == To.MANAGER]
    )
    pairs = set()
    for row, step in due_steps:
        if step.to == To.AGENCY and row.object_id in actions:
            action = actions[row.object_id]
            if action.party == Party.AGENCY:
                pairs.add((row.case_id, action.agency))
        if step.to in (To.INVITEES, To.WITHOUT_PICTURE) and row.object_id in meetings:
            pairs.update((row.case_id, a) for a in meetings[row.object_id].invited_agencies.all())
    staff = agency_recipients(pairs, today)

    found = []
    for row, step in due_steps:
        case = row.case
        coordinator = people([case.coordinator])
        context = {"step": step.name, "due": row.due, "days": abs((today - row.due).days)}
        template, path = row.kind, case.get_absolute_url()
        action = actions.get(row.object_id) if row.kind == K.ACTION else None
        if row.kind == K.ACTION:
            if action is None:
                continue
            context["agency"] = action.agency.name if action.agency else ""
            context["party"] = action.get_party_display() if not action.agency else ""
        if step.to == To.COORDINATOR:
            recipients = coordinator
        elif step.to == To.MANAGER:
            recipients = people([managers.get(case.coordinator_id)])
        elif step.to == To.AGENCY:
            agency = action.agency
            recipients = staff.get((case.pk, agency.pk), []) if agency else coordinator
        elif step.to == To.WITHOUT_PICTURE:
            meeting = meetings.get(row.object_id)
            if (
                meeting is None
                or meeting.status != MeetingStatus.PLANNED
                or meeting.starts_at <= now
            ):
                continue
            recipients = [
                person
                for agency in meeting.invited_agencies.all()
                if (meeting.pk, agency.pk) not in given
                for person in staff.get((case.pk, agency.pk), [])
            ]
            context.update(starts_at=timezone.localtime(meeting.starts_at))
            path = reverse("sspf:meeting_picture", args=[case.number, meeting.pk])
        else:  # the meeting's invitees, the coordinator and the invited family
            meeting = meetings.get(row.object_id)
            if meeting is None:
                continue
            recipients = coordinator + [
                person
                for agency in meeting.invited_agencies.all()
                for person in staff.get((case.pk, agency.pk), [])
            ]
            if meeting.invite_guardians:
                recipients += family_recipients(meeting.case.youth.guardians.all())
            context.update(starts_at=timezone.localtime(meeting.starts_at), place=meeting.place)
            template = "meeting_reminder"
        notice = Notice(
            key=_step_key(row.kind, (row.object_id,), row.due, step),
            template=template,
            case_number=case.number,
            path=path,
            topic=step.topic,
            context=context,
        )
        found.append((row, step, notice, recipients))
    return _one_per_case_and_step(found)


def _step_key(kind, object_ids, due, step):
    """A step's key: one object, or several actions told in one e-mail (hashed when many)."""
    key = ("deadline", kind, object_ids, due, step.name)
    if len(key_text(key)) > 150:  # many actions: keep the key unique and short
        return ("deadline", kind, hashlib.sha256(key_text(key).encode()).hexdigest())
    return key


def _one_per_case_and_step(found):
    """Several actions of one case at the same step, due the same day and of the same
    responsible, make one e-mail that counts them (a plan often gives one day to all)."""
    merged = {}
    for row, step, notice, recipients in found:
        if row.kind != K.ACTION:
            merged[notice.key] = (notice, recipients, ())
            continue
        c = notice.context
        group = (K.ACTION, row.case_id, step.name, row.due, c["agency"], c["party"])
        if group in merged:
            first, first_recipients, ids = merged[group]
            ids = (*ids, row.object_id)
            first.context["count"] = len(ids)
            first.key = _step_key(K.ACTION, ids, row.due, step)
            merged[group] = (first, first_recipients, ids)
        else:
            notice.context["count"] = 1
            merged[group] = (notice, recipients, (row.object_id,))
    return [(notice, recipients) for notice, recipients, _ids in merged.values()]
