"""Named guards of meetings and the action plan: who is invited and named (only what a consent
covers), what a held meeting records, and each action's responsible party and due date. Same
form as ``guards``: ``None`` or the reason, with the field it is about."""

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import access
from .guards import _first, _names, closure_reason_given
from .models import ConsentAgency, MeetingKind, MeetingStatus, NetworkPerson, Party
from .refusals import about

# Consent gates


def consent_covers_invitees(case, agencies, day):
    """No meeting without consent: an active, unexpired consent must cover every invited
    agency. Agencies outside it are refused, never silently dropped."""
    covered = covered_agencies(case, day)
    if not covered:
        return about(
            "agencies", _("The case has no valid consent on this date. Register consent first.")
        )
    outside = [agency for agency in agencies if agency.pk not in covered]
    if outside:
        return about(
            "agencies",
            format_lazy(
                _(
                    "The consent does not cover: {agencies}. Remove them from the invitation or "
                    "register a consent that covers them."
                ),
                agencies=_names(outside),
            ),
        )
    return None


def plan_names_covered_agencies(case, actions, day):
    """The plan (``actions``: its action dicts) names as responsible only agencies an active
    consent covers: an action makes the agency a party to what is shared (seed 004)."""
    named = {a["agency"] for a in actions if a.get("party") == Party.AGENCY and a.get("agency")}
    covered = covered_agencies(case, day)
    outside = [agency for agency in named if agency.pk not in covered]
    if outside:
        return about(
            "actions",
            format_lazy(
                _(
                    "The plan can only name agencies the consent covers; it does not cover: "
                    "{agencies}. Give the action to a covered party, or register a consent "
                    "that covers them first."
                ),
                agencies=_names(outside),
            ),
        )
    return None


def consent_names_network_invitees(case, persons, day):
    """A network person is invited only while an active consent names them (seed 004: the
    family's network takes part in what is shared only by the consent)."""
    outside = [person for person in persons if person.pk not in covered_network(case, day)]
    if outside:
        return about(
            "network",
            format_lazy(
                _(
                    "No valid consent names: {persons}. Remove them from the invitation or "
                    "register a consent that names them."
                ),
                persons=_names(outside),
            ),
        )
    return None


def plan_names_covered_network(case, actions, day):
    """The plan names as responsible only network persons an active consent names."""
    named = {
        a["network_person"]
        for a in actions
        if a.get("party") == Party.NETWORK and a.get("network_person")
    }
    outside = [person for person in named if person.pk not in covered_network(case, day)]
    if outside:
        return about(
            "actions",
            format_lazy(
                _(
                    "The plan can only name network persons a valid consent names; it does not "
                    "name: {persons}. Give the action to a covered party, or register a consent "
                    "that names them first."
                ),
                persons=_names(outside),
            ),
        )
    return None


def covered_network(case, day):
    """Primary keys of the case's network persons an active consent names on ``day``."""
    return set(NetworkPerson.objects.filter(case=case).covered_on(day).values_list("pk", flat=True))


def covered_agencies(case, day):
    """Primary keys of the agencies an active consent covers on ``day``."""
    return set(
        ConsentAgency.objects.active_on(day)
        .filter(consent__case=case)
        .values_list("agency", flat=True)
    )


# Meetings and the action plan


def attendance_recorded(attended):
    """Someone attended: an agency, the young person or the guardians."""
    if not attended:
        return about("attended_agencies", _("Record who attended the meeting."))
    return None


def protocol_written(protocol):
    if not protocol.strip():
        return about("protocol", _("The meeting needs a protocol."))
    return None


def next_step_booked(next_follow_up, closing):
    """A held meeting books the next follow-up, or decides to close the case."""
    if not closing and not next_follow_up:
        return about(
            "next_follow_up", _("Book the next follow-up date, or decide to close the case.")
        )
    return None


def plan_has_an_action(actions, closing, decision=False):
    """The action plan of a meeting that does not close the case has at least one action with
    a responsible party and a due date — unless it was a decision meeting, which may decide
    without new actions (the managers' meeting of seed 004)."""
    if closing or decision:
        return None
    if not any(a.get("party") and a.get("due_date") for a in actions):
        return _(
            "The action plan needs at least one action with a responsible party and a due date "
            "(a decision meeting needs none)."
        )
    return None


RESPONSIBLE_FIELD = {
    Party.AGENCY: "agency",
    Party.GUARDIAN: "guardian",
    Party.OTHER: "other_name",
    Party.NETWORK: "network_person",
}


def action_complete(party, named, due_date):
    """An action has a responsible party — with the agency, guardian or name its party calls for
    (``named``, see ``responsible_named``) — and a due date."""
    if not party:
        return about("party", _("Who is responsible?"))
    if party in RESPONSIBLE_FIELD and not named:
        return about(RESPONSIBLE_FIELD[party], _("Name the responsible party."))
    if not due_date:
        return about("due_date", _("Every action needs a due date."))
    return None


