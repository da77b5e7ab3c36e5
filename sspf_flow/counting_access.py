"""Who records what the statistics count about a case (``access`` offers these; callers ask
``access``, not this module).

The needs-assessed intervention (*biståndsbedömd insats*, ``Case.social_intervention``) is
social services' decision and social services' kind of information. It is recorded by the
case's coordinator, and by a member of a social-services agency while an active consent covers
that agency with social services' information category: the social worker who knows the
decision. Reading it follows the same category (``categories.Sight.social_intervention``)."""

from django.utils import timezone

from . import identity
from .models.consent import ConsentAgency, InformationCategory
from .models.org import AgencyKind, Role

__all__ = ["records_social_intervention"]


def records_social_intervention(user, case, sight=None):
    """The case's coordinator (also after closure, when the decision may come later), or a
    social-services member whose agency an active consent covers with social services'
    category, while the case is open. ``sight``: the reader's ``access.sight`` of the case,
    when the caller has it (no query then)."""
    if not user.is_authenticated or not user.is_active:
        return False
    membership = identity.membership_of(user)
    if membership is None or membership.agency.municipality_id != case.municipality_id:
        return False
    roles = identity.roles_of(user)
    if Role.COORDINATOR in roles:
        return True
    agency = membership.agency
    if Role.SOCIAL_SERVICES not in roles or agency.kind != AgencyKind.SOCIAL_SERVICES:
        return False
    if not case.is_open:
        return False
    if sight is not None:
        return sight.social_services
    categories = (
        ConsentAgency.objects.active_on(timezone.localdate())
        .filter(consent__case=case, agency=agency)
        .values_list("consent__categories", flat=True)
    )
    return any(InformationCategory.SOCIAL_SERVICES in cats for cats in categories)
