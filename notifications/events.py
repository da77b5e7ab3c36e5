"""What each change of a case tells whom. Runs inside the change's transaction (the
``case_event_recorded`` signal and a new flow task's post_save), so the outbox rows and deadlines
it writes commit or roll back with the change; nothing here talks to the network."""

from django.urls import reverse
from django.utils import timezone

from sspf_flow import plan_guards
from sspf_flow.events import EventCode
from sspf_flow.models import Case, CaseTask, Consent, ConsentAgency, Meeting, NetworkPerson

from . import badge, deadlines, ics
from .mail import Notice, send
from .models import Topic
from .recipients import agency_recipients, meeting_recipients, people, task_recipients

HUMAN_TASK = "HUMAN"  # viewflow's task type of a person's step (not the start form, not a gateway)


def on_case_event(sender, event, **kwargs):
    case = event.case
    deadlines.sync(case)
    handler = HANDLERS.get(event.action)
    if handler is not None:
        send(handler(event, case))


def on_task_saved(sender, instance, created, **kwargs):
    """A new human task of a case: to its owner, or to the coordinators when it waits for the
    role. Tasks taken later by someone are not announced (they took it themselves)."""
    if not created or instance.flow_task_type != HUMAN_TASK:
        return
    case = instance.process.artifact
    if not isinstance(case, Case):
        return
    notice = Notice(
        key=("task", instance.pk),
        template="task",
        case_number=case.number,
        path=case.get_absolute_url(),
        topic=Topic.TASK,
        context={
            "task": str(instance.flow_task.task_title),
            "assigned": instance.owner_id is not None,
        },
    )
    send([(notice, task_recipients(instance, case))])


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


def meeting_notice(case, meeting, template, key, cancel=False):
    return Notice(
        key=key,
        template=template,
        case_number=case.number,
        path=case.get_absolute_url(),
        context={
            "starts_at": timezone.localtime(meeting.starts_at),
            "place": meeting.place,
            "kind": meeting.get_kind_display(),
            **consent_summary(case, timezone.localdate()),
        },
        calendar=lambda address: ics.invitation(meeting, case.number, address, cancel=cancel),
    )


def _meeting_key(meeting, *what):
    return ("meeting", meeting.pk, meeting.sequence, *what)


def meeting_planned(event, case):
    meeting = Meeting.objects.get(pk=event.data["meeting"])
    notice = meeting_notice(
        case, meeting, "meeting_invitation", _meeting_key(meeting, "invitation")
    )
    return [(notice, meeting_recipients(case, meeting))]


def meeting_changed(event, case):
    meeting = Meeting.objects.get(pk=event.data["meeting"])
    notice = meeting_notice(case, meeting, "meeting_changed", _meeting_key(meeting, "changed"))
    return [(notice, meeting_recipients(case, meeting))]


def meeting_cancelled(event, case):
    """The invitees were invited while covered; telling them the meeting is off reveals nothing
    new, so it goes to them even when the cancellation came from a withdrawn consent."""
    meeting = Meeting.objects.get(pk=event.data["meeting"])
    key = _meeting_key(meeting, "cancelled")
    notice = meeting_notice(case, meeting, "meeting_cancelled", key, cancel=True)
    return [(notice, meeting_recipients(case, meeting, covered_only=False))]