def every_action_complete(actions):
    """``action_complete`` for each action row (a dict) of a plan: the first that is not."""
    return _first(
        *(action_complete(a.get("party"), responsible_named(a), a.get("due_date")) for a in actions)
    )


def responsible_named(action):
    """The agency, guardian, network person or name an action row (a dict) gives for its
    party; True for the young person, who needs no name."""
    field = RESPONSIBLE_FIELD.get(action.get("party"))
    return True if field is None else action.get(field)


def meeting_record_complete(attended, protocol, actions, next_follow_up, closing, decision=False):
    """A meeting is held when attendance, a protocol and an action plan with at least one
    action (with a responsible party and a due date; none for a decision meeting) are recorded,
    and either the next follow-up is booked or the case is to be closed. Each action is checked
    on its own by ``action_complete``."""
    return _first(
        attendance_recorded(attended),
        protocol_written(protocol),
        plan_has_an_action(actions, closing, decision),
        next_step_booked(next_follow_up, closing),
    )


def chosen_among_participants(case, attended_agencies, **people):
    """The chair and the minute-taker (``people``: field name → user or None) are chosen among
    those who took part: the case's coordinator or staff of an agency present."""
    present = {agency.pk for agency in attended_agencies}
    for field, person in people.items():
        if person is None or person.pk == case.coordinator_id:
            continue
        membership = access.membership_of(person)
        if membership is None or membership.agency_id not in present:
            return about(
                field,
                format_lazy(
                    _("{name} did not take part: choose the coordinator or someone present."),
                    name=person.get_full_name() or person.get_username(),
                ),
            )
    return None


def network_present_was_invited(meeting, attended_network):
    """Only network persons the meeting invited (while a consent named them) are recorded as
    present."""
    invited = set(meeting.invited_network.values_list("pk", flat=True))
    if any(person.pk not in invited for person in attended_network):
        return about("attended_network", _("Only invited network persons can be present."))
    return None


def meeting_is_planned(case, meeting):
    """Only a planned meeting of this case can be held."""
    if meeting.case_id != case.pk or meeting.status != MeetingStatus.PLANNED:
        return _("This meeting is not a planned meeting of the case.")
    return None


def meeting_not_in_past(starts_at, now):
    """A meeting is planned or moved to a time that has not passed."""
    if starts_at < now:
        return about("starts_at", _("The meeting time has passed."))
    return None


def carried_from_current_plan(case, goals, actions):
    """A row carried over continues a goal or action of the plan in force, once."""
    plan = case.current_plan()
    carried = [row["carried_from"] for row in (*goals, *actions) if row.get("carried_from")]
    if len({(type(item), item.pk) for item in carried}) < len(carried) or any(
        plan is None or item.plan_id != plan.pk for item in carried
    ):
        return _("A goal or action to carry over is not in the plan in force: open the step again.")
    return None


def interventions_offered(case, actions):
    """Each action (``actions``: its dicts) picks from its municipality's catalogue of
    interventions, among those in use; one no longer in use only where a carried-over action
    keeps it. No intervention is "other": the action's text says what."""
    for row in actions:
        intervention = row.get("intervention")
        if intervention is None:
            continue
        if intervention.municipality_id != case.municipality_id:
            return about(
                "intervention",
                _("Choose an intervention from the municipality's catalogue, or “Other”."),
            )
        carried = row.get("carried_from")
        if not intervention.active and (not carried or carried.intervention_id != intervention.pk):
            return about(
                "intervention",
                format_lazy(
                    _("“{name}” is no longer in use: choose another intervention, or “Other”."),
                    name=intervention.name,
                ),
            )
    return None


def holding_refusals(
    case, meeting, *, attended_agencies, family, record, people, attended_network=()
):
    """Every reason a meeting cannot be recorded as held (``services.hold_meeting``): ``record``
    is (protocol, goals, actions, next follow-up, closing), ``family`` whether the young person
    or the guardians took part, ``people`` the chair and the minute-taker chosen,
    ``attended_network`` the network persons present. "Goals met" is judged on the plan the
    meeting started from."""
    protocol, goals, actions, next_follow_up, closing = record
    attended = list(attended_agencies) or family or list(attended_network)
    decision = meeting.kind == MeetingKind.DECISION
    return [
        meeting_record_complete(attended, protocol, actions, next_follow_up, closing, decision),
        meeting_is_planned(case, meeting),
        every_action_complete(actions),
        chosen_among_participants(case, attended_agencies, **people),
        plan_names_covered_agencies(case, actions, timezone.localdate()),
        plan_names_covered_network(case, actions, timezone.localdate()),
        network_present_was_invited(meeting, attended_network),
        carried_from_current_plan(case, goals, actions),
        interventions_offered(case, actions),
        closing and closure_reason_given(case, *closing),
    ]
