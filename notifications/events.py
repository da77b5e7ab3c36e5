"""What each change of a case tells whom. Runs inside the change's transaction (the
``case_event_recorded`` signal and a new flow task's post_save), so the outbox rows and deadlines
it writes commit or roll back with the change; nothing here talks to the network."""

from django.urls import reverse
from django.utils import timezone

from sspf_flow import access, guards
from sspf_flow.models import Case, Consent, ConsentAgency, Meeting
from sspf_flow.nodes import CaseView

from . import deadlines, ics
from .mail import Notice, people, send
from .models import Topic


def case_path(case):
    return reverse("sspf:case_detail", args=[case.number])


def on_case_event(sender, event, **kwargs):
    case = event.case
    deadlines.sync(case)
    handler = HANDLERS.get(event.action)
    if handler is not None:
        send(handler(event, case))


def on_task_saved(sender, instance, created, **kwargs):
    """A new human task of a case: to its owner, or to the coordinators when it waits for the
    role. Tasks taken later by someone are not announced (they took it themselves)."""
    flow_task = instance.flow_task
    if not created or not isinstance(flow_task, CaseView):
        return  # the start form and the gateways are nobody's work to be told about
    case = instance.process.artifact
    if not isinstance(case, Case):
        return
    notice = Notice(
        key=f"task:{instance.pk}",
        template="task",
        case_number=case.number,
        path=case_path(case),
        topic=Topic.TASK,
        context={"task": str(flow_task.task_title), "assigned": instance.owner_id is not None},
    )
    send([(notice, people(access.task_recipients(instance, case)))])


def consent_summary(case, day):
    """The agencies and information categories the case's active consents cover, and until
    when: shown in an invitation so each invitee knows what may be shared."""
    rows = (
        ConsentAgency.objects.active_on(day)
        .filter(consent__case=case)
        .select_related("agency", "consent")
        .order_by("agency__name")
    )
    agencies, categories, ends = [], set(), None
    for row in rows:
        if row.agency.name not in agencies:
            agencies.append(row.agency.name)
        categories.update(row.consent.category_labels)
        ends = max(ends or row.consent.valid_to, row.consent.valid_to)
    return {
        "consent_agencies": agencies,
        "consent_categories": sorted(str(c) for c in categories),
        "consent_ends": ends,
    }


def meeting_recipients(case, meeting, agencies=None, covered_only=True):
    """The invited agencies' staff and contact addresses, and the custodial guardians' addresses
    when the family is invited (``agencies`` narrows it to those agencies, without the family)."""
    family = agencies is None
    agencies = list(meeting.invited_agencies.all()) if agencies is None else agencies
    by_agency = access.agency_recipients(
        [(case.pk, agency) for agency in agencies], timezone.localdate(), covered_only
    )
    recipients = [person for group in by_agency.values() for person in group]
    if family and meeting.invite_guardians:
        recipients += access.family_recipients(case.youth.guardians.all())
    return recipients


def meeting_notice(case, meeting, template, key, cancel=False):
    return Notice(
        key=key,
        template=template,
        case_number=case.number,
        path=case_path(case),
        context={
            "starts_at": timezone.localtime(meeting.starts_at),
            "place": meeting.place,
            "kind": meeting.get_kind_display(),
            **consent_summary(case, timezone.localdate()),
        },
        calendar=lambda address: ics.invitation(meeting, case.number, address, cancel=cancel),
    )


def meeting_planned(event, case):
    meeting = Meeting.objects.get(pk=event.data["meeting"])
    key = f"meeting:{meeting.pk}:{meeting.sequence}:invitation"
    return [
        (
            meeting_notice(case, meeting, "meeting_invitation", key),
            meeting_recipients(case, meeting),
        )
    ]


def meeting_changed(event, case):
    meeting = Meeting.objects.get(pk=event.data["meeting"])
    key = f"meeting:{meeting.pk}:{meeting.sequence}:changed"
    return [
        (meeting_notice(case, meeting, "meeting_changed", key), meeting_recipients(case, meeting))
    ]


def meeting_cancelled(event, case):
    """The invitees were invited while covered; telling them the meeting is off reveals nothing
    new, so it goes to them even when the cancellation came from a withdrawn consent."""
    meeting = Meeting.objects.get(pk=event.data["meeting"])
    key = f"meeting:{meeting.pk}:{meeting.sequence}:cancelled"
    notice = meeting_notice(case, meeting, "meeting_cancelled", key, cancel=True)
    return [(notice, meeting_recipients(case, meeting, covered_only=False))]


def consent_withdrawn(event, case):
    """The agencies whose consent ended are told their access to the case ended (unless another
    consent still covers them); agencies taken off a planned meeting get its cancellation."""
    data = event.data
    consent = Consent.objects.get(pk=data["consent"])
    ended = consent.scope.select_related("agency")
    if data.get("agency"):
        ended = ended.filter(agency_id=data["agency"])
    still = guards.covered_agencies(case, timezone.localdate())
    agencies = [row.agency for row in ended if row.agency_id not in still]
    told = access.agency_recipients(
        [(case.pk, agency) for agency in agencies], timezone.localdate(), covered_only=False
    )
    notices = [
        (
            Notice(
                key=f"consent:{event.pk}:withdrawn:{agency.pk}",
                template="consent_withdrawn",
                case_number=case.number,
                path=case_path(case),
                topic=Topic.CONSENT,
                context={"agency": agency.name, "whole": not data.get("agency")},
            ),
            told[(case.pk, agency.pk)],
        )
        for agency in agencies
    ]
    for meeting_pk, agency_pk in data.get("invitations_withdrawn", []):
        meeting = Meeting.objects.get(pk=meeting_pk)
        agency = next((a for a in agencies if a.pk == agency_pk), None)
        if agency is None:
            continue
        key = f"meeting:{meeting.pk}:{meeting.sequence}:uninvited:{agency.pk}"
        notice = meeting_notice(case, meeting, "meeting_cancelled", key, cancel=True)
        recipients = meeting_recipients(case, meeting, agencies=[agency], covered_only=False)
        notices.append((notice, recipients))
    return notices


HANDLERS = {
    "meeting.planned": meeting_planned,
    "meeting.changed": meeting_changed,
    "meeting.cancelled": meeting_cancelled,
    "consent.withdrawn": consent_withdrawn,
}
