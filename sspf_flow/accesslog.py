"""Writing the access log: one row per case whose data a user read, changed, exported or
downloaded, with whether the access rules allowed it at that moment (they always should;
the review page flags any row where they did not)."""

from django.conf import settings
from django.utils import timezone, translation

from . import access
from .models import AccessAction, AccessLog


def in_log_language(text):
    """The log reads the same whatever language a user chose: the installation's."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)[:100]


def _entry(request, what, action, had_basis, case=None):
    """One row for the request's user: who, from where, what they did."""
    user = request.user
    return AccessLog(
        at=timezone.now(),
        user=user,
        agency=access.agency_of(user),
        roles=",".join(sorted(access.roles_of(user))),
        case=case,
        youth_id=case.youth_id if case else None,
        what=in_log_language(what),
        action=action,
        ip=request.META.get("REMOTE_ADDR") or None,
        had_basis=had_basis,
    )


def record(request, cases, what, action=AccessAction.VIEW, basis=None):
    """Log ``cases`` (Case objects) for the request's user. ``basis`` overrides the check for
    accesses the rules allow without reading rights, such as registering one's own referral."""
    cases = list(cases)
    if not cases:
        return
    if basis is None:
        allowed = set(
            access.cases_visible_to(request.user)
            .filter(pk__in=[case.pk for case in cases])
            .values_list("pk", flat=True)
        )
    AccessLog.objects.bulk_create(
        _entry(request, what, action, basis if basis is not None else case.pk in allowed, case)
        for case in cases
    )


def record_refused(request, case, what):
    """A request for ``case`` that the rules refused (a typed URL, an old link, a probe): logged
    so that the review sees who tried, never counted as an access without a lawful basis."""
    record(request, [case], what, AccessAction.REFUSED, basis=False)


def record_export(request, what):
    """An export that is not about one case (e.g. the access log itself)."""
    _entry(request, what, AccessAction.EXPORT, had_basis=True).save()
