"""Who may see and do what. Every view, list, task list, export and e-mail asks this module.

Coordinators see their municipality's cases. An agency member sees an open case only while an
active, unexpired consent covers their agency, and of it only the information categories that
consent covers (``sight``). The steering group and administrators see no case at all. Lookups
are cached for the length of a request (``requestcache``); who the user is (roles, agency, whether
they review the log) is one query (``identity``)."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import categories, identity
from .counting_access import *  # noqa: F403 - who records what the statistics count
from .models.accesslog import AccessLog
from .models.case import Case, Status
from .models.consent import ConsentAgency, InformationCategory
from .models.consultation import Consultation
from .models.meeting import MeetingStatus
from .models.org import Role
from .models.plan import Action, Party
from .models.rolechange import RoleChange
from .operative_access import *  # noqa: F403 - the operative group's rules, asked of access
from .refusals import about
from .register_access import *  # noqa: F403 - the register extract's rules (GDPR art. 15)
from .report_access import *  # noqa: F403 - who reads the statistics, asked of access

AGENCY_ROLES = frozenset(
    {Role.SCHOOL, Role.SOCIAL_SERVICES, Role.POLICE, Role.LEISURE, Role.SAFETY}
)
CASE_ROLES = AGENCY_ROLES | {Role.COORDINATOR}


def roles_of(user):
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return identity.roles_of(user)


def membership_of(user):
    if not user.is_authenticated:
        return None
    return identity.membership_of(user)


def agency_of(user):
    membership = membership_of(user)
    return membership.agency if membership else None


def is_coordinator(user):
    return Role.COORDINATOR in roles_of(user) and agency_of(user) is not None


def coordinators_in(municipality_id):
    """The active coordinators of a municipality: who may coordinate its cases."""
    return get_user_model().objects.filter(
        is_active=True,
        groups__name=Role.COORDINATOR,
        membership__agency__municipality_id=municipality_id,
    )


def works_with_cases(user):
    """Coordinators and agency staff who belong to an agency; not the steering group, not
    administrators. They, and only they, may refer a young person."""
    return bool(CASE_ROLES & roles_of(user)) and agency_of(user) is not None


can_refer = works_with_cases


def _covered_by_consent(agency, day):
    return ConsentAgency.objects.active_on(day).filter(consent__case=OuterRef("pk"), agency=agency)


def cases_visible_to(user):
    """The one queryset of cases a user may read."""
    agency = agency_of(user)
    if agency is None:
        return Case.objects.none()
    roles = roles_of(user)
    if Role.COORDINATOR in roles:
        return Case.objects.filter(municipality_id=agency.municipality_id)
    if AGENCY_ROLES & roles:
        today = timezone.localdate()
        return Case.objects.filter(
            Exists(_covered_by_consent(agency, today)),
            municipality_id=agency.municipality_id,
        ).exclude(status=Status.CLOSED)
    return Case.objects.none()


def referrals_of(user):
    """What the user referred: its number and status only, whatever the consent."""
    if not can_refer(user):
        return Case.objects.none()
    return Case.objects.filter(referred_by=user)


def concern_report_cases_for(user):
    """Where the user may record that a report of concern was made: the cases they may read
    and what they referred themselves. Never gated by consent."""
    return (cases_visible_to(user) | referrals_of(user)).distinct()


def is_agency_staff(user):
    return bool(AGENCY_ROLES & roles_of(user))


def reports_incidents(user, case, reads_case=None):
    """Who may report an incident into a running case: its coordinator, and the staff of an
    agency a consent covers (whoever may read the case). ``reads_case``: whether they do,
    when the caller knows it already."""
    if can_coordinate(user, case):
        return True
    if not is_agency_staff(user):
        return False
    return can_view_case(user, case) if reads_case is None else reads_case


def reads_protocol(user, meeting, reads_case=None):
    """A held meeting's protocol and plan: for the case's coordinators and the staff of an
    agency the meeting invited, while they may read the case (what of it they see is their
    ``sight``). ``reads_case``: whether they do, when the caller knows it already."""
    if meeting.status != MeetingStatus.HELD:
        return False
    if can_coordinate(user, meeting.case):
        return True
    agency = agency_of(user)
    if agency is None or not is_agency_staff(user):
        return False
    if agency.pk not in {invited.pk for invited in meeting.invited_agencies.all()}:
        return False
    return can_view_case(user, meeting.case) if reads_case is None else reads_case


def writes_picture(user, meeting, reads_case=None):
    """Who gives an agency's picture before ``meeting``: the staff of an agency the meeting
    invites, while a consent covers it (they may read the case). Not the coordinator, who reads
    the pictures at the meeting. ``reads_case``: whether they may, when the caller knows it."""
    agency = agency_of(user)
    if agency is None or not is_agency_staff(user):
        return False
    if agency.pk not in {invited.pk for invited in meeting.invited_agencies.all()}:
        return False
    return can_view_case(user, meeting.case) if reads_case is None else reads_case


def updates_action(user, action):
    """Staff of the agency responsible for ``action`` may say how it goes (``services.
    update_action``), in their municipality. An agency always sees its own actions."""
    agency = agency_of(user)
    return (
        agency is not None
        and bool(AGENCY_ROLES & roles_of(user))
        and action.party == Party.AGENCY
        and action.agency_id == agency.pk
        and action.plan.case.municipality_id == agency.municipality_id
    )


def actions_updated_by(user):
    """The actions ``user`` may update (``updates_action``), as a queryset."""
    agency = agency_of(user)
    if agency is None or not AGENCY_ROLES & roles_of(user):
        return Action.objects.none()
    return Action.objects.filter(
        party=Party.AGENCY, agency=agency, plan__case__municipality_id=agency.municipality_id
    )


def can_view_case(user, case):
    return cases_visible_to(user).filter(pk=case.pk).exists()


def can_coordinate(user, case):
    agency = agency_of(user)
    return is_coordinator(user) and case.municipality_id == agency.municipality_id


def get_case_for(user, number):
    """The case with this number if the user may read it; otherwise 404, never a hint."""
    try:
        return (
            cases_visible_to(user)
            .select_related("youth", "coordinator", "municipality")
            .get(number=number)
        )
    except Case.DoesNotExist:
        raise Http404 from None


def get_case_to_coordinate(user, number):
    """The case with this number for its coordinator: 404 if the user may not read it, 403 if
    they may read it but not coordinate it (an agency covered by consent)."""
    case = get_case_for(user, number)
    if not can_coordinate(user, case):
        raise PermissionDenied
    return case


def _case_type():
    return ContentType.objects.get_for_model(Case)


def tasks_visible_to(user, tasks):
    """Narrow a viewflow task queryset to the cases the user may read."""
    return tasks.filter(
        process__artifact_content_type=_case_type(),
        process__artifact_object_id__in=cases_visible_to(user).values("pk"),
    )


def processes_visible_to(user, processes):
    return processes.filter(
        artifact_content_type=_case_type(),
        artifact_object_id__in=cases_visible_to(user).values("pk"),
    )


# What a reader sees of one case


def _consent_rows(user, case):
    """(agency, categories) of the consents active today on ``case``: every agency's, so that a
    reader's categories and which agencies may disclose come from one query."""
    return list(
        ConsentAgency.objects.active_on(timezone.localdate())
        .filter(consent__case=case)
        .values_list("agency", "consent__categories")
    )


