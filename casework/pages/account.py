"""The signed-in user's own login (issue 15): how long it has left, keeping it alive when the
page's warning asks, and where else they are signed in, with a way to end those sessions."""

import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sspf_flow import access, sessions


def _own(request):
    if not access.manages_own_sign_ins(request.user):
        raise PermissionDenied


@require_GET
def session_status(request):
    """Seconds left of the login; asking does not count as activity (IdleSessionMiddleware)."""
    _own(request)  # a visitor: 403, which sends them to the login page
    left, absolute = sessions.remaining(request.session)
    return JsonResponse({"remaining": left, "absolute": absolute})


@require_POST
def session_keepalive(request):
    """The user chose to stay signed in: the request itself is the activity."""
    _own(request)
    request.session[sessions.LAST] = time.time()
    left, absolute = sessions.remaining(request.session)
    return JsonResponse({"remaining": left, "absolute": absolute})


@require_http_methods(["GET", "POST"])
def sign_ins(request):
    """The user's running sign-ins (when, from where, which browser; this one marked), and
    ending all the others."""
    _own(request)
    if request.method == "POST":
        ended = sessions.end_other_sign_ins(request)
        messages.success(
            request,
            ngettext(
                "%(count)d other sign-in was ended.",
                "%(count)d other sign-ins were ended.",
                ended,
            )
            % {"count": ended},
        )
        return redirect("sign_ins")
    rows = list(sessions.active_sign_ins(request.user))
    own = request.session.session_key
    return TemplateResponse(
        request,
        "casework/sign_ins.html",
        {
            "rows": [(row, row.session_key == own) for row in rows],
            "others": sum(1 for row in rows if row.session_key != own),
            "idle_minutes": settings.SSPF_IDLE_MINUTES,
            "max_hours": settings.SSPF_SESSION_MAX_HOURS,
        },
    )
