"""Who may see and do what in an operative group (seed 001): the rules ``access`` offers
(``access.in_operative_group`` and the rest; callers ask ``access``, not this module).

The ground floor knows no operative model: these functions ask duck-typed questions of the
objects they are given (``group.members``, ``group.municipality_id``, ``user.
operative_memberships``). A group's pages are for its members and the coordinators of its
municipality; planning its meetings is for its chair, its secretary and those coordinators.

The programmes run beside the group (seed 001: Youngsters and Top 5 are police and social
services' work; seed 002: SIG is the police's priority list with a coach) name young people:
their lists and records are for the group's police and social services members only, a SIG
person's also for their coach; the Top 5 evaluation, which names no one, is also for the
municipality's coordinators and steering group.

A group-level item of the agenda names the young people of a group only by their cases, and
only where a consent covers them (issue 13, 2): its writer names the cases ``nameable_cases``
keeps of those they read; each reader sees the names of the named cases they may read
(``cases_visible_to``)."""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import identity
from .models.consent import ConsentAgency
from .models.org import AgencyKind, Role

CHAIRING = ("chair", "secretary")
PROGRAMME_AGENCIES = (AgencyKind.POLICE, AgencyKind.SOCIAL_SERVICES)

__all__ = [
    "PROGRAMME_AGENCIES",
    "chairs_group",
    "coaches",
    "coaches_someone",
    "coached_by",
    "consent_rows_of",
    "coordinates_group",
    "groups_visible_to",
    "has_operative_group",
    "in_operative_group",
    "member_of_a_group",
    "nameable_cases",
    "plans_group_meetings",
    "programme_evaluations_visible_to",
    "reads_programme_evaluation",
    "reads_programme_person",
    "sees_group",
    "updates_commitment",
    "works_programmes",
]


def _active(user):
    return user.is_authenticated and user.is_active


def _coordinates_in(user):
    """The municipality a coordinator coordinates in, or None."""
    if not _active(user) or Role.COORDINATOR not in identity.roles_of(user):
        return None
    membership = identity.membership_of(user)
    return membership.agency.municipality_id if membership else None


def in_operative_group(user, group):
    """Whether ``user`` is a member of ``group`` (any role)."""
    return _active(user) and group.members.filter(user=user).exists()


def chairs_group(user, group):
    """The group's chair or secretary: they plan, move and cancel its meetings."""
    return _active(user) and group.members.filter(user=user, role__in=CHAIRING).exists()


def coordinates_group(user, group):
    """A coordinator of the group's municipality."""
    municipality = _coordinates_in(user)
    return municipality is not None and municipality == group.municipality_id


def sees_group(user, group):
    """The group's page, its meetings and their minutes: its members and coordinators."""
    return in_operative_group(user, group) or coordinates_group(user, group)


def plans_group_meetings(user, group):
    return chairs_group(user, group) or coordinates_group(user, group)


def updates_commitment(user, commitment):
    """A joint commitment's status is kept by the members of the group from its responsible
    agency, and by those who record commitments (the chair, the secretary, the coordinator)."""
    group = commitment.meeting.group
    return plans_group_meetings(user, group) or (
        _active(user) and group.members.filter(user=user, agency_id=commitment.agency_id).exists()
    )


def works_programmes(user, group):
    """The group's programmes (Youngsters, Top 5, SIG) with the young people they name: the
    group's members from the police and social services."""
    return (
        _active(user)
        and group.members.filter(user=user, agency__kind__in=PROGRAMME_AGENCIES).exists()
    )


def coaches(user, entry):
    """Whether ``user`` is the coach of a programme entry (a SIG person): they read and keep
    the status of the young people they coach, and no one else's."""
    return _active(user) and entry.coach_id is not None and entry.coach_id == user.pk


def reads_programme_person(user, entry):
    """One SIG person's record (their name, cohort and status notes): those who work the
    group's programmes, and the person's own coach."""
    return works_programmes(user, entry.group) or coaches(user, entry)


def coaches_someone(user):
    """Whether ``user`` coaches any SIG person: their own list of the people they coach (the
    coach is often no member of the group)."""
    return _active(user) and identity.coaches_anyone(user)


def coached_by(user, entries):
    """Narrow a queryset of programme entries to those ``user`` coaches."""
    return entries.filter(coach_id=user.pk) if _active(user) else entries.none()


def reads_programme_evaluation(user, group):
    """A programme's evaluation, which names no one (seed 001: Top 5's after four months is
    presented to the coordination and steering groups): those who work the programmes, the
    municipality's coordinators and its steering group."""
    if works_programmes(user, group) or coordinates_group(user, group):
        return True
    if not _active(user) or Role.STEERING_GROUP not in identity.roles_of(user):
        return False
    membership = identity.membership_of(user)
    return membership is not None and membership.agency.municipality_id == group.municipality_id


def programme_evaluations_visible_to(user, groups):
    """Narrow a queryset of operative groups to those whose programme evaluations ``user``
    reads (``reads_programme_evaluation``): their municipality's, for a coordinator or the
    steering group; the groups whose programmes they work, for the police and social
    services members."""
    if not _active(user):
        return groups.none()
    roles = identity.roles_of(user)
    membership = identity.membership_of(user)
    if membership is not None and roles & {Role.COORDINATOR, Role.STEERING_GROUP}:
        return groups.filter(municipality_id=membership.agency.municipality_id)
    return groups.filter(
        members__user=user, members__agency__kind__in=PROGRAMME_AGENCIES
    ).distinct()


def groups_visible_to(user, groups):
    """Narrow a queryset of operative groups to those ``user`` sees (``sees_group``)."""
    if not _active(user):
        return groups.none()
    municipality = _coordinates_in(user)
    if municipality is not None:
        return groups.filter(municipality_id=municipality)
    return groups.filter(members__user=user).distinct()


def has_operative_group(user):
    """Whether the menu offers the operative group: a coordinator, or a member of a group."""
    if not _active(user):
        return False
    return _coordinates_in(user) is not None or identity.in_an_operative_group(user)


def member_of_a_group(user):
    """Whether ``user`` is a member of any operative group (read with the user's identity)."""
    return _active(user) and identity.in_an_operative_group(user)


def consent_rows_of(cases):
    """{case id: [(agency id, categories)]} of the consents active today on ``cases``, in one
    query: what ``access.sight(user, case, rows)`` reads for one case, for the operative
    agenda's many (its query count does not grow with its cases)."""
    rows = {case.pk: [] for case in cases}
    found = (
        ConsentAgency.objects.active_on(timezone.localdate())
        .filter(consent__case__in=list(rows))
        .values_list("consent__case", "agency", "consent__categories")
    )
    for case_id, agency_id, categories in found:
        rows[case_id].append((agency_id, categories))
    return rows


def nameable_cases(readable, group):
    """Narrow ``readable`` (the writer's ``cases_visible_to``: for an agency, the cases an active
    consent covers it for) to the cases they may name in a group-level item of ``group``: of the
    group's municipality, with a consent active today — covering the writer's agency, which
    ``cases_visible_to`` already asks of an agency; any agency's, for the coordinator."""
    active = ConsentAgency.objects.active_on(timezone.localdate()).filter(
        consent__case=OuterRef("pk")
    )
    return readable.filter(Exists(active), municipality_id=group.municipality_id)