def categories_for(user, case, rows=None):
    """The information categories the user may see of ``case`` today: all of them for its
    coordinator; for an agency member, those of the active consents covering their agency."""
    if can_coordinate(user, case):
        return frozenset(InformationCategory.values)
    agency = agency_of(user)
    if agency is None:
        return frozenset()
    rows = _consent_rows(user, case) if rows is None else rows
    return frozenset(
        category for agency_id, cats in rows if agency_id == agency.pk for category in cats
    )


def sight(user, case, rows=None):  # rows: from consent_rows_of, read for many cases at once
    agency = agency_of(user)
    coordinates = can_coordinate(user, case)
    rows = [] if coordinates or agency is None else rows
    rows = _consent_rows(user, case) if rows is None else rows
    return categories.Sight(
        categories=categories_for(user, case, rows),
        coordinates=coordinates,
        agency_id=agency.pk if agency else None,
        referring_agency_id=case.referring_agency_id,
        covered=frozenset(agency_id for agency_id, _cats in rows),
    )


# Reviewing the access log, consultations and configuration


def can_review_log(user):
    """The administrator, and the manager of a coordinator, review the access log."""
    if Role.ADMIN in roles_of(user):
        return True
    if not user.is_authenticated:
        return False
    return identity.reviews_coordinators(user)


