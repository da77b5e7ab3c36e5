"""Who may see and do what. Every view, list, task list and export asks this module.

Coordinators see their municipality's cases. An agency member sees an open case only while an
active, unexpired consent covers their agency. The steering group and administrators see no
case at all. Lookups are cached on the user object for the length of a request.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from .models import Case, ConsentAgency, Role, Status

AGENCY_ROLES = frozenset(
    {Role.SCHOOL, Role.SOCIAL_SERVICES, Role.POLICE, Role.LEISURE, Role.SAFETY}
)
CASE_ROLES = AGENCY_ROLES | {Role.COORDINATOR}


def roles_of(user):
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if not hasattr(user, "_sspf_roles"):
        user._sspf_roles = frozenset(user.groups.values_list("name", flat=True))
    return user._sspf_roles


def membership_of(user):
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_sspf_membership"):
        from .models import Membership

        user._sspf_membership = (
            Membership.objects.select_related("agency__municipality").filter(user=user).first()
        )
    return user._sspf_membership


def agency_of(user):
    membership = membership_of(user)
    return membership.agency if membership else None


def is_coordinator(user):
    return Role.COORDINATOR in roles_of(user) and agency_of(user) is not None


def works_with_cases(user):
    """Coordinators and agency staff; not the steering group, not administrators."""
    return bool(CASE_ROLES & roles_of(user)) and agency_of(user) is not None


def can_refer(user):
    return works_with_cases(user)


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


def can_view_case(user, case):
    return cases_visible_to(user).filter(pk=case.pk).exists()


def can_coordinate(user, case):
    agency = agency_of(user)
    return is_coordinator(user) and case.municipality_id == agency.municipality_id


def get_case_for(user, number):
    """The case with this number if the user may read it; otherwise 404, never a hint."""
    try:
        return cases_visible_to(user).select_related("youth", "coordinator").get(number=number)
    except Case.DoesNotExist:
        raise Http404 from None


def get_case_to_coordinate(user, number):
    """The case with this number for its coordinator: 404 if the user may not read it, 403 if
    they may read it but not coordinate it (an agency covered by consent)."""
    from django.core.exceptions import PermissionDenied

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


def can_review_log(user):
    """The administrator, and the manager of a coordinator, review the access log."""
    from .models import Membership

    if Role.ADMIN in roles_of(user):
        return True
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_sspf_reviewer"):
        user._sspf_reviewer = Membership.objects.filter(
            manager=user, user__groups__name=Role.COORDINATOR
        ).exists()
    return user._sspf_reviewer


def log_visible_to(user):
    """The access log a reviewer may read: a manager their municipality's, the administrator
    all of it (an installation serves one municipality)."""
    from .models import AccessLog

    if not can_review_log(user):
        return AccessLog.objects.none()
    agency = agency_of(user)
    if Role.ADMIN in roles_of(user) and agency is None:
        return AccessLog.objects.all()
    return AccessLog.objects.filter(case__municipality_id=agency.municipality_id)


def consultations_visible_to(user):
    """Anonymous consultations: the coordinators of the municipality."""
    from .models import Consultation

    if not is_coordinator(user):
        return Consultation.objects.none()
    return Consultation.objects.filter(municipality_id=agency_of(user).municipality_id)


def categories_for(user, case):
    """The information categories the user may see of ``case`` today: all of them for its
    coordinator; for an agency member, those of the active consents covering their agency."""
    from .models import InformationCategory

    if can_coordinate(user, case):
        return frozenset(InformationCategory.values)
    agency = agency_of(user)
    if agency is None:
        return frozenset()
    rows = (
        ConsentAgency.objects.active_on(timezone.localdate())
        .filter(consent__case=case, agency=agency)
        .values_list("consent__categories", flat=True)
    )
    return frozenset(category for categories in rows for category in categories)


# Who may be told by e-mail. An e-mail carries no case content (only the case number, what is
# asked, the deadline and a link that asks this module again), but who gets one is still decided
# here and nowhere else.


def coordinators_of(municipality_id):
    """The active coordinators of a municipality: a task waiting for the role."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_active=True,
        groups__name=Role.COORDINATOR,
        membership__agency__municipality_id=municipality_id,
    )


def task_recipients(task, case):
    """A task assigned to someone: that person, if they may read the case; a task waiting for
    the coordinator role: the municipality's coordinators."""
    if task.owner_id is not None:
        return [task.owner] if task.owner.is_active and can_view_case(task.owner, case) else []
    return list(coordinators_of(case.municipality_id))


def chooses_notifications(user):
    """Who has e-mail from SSPF to choose about: case workers, and the managers who get
    escalations."""
    return works_with_cases(user) or can_review_log(user)


def family_recipients(guardians):
    """The family's addresses for a meeting it is invited to: the guardians with custody who
    gave an e-mail address, as (None, address). ``guardians`` may be prefetched."""
    return [(None, g.email) for g in guardians if g.has_custody and g.email]


def agency_recipients(pairs, day, covered_only=True):
    """For each (case id, agency) pair: the agency's active staff in an agency role and its
    contact address, as (user or None, address) tuples. Only while an active consent covers the
    agency for that case on ``day`` — except, with ``covered_only=False``, to tell an agency that
    its consent was withdrawn. One query for the consents and one for the staff, however many
    pairs."""
    from django.contrib.auth import get_user_model

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
    agency_ids = {agency.pk for _c, agency in pairs}
    staff = {}
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__agency_id__in=agency_ids,
            groups__name__in=[role.value for role in AGENCY_ROLES],
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
        people = [(user, user.email) for user in staff.get(agency.pk, [])]
        addresses = {address for _u, address in people}
        if agency.contact_email and agency.contact_email not in addresses:
            people.append((None, agency.contact_email))
        result[(case_id, agency.pk)] = people
    return result


def managers_of(users):
    """{user id: their active manager} for escalations, in one query."""
    from .models import Membership

    ids = {user.pk for user in users if user is not None}
    if not ids:
        return {}
    rows = Membership.objects.filter(user_id__in=ids, manager__is_active=True).select_related(
        "manager"
    )
    return {row.user_id: row.manager for row in rows}


def can_edit_forms(user):
    """The process owner's work: the administrator edits the form templates."""
    return Role.ADMIN in roles_of(user)


def form_templates_visible_to(user):
    """The templates an editor may change: all of them (an installation serves one
    municipality), or, for an administrator with an agency, their municipality's."""
    from forms.models import FormTemplate

    if not can_edit_forms(user):
        return FormTemplate.objects.none()
    agency = agency_of(user)
    templates = FormTemplate.objects.select_related("municipality")
    return templates.filter(municipality_id=agency.municipality_id) if agency else templates
