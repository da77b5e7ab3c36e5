"""Records kept beside the process: journal notes, reports of concern, anonymous
consultations, the responsible agencies' updates of their actions, incident reports and the
invited agencies' pictures before a meeting. Same door as
``services``: permission → guard → write → CaseEvent."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from . import access, guards, record_guards
from .events import EventCode, record_event
from .models import (
    Action,
    ActionUpdate,
    Case,
    ConcernReport,
    ConsentAgency,
    Consultation,
    ConsultationOutcome,
    Incident,
    JournalNote,
    Meeting,
    MeetingPicture,
)
from .refusals import refuse_if


@transaction.atomic
def write_journal_note(case, user, text, confidential_to_guardians=False, corrects=None):
    """A dated, signed, immutable note; a correction is a new note pointing at the old one."""
    if not access.can_coordinate(user, case):
        raise PermissionDenied
    refuse_if(
        record_guards.journal_text_given(text),
        corrects is not None and guards.belongs_to_case(case, corrects.case_id),
    )
    note = JournalNote.objects.create(
        case=case,
        author=user,
        author_agency=access.agency_of(user),
        written_at=timezone.now(),
        text=text,
        corrects=corrects,
        confidential_to_guardians=confidential_to_guardians,
    )
    record_event(
        case,
        user,
        EventCode.JOURNAL_WRITTEN,
        note=note.pk,
        corrects=corrects.pk if corrects else None,
    )
    return note


@transaction.atomic
def record_concern_report(case, user, made_on, to_whom, agency=None):
    """Record that a report of concern was made; allowed without any consent."""
    if not access.concern_report_cases_for(user).filter(pk=case.pk).exists():
        raise PermissionDenied
    refuse_if(record_guards.concern_report_complete(made_on, to_whom, timezone.localdate()))
    report = ConcernReport.objects.create(
        case=case,
        made_on=made_on,
        to_whom=to_whom,
        agency=agency,
        recorded_by=user,
        recorded_at=timezone.now(),
    )
    record_event(case, user, EventCode.CONCERN_REPORTED, report=report.pk, made_on=str(made_on))
    return report


@transaction.atomic
def record_consultation(user, **fields):
    """An anonymous consultation (no personal data), counted for the statistics."""
    if not access.is_coordinator(user):
        raise PermissionDenied
    return Consultation.objects.create(
        municipality=access.agency_of(user).municipality, recorded_by=user, **fields
    )


def link_consultation(consultation, case, user):
    """The consultation became this referral (so it has no reason why it did not)."""
    if not access.consultations_visible_to(user).filter(pk=consultation.pk).exists():
        raise PermissionDenied
    Consultation.objects.filter(pk=consultation.pk, became_case__isnull=True).update(
        became_case=case, outcome=ConsultationOutcome.REFERRAL, not_sspf_reason=""
    )
    record_event(case, user, EventCode.CONSULTATION_REFERRED, consultation=consultation.pk)


@transaction.atomic
def update_action(action, user, status, comment=""):
    """The responsible agency's word on its action (``access.updates_action``): it has
    started, is done, or was not done and why. A dated update is kept, the action takes the
    status, and the case's history and coordinator hear of it. The case row is locked first,
    as every change of the case does (``services._changing``)."""
    if not access.updates_action(user, action):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=action.plan.case_id)
    refuse_if(
        record_guards.action_in_current_plan(case, action),
        record_guards.action_update_complete(status, comment),
    )
    update = ActionUpdate.objects.create(
        action=action,
        at=timezone.now(),
        author=user,
        agency=access.agency_of(user),
        status=status,
        comment=comment.strip(),
    )
    Action.objects.filter(pk=action.pk).update(status=status)
    record_event(case, user, EventCode.ACTION_UPDATED, action=action.pk, status=status)
    return update


@transaction.atomic
def report_incident(case, user, occurred_on, kind, text):
    """An incident reported into a running case (``access.reports_incidents``): when, its coded
    kind and a short text; the case's history and, when someone else reported it, its
    coordinator hear of it."""
    if not access.reports_incidents(user, case):
        raise PermissionDenied
    locked = Case.objects.select_for_update().get(pk=case.pk)
    refuse_if(
        record_guards.case_is_open(locked),
        record_guards.incident_complete(occurred_on, kind, text, timezone.localdate()),
    )
    incident = Incident.objects.create(
        case=locked,
        occurred_on=occurred_on,
        kind=kind,
        text=text.strip(),
        agency=access.agency_of(user),
        reported_by=user,
        reported_at=timezone.now(),
    )
    record_event(locked, user, EventCode.INCIDENT_REPORTED, incident=incident.pk, kind=kind)
    return incident


@transaction.atomic
def write_picture(meeting, user, knows, does, strengths, risks):
    """An invited agency's picture of the young person before ``meeting``: what it knows, what
    it does, strengths and risks. Written or revised while the meeting is planned and ahead, by
    an agency the meeting invites and a consent covers (the guards say so in Swedish; a staff
    member of another municipality, or not of an agency, is refused outright). The case row is
    locked first, as every change of the case does; the case's history hears of it."""
    agency = access.agency_of(user)
    case = meeting.case
    if not access.is_agency_staff(user) or agency.municipality_id != case.municipality_id:
        raise PermissionDenied
    locked = Case.objects.select_for_update().get(pk=case.pk)
    meeting = Meeting.objects.get(pk=meeting.pk)  # as it is now, under the lock
    covered = set(
        ConsentAgency.objects.active_on(timezone.localdate())
        .filter(consent__case=locked)
        .values_list("agency_id", flat=True)
    )
    texts = {"knows": knows, "does": does, "strengths": strengths, "risks": risks}
    refuse_if(
        record_guards.picture_meeting_ahead(meeting, timezone.now()),
        record_guards.picture_agency_invited(meeting, agency),
        record_guards.picture_agency_covered(covered, agency),
        *(record_guards.picture_text_given(field, text) for field, text in texts.items()),
    )
    now = timezone.now()
    picture, created = MeetingPicture.objects.update_or_create(
        meeting=meeting,
        agency=agency,
        defaults={"author": user, "updated_at": now, **{k: v.strip() for k, v in texts.items()}},
        create_defaults={
            "author": user,
            "written_at": now,
            "updated_at": now,
            **{k: v.strip() for k, v in texts.items()},
        },
    )
    record_event(
        locked,
        user,
        EventCode.PICTURE_WRITTEN,
        meeting=meeting.pk,
        picture=picture.pk,
        revised=not created,
    )
    return picture