ALL_MUNICIPALITIES = object()


def reviewed_municipality(user):
    """Whose records a reviewer reads: their municipality's id, ALL_MUNICIPALITIES for the
    administrator without an agency (an installation serves one municipality), or None for
    someone who reviews nothing."""
    if not can_review_log(user):
        return None
    agency = agency_of(user)
    if Role.ADMIN in roles_of(user) and agency is None:
        return ALL_MUNICIPALITIES
    return agency.municipality_id


def log_visible_to(user, caseless=False):
    """The access log a reviewer may read: a manager their municipality's, the administrator
    all of it. With ``caseless``: the reads about no case of the municipality's young people
    (the programmes'), which the per-person report adds."""
    municipality = reviewed_municipality(user)
    if municipality is None:
        return AccessLog.objects.none()
    if municipality is ALL_MUNICIPALITIES:
        return AccessLog.objects.all()
    if caseless:
        return AccessLog.objects.filter(case__isnull=True, youth__municipality_id=municipality)
    return AccessLog.objects.filter(case__municipality_id=municipality)


def role_changes_visible_to(user):
    """Who gave or took which role, for a reviewer: the administrator all of it, a manager
    their municipality's users and the accounts that belong to no municipality (administrators,
    operators)."""
    municipality = reviewed_municipality(user)
    if municipality is None:
        return RoleChange.objects.none()
    if municipality is ALL_MUNICIPALITIES:
        return RoleChange.objects.all()
    return RoleChange.objects.filter(
        Q(user__membership__agency__municipality_id=municipality) | Q(user__membership__isnull=True)
    )


# Who may hold and give roles (the admin's user form asks these)


def administrator_holds_no_case_role(roles):
    """The administrator manages the accounts and reads no case, so the administrator role and
    a role in the casework (coordinator or agency) are never held by one person at once: else
    whoever manages the accounts could give themselves every case."""
    roles = set(roles)
    case_roles = roles & CASE_ROLES
    if Role.ADMIN not in roles or not case_roles:
        return None
    return about(
        "groups",
        format_lazy(
            _(
                "An administrator cannot also have a role in the casework ({roles}). Give the "
                "case role to another account, or take away the administrator role."
            ),
            roles=", ".join(sorted(str(Role(role).label) for role in case_roles)),
        ),
    )


def may_manage_account(actor, account):
    """Only a superuser changes a superuser's account (or sets their password): else an
    administrator could take over the one account that passes every rule."""
    return actor.is_superuser or not account.is_superuser


def roles_given_by_another(actor, user):
    """Nobody gives or takes their own roles, not even a superuser: another administrator does,
    so that every role someone holds was given by somebody else."""
    if actor.pk is not None and actor.pk == user.pk:
        return about("groups", _("You cannot change your own roles: ask another administrator to."))
    return None


def consultations_visible_to(user):
    """Anonymous consultations: the coordinators of the municipality."""
    if not is_coordinator(user):
        return Consultation.objects.none()
    return Consultation.objects.filter(municipality_id=agency_of(user).municipality_id)


def chooses_notifications(user):
    """Who has e-mail from SSPF to choose about: case workers, and the managers who get
    escalations."""
    return works_with_cases(user) or can_review_log(user)


def administers(user):
    """The administrator: users, agencies, the municipality's settings, the outbox (no case)."""
    return Role.ADMIN in roles_of(user)


def can_edit_forms(user):
    """The process owner's work: the administrator edits the form templates."""
    return administers(user)


def form_templates_visible_to(user, templates):
    """Narrow a queryset of form templates to those an editor may change: all of them (an
    installation serves one municipality), or, for an administrator with an agency, their
    municipality's."""
    if not can_edit_forms(user):
        return templates.none()
    agency = agency_of(user)
    return templates.filter(municipality_id=agency.municipality_id) if agency else templates


def manages_own_sign_ins(user):
    """Every signed-in, active user sees where they are signed in and may end their other
    sessions, and keeps their own login alive (sspf_flow.sessions); nobody else's."""
    return user.is_authenticated and user.is_active
