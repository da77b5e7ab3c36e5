"""Who is told by e-mail. An e-mail carries no case content (only the case number, what is asked,
the deadline and a link that asks the access module again), but who gets one is still a question
of access: an agency is told about a case only while a consent covers it, a person only if they
may read the case. Every list here is (user or None, address) pairs."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from sspf_flow import access
from sspf_flow.models import ConsentAgency, Membership


def people(users):
    """(user, address) for users with an e-mail address."""
    return [(user, user.email) for user in users if user is not None and user.email]


def coordinators_of(municipality_id):
    """The active coordinators of a municipality: a task waiting for the role."""
    return access.coordinators_in(municipality_id)


def task_recipients(task, case):
    """A task assigned to someone: that person, if they may read the case; a task waiting for
    the coordinator role: the municipality's coordinators."""
    if task.owner_id is not None:
        owner = task.owner
        return people([owner] if owner.is_active and access.can_view_case(owner, case) else [])
    return people(coordinators_of(case.municipality_id))


def family_recipients(guardians):
    """The family's addresses for a meeting it is invited to: the guardians with custody who
    gave an e-mail address. ``guardians`` may be prefetched."""
    return [(None, g.email) for g in guardians if g.has_custody and g.email]


def agency_recipients(pairs, day, covered_only=True):
    """For each (case id, agency) pair: the agency's active staff in an agency role and its
    contact address. Only while an active consent covers the agency for that case on ``day`` —
    except, with ``covered_only=False``, to tell an agency that its consent was withdrawn or a
    meeting it was invited to is off (which reveals nothing new). One query for the consents and
    one for the staff, however many pairs."""
    pairs = list(pairs)
    if not pairs:
        return {}
    covered = None
    if covered_only:
        covered = set(
            ConsentAgency.objects.active_on(day)
            .filter(consent__case_id__in={case_id for case_id, _a in pairs})
            .values_list("consent__case_id", "agency_id")
        )
    staff = {}
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__agency_id__in={agency.pk for _c, agency in pairs},
            groups__name__in=[role.value for role in access.AGENCY_ROLES],
        )
        .exclude(email="")
        .select_related("membership")
        .distinct()
    )
    for user in users:
        staff.setdefault(user.membership.agency_id, []).append(user)
    result = {}
    for case_id, agency in pairs:
        if covered is not None and (case_id, agency.pk) not in covered:
            result[(case_id, agency.pk)] = []
            continue
        found = people(staff.get(agency.pk, []))
        if agency.contact_email and agency.contact_email not in {a for _u, a in found}:
            found.append((None, agency.contact_email))
        result[(case_id, agency.pk)] = found
    return result


def network_recipients(meeting, day, covered_only=True):
    """The invited network persons who gave an e-mail address — while a consent names them on
    ``day``, except, with ``covered_only=False``, to tell them the meeting is off."""
    persons = meeting.invited_network.exclude(email="")
    if covered_only:
        persons = persons.covered_on(day)
    return [(None, person.email) for person in persons]


def meeting_recipients(case, meeting, agencies=None, covered_only=True):
    """The invited agencies' staff and contact addresses, and the custodial guardians' and the
    invited network persons' addresses (``agencies`` narrows it to those agencies, without the
    family and the network)."""
    family = agencies is None
    agencies = list(meeting.invited_agencies.all()) if agencies is None else agencies
    by_agency = agency_recipients(
        [(case.pk, agency) for agency in agencies], timezone.localdate(), covered_only
    )
    found = [person for group in by_agency.values() for person in group]
    if family and meeting.invite_guardians:
        found += family_recipients(case.youth.guardians.all())
    if family:
        found += network_recipients(meeting, timezone.localdate(), covered_only)
    return found


def managers_of(users):
    """{user id: their active manager} for escalations, in one query."""
    ids = {user.pk for user in users if user is not None}
    if not ids:
        return {}
    rows = Membership.objects.filter(user_id__in=ids, manager__is_active=True).select_related(
        "manager"
    )
    return {row.user_id: row.manager for row in rows}
