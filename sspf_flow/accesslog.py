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


def record(request, cases, what, action=AccessAction.VIEW, basis=None):
    """Log ``cases`` (Case objects) for the request's user. ``basis`` overrides the check for
    accesses the rules allow without reading rights, such as registering one's own referral."""
    cases = list(cases)
    if not cases:
        return
    user = request.user
    if basis is None:
        allowed = set(
            access.cases_visible_to(user)
            .filter(pk__in=[case.pk for case in cases])
            .values_list("pk", flat=True)
        )
    now = timezone.now()
    what = in_log_language(what)
    AccessLog.objects.bulk_create(
        AccessLog(
            at=now,
            user=user,
            agency=access.agency_of(user),
            roles=",".join(sorted(access.roles_of(user))),
            case=case,
            youth_id=case.youth_id,
            what=what,
            action=action,
            ip=request.META.get("REMOTE_ADDR") or None,
            had_basis=basis if basis is not None else case.pk in allowed,
        )
        for case in cases
    )


def record_refused(request, case, what):
    """A request for ``case`` that the rules refused (a typed URL, an old link, a probe): logged
    so that the review sees who tried, never counted as an access without a lawful basis."""
    user = request.user
    AccessLog.objects.create(
        at=timezone.now(),
        user=user,
        agency=access.agency_of(user),
        roles=",".join(sorted(access.roles_of(user))),
        case=case,
        youth_id=case.youth_id,
        what=in_log_language(what),
        action=AccessAction.REFUSED,
        ip=request.META.get("REMOTE_ADDR") or None,
        had_basis=False,
    )


def record_export(request, what):
    """An export that is not about one case (e.g. the access log itself)."""
    user = request.user
    AccessLog.objects.create(
        at=timezone.now(),
        user=user,
        agency=access.agency_of(user),
        roles=",".join(sorted(access.roles_of(user))),
        what=str(what)[:100],
        action=AccessAction.EXPORT,
        ip=request.META.get("REMOTE_ADDR") or None,
        had_basis=True,
    )