def consent_withdrawn(event, case):
    """The agencies whose consent ended are told their access to the case ended (unless another
    consent still covers them); agencies and network persons taken off a planned meeting get
    its cancellation."""
    data = event.data
    consent = Consent.objects.get(pk=data["consent"])
    ended = consent.scope.select_related("agency")
    if data.get("agency"):
        ended = ended.filter(agency_id=data["agency"])
    still = plan_guards.covered_agencies(case, timezone.localdate())
    agencies = [row.agency for row in ended if row.agency_id not in still]
    told = agency_recipients(
        [(case.pk, agency) for agency in agencies], timezone.localdate(), covered_only=False
    )
    notices = [
        (
            Notice(
                key=("consent", event.pk, "withdrawn", agency.pk),
                template="consent_withdrawn",
                case_number=case.number,
                path=case.get_absolute_url(),
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
        key = _meeting_key(meeting, "uninvited", agency.pk)
        notice = meeting_notice(case, meeting, "meeting_cancelled", key, cancel=True)
        recipients = meeting_recipients(case, meeting, agencies=[agency], covered_only=False)
        notices.append((notice, recipients))
    for meeting_pk, person_pk in data.get("network_invitations_withdrawn", []):
        meeting = Meeting.objects.get(pk=meeting_pk)
        person = NetworkPerson.objects.get(pk=person_pk)
        key = _meeting_key(meeting, "uninvited", "network", person.pk)
        notice = meeting_notice(case, meeting, "meeting_cancelled", key, cancel=True)
        notices.append((notice, [(None, person.email)] if person.email else []))
    return notices


def _to_the_coordinator(event, case, template):
    """What an agency wrote into the case, told to its coordinator by the agency's name only
    (what it wrote is on the case's pages, not in the e-mail); nothing when she wrote it."""
    if event.actor_id == case.coordinator_id:
        return []
    agency = event.agency.name if event.agency else ""
    notice = Notice(
        key=(template, event.pk),
        template=template,
        case_number=case.number,
        path=case.get_absolute_url(),
        topic=Topic.REMINDER,
        context={"agency": agency},
    )
    return [(notice, people([case.coordinator]))]


def action_updated(event, case):
    return _to_the_coordinator(event, case, "action_updated")


def incident_reported(event, case):
    return _to_the_coordinator(event, case, "incident_reported")


def coordinator_changed(event, case):
    """Both coordinators' menu badges are counted again; the new one is told the case is
    theirs (its number only)."""
    for user_id in (event.data.get("old"), event.data.get("new")):
        badge.changed(user_id)
    notice = Notice(
        key=("coordinator_changed", event.pk),
        template="coordinator_changed",
        case_number=case.number,
        path=case.get_absolute_url(),
        topic=Topic.TASK,
    )
    return [(notice, people([case.coordinator]))]


def step_given(event, case):
    """A step given to a colleague: the colleague is told it waits in their inbox (the step's
    name and the case number)."""
    task = CaseTask.objects.select_related("owner").get(pk=event.data["task"])
    notice = Notice(
        key=("task", task.pk, "given", event.pk),
        template="task",
        case_number=case.number,
        path=case.get_absolute_url(),
        topic=Topic.TASK,
        context={"task": event.data["step"], "assigned": True},
    )
    return [(notice, task_recipients(task, case))]


def meeting_held(event, case):
    """The agencies the meeting invited (while a consent covers them) are told its protocol and
    plan can be read and printed (the day only); nothing when the meeting closed the case."""
    if not case.is_open:
        return []
    meeting = Meeting.objects.get(pk=event.data["meeting"])
    invited = list(meeting.invited_agencies.all())
    told = agency_recipients([(case.pk, agency) for agency in invited], timezone.localdate())
    notice = Notice(
        key=("meeting", meeting.pk, "protocol"),
        template="meeting_protocol",
        case_number=case.number,
        path=reverse("sspf:meeting_protocol", args=[case.number, meeting.pk]),
        topic=Topic.MEETING,
        context={"day": timezone.localtime(meeting.starts_at)},
    )
    return [(notice, [person for agency in invited for person in told[(case.pk, agency.pk)]])]


HANDLERS = {
    EventCode.MEETING_PLANNED: meeting_planned,
    EventCode.MEETING_CHANGED: meeting_changed,
    EventCode.MEETING_CANCELLED: meeting_cancelled,
    EventCode.CONSENT_WITHDRAWN: consent_withdrawn,
    EventCode.ACTION_UPDATED: action_updated,
    EventCode.INCIDENT_REPORTED: incident_reported,
    EventCode.COORDINATOR_CHANGED: coordinator_changed,
    EventCode.STEP_GIVEN: step_given,
    EventCode.MEETING_HELD: meeting_held,
}
